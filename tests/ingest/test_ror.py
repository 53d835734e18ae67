"""ROR v2 dump loader: hand-made fixtures, a real extract, and the real subset in ../shared."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, shared_file
from trgraph.errors import InputError
from trgraph.ingest.base import Item
from trgraph.ingest.ror import load_ror, ror_short_id
from trgraph.model import Entity, EntityKind, Link, LinkKind, Rejected, link_id

ROR = FIXTURES / "ror"
REAL_ZIP = "registries/ror-data-subset-2026-06-23.zip"


def _split(items: list[Item]) -> tuple[dict[str, Entity], list[Link], list[Rejected]]:
    entities = {i.id: i for i in items if isinstance(i, Entity)}
    assert len(entities) == sum(isinstance(i, Entity) for i in items), "an entity was yielded twice"
    return entities, [i for i in items if isinstance(i, Link)], [i for i in items if isinstance(i, Rejected)]


def _no_dangling(entities: dict[str, Entity], links: list[Link]) -> None:
    ends = {e for link in links for e in (link.source, link.target)}
    assert ends <= set(entities), sorted(ends - set(entities))[:5]


@pytest.fixture(scope="module")
def hand() -> tuple[dict[str, Entity], list[Link], list[Rejected]]:
    return _split(list(load_ror(ROR / "hand_made.json")))


def test_short_id() -> None:
    assert ror_short_id("https://ror.org/01yqg2h08") == "01yqg2h08"
    assert ror_short_id(" 01YQG2H08 ") == "01yqg2h08"
    assert ror_short_id("https://ror.org/") is None
    assert ror_short_id(None) is None


def test_hand_made_entities(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    entities, _, _ = hand
    # 6 good records + 2 stubs (0zzzzzz99 named by two records, 0yyyyyy98 by one).
    assert len(entities) == 8
    alpha = entities["ror:0aaaaaa01"]
    assert alpha.kind is EntityKind.ORGANISATION
    assert alpha.name == "Alpha University"
    # source order, de-duplicated, stripped, primary excluded
    assert alpha.names == ("AU", "阿尔法大学", "Alpha Univ")
    assert alpha.country == "GB"
    assert alpha.identifiers == {
        "ror": "0aaaaaa01", "grid": "grid.0001.1", "isni": "0000 0001 0000 0001", "fundref": "501100000001"
    }
    assert alpha.attrs["external_ids"] == {"isni": ["0000 0001 0000 0001", "0000 0001 0000 0002"]}
    assert alpha.attrs["acronyms"] == ["AU"]
    assert alpha.attrs["category"] == "university"
    assert alpha.attrs["types"] == ["education", "funder"]
    assert alpha.attrs["city"] == "Oxford"
    assert alpha.attrs["website"] == "https://alpha.example"
    assert alpha.attrs["name_langs"]["阿尔法大学"] == "zh"
    assert alpha.provenance.record_id == "0aaaaaa01"
    assert alpha.provenance.source == "hand_made.json"
    assert alpha.provenance.retrieved is None
    assert "unresolved" not in alpha.attrs


def test_hostile_names_survive(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    lab = hand[0]["ror:0bbbbbb02"]
    assert lab.name == '=HYPERLINK("x")'
    assert lab.names == ("<script>alert(1)</script>",)
    assert lab.attrs["category"] == "research_institute"


def test_inactive_and_withdrawn_are_kept(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    entities = hand[0]
    assert entities["ror:0dddddd04"].attrs["status"] == "inactive"
    assert entities["ror:0dddddd04"].name == "Delta Centre"  # label when no ror_display
    assert entities["ror:0eeeeee05"].attrs["status"] == "withdrawn"
    assert entities["ror:0eeeeee05"].country is None


def test_stubs_once_with_labels(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    entities = hand[0]
    ghost = entities["ror:0zzzzzz99"]
    assert ghost.attrs == {"unresolved": True}
    assert ghost.name == "Ghost Lab"
    assert ghost.names == ("Ghost Laboratory",)
    assert ghost.identifiers == {"ror": "0zzzzzz99"}
    assert entities["ror:0yyyyyy98"].name == "Ghost Parent"
    stubs = [e for e in entities.values() if e.attrs.get("unresolved")]
    assert {e.id for e in stubs} == {"ror:0zzzzzz99", "ror:0yyyyyy98"}


def test_links_deduplicated_and_directed(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    entities, links, _ = hand
    got = {(link.kind, link.source, link.target) for link in links}
    assert len(links) == len(got) == 6
    assert got == {
        (LinkKind.PART_OF, "ror:0bbbbbb02", "ror:0aaaaaa01"),  # stated by both records
        (LinkKind.PART_OF, "ror:0zzzzzz99", "ror:0aaaaaa01"),
        (LinkKind.PART_OF, "ror:0bbbbbb02", "ror:0yyyyyy98"),
        (LinkKind.PART_OF, "ror:0ffffff06", "ror:0zzzzzz99"),
        (LinkKind.RELATED_TO, "ror:0cccccc03", "ror:0dddddd04"),  # stated by both, one link
        (LinkKind.SUCCEEDED_BY, "ror:0cccccc03", "ror:0eeeeee05"),  # successor + predecessor, one link
    }
    by_ends = {(link.source, link.target): link for link in links}
    both = by_ends[("ror:0bbbbbb02", "ror:0aaaaaa01")]
    assert both.id == link_id(LinkKind.PART_OF, "ror:0bbbbbb02", "ror:0aaaaaa01")
    assert both.provenance.record_id == "0bbbbbb02"  # the child's own record, which states it
    assert by_ends[("ror:0zzzzzz99", "ror:0aaaaaa01")].provenance.record_id == "0aaaaaa01"
    _no_dangling(entities, links)


def test_rejected_rows(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    rejected = hand[2]
    lines = Counter(r.line for r in rejected)
    assert lines == {6: 2, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1}
    reasons = {r.line: r.reason for r in rejected}
    assert "no valid ROR id" in reasons[7]
    assert "no ror_display or label name" in reasons[8]
    assert "not an object" in reasons[9]
    assert "duplicate ROR id 0aaaaaa01 (first at record 1)" in reasons[10]
    assert "not-a-ror" in reasons[11]
    six = sorted(r.reason for r in rejected if r.line == 6)
    assert "points to the record itself" in six[0]
    assert "unknown relationship type 'sibling'" in six[1]
    assert all(r.source.endswith("hand_made.json") and r.raw for r in rejected)
    assert any("No Id Org" in r.raw for r in rejected)


def test_zip_source_and_retrieved_date(tmp_path: Path) -> None:
    archive = tmp_path / "ror-data-x.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(ROR / "hand_made.json", "v9.9-2030-01-31-ror-data.json")
    entities, links, rejected = _split(list(load_ror(archive)))
    assert len(entities) == 8 and len(links) == 6 and len(rejected) == 7
    prov = entities["ror:0aaaaaa01"].provenance
    assert prov.source == "ror-data-x.zip/v9.9-2030-01-31-ror-data.json"
    assert prov.retrieved == "2030-01-31"


@pytest.mark.parametrize(
    ("name", "message"),
    [("not_an_array.json", "expected a JSON array"), ("truncated.json", "invalid JSON"), ("absent.json", "no such")],
)
def test_whole_file_errors(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        list(load_ror(ROR / name))


def test_bad_zip(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a valid zip"):
        list(load_ror(bad))


def test_real_extract() -> None:
    items = list(load_ror(ROR / "real_extract_v2.9-2026-06-23.json"))
    entities, links, rejected = _split(items)
    assert rejected == []
    hit = entities["ror:01yqg2h08"]
    assert hit.name == "Harbin Institute of Technology"
    assert hit.names == ("HIT", "哈尔滨工业大学")
    assert hit.country == "CN"
    assert hit.identifiers["grid"] == "grid.19373.3f"
    assert hit.identifiers["wikidata"] == "Q632558"
    assert hit.provenance.retrieved == "2026-06-23"
    beihang = entities["ror:00wk2mp56"]
    assert "Beijing University of Aeronautics and Astronautics" in beihang.names
    assert "北京航空航天大学" in beihang.names
    # the urban-water lab states its parent and HIT states the child: one link
    water = [lk for lk in links if lk.source == "ror:05s6mpv98"]
    assert [(lk.kind, lk.target) for lk in water] == [(LinkKind.PART_OF, "ror:01yqg2h08")]
    # HIT's other two labs are not in the extract: stubs named from the label
    assert entities["ror:015m77g16"].name == "State Key Laboratory of Robotics and Systems"
    assert entities["ror:015m77g16"].attrs == {"unresolved": True}
    gulhane = [lk for lk in links if lk.kind is LinkKind.SUCCEEDED_BY]
    assert [(lk.source, lk.target) for lk in gulhane] == [("ror:00c8t7d47", "ror:00w7bw158")]
    assert entities["ror:00c8t7d47"].attrs["status"] == "inactive"
    _no_dangling(entities, links)
    assert list(load_ror(ROR / "real_extract_v2.9-2026-06-23.json")) == items


@pytest.fixture(scope="module")
def real() -> list[Item]:
    return list(load_ror(shared_file(REAL_ZIP)))


def test_real_subset_counts(real: list[Item]) -> None:
    entities, links, rejected = _split(real)
    # Counted independently with a plain script over the JSON array: 35,990 records;
    # unique (child, parent) pairs from parent+child statements 19,949, unordered related
    # pairs 5,213, (predecessor, successor) pairs 662; relationship targets not among the
    # record ids 7,845. Three records relate to themselves (02ek9wp67 child, 038mj2660 and
    # 03r781319 predecessor); those three statements are rejected, not linked.
    stubs = [e for e in entities.values() if e.attrs.get("unresolved")]
    assert len(entities) - len(stubs) == 35_990
    assert len(stubs) == 7_845
    kinds = Counter(link.kind for link in links)
    assert kinds == {LinkKind.PART_OF: 19_948, LinkKind.RELATED_TO: 5_213, LinkKind.SUCCEEDED_BY: 660}
    assert len({link.id for link in links}) == len(links)
    assert sorted((r.line, r.reason.split(" of ")[1][:9]) for r in rejected) == [
        (14708, "02ek9wp67"), (19611, "038mj2660"), (22493, "03r781319")
    ]
    statuses = Counter(e.attrs.get("status") for e in entities.values() if not e.attrs.get("unresolved"))
    assert statuses == {"active": 35_075, "inactive": 725, "withdrawn": 190}
    _no_dangling(entities, links)


def test_real_subset_facts(real: list[Item]) -> None:
    entities, links, _ = _split(real)
    nwpu = entities["ror:01y0j0j86"]
    assert nwpu.name == "Northwestern Polytechnical University"
    assert {"NWPU", "西北工业大学", "Северо-западный политехнический университет"} <= set(nwpu.names)
    assert entities["ror:052gg0110"].name == "University of Oxford"
    assert entities["ror:041kmwe10"].country == "GB"
    hit_children = {lk.source for lk in links if lk.target == "ror:01yqg2h08" and lk.kind is LinkKind.PART_OF}
    assert hit_children == {"ror:03zxdkx17", "ror:015m77g16", "ror:05s6mpv98"}


def test_real_subset_deterministic(real: list[Item]) -> None:
    again = list(load_ror(shared_file(REAL_ZIP)))
    assert len(again) == len(real)
    assert [i.to_dict() for i in again] == [i.to_dict() for i in real]
