"""OFAC SDN legacy CSV loader: hand-made fixtures, a real extract, the real list in ../shared."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, shared_file
from trgraph.errors import InputError
from trgraph.ingest.base import Item
from trgraph.ingest.flags import OFAC_SDN_LIST
from trgraph.ingest.ofac import load_ofac, ofac_country
from trgraph.model import Entity, EntityKind, Flag, Link, LinkKind, Rejected

OFAC = FIXTURES / "ofac"
HAND = OFAC / "hand_2024-05"


def _split(items: list[Item]) -> tuple[dict[str, Entity], list[Link], list[Rejected]]:
    entities = {i.id: i for i in items if isinstance(i, Entity)}
    assert len(entities) == sum(isinstance(i, Entity) for i in items), "an entity was yielded twice"
    links = [i for i in items if isinstance(i, Link)]
    ends = {e for link in links for e in (link.source, link.target)}
    assert ends <= set(entities), "a link dangles"
    return entities, links, [i for i in items if isinstance(i, Rejected)]


@pytest.fixture(scope="module")
def hand() -> tuple[dict[str, Entity], list[Link], list[Rejected]]:
    return _split(list(load_ofac(HAND)))


def test_rejected_rows(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    rejected = {(Path(r.source).name, r.line): r.reason for r in hand[2]}
    assert rejected == {
        ("sdn.csv", 6): "expected 12 cells, found 4",
        ("sdn.csv", 7): "ent_num 'ABC' is not a number",
        ("sdn.csv", 8): "duplicate ent_num 200 (first at line 2)",
        ("sdn.csv", 9): "unknown SDN type 'spaceship'",
        ("add.csv", 7): "address for unknown entity '999'",
        ("add.csv", 8): "expected 6 cells, found 3",
    }
    assert len(hand[0]) == 5


def test_individual(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    kim = hand[0]["ofac:100"]
    assert kim.kind is EntityKind.PERSON
    assert kim.name == "KIM, Example Person"
    assert kim.names == ("KIM Example", "PAK Example", "Example KIM")
    assert kim.attrs["former_names"] == ["PAK Example"]
    assert kim.attrs["programs"] == ["SDGT", "CMIC-EO13959"]
    assert kim.flags == {Flag.SANCTION, Flag.MILITARY}  # CMIC program
    assert kim.lists == (OFAC_SDN_LIST,)
    assert kim.identifiers == {"ofac_ent_num": "100"}
    assert kim.country == "KP"  # first address
    assert kim.attrs["countries"] == ["KP", "CN"]
    assert kim.attrs["addresses"] == ["Pyongyang, Korea, North", "12 Example Street, Shenyang, China"]
    assert kim.attrs["nationality"] == ["Korea, North"]
    assert kim.attrs["title"] == "General Director"
    assert kim.provenance.source == "sdn.csv"
    assert kim.provenance.retrieved == "2024-05"  # the folder's name states the list date


def test_entity_vessel_aircraft(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    entities = hand[0]
    etc = entities["ofac:200"]
    assert etc.kind is EntityKind.ORGANISATION and "category" not in etc.attrs
    assert etc.names == ("ETC", "NEW EXAMPLE TRADING")  # a.k.a. and n.k.a.
    assert etc.country == "AE" and etc.attrs["countries"] == ["AE", "UA"]  # Region: Crimea → UA
    assert etc.attrs["linked_to"] == ["KIM, Example Person", "NOBODY KNOWN."]
    ship = entities["ofac:300"]
    assert ship.attrs["category"] == "vessel"
    assert ship.country == "PA"  # no address: the flag state
    assert (ship.attrs["call_sign"], ship.attrs["tonnage"], ship.attrs["grt"]) == ("9HA0000", "150,000", "80000")
    assert entities["ofac:500"].attrs["category"] == "aircraft"
    assert entities["ofac:500"].country is None


def test_linked_to_links(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    links = hand[1]
    pairs = {(link.source, link.target) for link in links}
    # 100↔200 stated by both sides: one link; 300→200; "NOBODY KNOWN." names no entry.
    assert pairs == {("ofac:100", "ofac:200"), ("ofac:300", "ofac:200")}
    assert all(link.kind is LinkKind.RELATED_TO for link in links)
    assert {link.provenance.record_id for link in links} == {"100", "300"}


def test_hostile_names_survive(hand: tuple[dict[str, Entity], list[Link], list[Rejected]]) -> None:
    bad = hand[0]["ofac:400"]
    assert bad.name == '=HYPERLINK("x")'
    assert bad.names == ("<script>alert(1)</script>",)
    assert bad.attrs["addresses"] == ["<img src=x onerror=alert(1)>, Havana, Cuba"]


def test_paths_and_layouts(tmp_path: Path) -> None:
    # sdn.csv given directly: add.csv beside it is used
    assert list(load_ofac(HAND / "sdn.csv")) == list(load_ofac(HAND))
    # upper-case file name, no add.csv
    entities, _, rejected = _split(list(load_ofac(OFAC / "upper_case")))
    assert list(entities) == ["ofac:36"] and rejected == []
    with pytest.raises(InputError, match=r"not the OFAC legacy sdn\.csv layout"):
        list(load_ofac(OFAC / "wrong_layout"))
    with pytest.raises(InputError, match=r"no sdn\.csv"):
        list(load_ofac(tmp_path))
    with pytest.raises(InputError, match="address file"):
        list(load_ofac(HAND / "add.csv"))
    with pytest.raises(InputError, match="no such file"):
        list(load_ofac(tmp_path / "absent"))


def test_country_spellings() -> None:
    assert ofac_country("Korea, North") == "KP"
    assert ofac_country("Bahamas, The") == "BS"
    assert ofac_country("Cote d Ivoire") == "CI"
    assert ofac_country("Region: Gaza") == "PS"
    assert ofac_country("Region: Kafia Kingi") is None
    assert ofac_country("undetermined") is None
    assert ofac_country("-0- ") is None


def test_real_extract() -> None:
    entities, links, rejected = _split(list(load_ofac(OFAC / "real_extract_2023-01")))
    assert rejected == [] and len(entities) == 5
    bnc = entities["ofac:306"]
    assert bnc.name == "BANCO NACIONAL DE CUBA" and bnc.names == ("BNC",)
    assert bnc.attrs["countries"] == ["CH", "ES", "JP", "PA"]
    assert [(link.source, link.target) for link in links] == [("ofac:33752", "ofac:35376")]
    assert entities["ofac:17816"].country == "VE"  # nationality in the remarks; no address
    assert entities["ofac:33752"].country == "CN"  # flag state


def test_deterministic() -> None:
    assert list(load_ofac(HAND)) == list(load_ofac(HAND))


def test_real_sdn_list() -> None:
    folder = shared_file("lists/ofac_sdn_2023-01")
    items = list(load_ofac(folder))
    entities, links, rejected = _split(items)
    # Counted with csv.reader, without the "\x1a" end line: 11,443 names and 16,357 addresses (the
    # data README's figures); every address names a known entity.
    sdn = [r for r in csv.reader((folder / "sdn.csv").open(encoding="utf-8", newline="")) if r[0] != "\x1a"]
    add = [r for r in csv.reader((folder / "add.csv").open(encoding="utf-8", newline="")) if r[0] != "\x1a"]
    assert (len(sdn), len(add)) == (11_443, 16_357)
    assert {r[0] for r in add} <= {r[0] for r in sdn}
    assert len(entities) == 11_443 and rejected == []
    types = Counter(r[2].strip() for r in sdn)
    assert sum(e.kind is EntityKind.PERSON for e in entities.values()) == types["individual"] == 5_890
    assert sum(e.attrs.get("category") == "vessel" for e in entities.values()) == types["vessel"] == 685
    assert sum(e.attrs.get("category") == "aircraft" for e in entities.values()) == types["aircraft"] == 293
    # every quoted a.k.a./f.k.a. clause is an alias except 3 cut off by the 1,000-character remarks limit
    clauses = sum(len(re.findall(r"\b[afn]\.k\.a\.", r[11])) for r in sdn)
    assert clauses == 2_772
    assert sum(len(e.names) for e in entities.values()) == 2_770 - _aliases_equal_to_name(sdn)
    assert all(e.flags >= {Flag.SANCTION} for e in entities.values())
    # "Linked To:" → related_to, one link per pair, both ends in the list
    # 4,760 clauses; 8 name a name two entries share (not linked); 12 pairs are stated from both sides.
    assert len(links) == 4_740
    vessel = entities["ofac:33752"]
    assert vessel.name == "FU YUAN YU 7893" and vessel.country == "CN"
    assert any(link.source == "ofac:33752" and link.target == "ofac:35376" for link in links)
    assert items == list(load_ofac(folder))


def _aliases_equal_to_name(rows: list[list[str]]) -> int:
    return sum(
        1 for r in rows for alias in re.findall(r"\b[afn]\.k\.a\.,?\s*'(.*?)'", r[11]) if alias.strip() == r[1].strip()
    )
