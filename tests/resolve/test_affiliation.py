"""How an affiliation string is cut into the names that are searched."""

from __future__ import annotations

from trgraph.resolve.affiliation import affiliation_queries


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


def test_dashes_and_slashes_separate_bodies_of_two_words_or_more() -> None:
    names = searched("Neuroscience Center Zurich, University of Zurich/ETH Zurich")
    assert "University of Zurich" in names and "ETH Zurich" in names
    assert "Brain" not in searched("Center for Mind/Brain Sciences, University of Trento")
    assert "Aix" not in " ".join(searched("Aix-Marseille Université, CNRS")).split()


def test_a_campus_at_a_place_is_searched_whole() -> None:
    names = searched("Department of Biology, University of North Carolina at Chapel Hill")
    assert "University of North Carolina at Chapel Hill" in names and "Chapel Hill" not in names
