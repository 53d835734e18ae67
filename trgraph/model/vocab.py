"""The vocabulary of trgraph, declared once: entity kinds, link kinds, flags, tiers.

Everything else (Neo4j labels and relationship types, map styles, report wording,
traversal direction) is derived from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EntityKind(StrEnum):
    """What an entity is. Organisation subtypes live in the ``category`` attribute."""

    ORGANISATION = "organisation"
    PERSON = "person"
    HOME = "home"

    @property
    def label(self) -> str:
        """Neo4j node label (CamelCase, derived, never from user text)."""
        return "".join(part.capitalize() for part in self.value.split("_"))


class Flag(StrEnum):
    """Risk flags a path can reach."""

    SANCTION = "sanction"
    EXPORT_CONTROL = "export_control"
    MILITARY = "military"
    STATE = "state"
    SECURITY = "security"
    DEFENCE_INDUSTRY = "defence_industry"


class Tier(StrEnum):
    """Risk tiers (ASPI's scale plus none), most severe first."""

    VERY_HIGH = "very_high"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NONE = "none"

    @property
    def rank(self) -> int:
        """0 for none up to 4 for very_high, for comparisons."""
        return list(reversed(Tier)).index(self)


class Propagation(StrEnum):
    """How risk travels along a link.

    ``to_source``: the link's source inherits the target's risk (child from parent,
    owned from owner, person from employer, partner from funder).
    ``both``: identity links; each side inherits the other's risk.
    ``adjacent``: weak links; risk passes only when the far side is itself flagged
    (one hop, never chained).
    """

    TO_SOURCE = "to_source"
    BOTH = "both"
    ADJACENT = "adjacent"


class LinkKind(StrEnum):
    """Directed link kinds; each has a reverse reading in :data:`LINK_SPECS`."""

    PART_OF = "part_of"
    OWNED_BY = "owned_by"
    CONTROLLED_BY = "controlled_by"
    SUPERVISED_BY = "supervised_by"
    AFFILIATED_WITH = "affiliated_with"
    EMPLOYED_BY = "employed_by"
    FUNDED_BY = "funded_by"
    COLLABORATES_WITH = "collaborates_with"
    LISTED_ON = "listed_on"
    SAME_AS = "same_as"
    POSSIBLY_SAME_AS = "possibly_same_as"
    RELATED_TO = "related_to"
    SUCCEEDED_BY = "succeeded_by"

    @property
    def spec(self) -> LinkSpec:
        """The declared behaviour of this link kind."""
        return LINK_SPECS[self]

    @property
    def rel_type(self) -> str:
        """Neo4j relationship type (upper snake case, derived)."""
        return self.value.upper()


@dataclass(frozen=True, slots=True)
class LinkSpec:
    """Declared behaviour of one link kind.

    ``weight`` is the default factor by which risk is multiplied when it crosses the
    link (the risk configuration may override it); ``counts_as_hop`` is False for
    identity links; ``possible`` marks links that are shown as unconfirmed.
    """

    kind: LinkKind
    reading: str
    reverse: str
    propagation: Propagation
    weight: float
    sources: frozenset[EntityKind]
    targets: frozenset[EntityKind]
    counts_as_hop: bool = True
    possible: bool = False
    identity: bool = False


_ORG = frozenset({EntityKind.ORGANISATION, EntityKind.HOME})
_ANY = frozenset(EntityKind)
_PERSON_OR_ORG = frozenset({EntityKind.PERSON, EntityKind.ORGANISATION})

LINK_SPECS: dict[LinkKind, LinkSpec] = {
    spec.kind: spec
    for spec in (
        LinkSpec(LinkKind.PART_OF, "is part of", "has part", Propagation.TO_SOURCE, 0.9, _ORG, _ORG),
        LinkSpec(LinkKind.OWNED_BY, "is owned by", "owns", Propagation.TO_SOURCE, 0.9, _ORG, _PERSON_OR_ORG),
        LinkSpec(
            LinkKind.CONTROLLED_BY, "is controlled by", "controls", Propagation.TO_SOURCE, 0.9, _ORG, _PERSON_OR_ORG
        ),
        LinkSpec(
            LinkKind.SUPERVISED_BY, "is supervised by", "supervises", Propagation.TO_SOURCE, 0.8, _ORG, _ORG
        ),
        LinkSpec(
            LinkKind.AFFILIATED_WITH, "is affiliated with", "has affiliate", Propagation.TO_SOURCE, 0.7, _ANY, _ORG
        ),
        LinkSpec(
            LinkKind.EMPLOYED_BY, "is employed by", "employs", Propagation.TO_SOURCE, 0.8,
            frozenset({EntityKind.PERSON}), _ORG,
        ),
        LinkSpec(LinkKind.FUNDED_BY, "is funded by", "funds", Propagation.TO_SOURCE, 0.6, _ANY, _PERSON_OR_ORG),
        LinkSpec(
            LinkKind.COLLABORATES_WITH, "collaborates with", "is a partner of", Propagation.TO_SOURCE, 1.0,
            frozenset({EntityKind.HOME}), _ANY,
        ),
        LinkSpec(LinkKind.LISTED_ON, "is listed on", "lists", Propagation.TO_SOURCE, 1.0, _ANY, _ANY),
        LinkSpec(
            LinkKind.SAME_AS, "is the same as", "is the same as", Propagation.BOTH, 1.0, _ANY, _ANY,
            counts_as_hop=False, identity=True,
        ),
        LinkSpec(
            LinkKind.POSSIBLY_SAME_AS, "is possibly the same as", "is possibly the same as", Propagation.BOTH, 0.5,
            _ANY, _ANY, counts_as_hop=False, possible=True, identity=True,
        ),
        LinkSpec(LinkKind.RELATED_TO, "is related to", "is related to", Propagation.ADJACENT, 0.3, _ANY, _ANY),
        LinkSpec(
            LinkKind.SUCCEEDED_BY, "was succeeded by", "succeeded", Propagation.TO_SOURCE, 0.5, _ORG, _ORG,
        ),
    )
}

#: Organisation categories we recognise (free-form values are allowed too).
ORG_CATEGORIES = (
    "university",
    "company",
    "government",
    "research_institute",
    "military",
    "funder",
    "vessel",
    "other",
)
