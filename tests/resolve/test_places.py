"""Registry names written without their own city or country, or short of one of two joined names, on real
ROR records."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from trgraph.ingest.ror import load_ror
from trgraph.model import Entity, EntityKind, Link, LinkKind, Provenance
from trgraph.resolve.align import TokenWeights
from trgraph.resolve.index import CandidateIndex, Hit, Query
from trgraph.resolve.places import PLACE_OMITTED_SCORE


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


def test_a_name_that_ends_in_its_own_country_is_found_without_it_for_review(places: CandidateIndex) -> None:
    # ROR names the Australian university "University of Newcastle Australia" (and gives it the
    # English name of Newcastle University, in the UK, as an alias): "University of Newcastle" is its
    # own name, written without its country; the country may also have been dropped from another
    # body's name, so it is proposed, never linked unseen.
    hits = places.search(Query("q", ["University of Newcastle"]), limit=2)
    assert hits[0].entity.id == "ror:00eae9z71" and hits[0].method == "place_omitted"
    assert 0.7 <= hits[0].score <= PLACE_OMITTED_SCORE
    assert all(h.score < hits[0].score for h in hits[1:])
    hit = best(places, "Newcastle University")
    assert hit is not None and hit.score == 1.0  # its full names still decide


def test_a_country_ending_a_name_is_only_dropped_when_it_is_the_bodys_own() -> None:
    # A body in Georgia (the country) named after the US state, or the reverse, keeps its name.
    def university(ror: str, name: str, country: str) -> Entity:
        return Entity(f"ror:{ror}", EntityKind.ORGANISATION, name, Provenance("ror", ror, "hand-made"),
                      country=country, attrs={"city": "Athens" if country == "US" else "Tbilisi"})

    weights = TokenWeights({"ohio": 2, "georgia": 40}, total=36_000)
    index = CandidateIndex([university("a", "Ohio University of Georgia", "US"),
                            university("b", "Ohio University of Georgia", "GE")], weights=weights)
    hits = index.search(Query("q", ["Ohio University"]), limit=2)
    assert [h.entity.id for h in hits if "own_place_omitted" in h.features] == ["ror:b"]


@pytest.mark.parametrize(("name", "expected"), [
    ("Universitätsmedizin Berlin", "ror:001w7jn25"),  # "Charité - Universitätsmedizin Berlin"
    ("Leibniz Institute on Aging", "ror:039a53269"),  # "… on Aging - Fritz Lipmann Institute (FLI)"
    ("Leibniz-Institut für Alternsforschung", "ror:039a53269"),  # its German name's first half
])
def test_one_of_two_names_a_registry_joins_with_a_dash_is_found_alone_for_review(
    places: CandidateIndex, name: str, expected: str
) -> None:
    hit = best(places, name)
    assert hit is not None and hit.entity.id == expected and hit.method == "joined_name"
    assert "joined_name_omitted" in hit.features and 0.7 <= hit.score <= PLACE_OMITTED_SCORE
    # Only the name exactly as written: a word more or less is no match on it.
    assert all("joined_name_omitted" not in h.features
               for h in places.search(Query("q", [f"{name} Clinic"]), limit=3))


def test_a_name_of_common_words_that_together_tell_the_body_keeps_it_without_its_place() -> None:
    # As often as in the whole registry, "Texas" is no rare word and "Medical" is a common one;
    # together they still tell the Medical Branch (at Galveston) from the University of Texas.
    records = [e for e in load_ror(FIXTURES / "resolve" / "ror_places.json")
               if isinstance(e, Entity) and not e.attrs.get("unresolved")]
    weights = TokenWeights({"texa": 60, "medical": 700, "branch": 300, "galveston": 3}, total=36_000)
    assert not weights.rare("texa") and not weights.rare("medical")
    hit = best(CandidateIndex(records, weights=weights), "University of Texas Medical Branch")
    assert hit is not None and hit.entity.id == "ror:016tfm930"
    assert "own_place_omitted" in hit.features and 0.7 <= hit.score <= PLACE_OMITTED_SCORE


def test_a_name_of_common_words_without_a_place_is_not_kept_without_its_city() -> None:
    # "University of Veterinary Medicine" names bodies in Vienna, Hannover, Budapest...: without a
    # rare word or a place, the words it has left do not tell one of them.
    vienna = Entity("ror:01w6qp003", EntityKind.ORGANISATION, "University of Veterinary Medicine Vienna",
                    Provenance("ror", "01w6qp003", "hand-made"), country="AT", attrs={"city": "Vienna"})
    weights = TokenWeights({"veterinary": 100, "medicine": 500, "vienna": 150}, total=36_000)
    assert not weights.rare("veterinary")
    hits = CandidateIndex([vienna], weights=weights).search(Query("q", ["University of Veterinary Medicine"]))
    assert all("own_place_omitted" not in h.features for h in hits)


def test_of_campuses_sharing_a_name_without_their_towns_the_one_with_its_initials_has_it(
    places: CandidateIndex,
) -> None:
    # Chapel Hill, Charlotte and Greensboro are each "University of North Carolina at <town>"; ROR
    # gives Chapel Hill alone the acronym "UNC", the initials of that name.
    hit = best(places, "University of North Carolina")
    assert hit is not None and hit.entity.id == "ror:0130frc33"
    assert "own_place_omitted" in hit.features and hit.score <= PLACE_OMITTED_SCORE


def test_the_full_name_still_decides(places: CandidateIndex) -> None:
    hit = best(places, "Imperial College London")
    assert hit is not None and hit.entity.id == "ror:041kmwe10" and hit.score == 1.0
    hit = best(places, "University of Washington")
    assert hit is not None and hit.entity.id == "ror:00cvxb145" and hit.score == 1.0
    hit = best(places, "University of North Carolina at Charlotte")
    assert hit is not None and hit.entity.id == "ror:04dawnj30" and hit.score == 1.0


@pytest.mark.parametrize("name", [
    "University of Michigan",  # the university itself, not its Dearborn campus
    "University of California",  # any campus
    "Faculty of Medicine",  # says nothing without Sfax
])
def test_no_name_without_a_place_when_it_is_ambiguous_or_generic(places: CandidateIndex, name: str) -> None:
    assert all("own_place_omitted" not in h.features for h in places.search(Query("q", [name]), limit=5))


def test_companies_told_apart_by_a_bracketed_country_are_found_by_their_name_and_told_apart_by_country() -> None:
    # ROR writes a group's companies "UCB Pharma (Belgium)" and "UCB Pharma (Portugal)"; a register
    # writes "UCB Pharma". Both are proposed for review, and the country decides which comes
    # first: the query's, or else the group's parent, of which ROR lists the other as a part.
    records = list(load_ror(FIXTURES / "resolve" / "ror_places.json"))
    part_of = [(r.source, r.target) for r in records if isinstance(r, Link) and r.kind is LinkKind.PART_OF]
    index = CandidateIndex([e for e in records if isinstance(e, Entity) and not e.attrs.get("unresolved")],
                           part_of=part_of)
    belgium, portugal = "ror:01n029866", "ror:04a73z253"
    hits = index.search(Query("q", ["UCB Pharma"]), limit=2)
    assert [h.entity.id for h in hits] == [belgium, portugal]
    assert all("own_place_omitted" in h.features and 0.7 <= h.score <= PLACE_OMITTED_SCORE for h in hits)
    assert hits[0].parts > hits[1].parts
    assert index.search(Query("q", ["UCB Pharma"], country="PT"), limit=1)[0].entity.id == portugal


def test_only_the_name_exactly_as_written_without_its_city_counts(places: CandidateIndex) -> None:
    hits = places.search(Query("q", ["Imperial College Business School"]), limit=5)
    assert all("own_place_omitted" not in h.features for h in hits)


def test_a_list_entry_bearing_the_name_without_the_place_does_not_make_it_ambiguous() -> None:
    # A list names the registry's "Imperial College London" as "Imperial College": that entry is
    # the same body, not a namesake within the registry, so the registry record keeps its
    # placeless name.
    records = [e for e in load_ror(FIXTURES / "resolve" / "ror_places.json")
               if isinstance(e, Entity) and not e.attrs.get("unresolved")]
    listed = Entity("csl:ic", EntityKind.ORGANISATION, "Imperial College", Provenance("csl", "ic", "test"),
                    country="GB")
    hits = CandidateIndex([*records, listed]).search(Query("q", ["Imperial College"]), limit=5)
    assert {h.entity.id for h in hits} >= {"csl:ic", "ror:041kmwe10"}
    assert "own_place_omitted" in next(h for h in hits if h.entity.id == "ror:041kmwe10").features
