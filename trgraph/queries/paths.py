"""Explained paths: bounded simple paths from one entity to the flagged entities it inherits risk from.

Paths follow the inheritance edges of :mod:`trgraph.queries.index` (so a parent never
reaches a child's other parents), count only hop-counting links (identity links are
free), end a path at a ``related_to`` link (its far end must itself be flagged), and
never pass *through* a hub unless the configuration lets a fraction through. The
search is a depth-first enumeration pruned by each node's distance to the nearest
target (from :func:`trgraph.queries.reach.bulk_reach`), capped at ``cap`` paths (the
result says when it was cut). Paths are then expanded back to entities: every
``same_as`` step inside a cluster is shown, and every link carries its provenance.
A path ends at the strongest flagged member of the target's ``same_as`` cluster; the
cluster's other flagged members (the same body as listed elsewhere: Beihang in ROR, in
ASPI and on the Entity List as BUAA) are shown with the path as ``same_as_targets``,
each with its identity steps, so every flag the path reaches is explained.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from trgraph.errors import TrgraphError
from trgraph.model import LINK_SPECS, Entity, JsonDict, Link, LinkKind
from trgraph.queries.index import KINDS, MODE_ADJ, MODE_ZERO, GraphIndex
from trgraph.queries.reach import Reach, bulk_reach, neighbourhood
from trgraph.queries.snapshot import entity_index
from trgraph.queries.weights import Weights
from trgraph.store import Store

MAX_HOPS_LIMIT = 8
#: Flagged cluster members shown with one path besides its target (strongest first).
SAME_AS_TARGETS = 10


@dataclass(frozen=True, slots=True)
class RawPath:
    """A path in the index: the edges taken from the source node, its score and hop count."""

    edges: tuple[int, ...]
    score: float
    hops: int
    end: int


@dataclass(frozen=True, slots=True)
class PathStep:
    """One link on a shown path, as stored (``source``/``target`` in the link's own direction)."""

    kind: LinkKind
    source: str
    target: str
    ended: bool
    weight: float
    link: Link | None

    def to_dict(self) -> JsonDict:
        """The ``links[]`` item of the path JSON shape."""
        spec = LINK_SPECS[self.kind]
        out: JsonDict = {"kind": self.kind.value, "source": self.source, "target": self.target}
        if self.link is not None and self.link.share_pct is not None:
            out["share_pct"] = self.link.share_pct
        out["provenance"] = self.link.provenance.to_dict() if self.link is not None else None
        out["id"] = self.link.id if self.link is not None else None
        out["reading"] = spec.reading
        out["counts_as_hop"] = spec.counts_as_hop
        out["possible"] = spec.possible
        out["ended"] = self.ended
        if self.link is not None and self.link.attrs.get("end_date"):
            out["end_date"] = self.link.attrs["end_date"]
        out["weight"] = round(self.weight, 4)
        return out


@dataclass(frozen=True, slots=True)
class GraphPath:
    """A path a user reads: entities from the source to a flagged target, and the links between."""

    nodes: tuple[str, ...]
    steps: tuple[PathStep, ...]
    hops: int
    score: float
    target: str
    also: tuple[SameAsTarget, ...] = ()

    @property
    def possible(self) -> bool:
        """True when the path crosses an unconfirmed (possible) match."""
        return any(LINK_SPECS[s.kind].possible for s in self.steps)

    @property
    def ended(self) -> bool:
        """True when the path crosses a link that has ended."""
        return any(s.ended for s in self.steps)

    def signature(self) -> str:
        """A stable text key (entities and link kinds), for comparing paths across runs."""
        parts = [self.nodes[0]]
        for step, node in zip(self.steps, self.nodes[1:], strict=True):
            parts.extend((step.kind.value, node))
        return " ".join(parts)

    def entity_ids(self) -> set[str]:
        """Every entity the path names, its same-as targets included."""
        return set(self.nodes) | {n for a in self.also for n in a.nodes}

    def to_dict(self, entities: dict[str, Entity]) -> JsonDict:
        """The PRODUCT.md ``path`` shape (with a few more keys)."""
        return {
            "hops": self.hops,
            "score": round(self.score, 6),
            "nodes": [_node(entities, n) for n in self.nodes],
            "links": [s.to_dict() for s in self.steps],
            "target": _target(entities, self.target),
            "same_as_targets": [
                _target(entities, a.id) | {"nodes": [_node(entities, n) for n in a.nodes],
                                           "links": [s.to_dict() for s in a.steps]}
                for a in self.also
            ],
            "possible": self.possible,
            "ended": self.ended,
        }


@dataclass(frozen=True, slots=True)
class SameAsTarget:
    """Another flagged member of a path's target cluster: the identity steps from the entity
    where the path enters the cluster (``nodes`` after that entity, and ``steps``)."""

    id: str
    nodes: tuple[str, ...]
    steps: tuple[PathStep, ...]


def _target(entities: dict[str, Entity], entity_id: str) -> JsonDict:
    target = entities.get(entity_id)
    return {
        "id": entity_id,
        "name": target.name if target else entity_id,
        "flags": sorted(f.value for f in target.flags) if target else [],
        "lists": list(target.lists) if target else [],
        "category": target.attrs.get("category") if target else None,
    }


def _node(entities: dict[str, Entity], entity_id: str) -> JsonDict:
    e = entities.get(entity_id)
    if e is None:
        return {"id": entity_id, "name": entity_id, "kind": None, "flags": []}
    return {"id": e.id, "name": e.name, "kind": e.kind.value, "flags": sorted(f.value for f in e.flags)}


@dataclass(slots=True)
class PathSearch:
    """The paths found from one entity (best first), whether the search was cut, and why."""

    source: Entity
    paths: list[GraphPath]
    found: int
    cut: bool
    max_hops: int
    entities: dict[str, Entity] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    exhausted: bool = True

    def to_dict(self) -> JsonDict:
        """The ``paths --json`` shape."""
        return {
            "source": _node(self.entities, self.source.id) | {"country": self.source.country},
            "max_hops": self.max_hops,
            "paths": [p.to_dict(self.entities) for p in self.paths],
            "found": self.found,
            "shown": len(self.paths),
            "cut": self.cut,
            "complete": self.exhausted and not self.cut,
            "notes": self.notes,
        }


def find_paths(
    store: Store,
    entity: Entity,
    weights: Weights,
    *,
    max_hops: int = 4,
    limit: int = 20,
    cap: int = 20_000,
    index: GraphIndex | None = None,
    reach: Reach | None = None,
) -> PathSearch:
    """Explained paths from ``entity`` to flagged entities, best first (see the module docstring).

    Without ``index``, the index of :func:`entity_index` is used. ``limit`` paths are
    shown; the search expands at most ``cap`` partial paths.
    """
    if not 0 <= max_hops <= MAX_HOPS_LIMIT:
        raise TrgraphError(f"--max-hops must be between 0 and {MAX_HOPS_LIMIT}")
    if limit < 1 or cap < 1:
        raise TrgraphError("the path limit and cap must be at least 1")
    if index is None:
        index = entity_index(store, entity.id, weights, max_hops=max_hops)
        reach = None
    if reach is None or reach.max_hops != max_hops:
        reach = reach_of(index, weights, entity.id, max_hops)
    raw, cut, exhausted = enumerate_paths(index, weights, reach, entity.id, limit=limit, cap=cap)
    ranked = rank_paths(raw, index, reach, limit)
    shown = describe_paths(store, index, weights, entity.id, ranked)
    entities = store.get_entities(set().union(*(p.entity_ids() for p in shown)) | {entity.id})
    entities.setdefault(entity.id, entity)
    notes = list(index.notes)
    if cut:
        notes.append(f"path search stopped after {cap:,} partial paths; the best found so far are shown")
    elif not exhausted:
        notes.append(f"the best {len(shown)} paths are shown; weaker paths exist and were not enumerated")
    return PathSearch(entity, shown, len(raw), cut or index.cut, max_hops, entities, notes, exhausted)


def reach_of(index: GraphIndex, weights: Weights, entity_id: str, max_hops: int) -> Reach:
    """What one entity can reach: :func:`bulk_reach` within its neighbourhood only (exact for it,
    and a fraction of a whole-store search)."""
    node = index.node(entity_id)
    stop = index.hubs(weights) if weights.hub_factor == 0 else None
    within = np.zeros(index.n_nodes, dtype=bool) if node is None else neighbourhood(index, node, max_hops, stop=stop)
    return bulk_reach(index, weights, max_hops=max_hops, within=within)


def enumerate_paths(
    index: GraphIndex, weights: Weights, reach: Reach, source_id: str, *, limit: int = 20, cap: int = 20_000
) -> tuple[list[RawPath], bool, bool]:
    """The best simple paths from ``source_id`` to targets within ``reach.max_hops``, best first.

    A best-first search over partial paths: since every weight is at most 1, a partial
    path's value times the largest target weight bounds everything it can still become,
    so complete paths come out in descending score order. It stops once ``limit`` paths
    are out and every channel the source reaches has one (or when nothing is left, or
    after ``cap`` partial paths: then ``cut``). Returns (paths, cut, exhausted).
    """
    source = index.node(source_id)
    if source is None:
        return [], False, True
    search = _BestFirst(index, weights, reach, source)
    return search.run(limit, cap)


@dataclass(slots=True)
class _State:
    node: int
    parent: int
    edge: int
    hops: int


class _BestFirst:
    def __init__(self, index: GraphIndex, weights: Weights, reach: Reach, source: int) -> None:
        self.index = index
        self.weights = weights
        self.hub = index.hubs(weights)
        self.hub_factor = weights.hub_factor
        self.base = reach.base
        self.target_w = reach.base.max(axis=1)
        self.bound = float(self.target_w.max()) if self.target_w.size else 0.0
        self.level = reach.level
        self.max_hops = reach.max_hops
        self.source = source
        self.wanted = {int(c) for c in np.flatnonzero(reach.values[source] > 0)}
        self.states: list[_State] = []
        self.heap: list[tuple[float, int, bool, int, float]] = []

    def _push(self, state: _State, value: float, complete: bool) -> None:
        self.states.append(state)
        sid = len(self.states) - 1
        priority = value * float(self.target_w[state.node]) if complete else value * self.bound
        if priority > 0:
            heapq.heappush(self.heap, (-priority, sid, complete, sid, value))

    def _edges(self, sid: int) -> tuple[int, ...]:
        out: list[int] = []
        while self.states[sid].parent >= 0:
            out.append(self.states[sid].edge)
            sid = self.states[sid].parent
        return tuple(reversed(out))

    def _on_path(self, sid: int) -> set[int]:
        nodes = set()
        while sid >= 0:
            nodes.add(self.states[sid].node)
            sid = self.states[sid].parent
        return nodes

    def run(self, limit: int, cap: int) -> tuple[list[RawPath], bool, bool]:
        found: list[RawPath] = []
        covered: set[int] = set()
        expanded = 0
        self._push(_State(self.source, -1, -1, 0), 1.0, False)
        while self.heap:
            neg, _, complete, sid, value = heapq.heappop(self.heap)
            state = self.states[sid]
            if complete:
                found.append(RawPath(self._edges(sid), -neg, state.hops, state.node))
                covered.update(int(c) for c in np.flatnonzero(self.base[state.node] > 0))
                if len(found) >= limit and self.wanted <= covered:
                    return found, False, False
                continue
            expanded += 1
            if expanded > cap:
                return found, True, False
            self._expand(sid, state, value)
        return found, False, True

    def _expand(self, sid: int, state: _State, value: float) -> None:
        node = state.node
        if self.target_w[node] > 0:
            self._push(_State(node, state.parent, state.edge, state.hops), value, True)
        if node != self.source and self.hub[node]:
            if self.hub_factor == 0:
                return
            value *= self.hub_factor
        ix = self.index
        on_path = self._on_path(sid)
        seen: set[tuple[int, int]] = set()  # parallel links of one kind (and end state) give one path
        lo, hi = int(ix.ptr[node]), int(ix.ptr[node + 1])
        edge_w = ix.edge_weights(self.weights, np.arange(lo, hi))  # this node's edges only, not the store's
        for e in range(lo, hi):
            nxt = int(ix.dst[e])
            key = (nxt, int(ix.kind[e]) * 2 + int(ix.ended[e]))
            if nxt in on_path or key in seen:
                continue
            seen.add(key)
            mode = int(ix.mode[e])
            nh = state.hops + (mode != MODE_ZERO)
            if nh > self.max_hops:
                continue
            if mode == MODE_ADJ:
                if self.target_w[nxt] > 0:
                    self._push(_State(nxt, sid, e, nh), value * float(edge_w[e - lo]), True)
                continue
            if int(self.level[nxt]) > self.max_hops - nh:
                continue
            self._push(_State(nxt, sid, e, nh), value * float(edge_w[e - lo]), False)


def rank_paths(raw: Sequence[RawPath], index: GraphIndex, reach: Reach, limit: int) -> list[RawPath]:
    """The best path for each channel the source reaches first, then the rest by score (ties by
    the entities and link kinds along the path, so the order never depends on the numbering)."""

    def order(p: RawPath) -> tuple[float, int, tuple[tuple[str, int], ...], tuple[int, ...]]:
        along = tuple((index.ids[int(index.edst[e])], int(index.kind[e])) for e in p.edges)
        return -p.score, p.hops, along, p.edges

    ordered = sorted(raw, key=order)
    chosen: list[RawPath] = []
    for channel in range(reach.base.shape[1]):
        best = max(
            (p for p in ordered if reach.base[p.end, channel] > 0),
            key=lambda p: (p.score / float(reach.base[p.end].max()) * float(reach.base[p.end, channel]), -p.hops),
            default=None,
        )
        if best is not None and best not in chosen:
            chosen.append(best)
    chosen = chosen[:limit]
    for p in ordered:
        if len(chosen) >= limit:
            break
        if p not in chosen:
            chosen.append(p)
    return sorted(chosen, key=order)


def describe_paths(
    store: Store, index: GraphIndex, weights: Weights, source_id: str, raw: Iterable[RawPath]
) -> list[GraphPath]:
    """Expand index paths to entities, with every ``same_as`` step and each link's stored record."""
    links = _LinkFinder(store)
    trees = _IdentityTrees(index)
    ent_w = index.entity_weight(weights)
    out: list[GraphPath] = []
    paths = list(raw)
    start = index.pos[source_id] if paths else -1
    for path in paths:
        nodes: list[int] = [start]
        steps: list[PathStep] = []
        current = start
        for e in path.edges:
            _identity_steps(trees, links, weights, current, int(index.esrc[e]), nodes, steps)
            a, b = int(index.esrc[e]), int(index.edst[e])
            kind = KINDS[int(index.kind[e])]
            src, dst = (b, a) if index.reverse[e] else (a, b)
            ended = bool(index.ended[e])
            steps.append(PathStep(kind, index.ids[src], index.ids[dst], ended, weights.link_weight(kind, ended=ended),
                                  links.find(index.ids[src], index.ids[dst], kind, ended)))
            nodes.append(b)
            current = b
        members = index.members(int(index.node_of[current]))
        target = int(members[np.argmax(ent_w[members])]) if ent_w[current] < ent_w[members].max() else current
        entry = current
        _identity_steps(trees, links, weights, current, target, nodes, steps)
        also = _same_as_targets(trees, links, weights, members, ent_w, entry, target)
        out.append(GraphPath(tuple(index.ids[n] for n in nodes), tuple(steps), path.hops, path.score,
                             index.ids[target], also))
    return out


def _same_as_targets(trees: _IdentityTrees, links: _LinkFinder, weights: Weights, members: NDArray[np.int32],
                     ent_w: NDArray[np.float32], entry: int, target: int) -> tuple[SameAsTarget, ...]:
    """The cluster's other flagged members, strongest first, each with its identity steps from ``entry``."""
    ids = trees.index.ids
    others = sorted((int(m) for m in members if int(m) != target and ent_w[m] > 0),
                    key=lambda m: (-float(ent_w[m]), ids[m]))
    out = []
    for m in others[:SAME_AS_TARGETS]:
        nodes: list[int] = []
        steps: list[PathStep] = []
        _identity_steps(trees, links, weights, entry, m, nodes, steps)
        out.append(SameAsTarget(ids[m], tuple(ids[n] for n in nodes), tuple(steps)))
    return tuple(out)


class _IdentityTrees:
    """Breadth-first ``same_as`` trees inside clusters, one per start entity, grown only as far as asked
    (paths that enter a cluster at the same entity share one tree)."""

    def __init__(self, index: GraphIndex) -> None:
        self.index = index
        self._trees: dict[int, tuple[dict[int, int], deque[int]]] = {}

    def chain(self, start: int, goal: int) -> list[int]:
        """Entities from ``start`` to ``goal`` (same cluster) along ``same_as`` links, both included."""
        prev, queue = self._trees.setdefault(start, ({start: start}, deque([start])))
        while queue and goal not in prev:
            x = queue.popleft()
            for y in self.index.same_as_neighbours(x).tolist():
                if y not in prev:
                    prev[y] = x
                    queue.append(y)
        out = [goal]
        while out[-1] != start:
            out.append(prev[out[-1]])
        out.reverse()
        return out


def _identity_steps(trees: _IdentityTrees, links: _LinkFinder, weights: Weights, start: int, goal: int,
                    nodes: list[int], steps: list[PathStep]) -> None:
    """Append the ``same_as`` chain from ``start`` to ``goal`` (same cluster)."""
    if start == goal:
        return
    ids = trees.index.ids
    for x, y in itertools.pairwise(trees.chain(start, goal)):
        link = links.find_either(ids[x], ids[y], LinkKind.SAME_AS)
        src, dst = (link.source, link.target) if link else (ids[x], ids[y])
        steps.append(PathStep(LinkKind.SAME_AS, src, dst, False, weights.link_weight(LinkKind.SAME_AS), link))
        nodes.append(y)


class _LinkFinder:
    """Stored links behind index edges (cached per entity)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, list[Link]] = {}

    def _of(self, entity_id: str) -> list[Link]:
        if entity_id not in self._cache:
            self._cache[entity_id] = self.store.links_of(entity_id, "out")
        return self._cache[entity_id]

    def find(self, source: str, target: str, kind: LinkKind, ended: bool) -> Link | None:
        found = [lk for lk in self._of(source) if lk.target == target and lk.kind == kind]
        return next((lk for lk in found if _is_ended(lk) == ended), found[0] if found else None)

    def find_either(self, a: str, b: str, kind: LinkKind) -> Link | None:
        return self.find(a, b, kind, False) or self.find(b, a, kind, False)


def _is_ended(link: Link) -> bool:
    end = link.attrs.get("end_date")
    return bool(end) and str(end) < dt.date.today().isoformat()

