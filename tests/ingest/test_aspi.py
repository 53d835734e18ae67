"""The ASPI China Defence Universities Tracker loader (MISP galaxy JSON)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_file
from trgraph.errors import InputError
from trgraph.ingest.aspi import LIST_NAME, load_aspi
from trgraph.model import Entity, Flag, Link, LinkKind, Rejected

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "aspi"
REAL = "lists/aspi_china_defence_universities_misp_2020.json"
MIIT = "ministry-of-industry-and-information-technology"


def split(items: list[object]) -> tuple[dict[str, Entity], list[Link], list[Rejected]]:
    return ({i.id: i for i in items if isinstance(i, Entity)}, [i for i in items if isinstance(i, Link)],
            [i for i in items if isinstance(i, Rejected)])


def load(path: Path, dataset: str = "aspi") -> tuple[dict[str, Entity], list[Link], list[Rejected]]:
    return split(list(load_aspi(path, dataset)))


def targets(links: list[Link], source: str, kind: LinkKind) -> set[str]:
    return {lk.target for lk in links if lk.source == source and lk.kind is kind}


# --- hand-made fixture ---------------------------------------------------------------------------

SIT = "aspi:00000000-0000-4000-8000-000000000001"
PLA = "aspi:00000000-0000-4000-8000-000000000002"
EAG = "aspi:00000000-0000-4000-8000-000000000003"


def test_institutions_get_names_flags_and_the_list() -> None:
    entities, _links, _rej = load(FIX / "sample.json")
    sit = entities[SIT]
    assert sit.name == "Sample Institute of Technology" and sit.names == ("示例工业大学", "SIT", "Sample Polytechnic")
    assert sit.country == "CN" and sit.lists == (LIST_NAME,)
    assert sit.flags == {Flag.MILITARY, Flag.DEFENCE_INDUSTRY}
    assert sit.attrs["category"] == "Seven sons of national defence" and sit.attrs["org_type"] == "university"
    assert sit.attrs["chinese_name"] == "示例工业大学" and sit.attrs["topics"] == ["Cyber", "Quantum"]
    assert sit.attrs["lat"] == 45.7 and sit.attrs["address"] == "1 Sample Road, Harbin"
    assert sit.provenance.record_id == "00000000-0000-4000-8000-000000000001"
    assert entities[EAG].flags == {Flag.DEFENCE_INDUSTRY, Flag.STATE}
    civilian = entities["aspi:00000000-0000-4000-8000-000000000004"]
    assert civilian.flags == frozenset() and civilian.attrs["category"] == "Civilian"  # kept: risk weighs it
    assert entities["aspi:00000000-0000-4000-8000-000000000005"].flags == {Flag.SECURITY}


def test_hostile_names_survive_byte_for_byte() -> None:
    entities, _links, _rej = load(FIX / "sample.json")
    pla = entities[PLA]
    assert pla.name == '=HYPERLINK("x")' and pla.names == ("解放军示例大学", "<script>alert(1)</script>", "PLAFU")
    assert pla.flags == {Flag.MILITARY}


def test_agencies_are_entities_and_supervised_by_links() -> None:
    entities, links, _rej = load(FIX / "sample.json")
    miit = f"aspi:agency:{MIIT}"
    assert entities[miit].name == "Ministry of Industry and Information Technology"
    assert entities[miit].names == ("MIIT",) and entities[miit].flags == {Flag.STATE}
    # an agency that is itself a tracked institution links to that institution, not to a copy
    assert targets(links, SIT, LinkKind.SUPERVISED_BY) == {miit, EAG}
    assert "aspi:agency:example-aviation-group" not in entities
    assert entities["aspi:agency:central-military-commission"].flags == {Flag.STATE, Flag.MILITARY}
    assert entities["aspi:agency:people-s-armed-police"].flags == {Flag.STATE, Flag.MILITARY, Flag.SECURITY}
    assert entities["aspi:agency:ministry-of-state-security"].flags == {Flag.STATE, Flag.SECURITY}
    agencies = [e for e in entities.values() if ":agency:" in e.id]
    assert len(agencies) == 6 and all(not e.lists and "category" not in e.attrs for e in agencies)


def test_subsidiaries_and_laboratories_are_part_of_their_institution() -> None:
    entities, links, _rej = load(FIX / "sample.json")
    parts = {lk.source: lk for lk in links if lk.kind is LinkKind.PART_OF}
    assert set(parts) == {
        "aspi:sub:sample-institute-of-technology:national-key-laboratory-of-sample-propulsion",
        "aspi:sub:sample-institute-of-technology:key-laboratory-of-sample-materials",
        "aspi:sub:sample-institute-of-technology:sample-tech-co-ltd",
        "aspi:sub:sample-institute-of-technology:sample-campus-institute",
    }
    assert all(lk.target == SIT for lk in parts.values())
    lab = entities["aspi:sub:sample-institute-of-technology:national-key-laboratory-of-sample-propulsion"]
    assert lab.names == ("样本推进国防科技重点实验室", "样本推进国家重点实验室")
    assert lab.flags == {Flag.DEFENCE_INDUSTRY}
    # the comments the MISP copy split into the list stay with the laboratory, not as entities
    assert lab.attrs["notes"] == ["Jointly run with AVIC", "Norinco 59"]
    assert parts[lab.id].attrs["role"] == "defence_laboratory"
    company = entities["aspi:sub:sample-institute-of-technology:sample-tech-co-ltd"]
    assert company.name == "Sample Tech Co., Ltd." and company.country == "HK" and company.flags == frozenset()
    assert company.attrs["location"] == "Hong Kong" and company.attrs["org_type"] == "company"
    assert "category" not in company.attrs  # only tracked institutions carry ASPI's category
    campus = entities["aspi:sub:sample-institute-of-technology:sample-campus-institute"]
    assert campus.country == "CN" and campus.attrs["location"] == "Xi'an, Shaanxi Province"


def test_bad_records_are_rejected() -> None:
    entities, links, rejected = load(FIX / "sample.json")
    assert [(r.line, r.reason) for r in rejected] == [
        (6, "record 6: no uuid"),
        (7, "record 7: duplicate uuid 00000000-0000-4000-8000-000000000004 (first at record 4)"),
        (8, "record 8: a JSON str, not an object"),
        (9, "record 9: 00000000-0000-4000-8000-000000000009 has no value (name)"),
    ]
    assert len([e for e in entities.values() if e.lists]) == 5
    assert {lk.source for lk in links} | {lk.target for lk in links} <= set(entities)


@pytest.mark.parametrize(("name", "message"), [("not_galaxy.json", "MISP galaxy"), ("truncated.json", "invalid JSON"),
                                               ("absent.json", "no such file")])
def test_whole_file_problems_raise_input_error(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        list(load_aspi(FIX / name, "aspi"))


def test_loading_twice_gives_identical_items() -> None:
    path = FIX / "sample.json"
    assert [i.to_dict() for i in load_aspi(path)] == [i.to_dict() for i in load_aspi(path)]


# --- the real file (../shared/data) --------------------------------------------------------------


def real_values() -> list[dict[str, Any]]:
    values: list[dict[str, Any]] = json.loads(shared_file(REAL).read_text(encoding="utf-8"))["values"]
    return values


def test_real_counts_match_the_file() -> None:
    values = real_values()  # counted with the json module, independently of the loader
    entities, links, rejected = load(shared_file(REAL))
    assert rejected == []
    institutions = [e for e in entities.values() if e.lists == (LIST_NAME,)]
    assert len(institutions) == len(values) == 159
    assert Counter(e.attrs["category"] for e in institutions) == {
        "Civilian": 80, "Military": 52, "Defence industry conglomerate": 12, "Security": 8,
        "Seven sons of national defence": 7}
    flags = Counter(f for e in institutions for f in e.flags)
    assert flags == {Flag.MILITARY: 52 + 7, Flag.DEFENCE_INDUSTRY: 7 + 12, Flag.STATE: 12, Flag.SECURITY: 8}
    mentions = [a for v in values for a in v["meta"]["supervising agencies"]]
    supervised = [lk for lk in links if lk.kind is LinkKind.SUPERVISED_BY]
    assert len(supervised) == len(mentions) == 309
    english = {re.sub(r"\s*\([^()]*\)$", "", str(v["value"])) for v in values}
    distinct = {re.sub(r"\s*\([^()]*\)$", "", a) for a in mentions}
    assert len(distinct) == 64 and len(distinct & english) == 11  # AVIC, CASC, … are institutions themselves
    assert len([e for e in entities.values() if ":agency:" in e.id]) == 64 - 11
    assert sum("category" in e.attrs for e in entities.values()) == 159
    subsidiaries = [lk for lk in links if lk.kind is LinkKind.PART_OF and lk.attrs["role"] == "subsidiary"]
    assert len(subsidiaries) == sum(len(v["meta"].get("subsidiaries", [])) for v in values) == 153


def test_real_seven_sons_are_supervised_by_miit() -> None:
    entities, links, _rej = load(shared_file(REAL))
    by_name = {e.name: e for e in entities.values() if e.lists}
    miit = f"aspi:agency:{MIIT}"
    for name, acronym in (("Harbin Institute of Technology", "HIT"), ("Beihang University", "BUAA")):
        inst = by_name[name]
        assert acronym in inst.names and inst.attrs["category"] == "Seven sons of national defence"
        assert inst.flags == {Flag.MILITARY, Flag.DEFENCE_INDUSTRY} and inst.country == "CN"
        assert miit in targets(links, inst.id, LinkKind.SUPERVISED_BY)
    hit = by_name["Harbin Institute of Technology"]
    assert hit.id == "aspi:7e1827c7-cc6b-4b73-a557-8bd2b9a7f65d" and "哈尔滨工业大学" in hit.names
    assert "Beijing University of Aeronautics and Astronautics" in by_name["Beihang University"].names
    labs = [lk for lk in links if lk.target == hit.id and lk.attrs["role"] == "defence_laboratory"]
    assert len(labs) == 9
    assert entities[miit].flags == {Flag.STATE}


def test_real_nudt_is_military_under_the_cmc() -> None:
    entities, links, _rej = load(shared_file(REAL))
    nudt = next(e for e in entities.values() if e.name == "National University of Defense Technology")
    assert "NUDT" in nudt.names and nudt.flags == {Flag.MILITARY} and nudt.attrs["category"] == "Military"
    assert targets(links, nudt.id, LinkKind.SUPERVISED_BY) == {"aspi:agency:central-military-commission"}
    cmc = entities["aspi:agency:central-military-commission"]
    assert cmc.names == ("CMC",) and cmc.flags == {Flag.STATE, Flag.MILITARY}
    subs = {entities[lk.source].name for lk in links if lk.target == nudt.id and lk.attrs["role"] == "subsidiary"}
    assert "International Relations Institute" in subs and len(subs) == 5


def test_real_agency_that_is_an_institution_and_security_agencies() -> None:
    entities, links, _rej = load(shared_file(REAL))
    by_name = {e.name: e for e in entities.values() if e.lists}
    avic = by_name["Aviation Industry Corporation of China"]
    aecc = by_name["Aero Engine Corporation of China"]
    assert avic.id in targets(links, aecc.id, LinkKind.SUPERVISED_BY)
    assert entities["aspi:agency:ministry-of-state-security"].flags == {Flag.STATE, Flag.SECURITY}
    uir = by_name["University of International Relations"]
    assert uir.flags == {Flag.SECURITY}
    assert targets(links, uir.id, LinkKind.SUPERVISED_BY) == {"aspi:agency:ministry-of-state-security"}
    assert not any(e.name.startswith(("Jointly", "Norinco")) for e in entities.values())


def test_real_agencies_are_flagged_for_what_they_are_not_for_what_they_oversee() -> None:
    entities, links, _rej = load(shared_file(REAL))
    agencies = {e.name: e for e in entities.values() if ":agency:" in e.id}
    sastind = agencies["State Administration for Science, Technology and Industry for National Defense"]
    assert sastind.flags == {Flag.STATE}  # its remit is national defence; it is a state administration
    assert agencies["Ministry of Education"].flags == {Flag.STATE}
    assert agencies["PLA Navy"].flags == {Flag.STATE, Flag.MILITARY}
    assert agencies["Ministry of Public Security"].flags == {Flag.STATE, Flag.SECURITY}
    beyond_state = {name for name, e in agencies.items() if e.flags != {Flag.STATE}}
    assert beyond_state == {"Central Military Commission", "People's Armed Police", "Ministry of Public Security",
                            "Ministry of State Security", "PLA Air Force", "PLA Ground Force", "PLA Navy",
                            "PLA Rocket Force", "PLA Strategic Support Force"}
    by_name = {e.name: e for e in entities.values() if e.lists}
    nanjing = by_name["Nanjing University"]
    assert nanjing.attrs["category"] == "Civilian" and nanjing.flags == frozenset()
    assert sastind.id in targets(links, nanjing.id, LinkKind.SUPERVISED_BY)
