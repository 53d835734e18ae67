"""Candidate blocking and search over hand-made entities."""

from __future__ import annotations

import pytest

from trgraph.model import Entity, EntityKind, Flag, Provenance
from trgraph.resolve.affiliation import affiliation_queries, match_affiliation
from trgraph.resolve.index import CandidateIndex, Query


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


def test_names_tied_at_the_blocking_cut_are_all_scored() -> None:
    # Four societies share the query's two words equally; with room for two names per query, which
    # two were scored used to turn on the index's layout.
    societies = [org(f"ror:s{i}", f"Suomen {w} Seura", country="FI")
                 for i, w in enumerate(["Kirjallisuus", "Kielitieteellinen", "Historiallinen", "Matemaattinen"])]
    index = CandidateIndex([*societies, *ENTITIES], block=2)
    hits = index.search(Query("q", ["Suomen Egyptologinen Seura"]), limit=10, min_score=0.0)
    assert {h.entity.id for h in hits} >= {e.id for e in societies}


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
