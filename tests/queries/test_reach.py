"""Bulk reach: hand-computed values, the propagation rules, and agreement with path enumeration."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trgraph.model import LinkKind
from trgraph.queries.index import GraphIndex, index_from_rows
from trgraph.queries.paths import enumerate_paths, reach_of
from trgraph.queries.reach import bulk_reach, neighbourhood, reach_pairs
from trgraph.queries.weights import CHANNELS, Weights

W = Weights()
EC, SANCTION, MIL = CHANNELS.index("export_control"), CHANNELS.index("sanction"), CHANNELS.index("military")


def build(rows: list[tuple[str, str, str]], flagged: dict[str, str], *, ended: frozenset[int] = frozenset(),
          aspi: dict[str, str] | None = None) -> GraphIndex:
    full = [(s, t, k, "2000-01-01" if i in ended else None) for i, (s, t, k) in enumerate(rows)]
    return index_from_rows(full, flagged.items(), (aspi or {}).items(), today="2026-01-01")


def value(index: GraphIndex, entity: str, channel: int, weights: Weights = W, hops: int = 4) -> float:
    return float(bulk_reach(index, weights, max_hops=hops).of(index.node(entity))[0][channel])


def test_a_child_inherits_from_its_parent_and_never_the_reverse() -> None:
    ix = build([("lab", "uni", "part_of")], {"uni": "export_control"})
    assert value(ix, "lab", EC) == pytest.approx(0.9 * 0.9 * 0.85)
    assert value(ix, "uni", EC) == pytest.approx(0.9)
    ix = build([("lab", "uni", "part_of")], {"lab": "export_control"})
    assert value(ix, "uni", EC) == 0.0


def test_a_parent_does_not_inherit_from_a_childs_other_parent() -> None:
    ix = build([("centre", "nju", "part_of"), ("centre", "nuaa", "part_of")], {"nuaa": "export_control"})
    reach = bulk_reach(ix, W, max_hops=4)
    assert reach.of(ix.node("centre"))[0][EC] > 0
    values, hops = reach.of(ix.node("nju"))
    assert values.max() == 0 and hops is None


def test_same_as_is_free_possible_matches_are_discounted_and_free() -> None:
    ix = build([("p", "ror", "same_as"), ("ror", "x", "part_of"), ("x", "csl", "same_as"),
                ("q", "csl", "possibly_same_as")], {"csl": "sanction"})
    reach = bulk_reach(ix, W, max_hops=1)
    v, hops = reach.of(ix.node("p"))
    assert v[SANCTION] == pytest.approx(0.9 * 0.85) and hops == 1
    v, hops = reach.of(ix.node("q"))
    assert v[SANCTION] == pytest.approx(0.5) and hops == 0


def test_related_to_passes_one_hop_only_from_a_flagged_far_end_and_is_never_chained() -> None:
    ix = build([("a", "f", "related_to"), ("b", "a", "related_to"), ("c", "a", "part_of")], {"f": "military"})
    assert value(ix, "a", MIL) == pytest.approx(0.9 * 0.3 * 0.85)
    assert value(ix, "b", MIL) == 0.0  # a is not flagged itself: nothing passes
    assert value(ix, "c", MIL) == pytest.approx(0.9 * 0.3 * 0.85 * 0.9 * 0.85)  # strong link after it
    ix = build([("f", "a", "related_to")], {"f": "military"})  # either direction
    assert value(ix, "a", MIL) == pytest.approx(0.9 * 0.3 * 0.85)


def test_ended_links_weigh_less_and_hops_are_bounded() -> None:
    ix = build([("a", "b", "owned_by"), ("b", "c", "owned_by")], {"c": "sanction"}, ended=frozenset({0}))
    assert value(ix, "a", SANCTION) == pytest.approx(1.0 * (0.9 * 0.5 * 0.85) * (0.9 * 0.85))
    assert value(ix, "a", SANCTION, hops=1) == 0.0


def test_a_hub_passes_only_its_own_flags() -> None:
    rows = [(f"u{i}", "ministry", "supervised_by") for i in range(5)] + [("ministry", "council", "part_of")]
    flagged = {"council": "state"}
    hubby = Weights(hub_min_in_degree=3)
    state = CHANNELS.index("state")
    assert value(build(rows, flagged), "u0", state) > 0  # not a hub at the default threshold
    ix = build(rows, flagged)
    assert value(ix, "u0", state, hubby) == 0.0  # inherited risk stops at the hub
    assert value(ix, "ministry", state, hubby) > 0  # the hub itself keeps its own value
    ix = build(rows, {"council": "state", "ministry": "security"})
    assert value(ix, "u0", CHANNELS.index("security"), hubby) == pytest.approx(0.8 * 0.8 * 0.85)
    half = Weights(hub_min_in_degree=3, hub_factor=0.5)
    assert value(build(rows, flagged), "u0", state, half) == pytest.approx(0.5 * (0.9 * 0.85) * (0.8 * 0.85) * 0.5)


def test_aspi_category_is_a_channel_of_its_own() -> None:
    ix = build([("p", "aspi:1", "affiliated_with")], {}, aspi={"aspi:1": "seven_sons_of_national_defence"})
    assert value(ix, "p", CHANNELS.index("aspi")) == pytest.approx(0.9 * 0.7 * 0.85)


# -- property tests: bulk values equal the best enumerated path, pairs agree ---------------
KINDS = [k.value for k in LinkKind if k is not LinkKind.LISTED_ON]


#: A drawn graph: (source, target, kind) rows, flags by entity, the rows that have ended.
Graph = tuple[list[tuple[str, str, str]], dict[str, str], frozenset[int]]


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    n = draw(st.integers(2, 9))
    names = [f"n{i}" for i in range(n)]
    rows = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names), st.sampled_from(KINDS)),
                         min_size=1, max_size=18))
    rows = [r for r in rows if r[0] != r[1]]
    flags = draw(st.dictionaries(st.sampled_from(names), st.sampled_from(["sanction", "military", "state"]),
                                 max_size=3))
    ended = frozenset(draw(st.sets(st.integers(0, max(len(rows) - 1, 0)), max_size=3)))
    return rows, flags, ended


#: Weight settings every property holds for: defaults, everything a hub, hubs passing at half.
WEIGHT_VARIANTS = st.sampled_from(
    [Weights(), Weights(hub_min_in_degree=1), Weights(hub_min_in_degree=1, hub_factor=0.5)]
)


@settings(max_examples=150, deadline=None)
@given(graphs(), st.integers(0, 4), WEIGHT_VARIANTS)
def test_bulk_values_equal_the_best_enumerated_path(
    graph: Graph, hops: int, weights: Weights
) -> None:
    rows, flags, ended = graph
    ix = build(rows, flags, ended=ended)
    reach = bulk_reach(ix, weights, max_hops=hops)
    for entity in ix.ids:
        node = ix.node(entity)
        assert node is not None
        paths, cut, exhausted = enumerate_paths(ix, weights, reach, entity, limit=10**6, cap=10**6)
        assert exhausted and not cut
        target_w = reach.base.max(axis=1)
        for c in range(len(CHANNELS)):
            best = max((p.score / float(target_w[p.end]) * float(reach.base[p.end, c]) for p in paths), default=0.0)
            assert float(reach.values[node, c]) == pytest.approx(best, rel=1e-5, abs=1e-7), (entity, c)
        assert (reach.of(node)[1] is None) == (not paths)
        if paths:
            assert reach.of(node)[1] == min(p.hops for p in paths)
    sources = np.array(sorted({int(ix.node(e) or 0) for e in ix.ids}), dtype=np.int32)
    pairs = reach_pairs(ix, weights, sources, reach)
    got = {(int(sources[s]), int(t)): (float(v), int(h))
           for s, t, v, h in zip(pairs.source, pairs.target, pairs.value, pairs.hops, strict=True)}
    want: dict[tuple[int, int], tuple[float, int]] = {}
    for node in sources.tolist():
        entity = ix.ids[int(ix.members(node)[0])]
        for p in enumerate_paths(ix, weights, reach, entity, limit=10**6, cap=10**6)[0]:
            old = want.get((node, p.end))
            want[(node, p.end)] = (max(p.score, old[0]) if old else p.score, min(p.hops, old[1]) if old else p.hops)
    assert set(got) == set(want)
    for key, (v, h) in want.items():
        assert got[key][0] == pytest.approx(v, rel=1e-5) and got[key][1] == h


@settings(max_examples=100, deadline=None)
@given(graphs(), st.integers(0, 8), st.sampled_from(["owned_by", "part_of", "funded_by"]))
def test_adding_a_sanctioned_owner_never_lowers_a_value(
    graph: Graph, pick: int, kind: str
) -> None:
    rows, flags, ended = graph
    ix_before = build(rows, flags, ended=ended)
    before = bulk_reach(ix_before, W)
    subject = ix_before.ids[pick % len(ix_before.ids)] if ix_before.ids else "n0"
    ix_after = build([*rows, (subject, "new-owner", kind)], {**flags, "new-owner": "sanction"}, ended=ended)
    after = bulk_reach(ix_after, W)
    for entity in ix_before.ids:
        old = before.of(ix_before.node(entity))[0]
        new = after.of(ix_after.node(entity))[0]
        assert np.all(new >= old - 1e-7), entity
    assert after.of(ix_after.node(subject))[0][SANCTION] > 0


@settings(max_examples=200, deadline=None)
@given(graphs(), st.integers(0, 4), WEIGHT_VARIANTS)
def test_a_search_within_the_neighbourhood_answers_exactly_for_its_centre(
    graph: Graph, hops: int, weights: Weights
) -> None:
    rows, flags, ended = graph
    ix = build(rows, flags, ended=ended)
    whole = bulk_reach(ix, weights, max_hops=hops)
    for entity in ix.ids:
        node = ix.node(entity)
        assert node is not None
        within = neighbourhood(ix, node, hops)
        assert within[node] and within.sum() <= ix.n_nodes
        local = reach_of(ix, weights, entity, hops)
        assert np.allclose(local.of(node)[0], whole.of(node)[0]) and local.of(node)[1] == whole.of(node)[1]
        want = enumerate_paths(ix, weights, whole, entity, limit=10**6, cap=10**6)[0]
        got = enumerate_paths(ix, weights, local, entity, limit=10**6, cap=10**6)[0]
        assert sorted((p.edges, round(p.score, 6)) for p in got) == sorted((p.edges, round(p.score, 6)) for p in want)


def test_a_neighbourhood_follows_the_inheritance_direction_and_counts_only_hops() -> None:
    ix = build([("a", "b", "part_of"), ("b", "c", "owned_by"), ("c", "d", "part_of"), ("b", "x", "possibly_same_as"),
                ("x", "y", "part_of"), ("z", "a", "part_of")], {"d": "sanction"})
    within = neighbourhood(ix, int(ix.node("a") or 0), 2)
    assert sorted(e for e in ix.ids if within[ix.node(e) or 0]) == ["a", "b", "c", "x", "y"]
