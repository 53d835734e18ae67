"""Ownership by listed parties under the OFAC, BIS and UK rules.

* **OFAC** (50 Percent Rule, FAQ 398–401) and **BIS** (the Entity List / MEU
  affiliates rule, modelled on OFAC's): an entity is blocked when the stakes held in it
  by listed parties, directly or through entities that are themselves blocked, sum to
  50% or more. Computed as a fixpoint over the ownership graph: a blocked
  intermediary's stake counts whole (never multiplied along the chain).
* **UK** (OFSI ownership and control guidance): an entity is blocked when *one*
  designated person holds more than 50%, directly or through entities that person
  holds more than 50% of; stakes of different designated persons are never summed.

Only ``owned_by`` links count (control is not ownership); ended stakes are ignored;
``same_as`` clusters are one party, and a stake stated by several members of a
cluster is counted once (the largest). Unknown percentages make the answer
``indeterminate`` with a lower bound (unknown stakes count 0) and an upper bound (they
take everything the known stakes leave). The finding is worded as ownership "by listed
parties", never as control.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from trgraph.errors import TrgraphError
from trgraph.model import Entity, JsonDict, Link, LinkKind
from trgraph.store import Store

MAX_DEPTH = 12
MAX_PARTIES = 5000


class Regime(StrEnum):
    """Which rule to apply."""

    OFAC = "ofac"
    BIS = "bis"
    UK = "uk"


@dataclass(frozen=True, slots=True)
class ListedRule:
    """Which parties count as listed under a regime: by dataset, by list name (case-insensitive
    substring of ``Entity.lists``) or by flag."""

    datasets: tuple[str, ...] = ()
    list_patterns: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    def matches(self, entity: Entity) -> bool:
        """True when ``entity`` is listed under this rule."""
        if entity.provenance.dataset in self.datasets:
            return True
        if any(f.value in self.flags for f in entity.flags):
            return True
        lists = [name.casefold() for name in entity.lists]
        return any(p.casefold() in name for p in self.list_patterns for name in lists)


DEFAULT_RULES: dict[Regime, ListedRule] = {
    Regime.OFAC: ListedRule(("ofac",), ("sdn", "specially designated national", "ofac")),
    Regime.BIS: ListedRule((), ("entity list", "military end user", "military end-user", "(meu)", "us_bis")),
    Regime.UK: ListedRule(("uk_sanctions",), ("uk sanctions", "uk_sanctions", "ofsi", "gb_hmt", "gb_fcdo")),
}

WORDING: dict[Regime, str] = {
    Regime.OFAC: "owned 50% or more in aggregate by listed parties (OFAC 50 Percent Rule)",
    Regime.BIS: "owned 50% or more in aggregate by listed parties (BIS affiliates rule)",
    Regime.UK: "owned more than 50% by a single designated person (UK ownership test)",
}


@dataclass(frozen=True, slots=True)
class Stake:
    """``owner`` holds ``pct`` percent (None when unknown) of the entity, per ``link``."""

    owner: str
    pct: float | None
    link: Link | None = None


@dataclass(slots=True)
class Fixpoint:
    """Lower and upper aggregate per party, and who is blocked for sure / possibly."""

    low: dict[str, float]
    high: dict[str, float]
    blocked: set[str]
    possibly: set[str]


def blocked_fixpoint(
    stakes: Mapping[str, Sequence[Stake]], listed: Iterable[str], *, threshold: float = 50.0, strict: bool = False
) -> Fixpoint:
    """Blocked parties as a fixpoint: a party is blocked when the stakes held by blocked parties
    reach ``threshold`` (``> threshold`` when ``strict``). Listed parties are blocked.

    ``possibly`` holds the parties that would be blocked if every unknown stake were as large
    as the known stakes allow (each party's stakes sum to at most 100%).
    """
    listed_set = set(listed)

    def reaches(total: float) -> bool:
        return total > threshold + 1e-9 if strict else total >= threshold - 1e-9

    def run(optimistic: bool) -> tuple[set[str], dict[str, float]]:
        blocked = set(listed_set)
        totals: dict[str, float] = {}
        changed = True
        while changed:
            changed = False
            for party, held in stakes.items():
                total = _aggregate(held, blocked, optimistic)
                totals[party] = total
                if party not in blocked and reaches(total):
                    blocked.add(party)
                    changed = True
        return blocked, totals

    blocked, low = run(False)
    possibly, high = run(True)
    return Fixpoint(low, high, blocked, possibly)


def _aggregate(held: Sequence[Stake], blocked: set[str], optimistic: bool) -> float:
    known_all = sum(s.pct for s in held if s.pct is not None)
    total = sum(s.pct for s in held if s.pct is not None and s.owner in blocked)
    if optimistic and any(s.pct is None and s.owner in blocked for s in held):
        total += max(0.0, 100.0 - known_all)
    return min(total, 100.0)


@dataclass(slots=True)
class OwnershipGraph:
    """The ownership links above one entity, over ``same_as`` clusters."""

    root: str
    cluster_of: dict[str, str]
    members: dict[str, list[Entity]]
    stakes: dict[str, list[Stake]]
    cut: bool = False

    def name(self, party: str) -> str:
        """Display name of a party (its first member's name)."""
        found = self.members.get(party)
        return found[0].name if found else party


def ownership_graph(store: Store, entity: Entity, *, max_depth: int = MAX_DEPTH) -> OwnershipGraph:
    """Read the owners of ``entity``, their owners and so on (bounded), merging ``same_as`` clusters."""
    today = dt.date.today().isoformat()
    cluster_of: dict[str, str] = {}
    members: dict[str, list[Entity]] = {}
    raw: dict[str, list[Link]] = {}
    queue: deque[tuple[str, int]] = deque([(entity.id, 0)])
    cut = False
    while queue:
        start, depth = queue.popleft()
        if start in cluster_of:
            continue
        if len(cluster_of) >= MAX_PARTIES:
            cut = True
            break
        cluster, links = _cluster(store, start)
        for member in cluster:
            cluster_of[member] = start
        ents = store.get_entities(cluster)
        members[start] = [ents[i] for i in cluster if i in ents]
        raw[start] = [lk for lk in links if lk.kind == LinkKind.OWNED_BY and lk.source in cluster
                      and not _ended(lk, today)]
        for lk in raw[start]:
            if lk.target not in cluster_of:
                if depth + 1 > max_depth:
                    cut = True
                    continue
                queue.append((lk.target, depth + 1))
    stakes: dict[str, list[Stake]] = {}
    for party, links in raw.items():
        best: dict[str, Stake] = {}
        for lk in links:
            owner = cluster_of.get(lk.target)
            if owner is None or owner == party:
                continue
            stake = Stake(owner, lk.share_pct, lk)
            old = best.get(owner)
            if old is None or (stake.pct or -1.0) > (old.pct or -1.0):
                best[owner] = stake
        stakes[party] = list(best.values())
    return OwnershipGraph(entity.id, cluster_of, members, stakes, cut)


def _cluster(store: Store, start: str) -> tuple[list[str], list[Link]]:
    seen = [start]
    links: list[Link] = []
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for lk in store.links_of(node, "both"):
            links.append(lk)
            if lk.kind == LinkKind.SAME_AS:
                other = lk.target if lk.source == node else lk.source
                if other not in seen:
                    seen.append(other)
                    queue.append(other)
    return seen, links


def _ended(link: Link, today: str) -> bool:
    end = link.attrs.get("end_date")
    return bool(end) and str(end) < today


@dataclass(slots=True)
class OwnershipFinding:
    """The answer for one entity under one regime."""

    entity: Entity
    regime: Regime
    status: str
    aggregate_pct: float | None
    lower_pct: float
    upper_pct: float
    contributors: list[JsonDict]
    finding: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> JsonDict:
        """The ``ownership --json`` shape."""
        e = self.entity
        return {
            "entity": {"id": e.id, "name": e.name, "kind": e.kind.value, "country": e.country,
                       "flags": sorted(f.value for f in e.flags), "lists": list(e.lists)},
            "regime": self.regime.value,
            "status": self.status,
            "aggregate_pct": self.aggregate_pct,
            "bounds": {"lower_pct": self.lower_pct, "upper_pct": self.upper_pct},
            "finding": self.finding,
            "contributors": self.contributors,
            "notes": self.notes,
        }


def assess_ownership(
    store: Store, entity: Entity, regime: Regime | str, *, rule: ListedRule | None = None
) -> OwnershipFinding:
    """Apply ``regime``'s ownership rule to ``entity`` (see the module docstring)."""
    try:
        regime = Regime(regime)
    except ValueError:
        raise TrgraphError(f"unknown regime {regime!r}; use one of {', '.join(r.value for r in Regime)}") from None
    rule = rule or DEFAULT_RULES[regime]
    graph = ownership_graph(store, entity)
    listed = {party for party, ents in graph.members.items() if any(rule.matches(e) for e in ents)}
    root = graph.root
    notes = ["based on the ownership links in the store; ownership not recorded there is not seen"]
    if graph.cut:
        notes.append(f"ownership graph cut at {MAX_PARTIES} parties or {MAX_DEPTH} levels")
    if root in listed:
        return OwnershipFinding(entity, regime, "blocked", 100.0, 100.0, 100.0, [], "listed itself", notes)
    if regime is Regime.UK:
        return _assess_uk(graph, entity, listed, notes)
    fix = blocked_fixpoint(graph.stakes, listed)
    low, high = fix.low.get(root, 0.0), fix.high.get(root, 0.0)
    status = _status(root in fix.blocked, root in fix.possibly)
    contributors = [
        _contributor(graph, s, listed, fix.blocked if s.owner in fix.blocked else fix.possibly)
        for s in graph.stakes.get(root, []) if s.owner in fix.possibly
    ]
    finding = WORDING[regime] if status == "blocked" else _not_finding(status, regime)
    return OwnershipFinding(entity, regime, status, low if status != "indeterminate" else None,
                            round(low, 4), round(high, 4), contributors, finding, notes)


def _assess_uk(graph: OwnershipGraph, entity: Entity, listed: set[str], notes: list[str]) -> OwnershipFinding:
    root = graph.root
    best: tuple[float, float, str | None, Fixpoint | None] = (0.0, 0.0, None, None)
    status = "not_blocked"
    for person in sorted(listed):
        fix = blocked_fixpoint(graph.stakes, [person], strict=True)
        low, high = fix.low.get(root, 0.0), fix.high.get(root, 0.0)
        this = _status(root in fix.blocked, root in fix.possibly)
        if _rank(this) > _rank(status) or (this == status and (low, high) > best[:2]):
            status, best = this, (low, high, person, fix)
    low, high, chosen, chosen_fix = best
    contributors: list[JsonDict] = []
    if chosen_fix is not None and chosen is not None:
        fx, who = chosen_fix, chosen
        contributors = [
            _contributor(graph, s, {who}, fx.blocked if s.owner in fx.blocked else fx.possibly)
            for s in graph.stakes.get(root, []) if s.owner in fx.possibly
        ]
        notes.append(f"largest holding by one designated person: {graph.name(who)} ({who})")
    if len(listed) > 1:
        notes.append("stakes of different designated persons are not added together under the UK test")
    finding = WORDING[Regime.UK] if status == "blocked" else _not_finding(status, Regime.UK)
    return OwnershipFinding(entity, Regime.UK, status, low if status != "indeterminate" else None,
                            round(low, 4), round(high, 4), contributors, finding, notes)


def _status(blocked: bool, possibly: bool) -> str:
    return "blocked" if blocked else ("indeterminate" if possibly else "not_blocked")


def _rank(status: str) -> int:
    return {"not_blocked": 0, "indeterminate": 1, "blocked": 2}[status]


def _not_finding(status: str, regime: Regime) -> str:
    if status == "indeterminate":
        return "cannot be decided: some stakes are unknown (see the bounds)"
    return "not " + WORDING[regime].split(" (")[0] + " on the ownership recorded"


def _contributor(graph: OwnershipGraph, stake: Stake, listed: set[str], blocked: set[str]) -> JsonDict:
    owner_ents = graph.members.get(stake.owner, [])
    first = owner_ents[0] if owner_ents else None
    return {
        "owner": {
            "id": stake.owner,
            "name": graph.name(stake.owner),
            "lists": sorted({n for e in owner_ents for n in e.lists}),
            "flags": sorted({f.value for e in owner_ents for f in e.flags}),
            "kind": first.kind.value if first else None,
        },
        "pct": stake.pct,
        "basis": "listed" if stake.owner in listed else "owned by listed parties (itself blocked under the rule)",
        "path": _path_to_listed(graph, stake.owner, listed, blocked),
        "link": stake.link.id if stake.link else None,
        "provenance": stake.link.provenance.to_dict() if stake.link else None,
    }


def _path_to_listed(graph: OwnershipGraph, start: str, listed: set[str], blocked: set[str]) -> list[JsonDict]:
    """From ``start`` up to a listed party through blocked owners, largest stake first."""
    path: list[JsonDict] = [{"id": start, "name": graph.name(start), "pct": None}]
    seen = {start}
    node = start
    while node not in listed:
        options = [s for s in graph.stakes.get(node, []) if s.owner in blocked and s.owner not in seen]
        if not options:
            break
        nxt = max(options, key=lambda s: (s.owner in listed, s.pct or 0.0))
        path.append({"id": nxt.owner, "name": graph.name(nxt.owner), "pct": nxt.pct})
        seen.add(nxt.owner)
        node = nxt.owner
    return path
