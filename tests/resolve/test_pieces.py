"""Where an affiliation part is cut into the names it holds."""

from __future__ import annotations

from trgraph.resolve.normalise import tokenize
from trgraph.resolve.pieces import AND_GLUE, full_stops, is_place, numbered_pieces, unglued

CITIES = frozenset({tuple(tokenize("Los Angeles")), ("singapore",)})


def texts(part: str) -> list[str]:
    return [p.text for p in numbered_pieces(part, CITIES)]


def test_a_small_number_ends_a_piece_and_is_kept_with_it() -> None:
    pieces = [p for p in numbered_pieces("Université Claude Bernard Lyon 1", CITIES) if p.text]
    assert [(p.text, p.number) for p in pieces] == [("Université Claude Bernard Lyon", "1")]
    pieces = [p for p in numbered_pieces("University of Oxford 2018 Nuffield Department", CITIES) if p.text]
    assert [(p.text, p.number) for p in pieces] == [("University of Oxford", None), ("Nuffield Department", None)]


def test_a_school_is_cut_from_its_university_and_marked_a_unit() -> None:
    pieces = numbered_pieces("Johns Hopkins University School of Medicine", CITIES)
    assert [(p.text, p.unit) for p in pieces] == [("Johns Hopkins University", False), ("School of Medicine", True)]
    pieces = numbered_pieces("The First Affiliated Hospital of Zhengzhou University", CITIES)
    assert [(p.text, p.unit, p.glue) for p in pieces][1] == ("Zhengzhou University", False, " of ")
    # A school's subject written before its university without a comma stays the school's.
    pieces = numbered_pieces("Perelman School of Medicine University of Pennsylvania", CITIES)
    assert [(p.text, p.unit) for p in pieces] == [("Perelman School of Medicine", True),
                                                  ("University of Pennsylvania", False)]
    assert texts("Medical School of Nanjing University") == ["Medical School", "Nanjing University"]


def test_and_cuts_between_two_bodies_that_name_their_kind() -> None:
    pieces = numbered_pieces("National University of Singapore and National University Health System", CITIES)
    assert [p.text for p in pieces] == ["National University of Singapore", "National University Health System"]
    assert pieces[1].glue == AND_GLUE
    assert texts("Royal Netherlands Academy of Arts and Sciences") == ["Royal Netherlands Academy of Arts and Sciences"]


def test_full_stops_and_places() -> None:
    assert full_stops("Institute for Protein Design. University of Washington") == (
        "Institute for Protein Design, University of Washington")
    assert full_stops("Univ. of Washington") == "Univ. of Washington"
    assert is_place("Los Angeles", CITIES) and is_place("France", CITIES) and not is_place("Harvard", CITIES)


def test_a_hyphen_after_an_acronym_joins_two_bodies_and_the_pair_is_rejoined_as_written() -> None:
    pieces = numbered_pieces("CSIC-UAM", CITIES)
    assert [p.text for p in pieces] == ["CSIC", "UAM"] and pieces[1].glue == "-"  # "EMBL-EBI" is one acronym too
    assert texts("CSIR-Central Drug Research Institute") == ["CSIR", "Central Drug Research Institute"]
    # Not inside a word, nor after a word that is no acronym, nor inside brackets.
    assert texts("Aix-Marseille Université") == ["Aix-Marseille Université"]
    assert texts("CEA-Leti") == ["CEA-Leti"]
    bracketed = "Instituto de Biomedicina de Valencia (IBV-CSIC)"
    assert texts(bracketed) == [bracketed]
    assert texts("Centre for Genomic Regulation (CRG/UPF)") == ["Centre for Genomic Regulation (CRG/UPF)"]
    # Other dashes and slashes are rejoined with a space.
    assert numbered_pieces("University of Zurich/ETH Zurich", CITIES)[1].glue == " "


def test_a_piece_after_a_number_is_rejoined_with_the_number_between() -> None:
    pieces = numbered_pieces("Access 2 Perspectives", CITIES)
    assert [(p.text, p.glue, p.number) for p in pieces] == [("Access", ", ", "2"), ("Perspectives", " 2 ", None)]


def test_a_university_or_institute_run_into_the_word_before_begins_a_part() -> None:
    # Real Crossref strings, where a line break between two names was lost.
    assert unglued("FrED EA 6311Université de Limoges, France") == "FrED EA 6311, Université de Limoges, France"
    assert unglued("Université de LimogesInstitut Universitaire de France") == (
        "Université de Limoges, Institut Universitaire de France")
    # Only a capital after a letter or digit: words that hold the kind are left whole.
    for text in ("Interuniversity Institute", "Max-Planck-Institut für Biochemie", "Vienna BioCenter",
                 "Forschungsinstitut", "Universität Wien"):
        assert unglued(text) == text
