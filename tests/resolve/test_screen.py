"""Acceptance on real data: the ROR subset, the Entity List (CSL layout) and the ASPI tracker.

One store for the module (the ROR dump takes a few seconds to ingest). The register is
tests/fixtures/resolve/register.csv (invented agreements naming real institutions).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, shared_file
from trgraph.cli.data import ingest_source
from trgraph.model import LinkKind
from trgraph.resolve import AUTO, PENDING, Match, ScreenResult, screen
from trgraph.resolve.screen import DATASET
from trgraph.store import EmbeddedStore, Store

HIT = "ror:01yqg2h08"
BEIHANG = "ror:00wk2mp56"
NUAA, NUST = "ror:01scyh794", "ror:00xp9wg62"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    sources = [
        ("ror", shared_file("registries/ror-data-subset-2026-06-23.zip"), "ror"),
        ("csl", shared_file("lists/us_csl_el_meu_2026-07.csv"), "csl_el_meu"),
        ("aspi", shared_file("lists/aspi_china_defence_universities_misp_2020.json"), "aspi"),
        ("partners", FIXTURES / "resolve" / "register.csv", "register"),
    ]
    s = EmbeddedStore(tmp_path_factory.mktemp("screen") / "real.db")
    for kind, path, dataset in sources:
        ingest_source(s, kind, Path(path), dataset=dataset)
    yield s
    s.close()


@pytest.fixture(scope="module")
def result(store: Store) -> ScreenResult:
    return screen(store)


def of(result: ScreenResult, subject_name: str) -> dict[str, Match]:
    return {m.candidate.id: m for m in result.matches if m.subject.name == subject_name}


def names(matches: dict[str, Match]) -> set[str]:
    return {m.candidate.name for m in matches.values()}


def test_harbin_abbreviated_finds_entity_list_and_ror(result: ScreenResult) -> None:
    found = of(result, "Harbin Inst. of Technology")
    assert found[HIT].status == AUTO
    listed = [m for m in found.values() if m.candidate.provenance.dataset == "csl_el_meu"]
    assert [m.candidate.name for m in listed] == ["Harbin Institute of Technology"]
    assert listed[0].status == AUTO
    assert "Harbin Engineering University" not in names(found)


def test_buaa_full_name_and_acronym_find_beihang(result: ScreenResult) -> None:
    assert of(result, "Beijing Univ. of Aeronautics & Astronautics")[BEIHANG].status == AUTO
    acronym = of(result, "BUAA")[BEIHANG]
    assert acronym.status in (AUTO, PENDING) and acronym.explanation["method"] in ("acronym", "single_word")


def test_nanjing_university_is_not_nuaa_or_nust(result: ScreenResult) -> None:
    found = of(result, "Nanjing University")
    assert "ror:01rxvg760" in found  # Nanjing University itself
    assert NUAA not in found and NUST not in found
    assert not any("Aeronautics" in n or "Science and Technology" in n for n in names(found))


def test_fudan_university_is_not_fudan_microelectronics(result: ScreenResult) -> None:
    found = of(result, "Fudan University")
    assert "ror:013q1eq08" in found
    assert not any("Microelectronics" in n for n in names(found))


def test_chinese_script_name_finds_its_institution(result: ScreenResult) -> None:
    found = of(result, "哈尔滨工业大学")
    assert found[HIT].status == AUTO
    assert {m.candidate.id for m in found.values() if m.status == AUTO} >= {HIT}
    assert "ror:04e6y1282" not in found  # Harbin University of Science and Technology (哈尔滨理工大学)


def test_identifier_decides_outright(result: ScreenResult) -> None:
    oxford = of(result, "University of Oxford")["ror:052gg0110"]
    assert oxford.score == 1.0 and oxford.explanation["method"] == "identifier"


def test_fictional_partner_has_no_match(result: ScreenResult) -> None:
    assert of(result, "Wessex Quantum Systems Ltd") == {}


def test_list_entries_are_linked_to_registry_organisations(result: ScreenResult) -> None:
    lists = {(m.subject.name, m.candidate.id): m for m in result.matches if m.scope == "lists"}
    buaa = lists[("Beijing University of Aeronautics and Astronautics (BUAA)", BEIHANG)]
    assert buaa.subject.provenance.dataset == "csl_el_meu" and buaa.status == AUTO
    aspi_hit = [m for m in result.matches
                if m.scope == "lists" and m.candidate.id == HIT and m.subject.provenance.dataset == "aspi"]
    assert aspi_hit and aspi_hit[0].subject.name == "Harbin Institute of Technology"
    # Only registry organisations receive list links, never other list entries.
    assert all(not m.candidate.flags and not m.candidate.lists for m in lists.values())


def test_outcomes_are_links_with_explanations(store: Store, result: ScreenResult) -> None:
    links = {lk.attrs["match_id"]: lk for lk in store.iter_links(dataset=DATASET)}
    assert len(links) == sum(1 for m in result.matches if m.kind is not None)
    for match in result.matches:
        lk = links[match.id]
        assert lk.source == match.subject.id and lk.target == match.candidate.id
        assert lk.kind is (LinkKind.SAME_AS if match.status == AUTO else LinkKind.POSSIBLY_SAME_AS)
        assert lk.attrs["score"] == round(match.score, 4) and lk.attrs["explanation"] == match.explanation
    assert not LinkKind.SAME_AS.spec.counts_as_hop and not LinkKind.POSSIBLY_SAME_AS.spec.counts_as_hop
    shape = result.to_dict()["matches"][0]
    assert {"id", "subject", "candidate", "score", "status", "explanation"} <= set(shape)
    assert set(shape["candidate"]) >= {"id", "name", "dataset"}


def test_a_list_entry_named_as_several_registry_records_is_never_linked_unseen(result: ScreenResult) -> None:
    # The Entity List's Ministry of Defence (Burma) and the "Ministry of Defence" records ROR
    # names as parents (no country): a name that several records bear does not say which is
    # meant, and a wrong auto link would carry the list flag to another country's ministry.
    found = [m for m in of(result, "Ministry of Defence").values()
             if m.subject.provenance.dataset == "csl_el_meu" and m.candidate.provenance.dataset == "ror"]
    assert len(found) >= 2
    assert all(m.status == PENDING and m.explanation["features"]["shared_name"] >= 2 for m in found)
    assert all("bear this name" in m.explanation["summary"] for m in found)
