"""The town a string names tells bodies apart: an acronym several bodies bear, written beside the
town of one of them ("CAU Kiel"), and a system's campus ("University of Colorado …, Aurora, CO"), on
real ROR records (tests/fixtures/resolve/ror_town_acronyms.json and ror_campuses.json)."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from trgraph.ingest.ror import load_ror
from trgraph.model import Entity
from trgraph.resolve.affiliation import EMBEDDED_SCORE, match_affiliation
from trgraph.resolve.index import CandidateIndex
from trgraph.resolve.normalise import tokenize
from trgraph.resolve.towns import TownAcronym, town_acronym

KIEL, CHUNG_ANG, ZARIA, MUNSTER = "ror:04v76ef78", "ror:01r024a98", "ror:019apvn83", "ror:00pd74e08"
ANSCHUTZ, BOULDER, DENVER, SPRINGS = "ror:03wmf1y16", "ror:02ttsq026", "ror:02hh7en24", "ror:054spjc55"
CITIES = frozenset({("kiel",), ("zaria",), tuple(tokenize("Münster")), tuple(tokenize("College Place"))})


def load(name: str) -> CandidateIndex:
    records = load_ror(FIXTURES / "resolve" / name)
    return CandidateIndex(e for e in records if isinstance(e, Entity) and not e.attrs.get("unresolved"))


@pytest.fixture(scope="module")
def index() -> CandidateIndex:
    return load("ror_town_acronyms.json")


@pytest.fixture(scope="module")
def campuses() -> CandidateIndex:
    """The four University of Colorado campuses, Colorado State University and the University of
    Tokyo Health Sciences (no campus of the University of Tokyo, which is not in the fixture)."""
    return load("ror_campuses.json")


def test_an_acronym_beside_a_town_at_the_end_of_a_part() -> None:
    assert town_acronym("CAU Kiel", CITIES) == TownAcronym("CAU", ("kiel",), True)
    assert town_acronym("Kiel CAU", CITIES) == TownAcronym("CAU", ("kiel",), True)
    assert town_acronym("WWU College Place", CITIES) == TownAcronym("WWU", ("college", "place"), True)
    # The end of a unit's part: the acronym names the body the unit belongs to.
    assert town_acronym("Mechanical Engineering Department ABU Zaria", CITIES) == TownAcronym("ABU", ("zaria",), False)


def test_no_town_acronym_without_an_acronym_a_known_town_or_three_letters() -> None:
    assert town_acronym("University Kiel", CITIES) is None  # a word, not an acronym
    assert town_acronym("CAU Seoul", CITIES) is None  # no registry body is in that town here
    assert town_acronym("KU Kiel", CITIES) is None  # two letters tell too little
    assert town_acronym("USA Kiel", CITIES) is None  # a country's code
    assert town_acronym("CAU", CITIES) is None
    assert town_acronym("CAU Kiel Department", CITIES) is None  # the pair must end the part


def test_the_index_finds_who_bears_an_acronym_in_a_town(index: CandidateIndex) -> None:
    assert [e.id for e in index.acronym_in_town("CAU", ("kiel",))] == [KIEL]
    assert [e.id for e in index.acronym_in_town("CAU", ("seoul",))] == [CHUNG_ANG]
    # Not borne as an acronym, but the initials of a name that ends in the town.
    assert [e.id for e in index.acronym_in_town("WWU", tuple(tokenize("Münster")))] == [MUNSTER]
    assert index.acronym_in_town("CAU", ("zaria",)) == []


def test_an_acronym_beside_its_bodys_town_names_that_body_for_review(index: CandidateIndex) -> None:
    for text in ("CAU Kiel", "Kiel CAU"):
        hit = match_affiliation(index, text)
        assert hit is not None and hit.entity.id == KIEL and hit.score == EMBEDDED_SCORE
        assert hit.method == "acronym_in_town" and "acronym_in_town" in hit.features
    hit = match_affiliation(index, "Cells in Motion Interfaculty Centre, Faculty of Biology, WWU Münster")
    assert hit is not None and hit.entity.id == MUNSTER and hit.score == EMBEDDED_SCORE
    hit = match_affiliation(index, "Automotive program, Mechanical Engineering Department ABU Zaria")
    assert hit is not None and hit.entity.id == ZARIA and hit.method == "embedded_name"
    assert hit.score == EMBEDDED_SCORE


def test_without_the_town_or_its_body_the_acronym_names_nobody(index: CandidateIndex) -> None:
    # A bare shared acronym is no more than any of its bearers' acronym (review at best).
    for text in ("CAU", "Department of Physics, CAU"):
        hit = match_affiliation(index, text)
        assert hit is None or (hit.method != "acronym_in_town" and hit.score <= 0.7)
    hit = match_affiliation(index, "CAU Kiel", exclude=frozenset({KIEL}))
    assert hit is None or hit.score < 0.7


def test_the_index_finds_a_systems_campuses(campuses: CandidateIndex) -> None:
    found = {e.id for e in campuses.campuses("University of Colorado")}
    assert found == {ANSCHUTZ, BOULDER, DENVER, SPRINGS}  # not Colorado State University
    assert campuses.campuses("Colorado") == []  # one word is no name a campus's begins with


def test_the_town_a_string_names_tells_a_systems_campus(campuses: CandidateIndex) -> None:
    for text, campus in (
        ("University of Colorado School of Medicine 1 Department of Pediatrics, , Aurora, CO, USA", ANSCHUTZ),
        ("University of Colorado, Department of Physics, Boulder, CO, USA", BOULDER),
    ):
        hit = match_affiliation(campuses, text)
        assert hit is not None and hit.entity.id == campus and hit.score == EMBEDDED_SCORE
        assert hit.method == "campus_in_town"


def test_no_campus_without_a_town_a_campus_there_or_a_system(campuses: CandidateIndex) -> None:
    texts = (
        "Department of Surgery, University of Colorado",  # which campus, the string does not say
        "Department of Surgery, University of Colorado, Fort Collins, CO, USA",  # no campus of it there
        # One body in one town whose name begins so is a namesake, not a campus: the University of
        # Tokyo is not the University of Tokyo Health Sciences.
        "Graduate School of Medicine, The University of Tokyo, Tokyo, Japan",
    )
    for text in texts:
        hit = match_affiliation(campuses, text)
        assert hit is None or (hit.method != "campus_in_town" and hit.score < 0.7), text
    text = "University of Colorado School of Medicine, Aurora, CO, USA"
    hit = match_affiliation(campuses, text, exclude=frozenset({ANSCHUTZ}))
    assert hit is None or hit.score < 0.7
