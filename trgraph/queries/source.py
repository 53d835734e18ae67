"""Where an index's facts come from: the store as it is now, or as it was after an earlier run.

Both present the same small set of bulk reads (edge rows, flagged entities, ASPI
categories, agreements), so the index builder and the portfolio scorer never know
which one they got. ``AsOfFacts`` replays the store's change log backwards: for each
fact changed after the run, its first later change tells what it was at that run
(``added`` → absent then; ``altered``/``removed`` → the recorded old document).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Protocol

from trgraph.model import Entity, Link, LinkKind
from trgraph.queries.weights import norm_category
from trgraph.store import Store
from trgraph.store.embedded import EmbeddedStore

EdgeRow = tuple[str, str, str, str | None]

#: Dataset of the per-partner risk snapshots (see :mod:`trgraph.risk.changes`); never graph facts.
SNAPSHOT_DATASET = "risk_snapshot"


class Facts(Protocol):
    """The bulk reads an index and a portfolio need."""

    store: Store

    def edge_rows(self) -> Iterator[EdgeRow]:
        """``(source, target, kind, end_date)`` of every link."""
        ...

    def flag_rows(self) -> Iterator[tuple[str, str]]:
        """``(entity id, comma-separated flags)`` of every flagged entity."""
        ...

    def aspi_rows(self, datasets: Iterable[str]) -> Iterator[tuple[str, str]]:
        """``(entity id, normalised category)`` of every entity of the ASPI datasets."""
        ...

    def agreements(self, homes: Iterable[str]) -> list[Link]:
        """Every ``collaborates_with`` link (one per agreement) of the home entities."""
        ...

    def get_entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """Entities by id."""
        ...


def aspi_category(entity: Entity) -> str | None:
    """The ASPI tracker category of an entity (``attrs.category``, a string or a list)."""
    raw = entity.attrs.get("category") or entity.attrs.get("categories")
    if isinstance(raw, list):
        raw = next((c for c in raw if isinstance(c, str) and c.strip()), None)
    return norm_category(raw) if isinstance(raw, str) and raw.strip() else None


def _link_row(link: Link) -> EdgeRow:
    end = link.attrs.get("end_date")
    return link.source, link.target, link.kind.value, str(end) if end else None


class CurrentFacts:
    """The store's current facts (fast raw rows from the embedded store, generic otherwise)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def edge_rows(self) -> Iterator[EdgeRow]:
        """See :class:`Facts`."""
        if isinstance(self.store, EmbeddedStore):
            yield from self.store.edge_rows()
            return
        for e in self.store.edges():
            yield e.source, e.target, e.kind.value, e.end_date

    def flag_rows(self) -> Iterator[tuple[str, str]]:
        """See :class:`Facts`."""
        if isinstance(self.store, EmbeddedStore):
            yield from self.store.flag_rows()
            return
        for entity in self.store.iter_entities():
            if entity.flags:
                yield entity.id, ",".join(sorted(f.value for f in entity.flags))

    def aspi_rows(self, datasets: Iterable[str]) -> Iterator[tuple[str, str]]:
        """See :class:`Facts`."""
        for dataset in datasets:
            for entity in self.store.iter_entities(dataset=dataset):
                category = aspi_category(entity)
                if category:
                    yield entity.id, category

    def agreements(self, homes: Iterable[str]) -> list[Link]:
        """See :class:`Facts` (read through each home's own links: no scan of every link)."""
        out = [lk for home in dict.fromkeys(homes) for lk in self.store.links_of(home, "out")
               if lk.kind == LinkKind.COLLABORATES_WITH]
        return sorted(out, key=lambda lk: lk.id)

    def get_entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """See :class:`Facts`."""
        return self.store.get_entities(ids)


class AsOfFacts:
    """The facts as they stood right after run ``run_id`` (replaying the change log backwards)."""

    def __init__(self, store: Store, run_id: int) -> None:
        self.store = store
        self.run_id = run_id
        self._now = CurrentFacts(store)
        self.absent_entities: set[str] = set()
        self.old_entities: dict[str, Entity | None] = {}
        self.absent_links: set[str] = set()
        self.old_links: dict[str, Link | None] = {}
        seen: set[tuple[str, str]] = set()
        for change in store.changes(since_run=run_id):
            key = (change.what, change.id)
            if key in seen or change.dataset == SNAPSHOT_DATASET:
                continue
            seen.add(key)
            is_entity = change.what == "entity"
            if change.change.value == "added":
                (self.absent_entities if is_entity else self.absent_links).add(change.id)
            elif is_entity:
                self.old_entities[change.id] = Entity.from_dict(change.old) if change.old else None
            else:
                self.old_links[change.id] = Link.from_dict(change.old) if change.old else None

    def _replaced_entities(self) -> set[str]:
        return self.absent_entities | set(self.old_entities)

    def edge_rows(self) -> Iterator[EdgeRow]:
        """Current rows minus links added or altered since the run, plus their old versions."""
        drop: Counter[EdgeRow] = Counter()
        for link_id in self.absent_links | set(self.old_links):
            current = self.store.get_link(link_id)
            if current is not None:
                drop[_link_row(current)] += 1
        for row in self._now.edge_rows():
            if drop and drop[row] > 0:
                drop[row] -= 1
                continue
            yield row
        for link in self.old_links.values():
            if link is not None:
                yield _link_row(link)

    def flag_rows(self) -> Iterator[tuple[str, str]]:
        """See :class:`Facts`."""
        replaced = self._replaced_entities()
        for entity_id, flags in self._now.flag_rows():
            if entity_id not in replaced:
                yield entity_id, flags
        for entity in self.old_entities.values():
            if entity is not None and entity.flags:
                yield entity.id, ",".join(sorted(f.value for f in entity.flags))

    def aspi_rows(self, datasets: Iterable[str]) -> Iterator[tuple[str, str]]:
        """See :class:`Facts`."""
        wanted = set(datasets)
        replaced = self._replaced_entities()
        for entity_id, category in self._now.aspi_rows(wanted):
            if entity_id not in replaced:
                yield entity_id, category
        for entity in self.old_entities.values():
            if entity is not None and entity.provenance.dataset in wanted:
                old_category = aspi_category(entity)
                if old_category:
                    yield entity.id, old_category

    def agreements(self, homes: Iterable[str]) -> list[Link]:
        """See :class:`Facts`."""
        out = [lk for lk in self._now.agreements(homes)
               if lk.id not in self.absent_links and lk.id not in self.old_links]
        out.extend(lk for lk in self.old_links.values() if lk is not None and lk.kind == LinkKind.COLLABORATES_WITH)
        return sorted(out, key=lambda lk: lk.id)

    def get_entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """See :class:`Facts`."""
        wanted = list(dict.fromkeys(ids))
        replaced = self._replaced_entities()
        out = self.store.get_entities(i for i in wanted if i not in replaced)
        for entity_id in wanted:
            old = self.old_entities.get(entity_id)
            if old is not None:
                out[entity_id] = old
        return out
