"""Rules for people's names on top of the token alignment.

Lists and registers name people more or less fully: a patronymic, a middle name or a
clan name may be left out ("Vladimir Putin" / "Vladimir Vladimirovich Putin").
"""

from __future__ import annotations

from trgraph.resolve.align import DISTINCTIVE, REVIEW_CAP, Alignment

#: What a person's name left out of the other name weighs, as a share of its weight; names
#: shorter than OMITTED_FUZZY_MIN_LEN letters must then be spelt alike (Wang is not Kang).
OMITTED_NAME_WEIGHT, OMITTED_FUZZY_MIN_LEN = 0.25, 6


def names_omitted(al: Alignment) -> float:
    """The score of two people's names when one is the other with names left out (a
    patronymic, a middle name, a clan or tribal name: "Vladimir Putin" / "Vladimir
    Vladimirovich Putin"): what is left out weighs :data:`OMITTED_NAME_WEIGHT` of its weight,
    and the score stays below auto (another person may share the shorter name). 0.0 unless
    every name of one is in the other, one of them distinctive ("Mohammed Ali" says little),
    none only as the start of a longer one ("Oleksandr" is not "Oleksandrovych") and none
    misspelt unless long ("Sergei" / "Sergey", not "Wang" / "Kang")."""
    if bool(al.only_a) == bool(al.only_b) or len(al.pairs) < 2:
        return 0.0
    if any(p.how == "prefix" or (p.how != "exact" and min(len(p.a), len(p.b)) < OMITTED_FUZZY_MIN_LEN)
           for p in al.pairs) or not any(p.how == "exact" and p.weight >= DISTINCTIVE for p in al.pairs):
        return 0.0
    total = al.matched + al.missed_pairs + OMITTED_NAME_WEIGHT * (al.missed_a + al.missed_b)
    return min(REVIEW_CAP, al.matched / total) if total > 0 else 0.0
