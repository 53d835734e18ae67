"""Token weights and the alignment of two names' tokens."""

from __future__ import annotations

import pytest

from trgraph.resolve.align import TokenWeights, align
from trgraph.resolve.normalise import name_forms


def test_weights_make_common_words_weak(weights: TokenWeights) -> None:
    assert weights("university") <= 0.25
    assert weights("aeronautic") > weights("nanjing") > weights("university")
    assert weights("14") == 1.0  # numbers are decisive
    assert TokenWeights()("anything") == 1.0  # no corpus: every word counts fully


def test_alignment_pairs_merged_and_fuzzy_tokens(weights: TokenWeights) -> None:
    al = align(["vanderbilt", "chemicals"], ["van", "der", "bilt", "chemical"], weights)
    assert [p.how for p in al.pairs] == ["merged", "prefix"]
    al = align(["tecnology"], ["technology"], weights)
    assert al.pairs[0].how == "fuzzy" and al.pairs[0].similarity == pytest.approx(0.9)


def test_a_short_word_may_be_the_initials_of_words_the_other_name_spells_out(weights: TokenWeights) -> None:
    al = align(name_forms("Louis Stokes Cleveland Department of Veterans Affairs Medical Center")[0].tokens,
               name_forms("Louis Stokes Cleveland VA Medical Center")[0].tokens, weights)
    assert any(p.how == "initials" and p.b == "va" for p in al.pairs) and al.score(slack=0.3) >= 0.7
    # Not of an organisation word, nor in a script without initials.
    al = align(["department", "affair"], ["da"], weights)
    assert not any(p.how == "initials" for p in al.pairs)


def test_a_word_and_another_word_are_a_compound_not_an_abbreviation() -> None:
    corpus = ["George Washington University", "George Mason University", "University of Cape Town",
              "Institute of Technology", "Siemens AG"]
    weights = TokenWeights.from_forms(f.tokens for n in corpus for f in name_forms(n))
    # "Georgetown" is "George" and "town", both words that names carry, not "George" written out…
    al = align(["georgetown", "university", "washington"], ["george", "washington", "university"], weights)
    assert "george" in al.only_b and al.score() < 0.7
    # … where "technol", which no name carries, abbreviates "technology", and "siemensag" runs a
    # name into its legal form.
    assert align(["technol"], ["technology"], weights).pairs[0].how == "prefix"
    assert align(["siemensag"], ["siemens"], weights).pairs[0].how == "prefix"


def test_a_kind_word_only_the_candidate_has_makes_another_body(weights: TokenWeights) -> None:
    def score(query: str, name: str, slack: float = 1.0) -> float:
        return align(name_forms(query)[0].tokens, name_forms(name)[0].tokens, weights).score(slack)

    assert score("University of Oxford", "University College Oxford") < 0.7
    # A query without a kind word may still be the body ("Tsinghua" for Tsinghua University) …
    assert score("Tsinghua", "Tsinghua University") >= 0.7
    # … and a query's own extra kind word may be its unit's …
    assert score("Binjiang Institute of Zhejiang University", "Zhejiang University", slack=0.3) >= 0.7
    # … or the body a one-word name is short for, but not a body of another sort.
    assert score("Tsinghua University", "Tsinghua") >= 0.7
    assert score("Virginia Commonwealth University", "Commonwealth of Virginia") < 0.8
    assert score("University of Oxford", "Oxford Foundation") < 0.6
    # A foundation is a kind of body of its own: the Robert Koch Foundation is not the institute.
    assert score("Robert Koch Institute", "Robert Koch Foundation") < 0.7
    assert score("Weizmann Institute of Science", "Weizmann Institute Foundation", slack=0.3) < 0.7


