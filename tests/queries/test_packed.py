"""The packed read of the embedded store: the same index as reading rows, ids numbered exactly."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from tests.risk.stores import PROV, add, fixture_store, graph_store, link, org
from trgraph.model import Entity, EntityKind, Link, LinkKind, Provenance, link_id
from trgraph.queries import packed
from trgraph.queries.index import GraphIndex, build_index, build_local_index, index_from_rows
from trgraph.queries.source import CurrentFacts
from trgraph.queries.weights import Weights
from trgraph.store import EmbeddedStore

TODAY = "2026-01-01"
KINDS = [LinkKind.PART_OF, LinkKind.OWNED_BY, LinkKind.RELATED_TO, LinkKind.SAME_AS, LinkKind.POSSIBLY_SAME_AS,
         LinkKind.FUNDED_BY, LinkKind.COLLABORATES_WITH]


def from_rows(store: EmbeddedStore) -> GraphIndex:
    facts = CurrentFacts(store)
    return index_from_rows(facts.edge_rows(), facts.flag_rows(), facts.aspi_rows(["aspi"]), today=TODAY)


def assert_same(a: GraphIndex, b: GraphIndex) -> None:
    assert a.ids == b.ids and a.pos == b.pos and a.categories == b.categories
    for name in GraphIndex.__slots__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), name


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


def test_chunks_are_one_consistent_read(tmp_path: Path) -> None:
    ids = [f"t:{i}" for i in range(50)]
    store = random_store(tmp_path / "s.db", ids, 400, seed=2)
    chunks = list(store.packed_links([k.value for k in LinkKind], TODAY, chunk=7))
    assert len(chunks) > 10 and sum(c.rows for c in chunks) == store.stats()["links"]
    assert not store._db.in_transaction  # the read transaction is closed
    index = packed.index_from_packed(iter(chunks), store.flag_rows(), CurrentFacts(store).aspi_rows(["aspi"]))
    assert_same(index, from_rows(store))
    store.close()


def test_an_id_holding_the_separator_falls_back_to_rows(tmp_path: Path) -> None:
    ids = ["t:a", "t:b\x1fc", "t:d", "t:e"]
    store = random_store(tmp_path / "s.db", ids, 40, seed=3)
    with pytest.raises(packed.UnpackableError):
        packed.index_from_packed(store.packed_links([k.value for k in LinkKind], TODAY), store.flag_rows())
    index = build_index(store, today=TODAY)
    assert "t:b\x1fc" in index.pos and not store._db.in_transaction
    assert_same(index, from_rows(store))
    store.close()


def test_ids_sharing_a_hash_are_never_merged(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    parts = [packed.hash_ids(b"t:a\x1ft:b\x1ft:a", 3)]
    codes, ids = packed.number_ids(parts)
    assert codes.tolist() == [0, 1, 0] and ids == ["t:a", "t:b"]
    collide = packed.HashedIds(parts[0].blob, parts[0].starts, parts[0].lengths,
                               np.zeros(3, dtype=np.uint64), parts[0].check)
    with pytest.raises(packed.UnpackableError):
        packed.number_ids([collide])
    ids_list = [f"t:{i}" for i in range(30)]
    store = random_store(tmp_path / "s.db", ids_list, 100, seed=4)
    real = packed.hash_ids

    def constant(blob: bytes, count: int, keep: np.ndarray | None = None) -> packed.HashedIds:
        out = real(blob, count, keep)
        out.hash[:] = 7
        return out

    monkeypatch.setattr(packed, "hash_ids", constant)
    assert_same(build_index(store, today=TODAY), from_rows(store))  # the build falls back to rows
    store.close()


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
        assert fast.ids == slow.ids and np.array_equal(fast.dst, slow.dst), seed
        assert np.array_equal(fast.in_degree, slow.in_degree) and fast.cut == slow.cut
        assert np.array_equal(fast.ent_flags, slow.ent_flags) and np.array_equal(fast.ent_aspi, slow.ent_aspi)
        assert fast.categories == slow.categories
    assert any(build_local_index(store, [i], weights, max_hops=3).categories for i in ids[:20])
    store.close()


class _BaseOnly:
    """Delegates to a store, hiding that it is an :class:`EmbeddedStore`."""

    def __init__(self, store: EmbeddedStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        if name in ("link_rows_of", "packed_links", "edge_rows", "flag_rows"):
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
