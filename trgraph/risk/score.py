"""Risk per partner: a score in [0, 1], a tier, the flags reached, and the rules and facts behind them.

The numbers come from the queries (channel values from the bulk search, paths from
the path finder); this module judges them with the configuration:

1. each channel (a flag, or the ASPI category) keeps its best path contribution;
2. channels combine by noisy-OR (``1 − Π(1 − c)``: distinct flags reinforce each
   other, repeated paths to one flag do not) or by max;
3. the agreements' sensitivity tags and the partner's country amplify the result,
   ``score = 1 − (1 − base)^m``: a partner with nothing reached stays at 0, and the
   score never leaves [0, 1];
4. the tier is read from the thresholds.

Portfolio-wide scoring builds the whole-store index once and runs one bulk search;
paths are enumerated only for the partners shown.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from trgraph.model import Entity, Flag, JsonDict, Link, Tier
from trgraph.queries.index import GraphIndex, build_index
from trgraph.queries.paths import PathSearch, find_paths, reach_of
from trgraph.queries.reach import Reach, bulk_reach
from trgraph.queries.snapshot import current_index, entity_index
from trgraph.queries.source import CurrentFacts, Facts
from trgraph.queries.weights import ASPI_CHANNEL, CHANNELS
from trgraph.risk.config import RiskConfig
from trgraph.risk.tiers import thresholds_text, tier_rule
from trgraph.store import Store


@dataclass(frozen=True, slots=True)
class Modifier:
    """A fact about the partner or its agreements that amplifies its score."""

    rule: str
    facts: JsonDict
    multiplier: float

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {"rule": self.rule, "facts": self.facts, "multiplier": round(self.multiplier, 6)}


@dataclass(slots=True)
class PartnerRisk:
    """One partner's judged risk, with everything needed to explain it."""

    entity: Entity
    score: float
    base: float
    tier: Tier
    flags: list[str]
    min_hops: int | None
    channels: dict[str, float]
    modifiers: list[Modifier]
    exponent: float
    agreements: list[Link]
    search: PathSearch | None = None

    def to_dict(self, config: RiskConfig) -> JsonDict:
        """The PRODUCT.md partner object of ``risk --json`` (plus ``explanation`` and facts)."""
        s = self.search
        return {
            "id": self.entity.id,
            "name": self.entity.name,
            "kind": self.entity.kind.value,
            "country": self.entity.country,
            "score": round(self.score, 6),
            "tier": self.tier.value,
            "flags": self.flags,
            "min_hops": self.min_hops,
            "paths": [p.to_dict(s.entities) for p in s.paths] if s else [],
            "paths_enumerated": s is not None,
            "paths_found": s.found if s else None,
            "paths_cut": s.cut if s else None,
            "agreements": [_agreement(lk) for lk in self.agreements],
            "explanation": self.explanation(config),
        }

    def explanation(self, config: RiskConfig) -> JsonDict:
        """The rules, weights and facts that produced the score."""
        best = _best_paths(self.search, config.weights.aspi_datasets)
        channels = []
        for name, value in self.channels.items():
            if value <= 0:
                continue
            item: JsonDict = {"channel": name, "value": round(value, 6)}
            if name != "aspi":
                item["flag_weight"] = config.weights.flag.get(Flag(name), 0.0)
            if name in best:
                item["best_path"] = best[name]
            channels.append(item)
        return {
            "rules": rules_text(config),
            "channels": channels,
            "combine": config.combine,
            "base_score": round(self.base, 6),
            "modifiers": [m.to_dict() for m in self.modifiers],
            "exponent": round(self.exponent, 6),
            "score": round(self.score, 6),
            "tier_rule": tier_rule(self.score, config.tiers),
            "facts": {
                "agreements": len(self.agreements),
                "amount_gbp": round(sum(_amount(lk) for lk in self.agreements), 2),
                "departments": sorted({str(lk.attrs["department"]) for lk in self.agreements
                                       if lk.attrs.get("department")}),
                "country": self.entity.country,
                "min_hops": self.min_hops,
            },
            "config": {"source": config.source, "digest": config.digest},
        }


