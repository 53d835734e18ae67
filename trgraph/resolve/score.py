"""Scoring two names with explicit features, each score carrying its explanation.

The main feature is the weighted token alignment of :mod:`.align`. Further features:
identical letters with different spacing, single-word and acronym hits (capped by
length, since short acronyms are ambiguous), acronym ↔ initials, legal-form conflict,
near-variants, people's names with names left out (:mod:`.people`), and country
agreement or conflict (entity level, in the index).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import OSA, Indel

from trgraph.resolve.align import (
    DISTINCTIVE,
    FUZZY_MIN_LEN,
    KIND_CONFLICT,
    REVIEW_CAP,
    Alignment,
    Pair,
    TokenWeights,
    align,
    max_edits,
)
from trgraph.resolve.legal import legal_codes
from trgraph.resolve.normalise import NameForm
from trgraph.resolve.people import names_omitted
from trgraph.resolve.vocab import KINDS, country_words

#: What a name scores that differs from the other only by a series number ("Fund V" / "Fund VI")
#: or by one misspelt word ("General Mortars" / "General Motors"): never linked unseen, always
#: put before an analyst - a sibling fund or a deliberate misspelling both matter in screening.
VARIANT_SCORE = 0.75
#: What a name scores whose two words are the other's in reverse order around the kind word
#: ("Washington University" / "University of Washington", "Miami University" / "University
#: of Miami"): as often as not another institution, so a possible match for an analyst.
REVERSED_SCORE = 0.72
#: The least weight of a word the names share for ``slack`` to forgive what else the query says
#: (discipline words such as "life", "sciences", "cancer" or "biology" weigh less).
ANCHOR_WEIGHT = 0.6
#: The least character similarity (rapidfuzz Indel) of the one differing word for a variant.
VARIANT_MIN_SIMILARITY = 0.7
#: The least weight the words both names share must carry for a variant.
VARIANT_MIN_SHARED = 0.25


@dataclass(frozen=True, slots=True)
class NameScore:
    """The score of two name forms, the method that produced it and the facts behind it."""

    score: float
    method: str
    a: NameForm
    b: NameForm
    alignment: Alignment | None = None
    features: dict[str, float] = field(default_factory=dict)

    def explain(self) -> dict[str, Any]:
        """Plain-JSON explanation: names compared, normalised forms, features, token weights."""
        out: dict[str, Any] = {
            "subject_name": self.a.original,
            "candidate_name": self.b.original,
            "normalised": [self.a.core, self.b.core],
            "method": self.method,
            "name_score": round(self.score, 4),
            "features": {k: round(v, 4) for k, v in self.features.items()},
        }
        if self.alignment is not None:
            al = self.alignment
            out["tokens"] = [
                {"subject": p.a, "candidate": p.b, "weight": round(p.weight, 3), "similarity": p.similarity,
                 "how": p.how}
                for p in al.pairs
            ]
            # What each unmatched word weighed against the match (a kind, qualifier or discipline
            # weighs more than its frequency says).
            out["unmatched"] = {
                "subject": {t: round(w, 3) for t, w in zip(al.only_a, al.missed_each_a, strict=True)},
                "candidate": {t: round(w, 3) for t, w in zip(al.only_b, al.missed_each_b, strict=True)},
            }
        if self.a.legal or self.b.legal:
            out["legal_forms"] = [" ".join(self.a.legal), " ".join(self.b.legal)]
        return out


def acronym_cap(acronym: str) -> float:
    """What two equal acronyms score: short ones are shared by many organisations."""
    if len(acronym) <= 2:
        return 0.6
    if len(acronym) == 3:
        return 0.7
    return 0.8


def single_word_cap(word: str) -> float:
    """The most a one-word or acronym match can score: short words are ambiguous."""
    if len(word) <= 2:
        return 0.6
    if len(word) == 3:
        return 0.75
    if len(word) <= 5:
        return 0.85
    return 0.95


def score_forms(a: NameForm, b: NameForm, weights: TokenWeights, slack: float = 1.0) -> NameScore:
    """Score form ``a`` (the query) against ``b`` (the candidate); the best applicable method wins,
    every feature is kept. ``slack`` < 1 forgives words only the query has."""
    if a.script != b.script:
        if {a.script, b.script} == {"pinyin", "latin"} and a.compact and a.compact == b.compact:
            return NameScore(0.95, "pinyin", a, b, features={"pinyin_equal": 1.0})
        return NameScore(0.0, "script", a, b)
    features: dict[str, float] = {}
    if (a.acronym and b.acronym) or ((a.acronym or b.acronym) and a.tokens != b.tokens):
        return _acronym(a, b, features)
    al = align(a.tokens, b.tokens, weights, a_company=bool(a.legal), b_company=bool(b.legal))
    if slack < 1.0 and (len(b.tokens) < 2 or not any(weights(p.b) >= ANCHOR_WEIGHT for p in al.pairs)):
        # Words besides the name are forgiven only once a word of weight says which name it is,
        # and a name of one word never says enough: "Faculty of Life Sciences, University of
        # Bristol" is not the "Institute of Life Sciences" and a university besides, "Mount
        # Sinai" not "The Mount".
        slack = 1.0
        features["slack_withheld"] = 1.0
    token_score = al.score(slack)
    if a.legal != b.legal and (a.legal or b.legal):
        # A legal form the table does not know on one side ("Joynt Stock Company") is
        # compared as words rather than left over.
        full = align(a.tokens + a.legal, b.tokens + b.legal, weights)
        if full.score(slack) > token_score:
            al, token_score = full, full.score(slack)
            features["legal_forms_as_words"] = 1.0
    best, method = token_score, "tokens"
    features["token_score"] = token_score
    if al.kind_conflict:
        features["kind_conflict"] = KIND_CONFLICT
    variant = _variant(al, a.tokens, b.tokens, weights) if a.organisation and b.organisation else None
    if variant is None and a.organisation and b.organisation and _one_letter_apart(a.compact, b.compact):
        variant = "one_letter_differs"  # spacing and one letter: "Andrang Heta" / "'Ndrangheta"
    if variant is not None and best < VARIANT_SCORE:
        features[variant] = VARIANT_SCORE
        best, method = VARIANT_SCORE, variant
    if len(a.tokens) == 1 and a.tokens == b.tokens:
        word = a.tokens[0]
        single = min(0.7 + 0.25 * weights(word), single_word_cap(word))
        features["single_word"] = single
        best, method = single, "single_word"
    elif len(a.compact) >= 6 and (a.compact == b.compact or "".join(a.tokens) == "".join(b.tokens)):
        features["same_letters"] = 1.0
        if best < 0.97:
            best, method = 0.97, "same_letters"
    if not a.organisation and not b.organisation:
        omitted = names_omitted(al, weights)
        if omitted > best:
            features["names_omitted"] = omitted
            best, method = omitted, "names_omitted"
    if _reversed_around_kind(a.tokens, b.tokens) and best > REVERSED_SCORE:
        features["reversed_around_kind"] = REVERSED_SCORE
        best = REVERSED_SCORE
    # Auto-linking needs every distinctive word spelt the same: a one-letter difference
    # in a place or brand (Hunan/Henan, Amazo/Amazon) is for an analyst to judge.
    fuzzy = [p for p in al.pairs if p.weight >= DISTINCTIVE and (p.how == "fuzzy" or _typo_short(p))]
    if fuzzy and best > REVIEW_CAP:
        features["fuzzy_distinctive_cap"] = REVIEW_CAP
        best = REVIEW_CAP
    # Initials read as words ("VA" ~ "Veterans Affairs") may be a coincidence ("AI" ~ "Alberta
    # Initiative"): for an analyst to judge.
    if any(p.how == "initials" for p in al.pairs) and best > REVIEW_CAP:
        features["initials_cap"] = REVIEW_CAP
        best = REVIEW_CAP
    if a.legal and b.legal:
        ca, cb = legal_codes(a.legal) - {"x"}, legal_codes(b.legal) - {"x"}
        if ca and cb and not (ca & cb) and best > REVIEW_CAP:
            features["legal_form_conflict_cap"] = REVIEW_CAP
            best = REVIEW_CAP
    return NameScore(max(0.0, best), method, a, b, al, features)


def _typo_short(p: Pair) -> bool:
    """A prefix pair that is a word a typo short ("amazo" / "amazon"), not an abbreviation
    ("technol" / "technology")."""
    if p.how != "prefix":
        return False
    short, long_ = sorted((p.a, p.b), key=len)
    return len(long_) - len(short) <= max_edits(len(short))


def _variant(al: Alignment, a: Sequence[str], b: Sequence[str], weights: TokenWeights) -> str | None:
    """``number_differs`` or ``one_word_differs`` when two names are the same but for a trailing
    series number (fund or trust vintages: "Partners V" / "Partners VI"; a numbered body such as
    the "14th Research Institute" is another organisation) or one similar word on each side, and
    share enough words; else None."""
    if len(al.only_a) != 1 or len(al.only_b) != 1 or any(p.how != "exact" for p in al.pairs):
        return None
    if sum(p.weight for p in al.pairs) < VARIANT_MIN_SHARED:
        return None
    x, y = al.only_a[0], al.only_b[0]
    if x == y:
        return None  # the same word, left unpaired where it stands: a place modifier misplaced
    if x.isdigit() and y.isdigit():
        # The series of a name ("Blackstone Partners"), not a name that is a code and its number
        # ("UMR_S 284" / "UMR_S 1260": two unrelated laboratories), nor a footnote's number beside
        # a unit's ("Inserm 12" / "Inserm 1210").
        named = any(weights.rare(p.a) and len(p.a) > 1 for p in al.pairs)
        series = abs(len(x) - len(y)) <= 1
        return "number_differs" if named and series and a[-1] == x and b[-1] == y else None
    if x.isdigit() or y.isdigit() or x in country_words() or y in country_words():
        return None  # a number against a word, or another country, is another organisation
    if min(len(x), len(y)) < FUZZY_MIN_LEN:
        similar = len(x) == len(y) and OSA.distance(x, y) == 1  # CVC / CVS, Wai / Hai
    else:
        similar = Indel.normalized_similarity(x, y) >= VARIANT_MIN_SIMILARITY
    return "one_word_differs" if similar else None


def _reversed_around_kind(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two words, one of them a kind word, in the other order on each side."""
    return len(a) == 2 and a[0] != a[1] and tuple(b) == (a[1], a[0]) and bool(KINDS.intersection(a))


