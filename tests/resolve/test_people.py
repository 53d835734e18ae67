"""People's names with names left out."""

from __future__ import annotations

import pytest

from trgraph.resolve.align import REVIEW_CAP, TokenWeights
from trgraph.resolve.normalise import name_forms
from trgraph.resolve.score import score_names

AUTO, REVIEW = 0.9, 0.7


def person(a: str, b: str, weights: TokenWeights) -> tuple[float, dict[str, float]]:
    best = score_names(name_forms(a, organisation=False), name_forms(b, organisation=False), weights)
    assert best is not None
    return best.score, best.features


# People as sanctions lists name them: "Mohammed" and "Ali" recur, surnames mostly do not.
PEOPLE = TokenWeights({"mohammed": 400, "ali": 300, "hassan": 120, "sergey": 30, "vladimir": 40}, 5000)


@pytest.mark.parametrize(("a", "b"), [
    ("Vladimir Putin", "Vladimir Vladimirovich Putin"),  # a patronymic left out
    ("Sergey Lavrov", "Sergey Viktorovich Lavrov"),
    ("Jamal Sultan al-Tikriti", "Jamal Mustafa Abdallah Sultan al-Tikriti"),
])
def test_a_person_named_without_middle_names_is_for_review(a: str, b: str) -> None:
    score_, features = person(a, b, PEOPLE)
    assert REVIEW <= score_ <= REVIEW_CAP < AUTO and "names_omitted" in features


@pytest.mark.parametrize(("a", "b"), [
    ("Mohammed Ali", "Mohammed Ali Hassan"),  # common names say too little
    ("Oleksandr Zelenskyy", "Volodymyr Oleksandrovych Zelenskyy"),  # a name, not the patronymic
    ("Vladimir Putin", "Vladimir Petrov"),  # not left out: different
])
def test_no_names_omitted_without_a_distinctive_name_or_with_only_a_prefix(a: str, b: str) -> None:
    assert "names_omitted" not in person(a, b, PEOPLE)[1]


def test_names_omitted_forgive_a_typo_only_in_a_long_name() -> None:
    assert "names_omitted" in person("Sergei Petrov", "Sergey Valerievich Petrov", PEOPLE)[1]
    # Short given names one letter apart are other names.
    assert "names_omitted" not in person("Wei Wang", "Wei Hsueh Kang", PEOPLE)[1]
    assert "names_omitted" not in person("Li Chen", "Li Cheng Yu", PEOPLE)[1]


def test_an_initial_stands_for_its_name_only() -> None:
    score_, features = person("V. Putin", "Vladimir Putin", PEOPLE)
    assert REVIEW <= score_ <= REVIEW_CAP and "names_omitted" in features
    assert "names_omitted" in person("Dr V. Putin", "Vladimir Vladimirovich Putin", PEOPLE)[1]
    assert "names_omitted" not in person("S. Putin", "Vladimir Putin", PEOPLE)[1]  # another initial
    assert "names_omitted" not in person("M. Ali", "Mohammed Ali", PEOPLE)[1]  # nothing distinctive