def _best_paths(search: PathSearch | None, aspi_datasets: tuple[str, ...]) -> dict[str, JsonDict]:
    out: dict[str, JsonDict] = {}
    if search is None:
        return out
    for path in search.paths:
        # the path's target first, then the other flagged members of its same_as cluster
        for target_id in (path.target, *(a.id for a in path.also)):
            target = search.entities.get(target_id)
            if target is None:
                continue
            names = [f.value for f in target.flags]
            if target.provenance.dataset in aspi_datasets and target.attrs.get("category"):
                names.append("aspi")
            for name in names:
                if name not in out:
                    out[name] = {"target": target_id, "target_name": target.name, "hops": path.hops,
                                 "score": round(path.score, 6)}
    return out


def _agreement(link: Link) -> JsonDict:
    a = link.attrs
    return {k: a.get(k) for k in ("agreement_id", "department", "project", "sensitivity", "amount_gbp",
                                  "start_date", "end_date", "funder_name") if a.get(k) not in (None, [], "")}


def _amount(link: Link) -> float:
    try:
        return float(link.attrs.get("amount_gbp") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def rules_text(config: RiskConfig) -> list[str]:
    """The scoring rules with this configuration's numbers."""
    w = config.weights
    hub = (f"a hub (more than {w.hub_min_in_degree} inheritors) passes on only its own flags"
           if w.hub_factor == 0 else
           f"a hub (more than {w.hub_min_in_degree} inheritors) passes on its own flags and "
           f"{w.hub_factor:g} of what it inherits")
    combine = "1 − Π(1 − channel)" if config.combine == "noisy_or" else "max(channel)"
    return [
        f"path contribution = target weight × Π link weight × {w.hop_decay:g}^hops "
        f"(within {config.max_hops} hops; ended links count {w.ended_factor:g} of their weight; "
        "same_as/possibly_same_as are not hops)",
        "risk travels child ← parent, owned ← owner, person ← employer/affiliation, partner ← funder; "
        "related_to passes one hop, only from a flagged far end",
        hub,
        f"channels (each flag, and the ASPI category) keep their best path; base = {combine}",
        f"score = 1 − (1 − base)^m, m = sensitivity multipliers (product, capped at {config.max_multiplier:g}) "
        "× country multiplier",
        f"tiers: {thresholds_text(config.tiers)}",
    ]


def combine(values: Sequence[float], method: str) -> float:
    """Combine channel values: noisy-OR or max."""
    vals = [min(max(float(v), 0.0), 1.0) for v in values]
    if not vals:
        return 0.0
    if method == "max":
        return max(vals)
    return 1.0 - math.prod(1.0 - v for v in vals)


def modifiers_for(entity: Entity, agreements: Iterable[Link], config: RiskConfig) -> list[Modifier]:
    """Sensitivity (from the agreements' tags) and country multipliers that apply."""
    tags = sorted({str(t) for lk in agreements for t in (lk.attrs.get("sensitivity") or [])})
    out: list[Modifier] = []
    applied = {t: config.sensitivity[t] for t in tags if t in config.sensitivity}
    if applied:
        product = min(math.prod(applied.values()), config.max_multiplier)
        out.append(Modifier("sensitivity", {"tags": tags, "applied": applied}, product))
    country = (entity.country or "").upper()
    if country in config.countries and config.countries[country] != 1.0:
        out.append(Modifier("country", {"country": country}, config.countries[country]))
    return out


def judge(entity: Entity, values: NDArray[np.float32], min_hops: int | None, agreements: list[Link],
          config: RiskConfig) -> PartnerRisk:
    """Score one partner from its channel values (see the module docstring)."""
    channels = {name: float(values[i]) for i, name in enumerate(CHANNELS)}
    base = combine([v for v in channels.values() if v > 0], config.combine)
    modifiers = modifiers_for(entity, agreements, config)
    exponent = math.prod(m.multiplier for m in modifiers) if modifiers else 1.0
    score = 1.0 - (1.0 - base) ** exponent if base > 0 else 0.0
    score = min(max(score, 0.0), 1.0)
    flags = [name for i, name in enumerate(CHANNELS) if i != ASPI_CHANNEL and values[i] > 0]
    return PartnerRisk(entity, score, base, config.tier(score), flags, min_hops if base > 0 else None,
                       channels, modifiers, exponent, agreements)


def score_partner(store: Store, entity: Entity, config: RiskConfig, *, with_paths: bool = True,
                  max_hops: int | None = None) -> PartnerRisk:
    """One entity's risk, from :func:`trgraph.queries.snapshot.entity_index` (fast in any store)."""
    hops = config.max_hops if max_hops is None else max_hops
    index = entity_index(store, entity.id, config.weights, max_hops=hops)
    reach = reach_of(index, config.weights, entity.id, hops)
    agreements = [lk for lk in store.links_of(entity.id, "in") if lk.kind.value == "collaborates_with"]
    values, min_hops = reach.of(index.node(entity.id))
    risk = judge(entity, values, min_hops, agreements, config)
    if with_paths:
        risk.search = find_paths(store, entity, config.weights, max_hops=hops, limit=max(config.top_paths, 1),
                                 cap=config.path_cap, index=index, reach=reach)
    return risk


@dataclass(slots=True)
class Portfolio:
    """Every partner's risk (highest first), and how it was computed."""

    partners: list[PartnerRisk]
    index: GraphIndex
    reach: Reach
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self, config: RiskConfig) -> JsonDict:
        """The ``risk --json`` shape for the whole portfolio."""
        by_tier = {t.value: 0 for t in Tier}
        for p in self.partners:
            by_tier[p.tier.value] += 1
        return {
            "partners": [p.to_dict(config) for p in self.partners],
            "summary": {"partners": len(self.partners), "by_tier": by_tier,
                        "flagged": sum(1 for p in self.partners if p.flags)},
            "max_hops": self.reach.max_hops,
            "rules": rules_text(config),
            "config": {"source": config.source, "digest": config.digest},
            "index": {"entities": len(self.index.ids), "nodes": self.index.n_nodes, "edges": self.index.n_edges},
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "notes": self.notes,
        }


