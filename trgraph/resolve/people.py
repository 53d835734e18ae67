"""Rules for people's names on top of the token alignment.

Lists and registers name people more or less fully: a patronymic, a middle name or a
clan name may be left out ("Vladimir Putin" / "Vladimir Vladimirovich Putin") and a given
name cut to its initial ("V. Putin").
"""

from __future__ import annotations

from trgraph.resolve.align import DISTINCTIVE, REVIEW_CAP, Alignment, TokenWeights

#: What a person's name left out of the other name weighs, as a share of its weight; names
#: shorter than OMITTED_FUZZY_MIN_LEN letters must then be spelt alike (Wang is not Kang).
OMITTED_NAME_WEIGHT, OMITTED_FUZZY_MIN_LEN = 0.25, 6
#: What an initial counts of the name it stands for ("V." for Vladimir).
INITIAL_SHARE = 0.5


def names_omitted(al: Alignment, weights: TokenWeights) -> float:
    """The score of two people's names when one is the other with names left out (a
    patronymic, a middle name, a clan or tribal name: "Vladimir Putin" / "Vladimir
    Vladimirovich Putin") or cut to an initial ("V. Putin"): what is left out weighs
    :data:`OMITTED_NAME_WEIGHT` of its weight, an initial counts :data:`INITIAL_SHARE` of its
    name's, and the score stays below auto (another person may share the shorter name). 0.0
    unless every name of one is in the other, one of them distinctive ("Mohammed Ali" says
    little), none only as the start of a longer one ("Oleksandr" is not "Oleksandrovych") and
    none misspelt unless long ("Sergei" / "Sergey", not "Wang" / "Kang")."""
    if any(p.how == "prefix" or (p.how != "exact" and min(len(p.a), len(p.b)) < OMITTED_FUZZY_MIN_LEN)
           for p in al.pairs) or not any(p.how == "exact" and p.weight >= DISTINCTIVE for p in al.pairs):
        return 0.0
    only_a, only_b = list(al.only_a), list(al.only_b)
    matched, missed = al.matched, al.missed_pairs
    initials = 0
    for one, other in ((only_a, only_b), (only_b, only_a)):
        for letter in [t for t in one if len(t) == 1 and t.isalpha()]:
            name = next((t for t in other if len(t) > 1 and t[0] == letter), None)
            if name is not None:
                weight = weights(name)
                matched += INITIAL_SHARE * weight
                missed += (1.0 - INITIAL_SHARE) * weight
                one.remove(letter)
                other.remove(name)
                initials += 1
    if (only_a and only_b) or len(al.pairs) + initials < 2 or not (initials or only_a or only_b):
        return 0.0
    total = matched + missed + OMITTED_NAME_WEIGHT * sum(weights.missing(t) for t in only_a + only_b)
    return min(REVIEW_CAP, matched / total) if total > 0 else 0.0
