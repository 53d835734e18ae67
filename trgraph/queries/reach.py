"""Bulk reachability: one multi-source search from the flagged side for every partner at once.

:func:`bulk_reach` computes, for every node and every channel (each risk flag, plus the
ASPI category), the best contribution any flagged node makes within ``max_hops``:
``max over paths of target weight × Π edge weight`` (a hop-bounded Bellman-Ford in the
max-times semiring, vectorised over edges with numpy). Since every weight is at most
1, the best walk is always a simple path, so this equals the best path a user would
read. The rules of :mod:`trgraph.queries.index` hold: ``related_to`` edges carry only
their far end's own value, as the last hop; a hub passes on only its own flags (or its
inherited value times ``hub_factor``); zero-hop edges (possible matches) are closed
over after every hop.

:func:`reach_pairs` answers "which flagged targets does each of these partners reach,
how strongly, in how many hops" (for exposure by target) by expanding all partners'
frontiers together, level by level, pruned by the bulk result's distance to a target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from trgraph.queries.index import MODE_ADJ, MODE_HOP, MODE_ZERO, GraphIndex
from trgraph.queries.weights import Weights

UNREACHED = 127
_ZERO_ROUNDS = 64


@dataclass(slots=True, eq=False)
class Reach:
    """Result of :func:`bulk_reach`, per node: channel values (``values[node, channel]``), own
    channel values before any hop (``base``), and hops to the nearest target (``level``)."""

    values: NDArray[np.float32]
    level: NDArray[np.int8]
    base: NDArray[np.float32]
    max_hops: int

    def of(self, node: int | None) -> tuple[NDArray[np.float32], int | None]:
        """(channel values, min hops or None) of one node; zeros when ``node`` is None."""
        if node is None:
            return np.zeros(self.values.shape[1], dtype=np.float32), None
        lvl = int(self.level[node])
        return self.values[node], (None if lvl == UNREACHED else lvl)


@dataclass(slots=True, eq=False)
class _Edges:
    src: NDArray[np.int32]
    dst: NDArray[np.int32]
    w: NDArray[np.float32]


def edge_sources(index: GraphIndex) -> NDArray[np.int32]:
    """Source node of every edge (the CSR rows expanded)."""
    return np.repeat(np.arange(index.n_nodes, dtype=np.int32), np.diff(index.ptr))


def bulk_reach(index: GraphIndex, weights: Weights, *, max_hops: int = 4,
               within: NDArray[np.bool_] | None = None) -> Reach:
    """Best contribution per channel for every node within ``max_hops`` (see the module docstring).

    Frontier-based: at each level only edges into nodes whose value changed at the level
    before are relaxed, and updates are applied to the rows they touch. With ``within``
    (a node mask, e.g. :func:`neighbourhood`), only edges between those nodes are used:
    exact for every path that stays inside, which for a neighbourhood is every path its
    centre can take.
    """
    if max_hops < 0:
        raise ValueError("max_hops must be >= 0")
    base = index.base(weights)
    channels = np.flatnonzero(base.any(axis=0))
    values = base.copy()
    level = np.full(index.n_nodes, UNREACHED, dtype=np.int8)
    if channels.size == 0 or index.n_nodes == 0:
        return Reach(values, level, base, max_hops)
    src, dst, mode = edge_sources(index), index.dst, index.mode
    inside = None if within is None else np.flatnonzero(within[src] & within[dst])
    if inside is not None:  # only the edges inside: a neighbourhood is a small part of a large store
        src, dst, mode = src[inside], dst[inside], mode[inside]
    w = index.edge_weights(weights, inside)
    hop, zero, adj = (_Edges(src[mode == m], dst[mode == m], w[mode == m]) for m in (MODE_HOP, MODE_ZERO, MODE_ADJ))
    rule = _HubRule(index.hubs(weights), weights.hub_factor)
    own = np.ascontiguousarray(base[:, channels])
    cur = own.copy()
    n = index.n_nodes
    frontier = own.max(axis=1) > 0
    if within is not None:
        frontier &= within
    frontier |= _close_zero(cur, own, zero, rule, frontier)
    level[frontier] = 0
    for k in range(1, max_hops + 1):
        candidates = [_relax(cur, own, hop, rule, frontier)]
        if k == 1:
            candidates.append(_relax(own, own, adj, _HubRule.none(), frontier))
        changed = np.zeros(n, dtype=bool)
        for rows, red in candidates:  # all gathered before any is applied: exactly k hops
            changed[_apply(cur, rows, red)] = True
        if not changed.any():
            break
        changed |= _close_zero(cur, own, zero, rule, changed)
        level[changed & (level == UNREACHED)] = k
        frontier = changed
    values[:, channels] = cur
    return Reach(values, level, base, max_hops)


def neighbourhood(index: GraphIndex, node: int, max_hops: int, *, stop: NDArray[np.bool_] | None = None
                  ) -> NDArray[np.bool_]:
    """The nodes ``node`` can inherit from within ``max_hops`` (zero-hop edges free, adjacency
    edges only as a last step, nothing beyond a ``stop`` node other than ``node`` itself:
    the hubs, when they pass nothing on): every node a search from it can use, so
    :func:`bulk_reach` ``within`` them answers for it exactly."""
    seen = np.zeros(index.n_nodes, dtype=bool)
    far = np.zeros(index.n_nodes, dtype=bool)
    seen[node] = True
    frontier = np.array([node], dtype=np.int64)

    def onward(nodes: NDArray[np.int64]) -> NDArray[np.int64]:
        return nodes if stop is None else nodes[~stop[nodes] | (nodes == node)]

    for k in range(max_hops + 1):
        grown = frontier
        for _ in range(_ZERO_ROUNDS):
            grown = _unseen_targets(index, onward(grown), seen, MODE_ZERO)
            if grown.size == 0:
                break
            frontier = np.concatenate([frontier, grown])
        if k == max_hops:
            break
        frontier = onward(frontier)
        _unseen_targets(index, frontier, far, MODE_ADJ)  # far ends count, and go no further
        frontier = _unseen_targets(index, frontier, seen, MODE_HOP)
        if frontier.size == 0:
            break
    return seen | far


def _unseen_targets(index: GraphIndex, nodes: NDArray[np.int64], seen: NDArray[np.bool_], mode: int
                    ) -> NDArray[np.int64]:
    """Targets of the ``mode`` edges out of ``nodes`` not seen yet; marks them seen."""
    lo, hi = index.ptr[nodes], index.ptr[nodes + 1]
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    edge = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(total)
    dst = index.dst[edge[index.mode[edge] == mode]]
    dst = np.unique(dst[~seen[dst]]).astype(np.int64)
    seen[dst] = True
    return dst


@dataclass(frozen=True, slots=True)
class _HubRule:
    """What a hub passes on: its own value, or its inherited value times ``factor``."""

    hub: NDArray[np.bool_] | None
    factor: float

    @classmethod
    def none(cls) -> _HubRule:
        return cls(None, 1.0)

    def passing(self, cur: NDArray[np.float32], own: NDArray[np.float32], nodes: NDArray[np.int32]
                ) -> NDArray[np.float32]:
        vals = cur[nodes]
        if self.hub is None:
            return vals
        at_hub = self.hub[nodes]
        if at_hub.any():
            hubs = nodes[at_hub]
            vals[at_hub] = np.maximum(own[hubs], vals[at_hub] * np.float32(self.factor))
        return vals


def _relax(cur: NDArray[np.float32], own: NDArray[np.float32], edges: _Edges, rule: _HubRule,
           frontier: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
    """Candidate values ``max over edges s→d of passing(d) × w`` for the sources of edges into the frontier."""
    sel = np.flatnonzero(frontier[edges.dst])
    if sel.size == 0:
        return np.zeros(0, dtype=np.intp), np.zeros((0, cur.shape[1]), dtype=np.float32)
    src = edges.src[sel]
    contrib = rule.passing(cur, own, edges.dst[sel]) * edges.w[sel, None]
    starts = np.flatnonzero(np.concatenate(([True], src[1:] != src[:-1])))
    return src[starts].astype(np.intp), np.maximum.reduceat(contrib, starts, axis=0)


def _apply(cur: NDArray[np.float32], rows: NDArray[np.intp], red: NDArray[np.float32]) -> NDArray[np.intp]:
    """Raise ``cur`` where the candidates (one per row) are better; return the rows that changed."""
    if rows.size == 0:
        return rows
    old = cur[rows]
    better = (red > old).any(axis=1)
    rows = rows[better]
    cur[rows] = np.maximum(old[better], red[better])
    return rows


def _close_zero(cur: NDArray[np.float32], own: NDArray[np.float32], zero: _Edges, rule: _HubRule,
                frontier: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Spread values over zero-hop edges (in place) until nothing improves; return the rows changed."""
    touched = np.zeros(cur.shape[0], dtype=bool)
    if zero.dst.size == 0:
        return touched
    for _ in range(_ZERO_ROUNDS):
        rows, red = _relax(cur, own, zero, rule, frontier)
        changed = _apply(cur, rows, red)
        if changed.size == 0:
            break
        touched[changed] = True
        frontier = np.zeros(cur.shape[0], dtype=bool)
        frontier[changed] = True
    return touched


