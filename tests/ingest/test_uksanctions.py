"""UK Sanctions List loader: both layouts, hand-made fixtures, a real extract, the real files."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, shared_file
from tests.ingest.items import entities_and_rejections
from trgraph.errors import InputError
from trgraph.ingest.flags import UK_SANCTIONS_LIST
from trgraph.ingest.uksanctions import load_uk_sanctions
from trgraph.model import EntityKind, Flag

UK = FIXTURES / "uksanctions"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- (a) FCDO summary


def test_summary_layout() -> None:
    entities, rejected = entities_and_rejections(list(load_uk_sanctions(UK / "summary_with_preamble.csv", "uk")))
    assert {(r.line, r.reason) for r in rejected} == {
        (7, "RUS9003: row has no name"),  # the blank name spans lines 7-8
        (9, "RUS9004: unknown subject type 'Spaceship'"),
        (10, "duplicate Unique ID RUS9001 (first at line 4)"),
        (11, "expected 8 cells, found 3"),
    }
    assert set(entities) == {"uk:RUS9001", "uk:RUS9002", "uk:DPR9001", "uk:IRN9001"}
    person = entities["uk:RUS9001"]
    assert person.kind is EntityKind.PERSON and person.name == "Example Person Ivanovich"
    assert person.flags == {Flag.SANCTION} and person.lists == (UK_SANCTIONS_LIST,)
    assert person.identifiers == {"uk_unique_id": "RUS9001", "ofsi_group_id": "90001"}
    assert person.attrs == {
        "regime": "Russia", "designation_source": "UK", "date_designated": "2020-12-31",
        "sanctions_imposed": ["Asset freeze", "Travel Ban"],
    }
    assert person.country is None  # the summary states no country
    assert person.provenance.retrieved is None and person.provenance.source == "summary_with_preamble.csv"
    assert entities["uk:RUS9002"].name == '=HYPERLINK("x")'
    assert entities["uk:RUS9002"].attrs["sanctions_imposed"] == ["Asset freeze", "Trust Services Sanctions"]
    ship = entities["uk:DPR9001"]
    assert ship.name == "<script>alert(1)</script>"
    assert ship.kind is EntityKind.ORGANISATION and ship.attrs["category"] == "vessel"
    assert ship.identifiers == {"uk_unique_id": "DPR9001"}
    assert entities["uk:IRN9001"].attrs["date_designated"] == "not a date"  # kept as written
    assert "sanctions_imposed" not in entities["uk:IRN9001"].attrs  # "-" is no sanction


def test_not_a_known_layout(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no header with 'Unique ID'"):
        list(load_uk_sanctions(UK / "no_header.csv"))
    with pytest.raises(InputError, match=r"no subjects\.csv"):
        list(load_uk_sanctions(tmp_path))
    with pytest.raises(InputError, match="no such file"):
        list(load_uk_sanctions(tmp_path / "absent.csv"))


# ---------------------------------------------------------------- (b) normalised tables


def test_tables_layout() -> None:
    entities, rejected = entities_and_rejections(list(load_uk_sanctions(UK / "tables_2026-04")))
    assert {(Path(r.source).name, r.line, r.reason) for r in rejected} == {
        ("subjects.csv", 6, "RUS9300: unknown subject type 'robot'"),
        ("subjects.csv", 7, "duplicate unique_id RUS9001 (first at line 2)"),
        ("subject_names.csv", 11, "row for unknown subject 'NOPE0001'"),
        ("subject_names.csv", 12, "name row has no full_name"),
        ("subject_countries.csv", 9, "row for unknown subject 'NOPE0002'"),
        ("subject_identifiers.csv", 5, "identifier row has no value"),
        ("subjects.csv", 5, "RUS9200: subject has no name"),
    }
    assert set(entities) == {"uk_sanctions:RUS9001", "uk_sanctions:AFG9001", "uk_sanctions:RUS9100"}
    person = entities["uk_sanctions:RUS9001"]
    assert person.name == "Example Ivanovich Person"
    assert person.names == ("Eksampl Ivanovich Person", "Exie")
    assert person.attrs["weak_aliases"] == ["Abu Example"]
    assert person.country == "RU"  # a person: nationality first
    assert person.attrs["countries"] == {"birth": ["RU"], "address": ["AE"], "nationality": ["RU"]}
    assert person.attrs["identifiers"] == [{"type": "passport", "value": "700000001", "info": "Russian passport"}]
    assert person.attrs["regime"] == "Russia" and person.attrs["regime_code"] == "RUS"
    assert person.attrs["date_designated"] == "2020-12-31"
    assert person.provenance.source == "tables_2026-04/subjects.csv"
    assert person.provenance.retrieved == "2026-04"
    org = entities["uk_sanctions:AFG9001"]
    assert org.name == '=HYPERLINK("x")'
    assert org.names == ("<script>alert(1)</script>", "Second Primary Exchange")
    assert org.identifiers == {"uk_unique_id": "AFG9001", "ofsi_group_id": "90010", "un_ref": "TAe.999"}
    assert org.country == "IR"  # an organisation: first address
    assert org.attrs["countries"] == {"address": ["IR", "AF", "XK"]}  # Kosovo resolved by name
    assert org.attrs["unresolved_countries"] == ["Atlantis"]
    ship = entities["uk_sanctions:RUS9100"]
    assert ship.attrs["category"] == "vessel" and ship.identifiers["imo"] == "9000001"


def test_real_extract() -> None:
    entities, rejected = entities_and_rejections(list(load_uk_sanctions(UK / "real_extract_2026-04")))
    assert rejected == [] and len(entities) == 3
    petrel = entities["uk_sanctions:DPR0075"]
    assert petrel.name == "Petrel 8"
    assert petrel.names == ("Jal Vahini", "Jal_Vahini", "Tian Tai 36")
    assert petrel.identifiers["imo"] == "9562233"
    hawala = entities["uk_sanctions:AFG0001"]
    assert hawala.identifiers["un_ref"] == "TAe.010"
    assert hawala.attrs["countries"] == {"address": ["IR", "AF", "AE"]}  # 720 repeated rows, 3 countries


def test_deterministic() -> None:
    for path in (UK / "tables_2026-04", UK / "summary_with_preamble.csv"):
        assert list(load_uk_sanctions(path)) == list(load_uk_sanctions(path))


# ---------------------------------------------------------------- real files in ../shared/data


def test_real_summary() -> None:
    path = shared_file("lists/uk_sanctions_list_fcdo_summary_2025-08-11.csv")
    items = list(load_uk_sanctions(path, "uk_fcdo_summary"))
    entities, rejected = entities_and_rejections(items)
    rows = _read(path)
    # csv.DictReader: 5,302 rows; two have a blank (multi-line whitespace) name: BEL0174 and RUS1467.
    assert len(rows) == 5_302
    blank = sorted(r["Unique ID"] for r in rows if not r["Name"].strip())
    assert blank == ["BEL0174", "RUS1467"]
    assert sorted(r.reason.split(":")[0] for r in rejected) == blank
    assert len(entities) == 5_300
    types = Counter(r["Type"] for r in rows if r["Name"].strip())
    assert sum(e.kind is EntityKind.PERSON for e in entities.values()) == types["Individual"] == 3_752
    assert sum(e.attrs.get("category") == "vessel" for e in entities.values()) == types["Ship"] == 461
    kiselyov = entities["uk_fcdo_summary:RUS0001"]
    assert kiselyov.name == "Kiselyov Dmitry Konstantinovich"
    assert kiselyov.attrs["regime"] == "Russia" and kiselyov.provenance.retrieved == "2025-08-11"
    assert items == list(load_uk_sanctions(path, "uk_fcdo_summary"))


def test_real_tables() -> None:
    folder = shared_file("lists/uk_sanctions_list_2026-04")
    items = list(load_uk_sanctions(folder))
    entities, rejected = entities_and_rejections(items)
    subjects, names = _read(folder / "subjects.csv"), _read(folder / "subject_names.csv")
    assert (len(subjects), len(names)) == (6_046, 15_050)
    assert rejected == [] and len(entities) == 6_046
    kinds = Counter(s["subject_type"] for s in subjects)
    assert kinds == {"individual": 3_883, "entity": 1_531, "ship": 632}
    assert sum(e.kind is EntityKind.PERSON for e in entities.values()) == 3_883
    assert sum(e.attrs.get("category") == "vessel" for e in entities.values()) == 632
    # every distinct (subject, name) of the names table is on its entity, as name, alias or weak alias
    expected = {(n["unique_id"], n["full_name"].strip()) for n in names}
    found = {
        (e.id.split(":", 1)[1], n)
        for e in entities.values() for n in (*e.all_names(), *e.attrs.get("weak_aliases", ()))
    }
    assert found == expected
    assert sum(len(e.attrs.get("weak_aliases", ())) for e in entities.values()) == sum(
        n["alias_strength"] == "low_quality_aka" for n in names
    ) == 605
    kiselyov = entities["uk_sanctions:RUS0001"]
    assert kiselyov.name == "Dmitry Konstantinovich Kiselyov" and kiselyov.country == "RU"
    assert "Dmitrii Konstantinovich Kiselev" in kiselyov.names
    assert entities["uk_sanctions:AFG0001"].identifiers["un_ref"] == "TAe.010"
    assert items == list(load_uk_sanctions(folder))
