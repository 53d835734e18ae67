"""Explained paths: direction, identity steps, provenance, possible/ended marks, bounds and cuts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.risk.stores import fixture_store, graph_store, link, org
from trgraph.errors import TrgraphError
from trgraph.queries.paths import find_paths
from trgraph.queries.weights import Weights
from trgraph.store import EmbeddedStore

W = Weights()
PATH_KEYS = {"hops", "nodes", "links", "target", "score"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    s = fixture_store(tmp_path_factory.mktemp("paths") / "s.db")
    yield s
    s.close()


def search(store: EmbeddedStore, name: str, **kw: int) -> dict:  # type: ignore[type-arg]
    return find_paths(store, store.resolve_entity(name), W, **kw).to_dict()


def test_a_lab_reaches_its_listed_parent(store: EmbeddedStore) -> None:
    out = search(store, "Tianmushan Laboratory")
    assert out["source"]["id"] == "register:partner:tianmushan-laboratory"
    [path] = out["paths"]
    assert set(path) >= PATH_KEYS
    assert path["hops"] == 1 and path["score"] == pytest.approx(0.9 * 0.9 * 0.85, rel=1e-5)
    # "Beihang University" in the links file is the real Entity List row, which names Beihang as an alias
    assert [n["name"] for n in path["nodes"]] == [
        "Tianmushan Laboratory", "Beijing University of Aeronautics and Astronautics (BUAA)"]
    assert [(lk["kind"], lk["counts_as_hop"]) for lk in path["links"]] == [("part_of", True)]
    [lk] = path["links"]
    assert lk["provenance"]["dataset"] == "links:relationships" and lk["provenance"]["source"] == "relationships.csv"
    assert path["target"] == {
        "id": "csl:8bb21e4c75231b5aafc44205", "name": "Beijing University of Aeronautics and Astronautics (BUAA)",
        "flags": ["export_control"], "lists": ["Entity List (EL) - Bureau of Industry and Security"], "category": None,
    }
    assert out["cut"] is False and out["complete"] is True


def test_identity_steps_are_shown_but_are_not_hops(tmp_path: Path) -> None:
    ents = [org("lab"), org("ror:parent"), org("csl:parent", "export_control")]
    links = [link("part_of", "lab", "ror:parent"), link("same_as", "csl:parent", "ror:parent")]
    s = graph_store(tmp_path / "s.db", ents, links)
    [path] = find_paths(s, s.resolve_entity("lab"), W).to_dict()["paths"]
    assert path["hops"] == 1 and [n["id"] for n in path["nodes"]] == ["lab", "ror:parent", "csl:parent"]
    assert [(lk["kind"], lk["counts_as_hop"]) for lk in path["links"]] == [("part_of", True), ("same_as", False)]
    assert path["score"] == pytest.approx(0.9 * 0.9 * 0.85, rel=1e-5)
    s.close()


def test_a_parent_never_reaches_its_childs_other_parent(store: EmbeddedStore) -> None:
    assert search(store, "Nanjing University")["paths"] == []
    centre = search(store, "Collaborative Centre for Microstructures")["paths"]
    assert [p["target"]["id"] for p in centre] == ["csl:a9ac5fd472eba624b9c96f75"]


def test_possible_matches_and_ended_links_are_marked(store: EmbeddedStore) -> None:
    [maybe] = search(store, "Maybe Co")["paths"]
    assert maybe["possible"] is True and maybe["hops"] == 0 and maybe["links"][0]["possible"] is True
    [old] = search(store, "Old Ventures Ltd")["paths"]
    assert old["ended"] is True and old["links"][0]["ended"] is True and old["links"][0]["end_date"] == "2020-12-31"
    assert old["links"][0]["share_pct"] == 60.0
    assert old["score"] == pytest.approx(1.0 * 0.9 * 0.5 * 0.85, rel=1e-5)


def test_related_to_is_one_hop_from_a_flagged_far_end_only(store: EmbeddedStore) -> None:
    [weak] = search(store, "Harbin Partner Co")["paths"]
    assert weak["links"][0]["kind"] == "related_to" and weak["target"]["id"] == "csl:8770e5a46d64cf5fe72e983a"
    assert search(store, "Second Order Co")["paths"] == []


def test_hop_limit_is_respected(store: EmbeddedStore) -> None:
    assert search(store, "Tianmushan Laboratory", max_hops=0)["paths"] == []
    with pytest.raises(TrgraphError, match="max-hops"):
        search(store, "Tianmushan Laboratory", max_hops=99)


def test_paths_are_best_first_capped_and_say_so(tmp_path: Path) -> None:
    ents = [org("p")] + [org(f"o{i}", "sanction") for i in range(8)] + [org(f"m{i}") for i in range(8)]
    links = [link("owned_by", "p", f"o{i}") for i in range(8)]
    links += [link("funded_by", "p", f"m{i}") for i in range(8)] + [link("owned_by", f"m{i}", "o0") for i in range(8)]
    s = graph_store(tmp_path / "s.db", ents, links)
    out = find_paths(s, s.resolve_entity("p"), W, limit=3)
    scores = [p.score for p in out.paths]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    assert out.to_dict()["complete"] is False and "weaker paths exist" in out.notes[-1]
    cut = find_paths(s, s.resolve_entity("p"), W, limit=50, cap=3)
    assert cut.cut and "stopped after 3" in cut.notes[-1]
    full = find_paths(s, s.resolve_entity("p"), W, limit=50)
    assert full.found == 16 and full.exhausted and not full.cut
    s.close()


def test_the_best_path_of_every_flag_is_kept_when_few_are_shown(tmp_path: Path) -> None:
    ents = [org("p"), org("s1", "sanction"), org("s2", "sanction"), org("st", "state")]
    links = [link("owned_by", "p", "s1"), link("owned_by", "p", "s2"), link("affiliated_with", "p", "st")]
    s = graph_store(tmp_path / "s.db", ents, links)
    out = find_paths(s, s.resolve_entity("p"), W, limit=2)
    assert sorted(p.target for p in out.paths) == ["s1", "st"] or sorted(p.target for p in out.paths) == ["s2", "st"]
    s.close()


def test_other_flagged_members_of_the_target_cluster_are_shown_with_the_path(tmp_path: Path) -> None:
    ents = [org("lab"), org("ror:parent"), org("csl:parent", "export_control"), org("aspi:parent", "military")]
    links = [link("part_of", "lab", "ror:parent"), link("same_as", "csl:parent", "ror:parent"),
             link("same_as", "ror:parent", "aspi:parent")]
    s = graph_store(tmp_path / "s.db", ents, links)
    search = find_paths(s, s.resolve_entity("lab"), W)
    [path] = search.to_dict()["paths"]
    assert path["hops"] == 1 and path["target"]["id"] in ("csl:parent", "aspi:parent")
    [other] = path["same_as_targets"]
    assert {path["target"]["id"], other["id"]} == {"csl:parent", "aspi:parent"}
    assert other["flags"] and [n["id"] for n in other["nodes"]][-1] == other["id"]
    assert [lk["kind"] for lk in other["links"]] == ["same_as"] and other["links"][0]["provenance"]["dataset"] == "t"
    s.close()
