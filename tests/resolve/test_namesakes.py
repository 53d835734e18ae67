"""Namesakes: several registry records bearing one name, on real ROR records."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from trgraph.ingest.ror import load_ror
from trgraph.model import Entity, Link, LinkKind
from trgraph.resolve.affiliation import match_affiliation
from trgraph.resolve.align import REVIEW_CAP
from trgraph.resolve.index import CandidateIndex, Query
from trgraph.resolve.screen import namesakes_for_review

HEIDELBERG, HAMBURG = "ror:03mstc592", "ror:050589e39"
NEU_BOSTON, NEU_SHENYANG = "ror:04t5xt781", "ror:03awzbc87"


def load(with_parts: bool) -> CandidateIndex:
    """EMBL Heidelberg, its four sites that ROR lists as its parts, and the two Northeastern Universities."""
    records = list(load_ror(FIXTURES / "resolve" / "ror_namesakes.json"))
    part_of = [(r.source, r.target) for r in records if isinstance(r, Link) and r.kind is LinkKind.PART_OF]
    entities = [e for e in records if isinstance(e, Entity) and not e.attrs.get("unresolved")]
    return CandidateIndex(entities, part_of=part_of if with_parts else ())


@pytest.fixture(scope="module")
def index() -> CandidateIndex:
    return load(with_parts=True)


def test_namesakes_score_alike_and_the_body_the_others_belong_to_comes_first(index: CandidateIndex) -> None:
    hits = index.search(Query("q", ["European Molecular Biology Laboratory"]), limit=1)
    # All five are kept: the tie-break orders, it never chooses or scores.
    assert len(hits) == 5 and {h.score for h in hits} == {1.0} and {h.shared for h in hits} == {5}
    assert hits[0].entity.id == HEIDELBERG and hits[0].parts == 5
    # Without the registry's hierarchy, the order is by id and Heidelberg is not first.
    assert load(with_parts=False).search(Query("q", ["European Molecular Biology Laboratory"]),
                                         limit=5)[0].entity.id != HEIDELBERG


def test_an_affiliation_naming_a_namesake_means_the_body_not_a_site(index: CandidateIndex) -> None:
    # EMBL Hamburg is a funder as well as a government body in ROR, which would otherwise make it
    # the "institution in its own right" of the two; it is a site of EMBL Heidelberg.
    hit = match_affiliation(index, "Developmental Biology Unit, European Molecular Biology Laboratory (EMBL)")
    assert hit is not None and hit.entity.id == HEIDELBERG
    assert "funder" in next(e for e in index.entities if e.id == HAMBURG).attrs["types"]


def test_of_unrelated_namesakes_the_one_with_more_registered_units_wins_and_a_country_still_decides(
    index: CandidateIndex,
) -> None:
    hit = match_affiliation(index, "Department of Physics, Northeastern University")
    assert hit is not None and hit.entity.id == NEU_BOSTON
    hit = match_affiliation(index, "School of Metallurgy, Northeastern University, Shenyang, China")
    assert hit is not None and hit.entity.id == NEU_SHENYANG


def test_in_screening_a_name_several_records_bear_is_linked_unseen_only_where_the_country_tells_which(
    index: CandidateIndex,
) -> None:
    [boston] = namesakes_for_review(index.search(Query("q", ["Northeastern University"], country="US"), limit=1))
    assert boston.entity.id == NEU_BOSTON and boston.score == 1.0 and "shared_name" not in boston.features
    hits = namesakes_for_review(index.search(Query("q", ["Northeastern University"]), limit=1))
    assert [h.entity.id for h in hits] == [NEU_BOSTON, NEU_SHENYANG] and {h.score for h in hits} == {REVIEW_CAP}
    assert {h.features["shared_name"] for h in hits} == {2.0}
    # A name only one record bears is unaffected, country or not.
    [hamburg] = namesakes_for_review(index.search(Query("q", ["EMBL Hamburg"]), limit=1))
    assert hamburg.entity.id == HAMBURG and hamburg.score == 1.0
