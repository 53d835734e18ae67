"""How an affiliation string is cut into the names that are searched."""

from __future__ import annotations

from trgraph.model import Entity, EntityKind, Provenance
from trgraph.resolve.affiliation import affiliation_queries, match_affiliation
from trgraph.resolve.index import CandidateIndex


def searched(text: str) -> list[str]:
    return [name for q in affiliation_queries(text) for name in q.names]


def test_footnote_numbers_end_a_part_and_the_country_becomes_a_hint() -> None:
    queries = affiliation_queries("University of Oxford 1 Nuffield Department of Medicine, , Oxford, UK")
    names = [n for q in queries for n in q.names]
    assert "University of Oxford" in names and all(q.country == "GB" for q in queries)
    assert "Oxford" not in names  # the city before the country is not searched alone


def test_departments_are_searched_only_in_pairs_or_when_nothing_else_is_left() -> None:
    names = searched("Department of Microbiology, Harvard Medical School")
    assert "Department of Microbiology" not in names and "Harvard Medical School" in names
    assert searched("Department of Microbiology") == ["Department of Microbiology"]


def test_a_campus_after_a_comma_is_still_searched_with_its_university() -> None:
    names = searched("University of California, Los Angeles, CA, USA")
    assert "University of California, Los Angeles" in names and "CA" not in " ".join(names).split(", ")


def test_a_school_named_after_its_university_is_cut_off() -> None:
    names = searched("Department of Neuroscience, Johns Hopkins University School of Medicine")
    assert "Johns Hopkins University" in names and "Johns Hopkins University School of Medicine" in names
    assert "School of Medicine" not in names  # a unit, searched only with its university
    assert "Nanjing University" in searched("Medical School of Nanjing University")
    names = searched("Department of Neurology, Perelman School of Medicine at the University of Pennsylvania")
    assert "the University of Pennsylvania" in names
    # The name before the school is the organisation itself when it is no university.
    assert "Baylor" not in searched("Department of Pediatrics, Baylor College of Medicine")
    # An acronym is a university by name: "NYU School of Medicine", "… School of Medicine at UCLA".
    assert "NYU" in searched("Department of Pathology, NYU School of Medicine")
    assert "UCLA" in searched("Department of Medicine, David Geffen School of Medicine at UCLA")


def test_dashes_and_slashes_separate_bodies_of_two_words_or_more() -> None:
    names = searched("Neuroscience Center Zurich, University of Zurich/ETH Zurich")
    assert "University of Zurich" in names and "ETH Zurich" in names
    assert "Brain" not in searched("Center for Mind/Brain Sciences, University of Trento")
    assert "Aix" not in " ".join(searched("Aix-Marseille Université, CNRS")).split()


def test_a_campus_at_a_place_is_searched_whole() -> None:
    names = searched("Department of Biology, University of North Carolina at Chapel Hill")
    assert "University of North Carolina at Chapel Hill" in names and "Chapel Hill" not in names


def ror(key: str, name: str, *types: str, country: str = "FR") -> Entity:
    return Entity(f"ror:{key}", EntityKind.ORGANISATION, name, Provenance("ror", key, "test"), country=country,
                  attrs={"types": list(types)})


PLACES = [
    ror("u1", "Université de Montpellier", "education", "funder"),
    ror("f1", "Institut de Génomique Fonctionnelle", "facility"),
    ror("p1", "Institut Pasteur", "nonprofit", "funder"),
    ror("p2", "Instituto Pasteur", "nonprofit", "funder", country="BR"),
    *[ror(f"x{i}", f"Université de {c}", "education") for i, c in enumerate(["Lyon", "Nantes", "Rennes", "Lille"])],
]


def test_an_institution_in_its_own_right_wins_over_a_facility_named_alike() -> None:
    index = CandidateIndex(PLACES)
    hit = match_affiliation(index, "Institut de Génomique Fonctionnelle, Université de Montpellier")
    assert hit is not None and hit.entity.id == "ror:u1"
    hit = match_affiliation(index, "Université de Montpellier, Institut de Génomique Fonctionnelle")
    assert hit is not None and hit.entity.id == "ror:u1" and hit.features["institution_standing"] == 2.0


def test_among_names_alike_the_one_spelt_as_written_wins() -> None:
    hit = match_affiliation(CandidateIndex(PLACES), "Department of Cell Biology, Institut Pasteur")
    assert hit is not None and hit.entity.id == "ror:p1"
    hit = match_affiliation(CandidateIndex(PLACES), "Department of Cell Biology, Instituto Pasteur")
    assert hit is not None and hit.entity.id == "ror:p2"
