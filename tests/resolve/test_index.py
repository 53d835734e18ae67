"""Candidate blocking and search over hand-made entities and real ROR records."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from trgraph.ingest.ror import load_ror
from trgraph.model import Entity, EntityKind, Flag, Provenance
from trgraph.resolve.affiliation import affiliation_queries, match_affiliation
from trgraph.resolve.index import CandidateIndex, Hit, Query
from trgraph.resolve.score import PLACE_OMITTED_SCORE


def org(key: str, name: str, *aliases: str, country: str | None = "CN", flags: frozenset[Flag] = frozenset(),
        **identifiers: str) -> Entity:
    dataset = key.split(":")[0]
    return Entity(key, EntityKind.ORGANISATION, name, Provenance(dataset, key, "test"), names=aliases,
                  country=country, flags=flags, identifiers=identifiers)


ENTITIES = [
    org("ror:01yqg2h08", "Harbin Institute of Technology", "HIT", "哈尔滨工业大学", ror="01yqg2h08"),
    org("ror:00wk2mp56", "Beihang University", "BUAA", "Beijing University of Aeronautics and Astronautics"),
    org("ror:01rxvg760", "Nanjing University", "NJU", "南京大学"),
    org("ror:01scyh794", "Nanjing University of Aeronautics and Astronautics", "NUAA"),
    org("ror:052gg0110", "University of Oxford", country="GB", ror="052gg0110", grid="grid.4991.5"),
    org("csl:el1", "Harbin Institute of Technology", flags=frozenset({Flag.EXPORT_CONTROL})),
    *[org(f"ror:x{i}", f"{place} University") for i, place in enumerate(
        ["Wuhan", "Sichuan", "Shandong", "Zhejiang", "Peking", "Tsinghua", "Fudan", "Xiamen", "Jilin", "Lanzhou"])],
    Entity("ofac:1", EntityKind.PERSON, "Li Wei", Provenance("ofac", "1", "test")),
]


@pytest.fixture(scope="module")
def index() -> CandidateIndex:
    return CandidateIndex(ENTITIES)


def ids(hits: list[object]) -> list[str]:
    return [h.entity.id for h in hits]  # type: ignore[attr-defined]


def test_exact_and_abbreviated_names_find_both_registry_and_list(index: CandidateIndex) -> None:
    hits = index.search(Query("q", ["Harbin Inst. of Technology"], country="CN"), min_score=0.9)
    assert set(ids(hits)) == {"ror:01yqg2h08", "csl:el1"}


def test_typo_still_blocks_through_vocabulary_neighbours(index: CandidateIndex) -> None:
    hits = index.search(Query("q", ["Harbni Institute of Technology"]), min_score=0.7)
    assert "ror:01yqg2h08" in ids(hits)


def test_identifier_hit_decides_outright(index: CandidateIndex) -> None:
    hits = index.search(Query("q", ["Oxford Univ (Maths dept)"], identifiers={"ror": "https://ror.org/052gg0110"}))
    assert hits[0].entity.id == "ror:052gg0110" and hits[0].score == 1.0 and hits[0].method == "identifier"


def test_conflicting_identifier_rules_a_name_match_out(index: CandidateIndex) -> None:
    hits = index.search(Query("q", ["Harbin Institute of Technology"], identifiers={"ror": "0aaaaaa00"}),
                        min_score=0.5)
    assert "ror:01yqg2h08" not in ids(hits)  # a different ROR id: not this organisation
    assert "csl:el1" in ids(hits)  # the list entry carries no ROR id


def test_acronym_and_chinese_script(index: CandidateIndex) -> None:
    assert ids(index.search(Query("q", ["BUAA"], country="CN"), min_score=0.7))[0] == "ror:00wk2mp56"
    assert ids(index.search(Query("q", ["哈尔滨工业大学"]), min_score=0.9)) == ["ror:01yqg2h08"]


def test_nanjing_university_is_not_nuaa(index: CandidateIndex) -> None:
    hits = index.search(Query("q", ["Nanjing University"]), min_score=0.7)
    assert ids(hits) == ["ror:01rxvg760"]


def test_country_conflict_lowers_and_caps(index: CandidateIndex) -> None:
    hit = index.search(Query("q", ["University of Oxford"], country="US"))[0]
    assert hit.entity.id == "ror:052gg0110" and hit.score < 0.9 and "country_conflict" in hit.features


def test_kinds_exclude_and_accept(index: CandidateIndex) -> None:
    assert ids(index.search(Query("q", ["Li Wei"], kind=EntityKind.PERSON), min_score=0.7)) == ["ofac:1"]
    assert "ofac:1" not in ids(index.search(Query("q", ["Li Wei"]), min_score=0.1))
    hits = index.search_many([Query("q", ["Harbin Institute of Technology"])], exclude=frozenset({"csl:el1"}))[0]
    assert "csl:el1" not in ids(hits)
    hits = index.search_many([Query("q", ["Harbin Institute of Technology"])], accept=lambda e: not e.flags)[0]
    assert ids(hits)[0] == "ror:01yqg2h08" and "csl:el1" not in ids(hits)


def test_query_for_itself_is_skipped(index: CandidateIndex) -> None:
    assert "csl:el1" not in ids(index.search(Query("csl:el1", ["Harbin Institute of Technology"])))


def test_affiliation_strings() -> None:
    queries = affiliation_queries("School of Astronautics, Harbin Inst. of Technology, Harbin 150001, P.R. China")
    assert {q.country for q in queries} == {"CN"}
    index = CandidateIndex(ENTITIES)
    hit = match_affiliation(index, "School of Astronautics, Harbin Inst. of Technology, Harbin 150001, P.R. China",
                            min_score=0.7)
    assert hit is not None and hit.entity.id in ("ror:01yqg2h08", "csl:el1")
    assert match_affiliation(index, "Department of Physics, Nowhere Polytechnic", min_score=0.7) is None


@pytest.fixture(scope="module")
def places() -> CandidateIndex:
    """Real ROR records whose names end in their city or their country in brackets."""
    records = load_ror(FIXTURES / "resolve" / "ror_places.json")
    return CandidateIndex(e for e in records if isinstance(e, Entity) and not e.attrs.get("unresolved"))


def best(index: CandidateIndex, name: str) -> Hit | None:
    hits = index.search(Query("q", [name]), limit=3)
    return hits[0] if hits else None


@pytest.mark.parametrize(("name", "expected"), [
    ("Imperial College", "ror:041kmwe10"),
    ("Goethe University", "ror:04cvxnb49"),
    ("Washington University", "ror:01yc7t268"),
    ("Sciex", "ror:037mh3841"),
])
def test_a_name_written_without_its_own_city_or_country_is_for_review(places: CandidateIndex, name: str,
                                                                         expected: str) -> None:
    hit = best(places, name)
    assert hit is not None and hit.entity.id == expected
    assert "own_place_omitted" in hit.features  # method: place_omitted, or single_word for "Sciex"
    assert 0.7 <= hit.score <= PLACE_OMITTED_SCORE < 0.9  # proposed, never linked unseen


def test_the_full_name_still_decides(places: CandidateIndex) -> None:
    hit = best(places, "Imperial College London")
    assert hit is not None and hit.entity.id == "ror:041kmwe10" and hit.score == 1.0
    hit = best(places, "University of Washington")
    assert hit is not None and hit.entity.id == "ror:00cvxb145" and hit.score == 1.0


@pytest.mark.parametrize("name", [
    "University of Michigan",  # the university itself, not its Dearborn campus
    "University of California",  # any campus
    "UCB Pharma",  # the Belgian or the Portuguese one
    "Faculty of Medicine",  # says nothing without Sfax
])
def test_no_name_without_a_place_when_it_is_ambiguous_or_generic(places: CandidateIndex, name: str) -> None:
    assert all("own_place_omitted" not in h.features for h in places.search(Query("q", [name]), limit=5))


def test_only_the_name_exactly_as_written_without_its_city_counts(places: CandidateIndex) -> None:
    hits = places.search(Query("q", ["Imperial College Business School"]), limit=5)
    assert all("own_place_omitted" not in h.features for h in hits)
