"""How strongly risk crosses each link and how far it travels: the propagation parameters.

Queries use these to rank and bound what they find; they never decide tiers (that is
:mod:`trgraph.risk`). Defaults come from the model (:data:`trgraph.model.LINK_SPECS`);
the risk configuration (``trgraph/risk/default.toml``) may override every number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from trgraph.model import LINK_SPECS, Flag, LinkKind

#: Channels of the bulk search: one per risk flag, plus the ASPI tracker category.
CHANNELS: tuple[str, ...] = (*(f.value for f in Flag), "aspi")
ASPI_CHANNEL = len(Flag)

DEFAULT_FLAG_WEIGHTS: dict[Flag, float] = {
    Flag.SANCTION: 1.0,
    Flag.EXPORT_CONTROL: 0.9,
    Flag.MILITARY: 0.9,
    Flag.SECURITY: 0.8,
    Flag.DEFENCE_INDUSTRY: 0.7,
    Flag.STATE: 0.5,
}

DEFAULT_ASPI_WEIGHTS: dict[str, float] = {
    "seven_sons_of_national_defence": 0.9,
    "military": 0.9,
    "security": 0.8,
    "defence_industry_conglomerate": 0.7,
    "civilian": 0.1,
}


def norm_category(text: str) -> str:
    """A category as a config key: ``"Seven Sons of National Defence"`` → ``seven_sons_of_national_defence``."""
    return "_".join(text.casefold().replace("-", " ").replace("_", " ").split())


def _default_links() -> dict[LinkKind, float]:
    return {kind: spec.weight for kind, spec in LINK_SPECS.items()}


@dataclass(frozen=True, slots=True)
class Weights:
    """Propagation parameters.

    A path's score is ``target weight × Π link weight × hop_decay^hops``, where a link
    whose ``end_date`` is past weighs ``ended_factor`` times less, and a path passing
    *through* a hub (a node with more than ``hub_min_in_degree`` inheritors) is
    multiplied by ``hub_factor`` (0 stops it; the hub itself as the flagged target is
    always kept). The target weight is the largest of its flags' weights (and of its
    ASPI category weight).
    """

    link: Mapping[LinkKind, float] = field(default_factory=_default_links)
    flag: Mapping[Flag, float] = field(default_factory=lambda: dict(DEFAULT_FLAG_WEIGHTS))
    aspi: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_ASPI_WEIGHTS))
    aspi_datasets: tuple[str, ...] = ("aspi",)
    hop_decay: float = 0.85
    ended_factor: float = 0.5
    hub_min_in_degree: int = 500
    hub_factor: float = 0.0

    def channel_weights(self) -> list[float]:
        """Weight of each channel's flag, in :data:`CHANNELS` order (the ASPI channel is 1: its
        per-category weight is applied per entity)."""
        return [float(self.flag.get(f, 0.0)) for f in Flag] + [1.0]

    def link_weight(self, kind: LinkKind, *, ended: bool = False) -> float:
        """The factor one link multiplies a path by (hop decay not included)."""
        w = float(self.link.get(kind, LINK_SPECS[kind].weight))
        return w * self.ended_factor if ended else w
