"""The pieces maps are built from: partner facts, node and edge records, tooltips, legend.

Every text taken from data goes into tooltips through :func:`~trgraph.render.style.esc`
(vis-network shows our tooltip HTML as a DOM fragment); labels stay plain text,
which vis-network draws on the canvas and never parses.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from trgraph.model import Entity, EntityKind, Flag, JsonDict, Link, LinkKind, Provenance, Tier
from trgraph.render.style import (
    FLAG_COLOURS,
    HOME_COLOUR,
    INTERMEDIATE_COLOUR,
    KIND_LABELS,
    OTHER_COLOUR,
    PLAIN_EDGE_COLOUR,
    ROLE_SHAPES,
    TIER_COLOURS,
    esc,
    flag_label,
    flags_of,
    link_label,
    primary_flag,
    tier_label,
    tier_of,
)

LABEL_MAX = 40
GROUP_NAMES_SHOWN = 30


def short(name: str, limit: int = LABEL_MAX) -> str:
    """A canvas label: the name, cut with an ellipsis when long."""
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1] + "…"


def money(amount: float) -> str:
    """£ with thousands separators, no pence."""
    return f"£{amount:,.0f}"


@dataclass
class PartnerFacts:
    """One partner as the portfolio map sees it: agreements, money, risk."""

    id: str
    name: str
    entity: Entity | None = None
    risk: Mapping[str, Any] | None = None
    agreements: int = 0
    amount: float = 0.0
    departments: dict[str, float] = field(default_factory=dict)

    @property
    def tier(self) -> Tier:
        """The partner's tier (``none`` without a risk object)."""
        return tier_of((self.risk or {}).get("tier"))

    @property
    def score(self) -> float:
        """The partner's score (0 without a risk object)."""
        value = (self.risk or {}).get("score")
        return float(value) if isinstance(value, int | float) else 0.0

    @property
    def flags(self) -> list[Flag]:
        """Flags the partner reaches or carries itself."""
        own = self.entity.flags if self.entity else frozenset()
        return flags_of([*((self.risk or {}).get("flags") or ()), *own])

    @property
    def paths(self) -> list[Mapping[str, Any]]:
        """The partner's risk paths."""
        return list((self.risk or {}).get("paths") or ())

    @property
    def clean(self) -> bool:
        """No tier above none, no flag, no path: may be grouped away."""
        return self.tier is Tier.NONE and not self.flags and not self.paths

    @property
    def country(self) -> str | None:
        """The partner's country, when known."""
        return self.entity.country if self.entity else None

    @property
    def department(self) -> str | None:
        """The department with the most money (then agreements, then name) in this partnership."""
        if not self.departments:
            return None
        return min(self.departments.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def partner_facts(
    partners: Sequence[Mapping[str, Any]], ents: Mapping[str, Entity], agreements: Iterable[Link]
) -> dict[str, PartnerFacts]:
    """Partners from the agreements and the risk objects, merged by id."""
    facts: dict[str, PartnerFacts] = {}
    for link in agreements:
        if link.kind is not LinkKind.COLLABORATES_WITH:
            continue
        entity = ents.get(link.target)
        f = facts.setdefault(link.target, PartnerFacts(link.target, entity.name if entity else link.target, entity))
        amount = _number(link.attrs.get("amount_gbp"))
        f.agreements += 1
        f.amount += amount
        dept = link.attrs.get("department")
        if dept:
            # weight by money, plus a tiny share per agreement so unfunded ones still count
            f.departments[str(dept)] = f.departments.get(str(dept), 0.0) + amount + 1e-6
    for risk in partners:
        pid = str(risk["id"])
        f = facts.setdefault(pid, PartnerFacts(pid, str(risk.get("name") or pid), ents.get(pid)))
        f.risk = risk
        if risk.get("name"):
            f.name = str(risk["name"])
    return facts


def home_entity(ents: Mapping[str, Entity], agreements: Iterable[Link]) -> Entity:
    """The home institution: the ``home`` entity, else the agreements' common source."""
    for entity in ents.values():
        if entity.kind is EntityKind.HOME:
            return entity
    sources = Counter(lk.source for lk in agreements if lk.kind is LinkKind.COLLABORATES_WITH)
    home_id = sources.most_common(1)[0][0] if sources else "home"
    return ents.get(home_id) or Entity(home_id, EntityKind.HOME, "Home institution", Provenance("map", home_id, ""))


def path_node_ids(risk: Mapping[str, Any] | None) -> set[str]:
    """Every node id on a partner's paths."""
    return {str(n["id"]) for p in (risk or {}).get("paths") or () for n in p.get("nodes") or ()}


def group_key(f: PartnerFacts, by: str | None) -> str:
    """The group a clean partner falls into."""
    value = f.country if by == "country" else f.department
    return value or "unknown"


@dataclass
class PathMembers:
    """What the risk paths of one entity touch: nodes, links (with the flag they lead to)."""

    nodes: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    links: dict[tuple[str, str, str], Flag | None] = field(default_factory=dict)
    flags: dict[str, set[Flag]] = field(default_factory=dict)


def path_members(paths: Sequence[Mapping[str, Any]]) -> PathMembers:
    """Nodes and links on any path; a link on several paths takes the most severe flag."""
    out = PathMembers()
    for path in paths:
        reached = flags_of((path.get("target") or {}).get("flags"))
        flag = primary_flag(reached)
        for node in path.get("nodes") or ():
            out.nodes.setdefault(str(node["id"]), node)
            out.flags.setdefault(str(node["id"]), set()).update(reached)
        for link in path.get("links") or ():
            key = (str(link["source"]), str(link["target"]), str(link["kind"]))
            known = out.links.get(key)
            out.links[key] = primary_flag([f for f in (known, flag) if f is not None])
    return out


def bfs_order(center: str, ids: Iterable[str], links: Sequence[Link]) -> list[str]:
    """Ids by distance from the centre over links in either direction; unreachable last."""
    allowed = set(ids)
    adj: dict[str, list[str]] = {}
    for lk in links:
        if lk.source in allowed and lk.target in allowed:
            adj.setdefault(lk.source, []).append(lk.target)
            adj.setdefault(lk.target, []).append(lk.source)
    seen = {center: None}
    queue = deque([center])
    while queue:
        node = queue.popleft()
        for other in adj.get(node, ()):
            if other not in seen:
                seen[other] = None
                queue.append(other)
    return [*seen, *sorted(allowed - seen.keys())]


def tooltip(name: str, rows: Iterable[tuple[str, object]]) -> str:
    """Tooltip HTML: the bold name and a definition list; every value escaped."""
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows if v not in (None, "", []))
    return f"<b>{esc(name)}</b><dl>{body}</dl>"