def partner_agreements(agreements: Iterable[Link]) -> dict[str, list[Link]]:
    """Agreements grouped by partner id (the register's ``collaborates_with`` targets)."""
    out: dict[str, list[Link]] = defaultdict(list)
    for lk in agreements:
        out[lk.target].append(lk)
    return dict(out)


def score_portfolio(
    source: Store | Facts,
    config: RiskConfig,
    *,
    store: Store | None = None,
    show: int | None = None,
    with_paths: bool = True,
    max_hops: int | None = None,
) -> Portfolio:
    """Every register partner's risk from one bulk search over the whole-store index.

    Paths are enumerated for the ``show`` highest-scoring flagged partners only
    (``config.show_partners`` by default; 0 means all).
    """
    facts: Facts = CurrentFacts(source) if isinstance(source, Store) else source
    store = store or facts.store
    hops = config.max_hops if max_hops is None else max_hops
    clock = time.perf_counter()
    if isinstance(facts, CurrentFacts):
        index = current_index(facts.store, aspi_datasets=config.weights.aspi_datasets)
    else:
        index = build_index(facts, aspi_datasets=config.weights.aspi_datasets)
    timings = {"index": time.perf_counter() - clock}
    clock = time.perf_counter()
    reach = bulk_reach(index, config.weights, max_hops=hops)
    timings["search"] = time.perf_counter() - clock
    clock = time.perf_counter()
    grouped = partner_agreements(facts.agreements(index.homes()))
    entities = facts.get_entities(grouped)
    partners = []
    for pid in sorted(grouped):
        entity = entities.get(pid)
        if entity is None:
            continue
        values, min_hops = reach.of(index.node(pid))
        partners.append(judge(entity, values, min_hops, grouped[pid], config))
    partners.sort(key=lambda p: (-p.score, p.entity.name.casefold(), p.entity.id))
    timings["judge"] = time.perf_counter() - clock
    notes: list[str] = []
    if with_paths:
        clock = time.perf_counter()
        limit = config.show_partners if show is None else show
        chosen = [p for p in partners if p.base > 0]
        if limit > 0 and len(chosen) > limit:
            notes.append(f"paths enumerated for the {limit} highest-scoring of {len(chosen)} flagged partners")
            chosen = chosen[:limit]
        for p in chosen:
            p.search = find_paths(store, p.entity, config.weights, max_hops=hops, limit=max(config.top_paths, 1),
                                  cap=config.path_cap, index=index, reach=reach)
        timings["paths"] = time.perf_counter() - clock
    return Portfolio(partners, index, reach, timings, notes)
