"""The FollowTheMoney JSON-lines loader, on hand-made fixtures, the real files and the synthetic generator."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, shared_file
from trgraph.errors import InputError
from trgraph.ingest.ftm import load_ftm, parse_share
from trgraph.model import Entity, EntityKind, Flag, Link, LinkKind, Rejected

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ftm"


def split(items: list[object]) -> tuple[dict[str, Entity], list[Link], list[Rejected]]:
    return ({i.id: i for i in items if isinstance(i, Entity)}, [i for i in items if isinstance(i, Link)],
            [i for i in items if isinstance(i, Rejected)])


def load(path: Path, dataset: str = "t") -> tuple[dict[str, Entity], list[Link], list[Rejected]]:
    return split(list(load_ftm(path, dataset)))


def schemata(path: Path) -> Counter[str]:
    """Count records by schema with the json module, independently of the loader."""
    with path.open(encoding="utf-8") as fh:
        return Counter(json.loads(line)["schema"] for line in fh if line.strip())


# --- hand-made fixture ---------------------------------------------------------------------------


def test_things_become_entities_with_names_country_identifiers_and_attrs() -> None:
    entities, _links, _rej = load(FIX / "sample.ftm.json")
    a1 = entities["t:NK-a1"]
    assert a1.kind is EntityKind.ORGANISATION and a1.name == "Northwind Aero LLC"  # the caption
    assert a1.names == ("ООО «Нордвинд Аэро»", "Northwind Aero", "NWA")  # source order, de-duplicated
    assert a1.country == "RU" and a1.attrs["countries"] == ["RU", "CY"]
    assert a1.identifiers == {"ftm": "NK-a1", "inn": "7701234567", "registration_number": "1027700000001",
                              "wikidata": "Q999001", "ofac_ent_num": "12345", "uk_unique_id": "RUS9001"}
    assert a1.attrs["schema"] == "Company" and a1.attrs["category"] == "company"
    assert a1.attrs["topics"] == ["sanction", "export.control", "poi"]
    assert a1.attrs["addresses"] == ["1 Fixture Street, Moscow, 101000"]  # folded from the Address record
    assert a1.attrs["first_seen"] == "2023-05-20T10:00:00" and a1.attrs["target"] is True
    assert "last_seen" not in a1.attrs  # moves with every export
    assert a1.provenance.record_id == "NK-a1" and a1.provenance.source == "sample.ftm.json"
    p2 = entities["t:NK-p2"]
    assert p2.kind is EntityKind.PERSON and p2.name == "Anna Petrova" and p2.country == "UA"  # ua-cri


def test_hostile_names_survive_byte_for_byte() -> None:
    entities, _links, _rej = load(FIX / "sample.ftm.json")
    p1 = entities["t:NK-p1"]
    assert p1.name == '=HYPERLINK("x")'
    assert p1.names == ("<script>alert(1)</script>", "Ivan Petrov")  # surrounding whitespace only is stripped


def test_topics_map_to_flags_by_the_declared_table() -> None:
    entities, _links, _rej = load(FIX / "sample.ftm.json")
    assert entities["t:NK-a1"].flags == {Flag.SANCTION, Flag.EXPORT_CONTROL}  # poi gives none
    assert entities["t:NK-o1"].flags == {Flag.MILITARY}
    assert entities["t:NK-pb"].flags == {Flag.STATE}  # PublicBody, gov.national on an organisation
    assert entities["t:NK-p1"].flags == frozenset()  # gov.national / role.pep on a person: an official, not a state


def test_sanction_records_before_and_after_their_entity_are_folded_in() -> None:
    entities, links, _rej = load(FIX / "sample.ftm.json")
    a1 = entities["t:NK-a1"]
    assert a1.lists == ("Office of Foreign Assets Control: RUSSIA-EO14024",
                        "Foreign, Commonwealth & Development Office: The Russia (Sanctions) (EU Exit) Regulations 2019")
    assert [s["id"] for s in a1.attrs["sanctions"]] == ["NK-a1-sanction-us", "NK-a1-sanction-gb"]
    assert a1.attrs["sanctions"][0]["listing_date"] == "2023-05-19"
    assert not any(lk.source.endswith("sanction-us") or lk.target.endswith("sanction-us") for lk in links)
    assert entities["t:NK-p1"].attrs["identifications"] == [
        {"schema": "Passport", "id": "pass-1", "number": "P1234567", "country": "ru"}]


def test_relationships_become_links_with_shares_dates_and_roles() -> None:
    _entities, links, _rej = load(FIX / "sample.ftm.json")
    by = {lk.provenance.record_id: lk for lk in links}
    assert set(by) == {"own-1", "own-2", "dir-1", "fam-1", "emp-1", "mem-1", "own-nested"}
    own = by["own-1"]
    assert (own.kind, own.source, own.target) == (LinkKind.OWNED_BY, "t:NK-a1", "t:NK-p1")
    assert own.share_pct == 51.0 and own.attrs["start_date"] == "2019-03-01" and own.attrs["end_date"] == "2024-12-31"
    assert own.attrs["shares_count"] == "5100" and own.attrs["datasets"] == ["ext_ru_egrul"]
    ranged = by["own-2"]
    assert ranged.share_pct is None and (ranged.attrs["share_min"], ranged.attrs["share_max"]) == (25.0, 50.0)
    assert ranged.attrs["percentage"] == "25-50%" and ranged.attrs["start_date_raw"] == "sometime"
    director = by["dir-1"]
    assert (director.kind, director.source, director.target) == (LinkKind.AFFILIATED_WITH, "t:NK-p1", "t:NK-a1")
    assert director.attrs["role"] == "director" and director.attrs["position"] == "General Director"
    assert by["fam-1"].kind is LinkKind.RELATED_TO and by["fam-1"].attrs["relationship"] == "Spouse"
    assert (by["emp-1"].kind, by["emp-1"].target) == (LinkKind.EMPLOYED_BY, "t:NK-o1")
    assert by["mem-1"].kind is LinkKind.AFFILIATED_WITH and by["mem-1"].attrs["role"] == "member"
    assert by["own-nested"].source == "t:NK-nest" and by["own-nested"].share_pct == 0.51  # never rescaled


def test_ends_missing_from_the_file_get_stubs_and_no_link_dangles() -> None:
    entities, links, _rej = load(FIX / "sample.ftm.json")
    stubs = {i for i, e in entities.items() if e.attrs.get("unresolved")}
    assert stubs == {"t:NK-missing", "t:NK-gone"}  # NK-o1 is defined after its first mention: no stub
    missing = entities["t:NK-missing"]
    assert missing.attrs["mentioned_as"] == "Ownership.owner" and missing.provenance.record_id == "own-2"
    assert {lk.source for lk in links} | {lk.target for lk in links} <= set(entities)


def test_bad_rows_are_rejected_with_line_and_reason() -> None:
    _entities, _links, rejected = load(FIX / "sample.ftm.json")
    reasons = {r.line: r.reason for r in rejected}
    assert sorted(reasons) == [12, 13, 14, 15, 16, 18, 19, 20, 21]
    assert reasons[12].startswith("invalid JSON")
    assert reasons[13] == "record has no id"
    assert reasons[14] == "record NK-noschema has no schema"
    assert "Payment is not loaded" in reasons[15]
    assert reasons[16].startswith("duplicate id NK-a1 (first at line 2)")
    assert "NK-nowhere" in reasons[18] and "nothing to fold" in reasons[18]
    assert reasons[19] == "Company NK-noname has no name"
    assert reasons[20] == "Ownership own-self links NK-a1 to itself"
    assert reasons[21] == "Ownership own-noowner has no owner"
    assert next(r for r in rejected if r.line == 12).raw == "this is not json {"


def test_counts_add_up_for_the_fixture() -> None:
    entities, links, rejected = load(FIX / "sample.ftm.json")
    # 6 things + 2 stubs; 6 relationships + 1 nested; 9 bad rows (25 lines, 1 blank; Address/Sanction/Passport folded)
    assert (len(entities), len(links), len(rejected)) == (8, 7, 9)


def test_a_json_array_is_read_too() -> None:
    entities, links, rejected = load(FIX / "array.ftm.json")
    assert set(entities) == {"t:Q42", "t:Q43"} and entities["t:Q42"].flags == {Flag.STATE}
    assert [(lk.kind, lk.source, lk.target) for lk in links] == [(LinkKind.EMPLOYED_BY, "t:Q43", "t:Q42")]
    assert [(r.line, r.reason) for r in rejected] == [(4, "record is a JSON str, not an object")]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_jsonl.json", "first record is not a JSON object"),
        ("blank.ftm.json", "no FollowTheMoney records"),
        ("no_records.ftm.json", "no FollowTheMoney records"),
        ("absent.ftm.json", "no such file"),
    ],
)
def test_whole_file_problems_raise_input_error(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        list(load_ftm(FIX / name, "t"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("51", {"share_pct": 51.0}), ("51%", {"share_pct": 51.0}), ("25,5 %", {"share_pct": 25.5}),
        ("0.51", {"share_pct": 0.51}), ("25-50%", {"share_min": 25.0, "share_max": 50.0}),
        ("more than 25% but not more than 50%", {"share_min": 25.0, "share_max": 50.0}),
        (">50%", {"share_min": 50.0}), ("up to 10%", {"share_max": 10.0}), ("150", {}), ("majority", {}),
        ("50-25%", {}),
    ],
)
def test_parse_share(text: str, expected: dict[str, float]) -> None:
    assert parse_share(text) == expected


def test_loading_twice_gives_identical_items() -> None:
    first = [i.to_dict() for i in load_ftm(FIX / "sample.ftm.json", "t")]
    assert first == [i.to_dict() for i in load_ftm(FIX / "sample.ftm.json", "t")]


# --- real files (../shared/data) -----------------------------------------------------------------


def test_real_dod_1260h_list() -> None:
    path = shared_file("lists/us_dod_1260h_2026.ftm.json")
    assert schemata(path) == {"Organization": 80, "Sanction": 80}
    entities, links, rejected = load(path, "us_dod_1260h")
    assert (len(entities), len(links), rejected) == (80, 0, [])
    lists = {"US Department of Defense: Section 1260H (Chinese military companies)"}
    assert all(e.flags == {Flag.MILITARY} and set(e.lists) == lists for e in entities.values())
    qihoo = entities["us_dod_1260h:us_dod_1260h_2026-88a9407e104dce3afbd19638"]
    assert qihoo.name == "360 Security Technology, Inc." and qihoo.names == ("Qihoo 360",)
    assert qihoo.country == "CN" and qihoo.attrs["sanctions"][0]["listing_date"] == "2026-06-10"


def test_real_dod_1286_list() -> None:
    path = shared_file("lists/us_dod_1286_fy24.ftm.json")
    assert schemata(path) == {"Organization": 134, "Sanction": 134}
    entities, links, rejected = load(path, "us_dod_1286")
    assert (len(entities), len(links), rejected) == (134, 0, [])
    assert all(e.flags == {Flag.MILITARY, Flag.EXPORT_CONTROL} for e in entities.values())  # mil, export.risk
    names = {e.name for e in entities.values()}
    assert "Academy of Military Medical Sciences" in names


def test_real_zala_ownership_cluster() -> None:
    path = shared_file("ownership/zala_group.ftm.json")
    counted = schemata(path)
    assert counted == {"Sanction": 41, "Ownership": 14, "Company": 11, "Address": 11, "Person": 6, "Family": 4,
                       "Directorship": 3, "Passport": 1}
    entities, links, rejected = load(path, "zala")
    assert rejected == [] and len(entities) == 17 and not any(e.attrs.get("unresolved") for e in entities.values())
    assert Counter(lk.kind for lk in links) == {LinkKind.OWNED_BY: 14, LinkKind.RELATED_TO: 4,
                                                LinkKind.AFFILIATED_WITH: 3}
    cst = entities["zala:NK-abdzbEBkqyT29GyREbiURZ"]
    assert cst.name == "LLC CST" and "Zala Aero Group" in cst.names and cst.country == "RU"
    assert cst.flags == {Flag.SANCTION, Flag.EXPORT_CONTROL}
    assert "Entity List (EL) - Bureau of Industry and Security" in cst.lists
    assert cst.identifiers["ogrn"] == "1101841007938" and cst.identifiers["inn"] == "1841015504"
    kalashnikov = "zala:NK-nR5AXM9AVPq4pQaSPSaVam"
    assert entities[kalashnikov].name == "JSC Kalashnikov Concern"
    owners = {(lk.target, lk.share_pct, lk.attrs.get("start_date")) for lk in links
              if lk.kind is LinkKind.OWNED_BY and lk.source == cst.id}
    assert (kalashnikov, 49.0, "2016-03-29") in owners
    assert ("zala:NK-aU5ybkbRFJucf8YMwsJvDw", 51.0, "2015-11-25") in owners  # Alexander Zakharov
    zakharov = entities["zala:NK-aU5ybkbRFJucf8YMwsJvDw"]
    assert zakharov.kind is EntityKind.PERSON and zakharov.attrs["identifications"][0]["schema"] == "Passport"
    assert sum(len(e.attrs.get("sanctions", ())) for e in entities.values()) == 41  # every Sanction folded
    unflagged = {e.name for e in entities.values() if not e.flags}
    assert 'НЕКОММЕРЧЕСКОЕ ПАРТНЕРСТВО "АССОЦИАЦИЯ БЕСПИЛОТНЫХ СИСТЕМ"' in unflagged  # only sanction.linked


def test_real_t1_sample() -> None:
    path = shared_file("ownership/t1_sample.ftm.json")
    assert schemata(path) == {"Person": 4, "Organization": 2, "Address": 1}
    entities, links, rejected = load(path, "t1")
    assert (len(entities), links, rejected) == (6, [], [])
    irgc = entities["t1:NK-2PacmNpiLUmoz4XD2mSt7A"]
    assert irgc.name == "IRGC" and irgc.names == ("Iranian Revolutionary Guard Corps",)
    assert irgc.country == "IR" and irgc.flags == {Flag.SANCTION} and irgc.identifiers["ofac_ent_num"] == "10465"


def test_real_zala_loads_identically_twice() -> None:
    path = shared_file("ownership/zala_group.ftm.json")
    assert [i.to_dict() for i in load_ftm(path, "z")] == [i.to_dict() for i in load_ftm(path, "z")]


# --- the synthetic generator (benchmarks/synth_ftm.py) -------------------------------------------


def synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth_ftm", ROOT / "benchmarks" / "synth_ftm.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_file_is_deterministic_and_loads_without_rejections(tmp_path: Path) -> None:
    gen = synth()
    a, b = tmp_path / "a.ftm.json", tmp_path / "b.ftm.json"
    gen.generate(a, entities=3_000, relationships=6_000, seed=3)
    gen.generate(b, entities=3_000, relationships=6_000, seed=3)
    assert a.read_bytes() == b.read_bytes()
    counted = schemata(a)
    assert sum(counted[s] for s in ("Company", "Organization", "PublicBody", "Person")) == 3_000
    assert sum(counted[s] for s in ("Ownership", "Directorship", "Employment", "Family", "Membership")) == 6_000
    assert counted["Sanction"] > 0
    entities, links, rejected = load(a, "syn")
    assert rejected == [] and len(links) == 6_000
    real = [e for e in entities.values() if not e.attrs.get("unresolved")]
    assert len(real) == 3_000 and any(not e.name.isascii() for e in real)
    assert {Flag.SANCTION, Flag.MILITARY, Flag.STATE} <= {f for e in real for f in e.flags}
    assert any(e.lists for e in real) and any(e.attrs.get("unresolved") for e in entities.values())
    assert any(lk.share_pct is not None for lk in links) and any("share_min" in lk.attrs for lk in links)
