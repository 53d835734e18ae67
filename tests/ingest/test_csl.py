"""Consolidated Screening List loader: hand-made fixtures, a real extract, the real files in ../shared."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, shared_file
from tests.ingest.items import entities_and_rejections
from trgraph.errors import InputError
from trgraph.ingest.csl import load_csl
from trgraph.model import Entity, EntityKind, Flag, Rejected

CSL = FIXTURES / "csl"
EL = "Entity List (EL) - Bureau of Industry and Security"
MEU = "Military End User (MEU) List - Bureau of Industry and Security"


@pytest.fixture(scope="module")
def hand() -> tuple[dict[str, Entity], list[Rejected]]:
    return entities_and_rejections(list(load_csl(CSL / "hand_made_2025.csv")))


def test_hand_made_counts_and_rejections(hand: tuple[dict[str, Entity], list[Rejected]]) -> None:
    entities, rejected = hand
    # 14 data rows: 2 rejected, 2 rows of el-001 merged and line 9 repeating line 2 → 10 entities.
    assert len(entities) == 10
    reasons = {r.line: r.reason for r in rejected}
    assert reasons == {
        7: "row has no name",
        8: "expected 29 cells, found 6",
    }
    assert any(e.attrs.get("duplicate_lines") == [9] for e in entities.values())
    assert all(r.source.endswith("hand_made_2025.csv") and r.raw for r in rejected)


def test_entity_list_row(hand: tuple[dict[str, Entity], list[Rejected]]) -> None:
    alpha = hand[0]["csl:el-001"]
    assert alpha.kind is EntityKind.ORGANISATION
    assert alpha.name == "Alpha Institute of Aeronautics and Astronautics (AIAA)"  # stripped, otherwise as written
    # name-borne acronym, alt_names in order, the second row's alias; address text split off
    assert alpha.names == ("AIAA", "Alpha University", "Alpha Univ. Shenzhen Research Institute", "Alpha Trading LTD",
                           "Alpha Institute Karachi Office")
    assert alpha.attrs["alt_name_addresses"] == ["5 Harbour Road, Wan Chai, Hong Kong",
                                                 "and 9 Quay Street, Kowloon, Hong Kong"]
    assert alpha.flags == {Flag.EXPORT_CONTROL}
    assert alpha.lists == (EL,)
    assert alpha.country == "CN"  # the code appended to the first row's addresses
    assert alpha.attrs["countries"] == ["CN", "PK", "HK"]
    assert alpha.attrs["source_rows"] == 3  # two distinct rows and one verbatim repeat
    assert len(alpha.attrs["addresses"]) == 2
    assert alpha.attrs["start_date"] == "2020-06-05"
    assert alpha.attrs["federal_register_notice"] == "85 FR 34497, 6/5/20"
    assert alpha.attrs["source_list_url"] == "https://www.bis.doc.gov/entity-list"
    assert alpha.identifiers == {"csl_id": "el-001"}
    assert alpha.provenance.record_id == "el-001"
    assert alpha.provenance.source == "hand_made_2025.csv"
    assert alpha.provenance.retrieved is None


def test_meu_sdn_and_vessel(hand: tuple[dict[str, Entity], list[Rejected]]) -> None:
    entities = hand[0]
    assert entities["csl:meu-001"].flags == {Flag.MILITARY, Flag.EXPORT_CONTROL}
    kim = entities["csl:77001"]
    assert kim.kind is EntityKind.PERSON
    assert kim.flags == {Flag.SANCTION, Flag.MILITARY}  # CMIC program adds military
    assert kim.country == "KP"  # a person: nationality before the first address (CN)
    assert kim.attrs["countries"] == ["CN", "KP"]
    assert kim.attrs["programs"] == ["NPWMD", "CMIC-EO13959"]
    assert kim.identifiers == {"csl_id": "77001", "ofac_ent_num": "77001"}
    assert kim.names == ("KIM Example", "Example KIM")
    ship = entities["csl:77002"]
    assert ship.kind is EntityKind.ORGANISATION
    assert ship.attrs["category"] == "vessel"
    assert ship.attrs["vessel_flag"] == "Panama"


def test_hostile_names_survive(hand: tuple[dict[str, Entity], list[Rejected]]) -> None:
    bad = hand[0]["csl:hostile-1"]
    assert bad.name == '=HYPERLINK("x")'
    # "'" and "--" between the separators are punctuation, not names; the rest is kept as written
    assert bad.names == ("<script>alert(1)</script>", "DROP TABLE entities")
    assert bad.attrs["addresses"] == ["<img src=x onerror=alert(1)>, Tehran, Iran, IR"]
    assert bad.country == "IR"


def test_unknown_list_is_kept_unflagged(hand: tuple[dict[str, Entity], list[Rejected]]) -> None:
    gamma = hand[0]["csl:unknown-1"]
    assert gamma.flags == frozenset()
    assert gamma.attrs["unmapped_list"] is True
    assert gamma.lists == ("Some Future List (SFL) - Department of Examples",)
    assert gamma.country == "LV"


def test_aliases_written_into_names(hand: tuple[dict[str, Entity], list[Rejected]]) -> None:
    entities = hand[0]
    # "(a.k.a." cut off, the alias spilled into the address cell
    assert entities["csl:el-002"].names == ("Delta Pad Co.",)
    epsilon = entities["csl:el-003"]
    assert epsilon.names == ("AO Epsilon Verf", "Joint Stock Company Epsilon 'Star;'", "Epsilon LLC")
    assert epsilon.country == "UA"
    assert entities["csl:el-004"].names == ()  # "(UAE)" is a place, not an alias
    eta = entities["csl:el-005"]
    assert eta.names == ("Eta Gamma Systems Pte. Ltd",)
    assert eta.attrs["alt_name_addresses"] == ["9 Marina View, Singapore 018960, Singapore"]
    assert eta.country == "SG"  # no address cell: the country the alias text ends with


def test_2019_layout_hash_ids() -> None:
    entities, rejected = entities_and_rejections(list(load_csl(CSL / "hand_made_2019.csv", "csl_2019")))
    assert rejected == []
    assert len(entities) == 5
    assert [e.attrs["duplicate_lines"] for e in entities.values() if "duplicate_lines" in e.attrs] == [[7]]
    regiments = [e for e in entities.values() if e.name == "183rd Example Regiment"]
    assert len(regiments) == 2 and regiments[0].id != regiments[1].id  # same key cells, different rows
    assert all(e.id.startswith("csl_2019:") for e in entities.values())
    by_name = {e.name: e for e in entities.values()}
    assert by_name["ADRIAN EXAMPLE"].flags == {Flag.EXPORT_CONTROL}  # DPL
    assert by_name["ADRIAN EXAMPLE"].country is None  # a US street address without a code: not guessed
    assert by_name["ADRIAN EXAMPLE"].attrs["end_date"] == "2020-10-13"
    assert by_name["Example Arms Broker"].flags == {Flag.EXPORT_CONTROL}  # DTC
    bank = by_name["EXAMPLE BANK PJSC"]
    assert bank.flags == {Flag.SANCTION} and bank.country == "RU"
    assert bank.identifiers == {"ofac_ent_num": "20001"}
    # ids are content hashes: the same file gives the same ids
    again, _ = entities_and_rejections(list(load_csl(CSL / "hand_made_2019.csv", "csl_2019")))
    assert set(again) == set(entities)


def test_wrong_layout_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing required column"):
        list(load_csl(CSL / "wrong_layout.csv"))
    with pytest.raises(InputError, match="no such file"):
        list(load_csl(tmp_path / "absent.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        list(load_csl(empty))


def test_real_extract() -> None:
    entities, rejected = entities_and_rejections(list(load_csl(CSL / "real_extract_el_meu_2026-07.csv", "csl_el_meu")))
    # 9 rows: Ahmad Rahzad twice (identical), Zvezdochka twice (same _id, two countries' text)
    assert rejected == []
    assert len(entities) == 7
    by_name = {e.name: e for e in entities.values()}
    buaa = by_name["Beijing University of Aeronautics and Astronautics (BUAA)"]
    assert buaa.names[:2] == ("BUAA", "Beihang University")
    assert buaa.country == "CN" and buaa.flags == {Flag.EXPORT_CONTROL}
    assert by_name["AECC Harbin Dongan Engine Co., Ltd."].flags == {Flag.MILITARY, Flag.EXPORT_CONTROL}
    zvezdochka = by_name["OAO Ship Repair Center 'Zvezdochka'"]
    assert zvezdochka.attrs["source_rows"] == 2
    assert "Joint Stock Company Ship Repair Center 'Zvezdochka;'" in zvezdochka.names
    assert "Ship Repair Center Zvezdochka" in zvezdochka.names
    assert zvezdochka.country == "UA"  # the first row's text names Sevastopol, Crimea, Ukraine
    assert by_name["Sabanican Company (a.k.a."].names == ("Sabanican Pad Co.",)
    assert by_name["Huawei OpenLab Delhi"].names == ("Huawei Delhi OpenLab",)
    assert by_name["Huawei OpenLab Delhi"].country == "IN"


def test_deterministic() -> None:
    path = CSL / "hand_made_2025.csv"
    assert list(load_csl(path)) == list(load_csl(path))


# ---------------------------------------------------------------- real files in ../shared/data


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_real_el_meu_file() -> None:
    path = shared_file("lists/us_csl_el_meu_2026-07.csv")
    items = list(load_csl(path, "csl_el_meu"))
    assert items == list(load_csl(path, "csl_el_meu"))
    entities, rejected = entities_and_rejections(items)
    rows = _csv_rows(path)
    # Counted independently with csv.DictReader: 3,479 rows (EL 3,409 + MEU 70); 3,469 distinct _id;
    # 6 rows repeat an earlier row cell for cell (Tomchani ×2, Ukraine Mediterranean Airlines ×2,
    # Rahzad, Oveici); 4 more rows share an _id with different text (merged).
    assert len(rows) == 3_479
    assert Counter(r["source"] for r in rows) == {EL: 3_409, MEU: 70}
    assert len({r["_id"] for r in rows}) == len(entities) == 3_469
    assert rejected == []
    # Every row is accounted for: merged rows and verbatim repeats are counted on their entity.
    assert sum(e.attrs.get("source_rows", 1) for e in entities.values()) == 3_479
    assert sum(len(e.attrs.get("duplicate_lines", [])) for e in entities.values()) == 6
    assert sum(1 for e in entities.values() if MEU in e.lists) == 70
    assert all(Flag.MILITARY in e.flags for e in entities.values() if MEU in e.lists)
    assert all(e.flags == {Flag.EXPORT_CONTROL} for e in entities.values() if e.lists == (EL,))
    names = {e.name for e in entities.values()}
    assert "Nanjing University of Aeronautics and Astronautics" in names
    assert "Nanjing University" not in names  # a different body, not on the list
    buaa = next(e for e in entities.values() if e.name.startswith("Beijing University of Aeronautics"))
    assert "Beihang University" in buaa.names and "BUAA" in buaa.names
    assert buaa.country == "CN"
    # every row with an appended ", XX" code gives the entity a country (125 rows have no address)
    assert sum(1 for r in rows if not r["addresses"]) == 125
    assert sum(1 for e in entities.values() if e.country is None) < 125


def test_real_official_samples() -> None:
    sample = shared_file("lists/us_csl_official_sample_2025.csv")
    e2025, r2025 = entities_and_rejections(list(load_csl(sample, "csl_2025")))
    assert (len(e2025), r2025) == (13, [])
    rim = e2025["csl_2025:52291"]
    assert rim.name == "RIM, Ryong Nam" and rim.kind is EntityKind.PERSON
    assert rim.country == "KP" and rim.identifiers["ofac_ent_num"] == "52291"
    assert rim.flags == {Flag.SANCTION}
    path2019 = shared_file("lists/us_csl_official_sample_2019.csv")
    e2019, r2019 = entities_and_rejections(list(load_csl(path2019, "csl_2019")))
    rows = _csv_rows(path2019)
    assert (len(e2019), r2019, len(rows)) == (115, [], 115)
    by_source = Counter(lst for e in e2019.values() for lst in e.lists)
    assert by_source == Counter(r["source"] for r in rows)
    kinds = Counter(e.kind for e in e2019.values())
    assert kinds[EntityKind.PERSON] == sum(r["type"] == "Individual" for r in rows) == 20
    assert sum(e.attrs.get("category") == "vessel" for e in e2019.values()) == 2
    group = next(e for e in e2019.values() if e.name == "32 Group China Ltd.")
    assert group.country == "HK" and group.flags == {Flag.EXPORT_CONTROL}