def _one_letter_apart(a: str, b: str) -> bool:
    """Letters (spaces ignored) one edit apart, in names long enough for that to be a typo."""
    if min(len(a), len(b)) < 8 or a == b or [c for c in a if c.isdigit()] != [c for c in b if c.isdigit()]:
        return False  # a series number is not a typo
    return OSA.distance(a, b, score_cutoff=1) <= 1


def _acronym(a: NameForm, b: NameForm, features: dict[str, float]) -> NameScore:
    if a.acronym and b.acronym:
        if a.acronym == b.acronym:
            score = acronym_cap(a.acronym)
            features["acronym_equal"] = score
            return NameScore(score, "acronym", a, b, features=features)
        return NameScore(0.0, "acronym", a, b, features=features)
    # Only a query that is an acronym is compared with a candidate's initials: a full name
    # whose initials happen to spell some candidate's acronym ("International University of
    # Monaco" / IUM) is no evidence at all.
    if a.acronym and len(a.acronym) >= 3 and b.initials and a.acronym == b.initials:
        score = acronym_cap(a.acronym) - 0.05
        features["acronym_initials"] = score
        return NameScore(score, "initials", a, b, features=features)
    return NameScore(0.0, "acronym", a, b, features=features)


def score_names(
    a: Sequence[NameForm], b: Sequence[NameForm], weights: TokenWeights
) -> NameScore | None:
    """The best score over every pair of forms of two names, either way round (None when either
    has none)."""
    best: NameScore | None = None
    for fa in a:
        for fb in b:
            for s in (score_forms(fa, fb, weights), score_forms(fb, fa, weights)):
                if best is None or s.score > best.score:
                    best = s
    return best