# -- partner × target pairs ----------------------------------------------------------------
@dataclass(slots=True, eq=False)
class Pairs:
    """Which target node each source reaches: parallel arrays, one row per (source, target)."""

    source: NDArray[np.int64]
    target: NDArray[np.int32]
    value: NDArray[np.float32]
    hops: NDArray[np.int8]


@dataclass(slots=True, eq=False)
class _Frontier:
    source: NDArray[np.int64]
    node: NDArray[np.int32]
    value: NDArray[np.float32]

    def take(self, mask: NDArray[np.bool_]) -> _Frontier:
        return _Frontier(self.source[mask], self.node[mask], self.value[mask])


def reach_pairs(index: GraphIndex, weights: Weights, sources: NDArray[np.int32], reach: Reach) -> Pairs:
    """Every (source position, target node) pair within ``reach.max_hops``, with its best value and fewest hops.

    ``sources`` are node numbers (one per partner); the result's ``source`` holds
    positions in ``sources``. Frontiers are expanded for all sources together and pruned
    where no target is left within the remaining hops.
    """
    max_hops = reach.max_hops
    target_w = reach.base.max(axis=1)
    w = index.edge_weights(weights)
    hub = index.hubs(weights)
    start = _Frontier(np.arange(sources.size, dtype=np.int64), sources.astype(np.int32),
                      np.ones(sources.size, dtype=np.float32))
    start = start.take(reach.level[start.node] <= max_hops)
    found: list[tuple[_Frontier, int]] = []
    frontier = _expand_zero(index, w, start, sources, hub, weights.hub_factor)
    found.append((frontier, 0))
    for k in range(1, max_hops + 1):
        mover = _passing_frontier(frontier, sources, hub, weights.hub_factor)
        mover = mover.take(reach.level[mover.node].astype(np.int64) <= max_hops - k + 1)
        stepped = _dedupe(_step(index, w, mover, MODE_HOP))
        adjacent = _step(index, w, mover, MODE_ADJ)
        adjacent = adjacent.take(target_w[adjacent.node] > 0)
        found.append((adjacent, k))
        frontier = _expand_zero(index, w, stepped, sources, hub, weights.hub_factor)
        found.append((frontier, k))
    src = np.concatenate([f.source for f, _ in found])
    node = np.concatenate([f.node for f, _ in found])
    val = np.concatenate([f.value for f, _ in found]) * target_w[node]
    hops = np.concatenate([np.full(f.node.size, k, dtype=np.int8) for f, k in found])
    hit = val > 0
    src, node, val, hops = src[hit], node[hit], val[hit], hops[hit]
    key = src * np.int64(index.n_nodes) + node
    order = np.lexsort((hops, -val, key))
    key, src, node, val = key[order], src[order], node[order], val[order]
    first = np.concatenate(([True], key[1:] != key[:-1])) if key.size else np.zeros(0, dtype=bool)
    min_hops = np.minimum.reduceat(hops[order], np.flatnonzero(first)) if key.size else hops
    return Pairs(src[first], node[first], val[first], min_hops.astype(np.int8))