def entity_rows(entity: Entity | None, node: Mapping[str, Any] | None = None) -> list[tuple[str, object]]:
    """Kind, country, lists, flags and sources of an entity (or of a path node without one)."""
    if entity is None:
        node = node or {}
        return [("kind", node.get("kind")), ("flags", ", ".join(flag_label(f) for f in flags_of(node.get("flags"))))]
    kind = KIND_LABELS[entity.kind]
    category = entity.attrs.get("category")
    if category and category != kind:
        kind += f" ({category})"
    prov = entity.provenance
    source = f"{prov.dataset}: {prov.source}" + (f" ({prov.retrieved})" if prov.retrieved else "")
    return [
        ("kind", kind),
        ("country", entity.country),
        ("lists", "; ".join(entity.lists)),
        ("flags", ", ".join(flag_label(f) for f in flags_of(entity.flags))),
        ("source", source),
        ("id", entity.id),
    ]


def link_rows(kind: LinkKind, attrs: Mapping[str, Any], provenance: Any) -> list[tuple[str, object]]:
    """Reading, share, dates, match score and source of a link."""
    prov = provenance.to_dict() if isinstance(provenance, Provenance) else dict(provenance or {})
    source = ", ".join(str(prov[k]) for k in ("dataset", "source", "record_id", "retrieved") if prov.get(k))
    share = attrs.get("share_pct")
    return [
        ("link", kind.spec.reading),
        ("share", f"{share:g}%" if isinstance(share, int | float) else None),
        ("from", attrs.get("start_date")),
        ("until", attrs.get("end_date")),
        ("match score", attrs.get("score")),
        ("status", "possible match, unconfirmed" if kind.spec.possible else attrs.get("status")),
        ("source", source),
    ]


