"""The graph index: inheritance edges, clusters, neighbourhood indexes, the store as of a run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.queries.indexes import assert_same
from tests.risk.stores import add, fixture_store, graph_store, link, org
from trgraph.model import LinkKind
from trgraph.queries.index import KINDS, MODE_ADJ, MODE_HOP, MODE_ZERO, build_index, build_local_index
from trgraph.queries.reach import bulk_reach
from trgraph.queries.source import AsOfFacts
from trgraph.queries.weights import Weights

W = Weights()


def edges(index, entity: str) -> set[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    node = index.node(entity)
    out = set()
    for e in range(int(index.ptr[node]), int(index.ptr[node + 1])):
        rep = index.ids[int(index.members(int(index.dst[e]))[0])]
        out.add((KINDS[int(index.kind[e])].value, rep, int(index.mode[e])))
    return out


def test_edges_follow_inheritance_and_clusters_collapse(tmp_path: Path) -> None:
    store = graph_store(tmp_path / "s.db", [org("a"), org("b"), org("c", "sanction"), org("d"), org("e")], [
        link("part_of", "a", "b"), link("same_as", "b", "c"), link("possibly_same_as", "d", "a"),
        link("related_to", "e", "a"), link("owned_by", "e", "d", end_date="2001-01-01"),
    ])
    ix = build_index(store)
    assert ix.node("b") == ix.node("c") and ix.n_nodes == 4
    assert sorted(ix.ids[int(i)] for i in ix.members(ix.node("b"))) == ["b", "c"]
    assert edges(ix, "a") == {("part_of", "b", MODE_HOP), ("possibly_same_as", "d", MODE_ZERO),
                              ("related_to", "e", MODE_ADJ)}
    assert ("part_of", "a", MODE_HOP) not in edges(ix, "b")  # never from parent to child
    node_e = ix.node("e")
    owned = [e for e in range(int(ix.ptr[node_e]), int(ix.ptr[node_e + 1])) if KINDS[int(ix.kind[e])]
             is LinkKind.OWNED_BY]
    assert ix.ended[owned].all()
    assert int(ix.in_degree[ix.node("b")]) == 1
    store.close()


def test_a_neighbourhood_index_gives_the_same_values_as_the_whole_store(tmp_path: Path) -> None:
    store = fixture_store(tmp_path / "s.db", version=2)
    whole = build_index(store)
    everywhere = bulk_reach(whole, W, max_hops=4)
    for entity_id in whole.ids:
        local = build_local_index(store, [entity_id], W, max_hops=4)
        here = bulk_reach(local, W, max_hops=4)
        want, want_hops = everywhere.of(whole.node(entity_id))
        got, got_hops = here.of(local.node(entity_id))
        assert np.allclose(got, want), entity_id
        assert got_hops == want_hops
        assert local.n_nodes <= whole.n_nodes
    store.close()


def test_isolated_entities_get_a_node_in_a_neighbourhood_index(tmp_path: Path) -> None:
    store = graph_store(tmp_path / "s.db", [org("alone")], [])
    local = build_local_index(store, ["alone"], W, max_hops=4)
    assert local.node("alone") is not None and local.n_edges == 0
    store.close()


def test_a_big_neighbourhood_is_cut_and_says_so(tmp_path: Path) -> None:
    ents = [org("p")] + [org(f"o{i}") for i in range(30)]
    store = graph_store(tmp_path / "s.db", ents, [link("owned_by", "p", f"o{i}") for i in range(30)])
    local = build_local_index(store, ["p"], W, max_hops=4, max_links=10)
    assert local.cut and "cut" in local.notes[0]
    store.close()


def test_facts_as_of_a_run_replay_the_change_log(tmp_path: Path) -> None:
    store = graph_store(tmp_path / "s.db", [org("a"), org("b", "sanction"), org("c")],
                        [link("part_of", "a", "b")], dataset="lists")
    first = store.runs()[-1].id
    add(store, [org("a"), org("b"), org("c", "military"), org("d", "state")],
        [link("part_of", "a", "c"), link("owned_by", "d", "c")], dataset="lists")
    then = build_index(AsOfFacts(store, first))
    now = build_index(store)
    assert sorted(then.ids) == ["a", "b"] and then.node("d") is None  # c had no link and no flag then
    assert sorted(KINDS[int(k)].value for k in then.kind) == ["part_of"]
    assert then.ids[int(then.dst[0])] == "b"
    assert int(then.ent_flags[then.pos["b"]]) != 0
    assert now.node("b") is None and int(now.ent_flags[now.pos["c"]]) != 0
    facts = AsOfFacts(store, first)
    assert set(facts.get_entities(["a", "b", "c", "d"])) == {"a", "b", "c"}
    assert facts.get_entities(["b"])["b"].flags
    store.close()


@pytest.mark.parametrize("version", [1, 2])
def test_the_as_of_view_of_the_latest_run_is_the_current_store(tmp_path: Path, version: int) -> None:
    store = fixture_store(tmp_path / "s.db", version=version)
    latest = store.runs()[-1].id
    a, b = build_index(store), build_index(AsOfFacts(store, latest))
    assert_same(a, b)
    store.close()


def test_id_numbering_is_exact_even_when_hashes_collide(monkeypatch: pytest.MonkeyPatch) -> None:
    from trgraph.queries import index as index_module

    values = np.array(["a", "b", "a", "c", "b", "é"], dtype=object)
    assert index_module.factorize_ids(values) == (pytest.approx([0, 1, 0, 2, 1, 3]), ["a", "b", "c", "é"])
    monkeypatch.setattr(index_module, "hash", lambda _value: 7, raising=False)  # every string collides
    codes, ids = index_module.factorize_ids(values)
    assert codes.tolist() == [0, 1, 0, 2, 1, 3] and ids == ["a", "b", "c", "é"]
