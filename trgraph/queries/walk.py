"""The walk behind a neighbourhood index: breadth-first from the seeds along inheritance.

It reads the links of a whole wave of entities at once (one query per 500 entities
in the embedded store, raw columns, no documents decoded), so that a neighbourhood of
many thousand entities costs hundreds of queries, not one per entity.
"""

from __future__ import annotations

import functools
from collections import deque

from trgraph.model import LINK_SPECS, LinkKind, Propagation
from trgraph.queries.source import EdgeRow
from trgraph.queries.weights import Weights
from trgraph.store import EmbeddedStore, Store

LinkRow = tuple[str, str, str, str, str | None]


class LocalWalk:
    """Breadth-first walk along inheritance from the seeds, collecting the links it crosses.

    A state is (hops used, terminal): terminal entities were reached over a
    ``related_to`` link or are hubs; from them only ``same_as`` links are followed.
    """

    def __init__(self, store: Store, weights: Weights, max_hops: int, max_links: int) -> None:
        self.store = store
        self.weights = weights
        self.max_hops = max_hops
        self.max_links = max_links
        self.rows: list[EdgeRow] = []
        self.degree: dict[str, int] = {}
        self.cut = False
        self._links: set[str] = set()
        self._open: dict[str, int] = {}
        self._terminal: dict[str, int] = {}
        self._queue: deque[tuple[str, int, bool]] = deque()

    def visited(self) -> list[str]:
        """Every entity reached so far."""
        return list(dict.fromkeys([*self._open, *self._terminal]))

    def push(self, entity_id: str, hops: int, *, terminal: bool) -> None:
        """Queue ``entity_id`` reached after ``hops`` hops, unless it was reached as well before."""
        if self._open.get(entity_id, hops + 1) <= hops:
            return
        if terminal:
            if self._terminal.get(entity_id, hops + 1) <= hops:
                return
            self._terminal[entity_id] = hops
        else:
            self._open[entity_id] = hops
        self._queue.append((entity_id, hops, terminal))

    def run(self) -> None:
        """Walk until nothing is left to visit, or until more than ``max_links`` links are collected."""
        while self._queue:
            wave = list(self._queue)  # read the links of a whole wave at once: one query per 500 entities
            self._queue.clear()
            fetched = self._links_of([entity_id for entity_id, _, _ in wave])
            for entity_id, hops, terminal in wave:
                links = fetched[entity_id]
                self.degree[entity_id] = sum(
                    1 for _, _, target, kind, _ in links if target == entity_id and _counts_inheritor(kind)
                )
                hub = hops > 0 and self.weights.hub_factor == 0 and (
                    self.degree[entity_id] > self.weights.hub_min_in_degree
                )
                for link_id, source, target, kind, end in links:
                    step = _step(kind, outgoing=source == entity_id, terminal=terminal or hub)
                    if step is None or hops + step[0] > self.max_hops:
                        continue
                    if link_id not in self._links:
                        self._links.add(link_id)
                        self.rows.append((source, target, kind, end))
                    self.push(target if source == entity_id else source, hops + step[0], terminal=terminal or step[1])
                if len(self.rows) > self.max_links:
                    self.cut = True
                    return

    def _links_of(self, entity_ids: list[str]) -> dict[str, list[LinkRow]]:
        if isinstance(self.store, EmbeddedStore):
            return self.store.link_rows_of(entity_ids)
        out = {}
        for entity_id in dict.fromkeys(entity_ids):
            out[entity_id] = [
                (lk.id, lk.source, lk.target, lk.kind.value, str(end) if (end := lk.attrs.get("end_date")) else None)
                for lk in self.store.links_of(entity_id, "both")
            ]
        return out


@functools.cache
def _counts_inheritor(kind: str) -> bool:
    spec = LINK_SPECS[LinkKind(kind)]
    return spec.propagation is Propagation.TO_SOURCE and spec.counts_as_hop


@functools.cache
def _step(kind_name: str, *, outgoing: bool, terminal: bool) -> tuple[int, bool] | None:
    """(hop cost, path must end there) of following a link from one end, or None."""
    kind = LinkKind(kind_name)
    spec = LINK_SPECS[kind]
    if kind is LinkKind.SAME_AS:
        return 0, False
    if terminal:
        return None  # past a related_to link or a hub: only the far end's identity matters
    if spec.propagation is Propagation.ADJACENT:
        return 1, True
    if spec.propagation is Propagation.BOTH or outgoing:
        return (1 if spec.counts_as_hop else 0), False
    return None
