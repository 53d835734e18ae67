"""The numbered read of the embedded store: the same index as reading rows, whatever the numbering."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from tests.queries.indexes import assert_same, facts_of
from tests.risk.stores import PROV, add, fixture_store, graph_store, link, org
from trgraph.model import Entity, EntityKind, Link, LinkKind, Provenance, link_id
from trgraph.queries import packed
from trgraph.queries.index import GraphIndex, build_index, build_local_index, index_from_rows
from trgraph.queries.source import CurrentFacts
from trgraph.queries.weights import Weights
from trgraph.store import EmbeddedStore

TODAY = "2026-01-01"
KINDS_ALL = [k.value for k in LinkKind]
KINDS = [LinkKind.PART_OF, LinkKind.OWNED_BY, LinkKind.RELATED_TO, LinkKind.SAME_AS, LinkKind.POSSIBLY_SAME_AS,
         LinkKind.FUNDED_BY, LinkKind.COLLABORATES_WITH]


def from_rows(store: EmbeddedStore) -> GraphIndex:
    facts = CurrentFacts(store)
    return index_from_rows(facts.edge_rows(), facts.flag_rows(), facts.aspi_rows(["aspi"]), today=TODAY)


def random_store(path: Path, ids: list[str], n_links: int, seed: int) -> EmbeddedStore:
    rng = random.Random(seed)
    entities = [org(i, *(["sanction"] if rng.random() < 0.1 else [])) for i in ids[: len(ids) * 3 // 4]]
    aspi = [Entity(i, EntityKind.ORGANISATION, i, Provenance("aspi", i, "aspi.csv"), attrs={"category": "military"})
            for i in ids[len(ids) * 3 // 4 :: 3]]
    links = []
    for j in range(n_links):
        s, t = rng.sample(ids, 2)
        attrs = {"end_date": rng.choice(["2019-12-31", "2031-01-01"])} if rng.random() < 0.2 else {}
        kind = rng.choice(KINDS)
        links.append(Link(link_id(kind, s, t, str(j)), kind, s, t, PROV, attrs))  # parallel links too
    store = graph_store(path, entities, links)
    add(store, aspi, [], dataset="aspi", replace=False)
    return store


def test_the_packed_read_builds_the_same_index_as_the_rows(tmp_path: Path) -> None:
    # ids of many lengths (a word boundary at 8 bytes), non-ASCII, empty-looking and dangling
    ids = [f"t:{'x' * (i % 23)}{i}" for i in range(300)] + ["t:école", "t:北京航空航天大学", "t:a b", "t:"]
    store = random_store(tmp_path / "s.db", ids, 2_000, seed=1)
    got = build_index(store, today=TODAY)
    assert_same(got, from_rows(store))
    assert got.ended.any() and not got.ended.all() and (got.ent_flags > 0).any()
    store.close()


def test_the_real_fixture_store_gives_the_same_index_both_ways(tmp_path: Path) -> None:
    for version in (1, 2):
        store = fixture_store(tmp_path / f"s{version}.db", version=version)
        assert_same(build_index(store, today=TODAY), from_rows(store))
        store.close()


def test_the_numbered_read_is_one_consistent_read(tmp_path: Path) -> None:
    ids = [f"t:{i}" for i in range(50)]
    store = random_store(tmp_path / "s.db", ids, 400, seed=2)
    numbered = store.numbered_links([k.value for k in LinkKind], TODAY)
    assert numbered is not None and numbered.rows == store.stats()["links"]
    assert numbered.sources.count(b",") == numbered.targets.count(b",") == numbered.rows - 1
    assert not store._db.in_transaction  # the read transaction is closed
    index = packed.index_from_numbered(numbered, store.flag_rows(), CurrentFacts(store).aspi_rows(["aspi"]))
    assert_same(index, from_rows(store))
    store.close()


def test_ids_holding_any_character_are_read_exactly(tmp_path: Path) -> None:
    ids = ["t:a", "t:b\x1fc", "t:d,e", "t:'f'", "t:\u00e9\u5317", "t:g\nh"]
    store = random_store(tmp_path / "s.db", ids, 60, seed=3)
    index = build_index(store, today=TODAY)
    assert {"t:b\x1fc", "t:g\nh"} <= set(index.pos)
    assert_same(index, from_rows(store))
    store.close()


def test_removed_and_replaced_links_leave_the_numbered_read(tmp_path: Path) -> None:
    store = graph_store(tmp_path / "s.db", [org("t:x", "sanction"), org("t:y"), org("t:z")],
                        [link("part_of", "t:y", "t:x"), link("part_of", "t:z", "t:y")])
    add(store, [org("t:x", "sanction"), org("t:y"), org("t:z")], [link("owned_by", "t:z", "t:x")],
        replace=True)  # both part_of links removed
    index = build_index(store, today=TODAY)
    assert_same(index, from_rows(store))
    assert [(e[0], e[1], KINDS_ALL[e[2]]) for e in facts_of(index)["edges"]] == [(("t:z",), ("t:x",), "owned_by")]
    store.close()


def test_numbers_the_packed_read_cannot_decode_fall_back_to_rows(tmp_path: Path) -> None:
    store = random_store(tmp_path / "s.db", [f"t:{i}" for i in range(30)], 100, seed=4)
    kinds = [k.value for k in LinkKind]
    numbered = store.numbered_links(kinds, TODAY)
    assert numbered is not None
    with pytest.raises(packed.UnpackableError):  # a link end numbered 0 (never given out)
        packed.index_from_numbered(replace(numbered, sources=b"0," + numbered.sources.partition(b",")[2]),
                                   store.flag_rows())
    with pytest.raises(packed.UnpackableError):  # a number beyond every id
        packed.index_from_numbered(replace(numbered, sources=b"9" * 30 + numbered.sources), store.flag_rows())
    targets = numbered.targets
    for column in (targets + b"x", targets + b",1", targets.rpartition(b",")[0]):  # not a number, too many, too few
        with pytest.raises(packed.UnpackableError):
            packed.index_from_numbered(replace(numbered, targets=column), store.flag_rows())
    with sqlite3.connect(store.path) as db:  # numbers far apart: not worth packing
        db.execute("UPDATE id_numbers SET no = 5000000000 WHERE no = (SELECT max(no) FROM id_numbers)")
        db.execute("UPDATE links SET sno = 5000000000 WHERE sno = (SELECT max(sno) FROM links)")
    assert store.numbered_links(kinds, TODAY) is None
    assert_same(build_index(store, today=TODAY), from_rows(store))
    store.close()


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_store_of_an_older_schema_is_migrated_in_place(tmp_path: Path, version: str) -> None:
    path = tmp_path / "old.db"
    store = random_store(path, [f"t:{i}" for i in range(40)], 200, seed=8)
    want = facts_of(from_rows(store))
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("DROP INDEX links_edges")
        if version == "1":  # no numbers at all
            db.execute("DROP INDEX entities_flagged")
            db.execute("DROP TABLE id_numbers")
            db.execute("ALTER TABLE links DROP COLUMN sno")
            db.execute("ALTER TABLE links DROP COLUMN tno")
        else:  # the index of schema 2, numbers first
            db.execute("CREATE INDEX links_edges ON links(sno, tno, kind, end_date) WHERE removed_run IS NULL")
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (version,))
    store = EmbeddedStore(path)
    assert store._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("3",)
    index_sql = store._db.execute("SELECT sql FROM sqlite_master WHERE name='links_edges'").fetchone()[0]
    assert "(kind, sno, tno, end_date)" in index_sql
    got = facts_of(build_index(store, today=TODAY))
    assert got == want
    store.close()


def test_a_store_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    from trgraph.errors import StoreError

    EmbeddedStore(tmp_path / "s.db").close()
    with sqlite3.connect(tmp_path / "s.db") as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreError, match="schema 99"):
        EmbeddedStore(tmp_path / "s.db")


def test_link_rows_of_many_entities_match_links_of(tmp_path: Path) -> None:
    ids = [f"t:{i}" for i in range(1_200)]  # more than one 500-id chunk, links across chunks
    store = random_store(tmp_path / "s.db", ids, 3_000, seed=5)
    wanted = ids[::-1]
    rows = store.link_rows_of(wanted)
    for entity_id in wanted[::97]:
        want = [(lk.id, lk.source, lk.target, lk.kind.value, lk.attrs.get("end_date"))
                for lk in store.links_of(entity_id, "both")]
        assert rows[entity_id] == want, entity_id
    store.close()


def test_the_neighbourhood_walk_reads_the_same_through_the_generic_interface(tmp_path: Path) -> None:
    ids = [f"t:{i}" for i in range(200)]
    store = random_store(tmp_path / "s.db", ids, 600, seed=6)
    weights = Weights()
    for seed in ids[:20]:
        fast = build_local_index(store, [seed], weights, max_hops=3)
        slow = build_local_index(_BaseOnly(store), [seed], weights, max_hops=3)  # type: ignore[arg-type]
        assert_same(fast, slow)
    assert any(build_local_index(store, [i], weights, max_hops=3).categories for i in ids[:20])
    store.close()


class _BaseOnly:
    """Delegates to a store, hiding that it is an :class:`EmbeddedStore`."""

    def __init__(self, store: EmbeddedStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        if name in ("link_rows_of", "numbered_links", "edge_rows", "flag_rows"):
            raise AttributeError(name)
        return getattr(self._store, name)


def test_aspi_categories_and_unlinked_flagged_entities_are_numbered_alike(tmp_path: Path) -> None:
    store = graph_store(tmp_path / "s.db", [org("t:x", "sanction"), org("t:y")],
                        [link("affiliated_with", "t:y", "aspi:1")])
    prov = Provenance("aspi", "r1", "aspi.csv")
    add(store, [Entity("aspi:1", EntityKind.ORGANISATION, "Uni", prov, attrs={"category": "military"}),
                Entity("aspi:2", EntityKind.ORGANISATION, "Lab", prov, attrs={"category": "civilian"})],
        [], dataset="aspi", replace=False)
    index = build_index(store, today=TODAY)
    assert_same(index, from_rows(store))
    store.close()