def test_a_qualifier_or_discipline_only_the_candidate_has_makes_another_body(weights: TokenWeights) -> None:
    def score(query: str, name: str) -> float:
        return align(name_forms(query)[0].tokens, name_forms(name)[0].tokens, weights).score(slack=0.3)

    assert score("University of North Carolina", "North Carolina State University") < 0.7
    assert score("University of Washington", "Washington State University") < 0.7
    # A qualifier only the query has weighs as much.
    assert score("National Standards and Calibration Laboratory", "Standards and Calibration Laboratory") < 0.7
    # So does a discipline: Tokyo University of Science is not the University of Tokyo.
    assert score("University of Tokyo", "Tokyo University of Science") < 0.7
    assert score("Wuhan University", "Wuhan Business University") < 0.7
    # A discipline only the query has weighs as much when screening a register name (no slack).
    al = align(name_forms("Wuhan Business University")[0].tokens, name_forms("Wuhan University")[0].tokens, weights)
    assert al.score() < 0.7
    assert score("University of North Carolina Physics", "University of North Carolina") >= 0.7


def test_a_place_modifier_on_another_word_pairs_with_nothing(weights: TokenWeights) -> None:
    def score(query: str, name: str) -> float:
        return align(name_forms(query)[0].tokens, name_forms(name)[0].tokens, weights).score(slack=0.3)

    # "Southern California" is a place; "California Southern" University is named otherwise.
    assert score("University of Southern California", "California Southern University") < 0.7
    al = align(name_forms("University of Southern California")[0].tokens,
               name_forms("California Southern University")[0].tokens, weights)
    assert al.only_a == ["southern"] and al.only_b == ["southern"]
    # On the same word it pairs as any word does.
    assert score("Southern California University", "University of Southern California") >= 0.7
    # A discipline on another kind word is another body's: Nanjing University's medical school is not
    # Nanjing Medical University.
    assert score("Nanjing University Medical School", "Nanjing Medical University") < 0.7
    assert score("Medical School of Nanjing University", "Nanjing Medical University") < 0.7
    assert score("Nanjing Medical University Hospital", "Nanjing Medical University") >= 0.7


def test_part_of_a_place_name_is_another_place(weights: TokenWeights) -> None:
    def score(query: str, name: str, slack: float = 1.0) -> float:
        return align(name_forms(query)[0].tokens, name_forms(name)[0].tokens, weights).score(slack)

    # "British Columbia" and "New South Wales" are places of their own (pycountry subdivisions).
    assert score("University of British Columbia", "British University", slack=0.3) < 0.7
    assert score("University of South Wales", "University of New South Wales") < 0.7
    # The whole place paired, the rest of an affiliation is forgiven as before.
    assert score("University of British Columbia Zoology", "University of British Columbia", slack=0.3) >= 0.7


def test_slack_forgives_what_an_affiliation_adds_but_not_a_qualifier_or_a_place_modifier(
    weights: TokenWeights,
) -> None:
    def tokens(name: str) -> tuple[str, ...]:
        return name_forms(name)[0].tokens

    def score(query: str, name: str) -> float:
        return align(tokens(query), tokens(name), weights).score(slack=0.3)

    # A unit or a place written with the name is forgiven…
    assert score("Harvard University Physics", "Harvard University") >= 0.7
    # … "State", "Technical" or "West" make another university.
    assert score("Washington State University", "University of Washington") < 0.7
    assert score("Technical University of Munich", "University of Munich") < 0.7
    assert score("West Virginia University", "University of Virginia") < 0.7
    assert score("New York University", "University of York") < 0.7
    # A word inside the name makes another name, and so do words that open it; a unit before the
    # name is forgiven, and a word the name has, written twice, makes no other.
    assert score("Houston Baptist University", "University of Houston") < 0.7
    assert score("Imperial College London", "London College") < 0.7
    assert score("Medical University Vienna", "University of Vienna") < 0.7
    assert score("Physics Department Houston University", "University of Houston") >= 0.7
    assert score("Université de Limoges Limoges", "Université de Limoges") >= 0.7
    # A university named first is where the rest is, not a namesake of the rest elsewhere; a unit
    # of the university is still forgiven before it.
    assert score("University of Oxford Centre for Virus Research", "Virus Research Center") < 0.7
    assert score("Binjiang Institute of Zhejiang University", "Zhejiang University") >= 0.7
    # Without slack (screening), nothing changes: every word the query has counts.
    al = align(tokens("Washington State University"), tokens("University of Washington"), weights)
    assert al.score() == al.score(slack=1.0) < 0.7
