"""The store interface every backend implements, and the logic they share.

The store is the system of record. Writes happen only through a :class:`Writer`
obtained from :meth:`Store.begin`: everything put into one writer commits together
or not at all. Reads return current facts (not removed by a later version of their
list) unless asked otherwise.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal

from trgraph.errors import AmbiguousNameError, NotFoundError
from trgraph.model import Change, Decision, Entity, JsonDict, Link, LinkKind, Run

Direction = Literal["out", "in", "both"]


@dataclass(frozen=True, slots=True)
class Edge:
    """A compact link row for building in-memory indexes in bulk."""

    source: str
    target: str
    kind: LinkKind
    end_date: str | None
    share_pct: float | None


@dataclass(frozen=True, slots=True)
class Prepared:
    """Entities and links already turned into one backend's own rows by its writer's
    :attr:`Writer.prepare` (in a worker process, say), for :meth:`Writer.put_prepared`."""

    entities: list[tuple[object, ...]]
    links: list[tuple[object, ...]]


#: A pure, module-level function from entities and links to a backend's rows.
Preparer = Callable[[Sequence[Entity], Sequence[Link]], Prepared]


@dataclass(slots=True)
class RunSummary:
    """What a finished writer did."""

    run: Run
    unchanged: bool = False
    notes: list[str] = field(default_factory=list)


class Writer(abc.ABC):
    """Collects one job's facts and commits them atomically on :meth:`commit`.

    Use as a context manager: leaving the block by an exception (including
    KeyboardInterrupt) rolls everything back; :meth:`commit` must be called
    explicitly for the facts to land.
    """

    @abc.abstractmethod
    def put_entities(self, entities: Sequence[Entity]) -> None:
        """Stage a batch of entities (a later entity with the same id replaces an earlier one)."""

    @abc.abstractmethod
    def put_links(self, links: Sequence[Link]) -> None:
        """Stage a batch of links."""

    #: This backend's :data:`Preparer` when it can take rows prepared elsewhere (by a loader's
    #: worker processes) through :meth:`put_prepared`; None when it takes only entities and links.
    prepare: Preparer | None = None

    def put_prepared(self, rows: Prepared) -> None:
        """Stage rows made by :attr:`prepare`, exactly as :meth:`put_entities` and :meth:`put_links`
        would stage the entities and links they were made from."""
        raise NotImplementedError(f"{type(self).__name__} takes entities and links only")

    @abc.abstractmethod
    def commit(self, *, accepted: int, rejected: int) -> RunSummary:
        """Diff staged facts against the store, apply them, record the run and its changes."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard everything staged; the store stays exactly as before."""

    def __enter__(self) -> Writer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self.rollback()


class Store(abc.ABC):
    """A graph store: entities, links, runs, changes and the analyst ledger."""

    #: Human-readable location (file path or server URI) for messages and report stamps.
    location: str

    # -- writing ---------------------------------------------------------------
    @abc.abstractmethod
    def begin(self, *, kind: str, dataset: str, source: str, file_hash: str, replace: bool) -> Writer:
        """Start an all-or-nothing job. With ``replace``, current facts of ``dataset`` that
        the job does not restate are marked removed (kept for history, never deleted)."""

    @abc.abstractmethod
    def add_decision(self, decision: Decision) -> Decision:
        """Append one analyst decision to the ledger; returns it with its sequence number."""

    # -- reading ---------------------------------------------------------------
    @abc.abstractmethod
    def get_entity(self, entity_id: str) -> Entity | None:
        """The current entity with this id, or None."""

    @abc.abstractmethod
    def get_entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """Current entities by id (missing ids are absent from the result)."""

    @abc.abstractmethod
    def iter_entities(self, *, dataset: str | None = None, kind: str | None = None) -> Iterator[Entity]:
        """Every current entity, optionally of one dataset and/or kind, in id order."""

    @abc.abstractmethod
    def iter_links(self, *, kinds: Iterable[LinkKind] | None = None, dataset: str | None = None) -> Iterator[Link]:
        """Every current link, optionally restricted, in id order."""

    @abc.abstractmethod
    def edges(self) -> Iterator[Edge]:
        """Every current link as a compact row (for bulk index building)."""

    @abc.abstractmethod
    def links_of(self, entity_id: str, direction: Direction = "both") -> list[Link]:
        """Current links leaving (out), entering (in) or touching (both) an entity."""

    @abc.abstractmethod
    def find_by_name(self, name: str) -> list[Entity]:
        """Current entities whose primary name or an alias equals ``name`` (case-insensitive)."""

    @abc.abstractmethod
    def stats(self) -> JsonDict:
        """Counts by kind, link kind, flag and dataset, plus runs."""

    @abc.abstractmethod
    def runs(self) -> list[Run]:
        """Every recorded run, oldest first."""

    @abc.abstractmethod
    def changes(self, *, since_run: int = 0, what: str | None = None) -> list[Change]:
        """Changes recorded by runs with id greater than ``since_run``, in run order."""

    @abc.abstractmethod
    def decisions(self) -> list[Decision]:
        """The whole analyst ledger, oldest first."""

    @abc.abstractmethod
    def get_link(self, link_id: str) -> Link | None:
        """The current link with this id, or None."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections and locks."""

    # -- shared logic ------------------------------------------------------------
    def last_run(self, kind: str, dataset: str) -> Run | None:
        """The latest successful run of this kind and dataset."""
        found = [r for r in self.runs() if r.kind == kind and r.dataset == dataset and r.status == "ok"]
        return found[-1] if found else None

    def resolve_entity(self, ref: str) -> Entity:
        """An entity by id, else by exact (case-insensitive) name; ambiguity is an error."""
        entity = self.get_entity(ref)
        if entity is not None:
            return entity
        found = self.find_by_name(ref)
        if not found:
            raise NotFoundError(f"no entity with id or name {ref!r}")
        if len(found) > 1:
            # The register's own entity wins over list entries of the same name only
            # when it is the single register/home entity; otherwise the user must choose.
            raise AmbiguousNameError(ref, [(e.id, e.name) for e in found])
        return found[0]

    def neighbours(self, entity_id: str, direction: Direction = "both") -> list[str]:
        """Ids of entities one link away."""
        out: list[str] = []
        for link in self.links_of(entity_id, direction):
            other = link.target if link.source == entity_id else link.source
            if other not in out:
                out.append(other)
        return out

    def subgraph(self, seeds: Iterable[str], hops: int, *, limit: int = 5000) -> tuple[list[Entity], list[Link]]:
        """Entities within ``hops`` links of the seeds (either direction) and the links among them.

        Bounded by ``hops`` and by ``limit`` entities; when cut, the result simply stops
        growing (callers report the cut using ``len(entities) >= limit``).
        """
        if hops < 0:
            raise ValueError("hops must be >= 0")
        seen: dict[str, None] = dict.fromkeys(seeds)
        frontier = list(seen)
        links: dict[str, Link] = {}
        for _ in range(hops):
            nxt: list[str] = []
            for node in frontier:
                for link in self.links_of(node, "both"):
                    other = link.target if link.source == node else link.source
                    if other not in seen:
                        if len(seen) >= limit:
                            continue
                        seen[other] = None
                        nxt.append(other)
                    links[link.id] = link
            frontier = nxt
        entities = self.get_entities(seen)
        kept = [lk for lk in links.values() if lk.source in entities and lk.target in entities]
        return [entities[i] for i in seen if i in entities], kept

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