def is_ended(attrs: Mapping[str, Any], as_of: date) -> bool:
    """True when the link carries an end date before ``as_of`` (or says it ended)."""
    if attrs.get("ended") is True:
        return True
    end = attrs.get("end_date")
    return isinstance(end, str) and bool(end) and end[:10] < as_of.isoformat()


class MapGraph:
    """Nodes and edges of one map, merged by id as paths overlap."""

    def __init__(self, *, as_of: date | None = None) -> None:
        self.as_of = as_of or date.today()
        self.nodes: dict[str, JsonDict] = {}
        self.edges: dict[str, JsonDict] = {}
        self._by_ends: dict[tuple[str, str, str], str] = {}
        self._tiers: dict[str, set[Tier]] = {}
        self._flags: dict[str, set[Flag]] = {}
        self._edge_tiers: dict[str, set[Tier]] = {}

    # -- nodes --------------------------------------------------------------------
    def _node(self, node_id: str, **fields: Any) -> JsonDict:
        node = self.nodes.setdefault(node_id, {"id": node_id, **fields})
        self._tiers.setdefault(node_id, set())
        self._flags.setdefault(node_id, set())
        return node

    def add_home(self, home: Entity, partners: int, amount: float) -> None:
        """The home institution: always shown, whatever the filter."""
        rows = [*entity_rows(home), ("partners", f"{partners:,}"), ("agreements value", money(amount))]
        self._node(home.id, label=short(home.name), fullname=home.name, role="home", shape=ROLE_SHAPES["home"],
                   color=HOME_COLOUR, size=28, keep=True, onpath=True, title=tooltip(home.name, rows))

    def add_partner(self, f: PartnerFacts, home_id: str, size_by: str) -> None:
        """A partner node sized by money or agreements, coloured by tier, and its edge from home."""
        rows: list[tuple[str, object]] = [("role", "partner"), *entity_rows(f.entity)]
        if f.risk is not None:
            rows += [("tier", f"{tier_label(f.tier)} (score {f.score:.2f})"),
                     ("reaches", ", ".join(flag_label(x) for x in f.flags)),
                     ("shortest path", f"{f.risk.get('min_hops')} hops" if f.risk.get("min_hops") is not None
                      else None)]
        rows += [("agreements", f"{f.agreements:,}"), ("value", money(f.amount)),
                 ("departments", ", ".join(sorted(f.departments)))]
        own = primary_flag(f.entity.flags) if f.entity else None
        node = self._node(f.id, label=short(f.name), fullname=f.name, role="partner", shape=ROLE_SHAPES["partner"])
        node.update(
            value=f.amount if size_by == "amount" else f.agreements,
            color={"background": TIER_COLOURS[f.tier], "border": FLAG_COLOURS[own] if own else "#444444"},
            borderWidth=4 if own else 1,
            country=f.country or "unknown",
            department=f.department or "unknown",
            clean=f.clean,
            onpath=not f.clean,
            title=tooltip(f.name, rows),
        )
        self._tiers[f.id].add(f.tier)
        self._flags[f.id].update(f.flags)
        self._edge(home_id, f.id, LinkKind.COLLABORATES_WITH.value, color=PLAIN_EDGE_COLOUR,
                   width=1 + math.log1p(f.agreements), title=tooltip(
                       f.name, [("link", LinkKind.COLLABORATES_WITH.spec.reverse), ("agreements", f.agreements),
                                ("value", money(f.amount)), ("departments", ", ".join(sorted(f.departments)))]))

    def add_group(self, by: str, key: str, members: Sequence[PartnerFacts], home_id: str, size_by: str) -> None:
        """Clean partners of one country or department as a single node."""
        group_id = f"group:{by}:{key}"
        amount = sum(m.amount for m in members)
        names = "; ".join(m.name for m in members[:GROUP_NAMES_SHOWN])
        if len(members) > GROUP_NAMES_SHOWN:
            names += f"; … and {len(members) - GROUP_NAMES_SHOWN:,} more"
        rows = [("group", f"partners with no finding, {by} {key}"), ("partners", len(members)),
                ("agreements", sum(m.agreements for m in members)), ("value", money(amount)), ("members", names)]
        self._node(group_id, label=short(f"{key} · {len(members)} clean"), fullname=f"{key} ({by})", role="group",
                   shape=ROLE_SHAPES["group"], color=TIER_COLOURS[Tier.NONE], clean=True, onpath=False,
                   value=amount if size_by == "amount" else sum(m.agreements for m in members),
                   title=tooltip(f"{len(members):,} clean partners: {key}", rows))
        self._tiers[group_id].add(Tier.NONE)
        self._edge(home_id, group_id, LinkKind.COLLABORATES_WITH.value, color=PLAIN_EDGE_COLOUR, width=2)

    def add_path(self, path: Mapping[str, Any], f: PartnerFacts, ents: Mapping[str, Entity]) -> None:
        """One risk path of a partner: its intermediate bodies, its target and its links."""
        target = path.get("target") or {}
        reached = flags_of(target.get("flags"))
        target_id = str(target.get("id") or "")
        for node in path.get("nodes") or ():
            node_id = str(node["id"])
            if node_id not in self.nodes:
                entity = ents.get(node_id)
                name = entity.name if entity else str(node.get("name") or node_id)
                own = flags_of(node.get("flags")) or (flags_of(entity.flags) if entity else [])
                role = "target" if node_id == target_id or own else "intermediate"
                flag = primary_flag(own or reached)
                colour = FLAG_COLOURS[flag] if role == "target" and flag else INTERMEDIATE_COLOUR
                rows = [("role", "flagged entity" if role == "target" else "intermediate body"),
                        *entity_rows(entity, node)]
                if node_id == target_id and target.get("lists"):
                    rows.append(("lists", "; ".join(str(x) for x in target["lists"])))
                self._node(node_id, label=short(name), fullname=name, role=role, shape=ROLE_SHAPES[role],
                           color=colour, size=16 if role == "target" else 10, onpath=True, title=tooltip(name, rows))
            self._tiers[node_id].add(f.tier)
            self._flags[node_id].update(reached)
        for link in path.get("links") or ():
            kind = LinkKind(str(link["kind"]))
            edge_id = self._edge(str(link["source"]), str(link["target"]), kind.value, width=1,
                                 title=tooltip(link_label(kind, _share(link)),
                                               link_rows(kind, link, link.get("provenance"))),
                                 dashes=kind.spec.possible or is_ended(link, self.as_of))
            self._edge_tiers.setdefault(edge_id, set()).add(f.tier)

    # -- entity map ---------------------------------------------------------------
    def add_entity(
        self, node_id: str, entity: Entity | None, node: Mapping[str, Any] | None, *, center: bool,
        tier: Tier | None, score: float | None, path_flags: set[Flag],
    ) -> None:
        """A node of an entity's link map."""
        name = entity.name if entity else str((node or {}).get("name") or node_id)
        own = list(entity.flags) if entity else flags_of((node or {}).get("flags"))
        rows: list[tuple[str, object]] = entity_rows(entity, node)
        if center:
            role, colour = "center", TIER_COLOURS[tier] if tier else HOME_COLOUR
            if tier is not None:
                rows.append(("tier", f"{tier_label(tier)}" + (f" (score {score:.2f})" if score is not None else "")))
        elif entity is not None and entity.kind is EntityKind.HOME:
            role, colour = "home", HOME_COLOUR
        elif own:
            role, colour = "target", FLAG_COLOURS[primary_flag(own) or Flag.SANCTION]
        elif node is not None:
            role, colour = "intermediate", INTERMEDIATE_COLOUR
        else:
            role, colour = "other", OTHER_COLOUR
        self._node(node_id, label=short(name), fullname=name, role=role, shape=ROLE_SHAPES[role], color=colour,
                   size={"center": 30, "home": 24, "target": 18}.get(role, 12), keep=center,
                   onpath=node is not None, borderWidth=3 if center else 1, title=tooltip(name, rows))
        self._flags[node_id].update(path_flags | set(own))

    def add_link(self, link: Link, path_links: Mapping[tuple[str, str, str], Flag | None]) -> None:
        """A stored link; thick and coloured by the flag it leads to when it lies on a risk path."""
        key = (link.source, link.target, link.kind.value)
        self._link_edge(link.id, link.source, link.target, link.kind, link.attrs, link.provenance,
                        key in path_links, path_links.get(key))

    def add_path_links(
        self, path: Mapping[str, Any], kept: set[str], path_links: Mapping[tuple[str, str, str], Flag | None]
    ) -> None:
        """Path links the neighbourhood did not include (e.g. reached through identity links)."""
        for link in path.get("links") or ():
            key = (str(link["source"]), str(link["target"]), str(link["kind"]))
            if key in self._by_ends or key[0] not in kept or key[1] not in kept:
                continue
            self._link_edge("path:" + "|".join(key), key[0], key[1], LinkKind(key[2]), link,
                            link.get("provenance"), True, path_links.get(key))

    def _link_edge(
        self, edge_id: str, source: str, target: str, kind: LinkKind, attrs: Mapping[str, Any], provenance: Any,
        on_path: bool, flag: Flag | None,
    ) -> None:
        ended = is_ended(attrs, self.as_of)
        label = link_label(kind, _share(attrs)) + (" (ended)" if ended else "")
        colour = (FLAG_COLOURS[flag] if flag else TIER_COLOURS[Tier.VERY_HIGH]) if on_path else PLAIN_EDGE_COLOUR
        self.edges[edge_id] = {
            "from": source, "to": target, "label": label, "color": colour, "width": 4 if on_path else 1,
            "dashes": kind.spec.possible or ended, "onpath": on_path,
            "title": tooltip(label, link_rows(kind, attrs, provenance)),
        }
        self._by_ends.setdefault((source, target, kind.value), edge_id)

    # -- edges and output -----------------------------------------------------------
    def _edge(self, source: str, target: str, kind: str, **fields: Any) -> str:
        key = (source, target, kind)
        edge_id = self._by_ends.get(key)
        if edge_id is None:
            edge_id = f"e{len(self.edges)}"
            self._by_ends[key] = edge_id
            self.edges[edge_id] = {"from": source, "to": target, "dashes": False, "onpath": False, **fields}
        return edge_id

    def finish(self) -> tuple[list[JsonDict], list[JsonDict]]:
        """Node and edge records for vis-network (sets become sorted lists, path edges styled)."""
        for node_id, node in self.nodes.items():
            node["tiers"] = [t.value for t in Tier if t in self._tiers[node_id]]
            node["flags"] = [f.value for f in Flag if f in self._flags[node_id]]
        for edge_id, tiers in self._edge_tiers.items():
            worst = max(tiers, key=lambda t: t.rank)
            self.edges[edge_id].update(color=TIER_COLOURS[worst], width=2 + worst.rank, onpath=True)
        return list(self.nodes.values()), [{"id": k, **v} for k, v in self.edges.items()]


def _share(data: Mapping[str, Any]) -> float | None:
    value = data.get("share_pct")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