def _passing_frontier(f: _Frontier, sources: NDArray[np.int32], hub: NDArray[np.bool_], factor: float) -> _Frontier:
    """Entries that may go on: a hub other than the source itself stops (or passes a fraction)."""
    at_hub = hub[f.node] & (f.node != sources[f.source])
    if not at_hub.any():
        return f
    if factor == 0:
        return f.take(~at_hub)
    value = np.where(at_hub, f.value * np.float32(factor), f.value).astype(np.float32)
    return _Frontier(f.source, f.node, value)


def _step(index: GraphIndex, w: NDArray[np.float32], f: _Frontier, mode: int) -> _Frontier:
    """Follow every edge of ``mode`` out of the frontier's nodes."""
    lo, hi = index.ptr[f.node], index.ptr[f.node + 1]
    counts = (hi - lo).astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return _Frontier(np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32))
    row = np.repeat(np.arange(f.node.size), counts)
    offset = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    edge = lo[row] + offset
    keep = index.mode[edge] == mode
    row, edge = row[keep], edge[keep]
    return _Frontier(f.source[row], index.dst[edge], (f.value[row] * w[edge]).astype(np.float32))


def _dedupe(f: _Frontier) -> _Frontier:
    """One entry per (source, node), keeping the best value."""
    if f.node.size == 0:
        return f
    order = np.lexsort((-f.value, f.node, f.source))
    s, n = f.source[order], f.node[order]
    first = np.concatenate(([True], (s[1:] != s[:-1]) | (n[1:] != n[:-1])))
    return _Frontier(s[first], n[first], f.value[order][first])


def _expand_zero(index: GraphIndex, w: NDArray[np.float32], f: _Frontier, sources: NDArray[np.int32],
                 hub: NDArray[np.bool_], factor: float) -> _Frontier:
    """Add what the frontier reaches over zero-hop edges (possible matches)."""
    if not (index.mode == MODE_ZERO).any():
        return f
    out = f
    new = f
    for _ in range(_ZERO_ROUNDS):
        new = _step(index, w, _passing_frontier(new, sources, hub, factor), MODE_ZERO)
        if new.node.size == 0:
            break
        merged = _dedupe(_Frontier(np.concatenate([out.source, new.source]), np.concatenate([out.node, new.node]),
                                   np.concatenate([out.value, new.value])))
        if merged.node.size == out.node.size and np.array_equal(merged.value, _dedupe(out).value):
            break
        out = merged
    return out
