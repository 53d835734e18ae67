"""Stores for the query and risk tests, built through the real ingest path from hand-made files.

``tests/fixtures/risk`` holds a fictional register, fictional relationships, and rows copied
unchanged from the real lists in ``../shared/data/lists`` (two versions of an Entity List
extract, two SDN rows; see its README). ``graph_store`` writes a
small graph straight through the store's writer, for tests about one rule at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from trgraph.cli.data import ingest_source
from trgraph.model import Entity, EntityKind, Flag, Link, LinkKind, Provenance, link_id
from trgraph.store import EmbeddedStore

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "risk"
PROV = Provenance("t", "hand-made", "tests")


SDN_DATASET = "csl_2019"


def fixture_store(path: Path, *, version: int = 1) -> EmbeddedStore:
    """List v1, the SDN rows, register, relationships (and, for ``version=2``, list v2)."""
    store = EmbeddedStore(path)
    ingest_source(store, "csl", FIX / "list_v1.csv")
    ingest_source(store, "csl", FIX / "sdn_2019.csv", dataset=SDN_DATASET)
    ingest_source(store, "partners", FIX / "register.csv")
    ingest_source(store, "links", FIX / "relationships.csv")
    if version >= 2:
        ingest_source(store, "csl", FIX / "list_v2.csv")
    return store


def org(entity_id: str, *flags: str, name: str | None = None, **attrs: object) -> Entity:
    """A hand-made organisation."""
    return Entity(entity_id, EntityKind.ORGANISATION, name or entity_id, PROV,
                  flags=frozenset(Flag(f) for f in flags), attrs=dict(attrs))


def link(kind: str, source: str, target: str, **attrs: object) -> Link:
    """A hand-made link."""
    return Link(link_id(LinkKind(kind), source, target), LinkKind(kind), source, target, PROV, dict(attrs))


def graph_store(path: Path, entities: Iterable[Entity], links: Iterable[Link], *, dataset: str = "t") -> EmbeddedStore:
    """A store holding exactly these facts (one run)."""
    store = EmbeddedStore(path)
    add(store, entities, links, dataset=dataset)
    return store


def add(store: EmbeddedStore, entities: Iterable[Entity], links: Iterable[Link], *, dataset: str = "t",
        kind: str = "test", replace: bool = True) -> int:
    """Write one run of facts; returns its run id."""
    ents, lks = list(entities), list(links)
    with store.begin(kind=kind, dataset=dataset, source="tests", file_hash=dataset, replace=replace) as w:
        w.put_entities(ents)
        w.put_links(lks)
        return w.commit(accepted=len(ents) + len(lks), rejected=0).run.id
