"""Scoring two names with explicit features, each score carrying its explanation.

The main feature is a weighted token alignment: tokens are paired exactly, as merged
spellings (``goodwill`` ~ ``good will``) or fuzzily (rapidfuzz Levenshtein); every token
weighs by how distinctive it is (:class:`TokenWeights`: inverse document frequency
over the names being screened against, organisation-type words capped low). The
score is matched weight / (matched weight + everything left unmatched on *either*
side), so "Nanjing University" loses against "Nanjing University of Aeronautics and
Astronautics" by the weight of "aeronautics" and "astronautics". Further features:
identical letters with different spacing, single-word and acronym hits (capped by
length, since short acronyms are ambiguous), acronym ↔ initials, legal-form conflict,
people's names with names left out, and country agreement or conflict (entity level).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA, Indel

from trgraph.resolve.legal import legal_codes
from trgraph.resolve.normalise import NameForm, words

#: Organisation-type words: never decisive, whatever their frequency; missing on one side
#: they weigh little ("Tsinghua" may well be "Tsinghua University").
TYPE_WORDS = words(
    """university institute college school academy research center laboratory company corporation group holding
    limited incorporated industry foundation association society organization agency department faculty branch
    office division unit committee council bureau administration republic people joint stock business europe
    asia africa america americas"""
)
#: Business descriptors: as weak as type words when both names have them, but a company
#: that calls itself "Systems" or "Solutions" where the other does not is more likely a
#: different company ("Crystalord Systems Ltd" is not "Crystalord Ltd").
DESCRIPTORS = words("system solution service enterprise partner management development trading product")
#: Qualifiers: common, so weak when both names have them, but decisive when only one does
#: ("Washington State University" is not the "University of Washington", "Nanjing Tech
#: University" not "Nanjing University").
QUALIFIERS = words(
    """state technology technical polytechnic national international federal general public industrial global
    commercial european asian african american pacific"""
)
WEAK_WORDS = TYPE_WORDS | QUALIFIERS | DESCRIPTORS
#: Kinds of body: one name that says "University" where the other says "College" names
#: another body ("Boston University" is not "Boston College", "Beijing Institute of
#: Technology" not "Beijing University of Technology").
KINDS = words("university college institute school academy hospital")
#: What each of two different kind words weighs, missing on its side.
KIND_CONFLICT = 0.6
WEAK_CAP = 0.25
#: Numbers are decisive: "14th Research Institute" is not the "38th Research Institute".
NUMBER_WEIGHT = 1.0
#: Country names are decisive qualifiers ("Banco Santander México" is not "Banco Santander").
COUNTRY_WEIGHT = 0.8
#: The least a missing (non-type) word weighs against a match.
MISSING_FLOOR = 0.6
MIN_WEIGHT = 0.1
FUZZY_MIN_LEN = 4
#: Tokens at least this distinctive must match exactly for a score above REVIEW_CAP.
DISTINCTIVE = 0.5
REVIEW_CAP = 0.85
#: What a name scores that differs from the other only by a series number ("Fund V" / "Fund VI")
#: or by one misspelt word ("General Mortars" / "General Motors"): never linked unseen, always
#: put before an analyst - a sibling fund or a deliberate misspelling both matter in screening.
VARIANT_SCORE = 0.75
#: What a name scores whose two words are the other's in reverse order around the kind word
#: ("Washington University" / "University of Washington", "Miami University" / "University
#: of Miami"): as often as not another institution, so a possible match for an analyst.
REVERSED_SCORE = 0.72
#: The least character similarity (rapidfuzz Indel) of the one differing word for a variant.
VARIANT_MIN_SIMILARITY = 0.7
#: The least weight the words both names share must carry for a variant.
VARIANT_MIN_SHARED = 0.25
DESCRIPTOR_MISSING = 0.5
#: What a person's name left out of the other name weighs, as a share of its weight; names
#: shorter than OMITTED_FUZZY_MIN_LEN letters must then be spelt alike (Wang is not Kang).
OMITTED_NAME_WEIGHT, OMITTED_FUZZY_MIN_LEN = 0.25, 6


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """Single-word country names (pycountry), normalised like name tokens."""
    import pycountry

    from trgraph.resolve.normalise import tokenize

    words: set[str] = set()
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            tokens = tokenize(str(getattr(country, attr, "") or ""), expand=False)
            if len(tokens) == 1:
                words.add(tokens[0])
    return frozenset(words)


class TokenWeights:
    """How distinctive each token is: inverse document frequency over a corpus of names,
    scaled to 0..1, with organisation-type words capped at :data:`WEAK_CAP`."""

    def __init__(self, df: Mapping[str, int] | None = None, total: int = 0) -> None:
        self.df: dict[str, int] = dict(df or {})
        self.total = max(total, 1)
        self._scale = math.log((self.total + 1) / 2) if self.total > 2 else 1.0
        self._cache: dict[str, float] = {}
        self._missing: dict[str, float] = {}

    @classmethod
    def from_forms(cls, forms: Iterable[Sequence[str]]) -> TokenWeights:
        """Count each token once per name (form)."""
        df: Counter[str] = Counter()
        total = 0
        for tokens in forms:
            df.update(set(tokens))
            total += 1
        return cls(df, total)

    def __call__(self, token: str) -> float:
        """The weight of one token (cached)."""
        found = self._cache.get(token)
        if found is not None:
            return found
        if token.isdigit():
            weight = NUMBER_WEIGHT
        else:
            df = self.df.get(token, 0)
            weight = math.log((self.total + 1) / (df + 1)) / self._scale if self.total > 2 else 1.0
            weight = min(1.0, max(MIN_WEIGHT, weight))
            if token in WEAK_WORDS:
                weight = min(weight, WEAK_CAP)
            elif token in country_words():
                weight = max(weight, COUNTRY_WEIGHT)
        self._cache[token] = weight
        return weight

    def missing(self, token: str) -> float:
        """The weight of a token one name has and the other lacks: a word the other name does
        not have is evidence of a different organisation, however common, unless it is an
        organisation-type word ("Nanjing University of Science and Technology" is not "Nanjing
        University"; "Tsinghua" may well be "Tsinghua University")."""
        found = self._missing.get(token)
        if found is None:
            weight = self(token)
            floor = WEAK_CAP if token in TYPE_WORDS else DESCRIPTOR_MISSING if token in DESCRIPTORS else MISSING_FLOOR
            found = max(weight, floor)
            self._missing[token] = found
        return found

    def describe(self, tokens: Iterable[str]) -> dict[str, float]:
        """Rounded weights of some tokens, for explanations."""
        return {t: round(self(t), 3) for t in tokens}


@dataclass(frozen=True, slots=True)
class Pair:
    """Two aligned tokens (or token runs), their weight and similarity."""

    a: str
    b: str
    weight: float
    similarity: float
    how: str  # exact | merged | fuzzy | prefix


@dataclass(slots=True)
class Alignment:
    """The result of aligning two token sequences."""

    pairs: list[Pair] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    matched: float = 0.0
    missed_pairs: float = 0.0
    missed_a: float = 0.0
    missed_b: float = 0.0
    #: Each side has a kind word the other lacks (university / college).
    kind_conflict: bool = False

    def score(self, slack: float = 1.0) -> float:
        """Matched weight over all weight; ``slack`` scales what only ``a`` has (for affiliation
        strings, which carry departments and addresses besides the organisation)."""
        total = self.matched + self.missed_pairs + self.missed_b + slack * self.missed_a
        return self.matched / total if total > 0 else 0.0


def _effective(sim: float) -> float:
    return sim


def align(a: Sequence[str], b: Sequence[str], weights: TokenWeights) -> Alignment:
    """Pair tokens of ``a`` and ``b``: exact, then merged spellings, then fuzzy; weigh the rest as missed."""
    out = Alignment()
    left = list(a)
    right = list(b)
    counts = Counter(right)
    rest_a: list[str] = []
    for tok in left:
        if counts.get(tok, 0) > 0:
            counts[tok] -= 1
            w = weights(tok)
            out.pairs.append(Pair(tok, tok, w, 1.0, "exact"))
            out.matched += w
        else:
            rest_a.append(tok)
    rest_b: list[str] = []
    for tok in right:
        if counts.get(tok, 0) > 0:
            counts[tok] -= 1
            rest_b.append(tok)
    if rest_a and rest_b:
        rest_a, rest_b = _merged(rest_a, rest_b, weights, out)
        rest_b, rest_a = _merged(rest_b, rest_a, weights, out, swap=True)
    if rest_a and rest_b:
        rest_a, rest_b = _fuzzy(rest_a, rest_b, weights, out)
    conflict = bool(KINDS.intersection(rest_a)) and bool(KINDS.intersection(rest_b))
    for tok in rest_a:
        out.only_a.append(tok)
        out.missed_a += KIND_CONFLICT if conflict and tok in KINDS else weights.missing(tok)
    for tok in rest_b:
        out.only_b.append(tok)
        out.missed_b += KIND_CONFLICT if conflict and tok in KINDS else weights.missing(tok)
    out.kind_conflict = conflict
    return out


def _merged(
    one: list[str], other: list[str], weights: TokenWeights, out: Alignment, *, swap: bool = False
) -> tuple[list[str], list[str]]:
    """A long token of ``one`` equal to 2–3 consecutive tokens of ``other`` (good will ~ goodwill)."""
    if len(other) < 2 or not any(len(t) >= 5 for t in one):
        return one, other
    runs: dict[str, tuple[int, int]] = {}
    for size in (3, 2):
        for start in range(len(other) - size + 1):
            runs.setdefault("".join(other[start : start + size]), (start, size))
    for tok in list(one):
        found = runs.get(tok) if len(tok) >= 5 else None
        if found is None:
            continue
        start, size = found
        run = other[start : start + size]
        if len(run) < size:
            continue
        w = max(weights(t) for t in run)
        joined = " ".join(run)
        out.pairs.append(Pair(joined, tok, w, 1.0, "merged") if swap else Pair(tok, joined, w, 1.0, "merged"))
        out.matched += w
        one.remove(tok)
        del other[start : start + size]
        return _merged(one, other, weights, out, swap=swap)
    return one, other


def max_edits(length: int) -> int:
    """How many edits still count as a typo of a word of this length."""
    # One typo in a word of 4–8 letters, two from 9, three from 14: more would make
    # different words (McKenton/McKesson, Mortars/Motors) look alike.
    if length < FUZZY_MIN_LEN:
        return 0
    return 1 if length < 9 else 2 if length < 14 else 3


def _fuzzy(a: list[str], b: list[str], weights: TokenWeights, out: Alignment) -> tuple[list[str], list[str]]:
    candidates: list[tuple[float, int, int, str]] = []
    for i, x in enumerate(a):
        if len(x) < FUZZY_MIN_LEN or x.isdigit():
            continue
        for j, y in enumerate(b):
            if len(y) < FUZZY_MIN_LEN or y.isdigit():
                continue
            shorter, longer = (x, y) if len(x) <= len(y) else (y, x)
            if len(longer) - len(shorter) > max_edits(len(shorter)) and not (
                len(shorter) >= 5 and longer.startswith(shorter)
            ):
                continue
            if len(shorter) >= 5 and longer.startswith(shorter):
                # An abbreviation the table does not know ("technol").
                candidates.append((max(0.9, OSA.normalized_similarity(x, y)), i, j, "prefix"))
                continue
            distance = OSA.distance(x, y, score_cutoff=max_edits(len(shorter)))
            if distance <= max_edits(len(shorter)):
                candidates.append((OSA.normalized_similarity(x, y), i, j, "fuzzy"))
    used_a: set[int] = set()
    used_b: set[int] = set()
    for sim, i, j, how in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        w = min(weights(a[i]), weights(b[j]))
        eff = _effective(sim)
        out.pairs.append(Pair(a[i], b[j], w, round(sim, 3), how))
        out.matched += w * eff
        out.missed_pairs += w * (1.0 - eff)
    return [x for i, x in enumerate(a) if i not in used_a], [y for j, y in enumerate(b) if j not in used_b]


@dataclass(frozen=True, slots=True)
class NameScore:
    """The score of two name forms, the method that produced it and the facts behind it."""

    score: float
    method: str
    a: NameForm
    b: NameForm
    alignment: Alignment | None = None
    features: dict[str, float] = field(default_factory=dict)

    def explain(self, weights: TokenWeights) -> dict[str, Any]:
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
            out["unmatched"] = {"subject": weights.describe(al.only_a), "candidate": weights.describe(al.only_b)}
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
    al = align(a.tokens, b.tokens, weights)
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
    variant = _variant(al, a.tokens, b.tokens) if a.organisation and b.organisation else None
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
        omitted = _names_omitted(al)
        if omitted > best:
            features["names_omitted"] = omitted
            best, method = omitted, "names_omitted"
    if _reversed_around_kind(a.tokens, b.tokens) and best > REVERSED_SCORE:
        features["reversed_around_kind"] = REVERSED_SCORE
        best = REVERSED_SCORE
    # Auto-linking needs every distinctive word spelt the same: a one-letter difference
    # in a place or brand (Hunan/Henan) is for an analyst to judge.
    fuzzy = [p for p in al.pairs if p.how == "fuzzy" and p.weight >= DISTINCTIVE]
    if fuzzy and best > REVIEW_CAP:
        features["fuzzy_distinctive_cap"] = REVIEW_CAP
        best = REVIEW_CAP
    if a.legal and b.legal:
        ca, cb = legal_codes(a.legal) - {"x"}, legal_codes(b.legal) - {"x"}
        if ca and cb and not (ca & cb) and best > REVIEW_CAP:
            features["legal_form_conflict_cap"] = REVIEW_CAP
            best = REVIEW_CAP
    return NameScore(max(0.0, best), method, a, b, al, features)


def _variant(al: Alignment, a: Sequence[str], b: Sequence[str]) -> str | None:
    """``number_differs`` or ``one_word_differs`` when two names are the same but for a trailing
    series number (fund or trust vintages: "Partners V" / "Partners VI"; a numbered body such as
    the "14th Research Institute" is another organisation) or one similar word on each side, and
    share enough words; else None."""
    if len(al.only_a) != 1 or len(al.only_b) != 1 or any(p.how != "exact" for p in al.pairs):
        return None
    if sum(p.weight for p in al.pairs) < VARIANT_MIN_SHARED:
        return None
    x, y = al.only_a[0], al.only_b[0]
    if x.isdigit() and y.isdigit():
        return "number_differs" if a[-1] == x and b[-1] == y else None
    if x.isdigit() or y.isdigit() or x in country_words() or y in country_words():
        return None  # a number against a word, or another country, is another organisation
    if min(len(x), len(y)) < FUZZY_MIN_LEN:
        similar = len(x) == len(y) and OSA.distance(x, y) == 1  # CVC / CVS, Wai / Hai
    else:
        similar = Indel.normalized_similarity(x, y) >= VARIANT_MIN_SIMILARITY
    return "one_word_differs" if similar else None


def _names_omitted(al: Alignment) -> float:
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
