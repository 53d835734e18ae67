"""Token weights and the weighted alignment of two names' tokens, on which every score rests.

Tokens are paired exactly, as merged spellings (``goodwill`` ~ ``good will``) or fuzzily
(rapidfuzz Levenshtein); every token weighs by how distinctive it is
(:class:`TokenWeights`: inverse document frequency over the names being screened
against, organisation-type words capped low). An :class:`Alignment`'s score is matched
weight / (matched weight + everything left unmatched on *either* side), so "Nanjing
University" loses against "Nanjing University of Aeronautics and Astronautics" by the
weight of "aeronautics" and "astronautics".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from trgraph.resolve.vocab import (
    DECISIVE,
    DESCRIPTORS,
    DISCIPLINES,
    KINDS,
    PLACE_MODIFIERS,
    TYPE_WORDS,
    UNFORGIVEN,
    UNIVERSITY,
    WEAK_WORDS,
    country_words,
    split_places,
)

#: Tokens at least this distinctive must match exactly for a score above REVIEW_CAP, the most
#: any rule that is not sure scores (a score for an analyst, never linked unseen).
DISTINCTIVE, REVIEW_CAP = 0.5, 0.85
#: What each of two different kind words weighs, missing on its side (and a kind word only one
#: name has where the other is no bare short form, see :func:`align`).
KIND_CONFLICT = 0.6
WEAK_CAP = 0.25
#: The least weight of a word that tells a body by itself (:meth:`TokenWeights.rare`).
RARE_WEIGHT = 0.7
#: Numbers are decisive: "14th Research Institute" is not the "38th Research Institute".
NUMBER_WEIGHT = 1.0
#: Country names are decisive qualifiers ("Banco Santander México" is not "Banco Santander").
COUNTRY_WEIGHT = 0.8
#: The least a missing (non-type) word weighs against a match.
MISSING_FLOOR = 0.6
MIN_WEIGHT = 0.1
FUZZY_MIN_LEN = 4
DESCRIPTOR_MISSING = 0.5
#: What a word only one name has weighs when it makes another body: a qualifier, place modifier,
#: nationality or discipline, or part of a place name (only the query's, slack never forgives it
#: either, but for a discipline: :data:`UNFORGIVEN`).
QUALIFIER_MISSING = 1.0


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

    def rare(self, token: str) -> bool:
        """A word rare enough to tell a body by (organisation words never are: they weigh at most
        ``WEAK_CAP``)."""
        return self(token) >= RARE_WEIGHT

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
    #: ``a`` as aligned, and what each word of ``only_a`` weighs missing (for :meth:`unforgiven`).
    a: Sequence[str] = ()
    missed_each_a: list[float] = field(default_factory=list)
    #: What each word of ``only_b`` weighs missing (for explanations).
    missed_each_b: list[float] = field(default_factory=list)
    #: Words of ``only_a`` in a place name paired only in part: never forgiven.
    split_a: frozenset[str] = frozenset()

    def score(self, slack: float = 1.0) -> float:
        """Matched weight over all weight; ``slack`` scales what only ``a`` has before or after the
        name (for affiliation strings, which carry departments and addresses besides the
        organisation), except what it never forgives (:meth:`unforgiven`)."""
        total = self.matched + self.missed_pairs + self.missed_b + self.missed_a
        if slack < 1.0 and self.missed_a:
            unforgiven = self.unforgiven()
            total -= (1.0 - slack) * (self.missed_a - unforgiven)
        return self.matched / total if total > 0 else 0.0

    def unforgiven(self) -> float:
        """The part of ``missed_a`` that ``slack`` does not forgive: the words of
        :data:`UNFORGIVEN`, the words inside the name (:func:`_inside`) and those that open it
        (:func:`_leading`)."""
        paired = _paired(self.a, self.only_a)
        if True in paired:
            b_university = UNIVERSITY in self.only_b or any(p.b == UNIVERSITY for p in self.pairs)
            inside = _inside(self.a, paired) + _leading(self.a, paired, b_university=b_university)
        else:
            inside = Counter()
        total = 0.0
        for tok, missed in zip(self.only_a, self.missed_each_a, strict=True):
            if inside[tok] > 0:
                inside[tok] -= 1
                total += missed
            elif tok in UNFORGIVEN or tok in self.split_a:
                total += missed
        return total

    def after(self) -> tuple[str, ...]:
        """The words of ``a`` after the last paired one ("King's College *London*")."""
        paired = _paired(self.a, self.only_a)
        if True not in paired:
            return ()
        return tuple(self.a[len(paired) - paired[::-1].index(True):])


def _inside(a: Sequence[str], paired: list[bool]) -> Counter[str]:
    """The unpaired tokens of ``a`` (``paired``: :func:`_paired`, with one paired at least) that
    stand between paired ones: a word inside the name ("Houston *Baptist* University") makes
    another name, where words before or after it (a department, a city) may be an affiliation
    string's other parts."""
    first, last = paired.index(True), len(paired) - 1 - paired[::-1].index(True)
    # An organisation word never tells bodies apart, wherever it stands.
    return Counter(a[i] for i in range(first + 1, last) if not paired[i] and a[i] not in TYPE_WORDS)


def _leading(a: Sequence[str], paired: list[bool], *, b_university: bool = False) -> Counter[str]:
    """The tokens of ``a`` before its first paired one (``paired`` as for :func:`_inside`), when no
    organisation word is among them: the words of a name come before its kind word, so such words
    are the name's own ("*Imperial* College London" is not "The London College", "*Medical*
    University Vienna" not the University of Vienna); "Department of Physics, University of X"
    begins with a unit of X instead. A university named first, when the other name (``b``) is no
    university's, is where the rest is ("University of Glasgow Centre for Virus Research" is not
    a Virus Research Center elsewhere): its own words are unforgiven."""
    run = a[:paired.index(True)]
    if UNIVERSITY in run and not b_university:
        return Counter(tok for tok in run if tok not in TYPE_WORDS)
    if any(tok in TYPE_WORDS or tok in KINDS for tok in run):
        return Counter()
    return Counter(run)


def _paired(a: Sequence[str], only: Sequence[str]) -> list[bool]:
    """For each token of ``a``, whether it is paired (not one of ``only``, its unpaired tokens)."""
    # Of a word written twice, the first is the paired one ("Université de Limoges Cabinet
    # ARISE-UP Limoges": the name, then a unit and its city).
    budget = Counter(a) - Counter(only)
    paired = []
    for tok in a:
        paired.append(budget[tok] > 0)
        budget[tok] -= 1
    return paired


def align(
    a: Sequence[str], b: Sequence[str], weights: TokenWeights, *, a_company: bool = False, b_company: bool = False
) -> Alignment:
    """Pair tokens of ``a`` and ``b``: exact, then merged spellings, then fuzzy; weigh the rest as
    missed. ``a_company``/``b_company``: the name had a legal form, so is a company's, never the
    bare short form of a university's or an institute's ("Keio Corp." is not Keio University)."""
    out = Alignment()
    left = list(a)
    right = list(b)
    counts = Counter(right)
    misplaced = _misplaced_modifiers(a, b)
    rest_a: list[str] = []
    for tok in left:
        if counts.get(tok, 0) > 0 and tok not in misplaced:
            counts[tok] -= 1
            w = weights(tok)
            out.pairs.append(Pair(tok, tok, w, 1.0, "exact"))
            out.matched += w
        elif tok not in misplaced:
            rest_a.append(tok)
    rest_b: list[str] = []
    for tok in right:
        if counts.get(tok, 0) > 0 and tok not in misplaced:
            counts[tok] -= 1
            rest_b.append(tok)
    if rest_a and rest_b:
        rest_a, rest_b = _merged(rest_a, rest_b, weights, out)
        rest_b, rest_a = _merged(rest_b, rest_a, weights, out, swap=True)
        rest_a, rest_b = _initialled(rest_a, rest_b, weights, out)
        rest_b, rest_a = _initialled(rest_b, rest_a, weights, out, swap=True)
    if rest_a and rest_b:
        rest_a, rest_b = _fuzzy(rest_a, rest_b, weights, out)
    if misplaced:
        rest_a += [tok for tok in a if tok in misplaced]
        rest_b += [tok for tok in b if tok in misplaced]
    conflict = bool(KINDS.intersection(rest_a)) and bool(KINDS.intersection(rest_b))
    # A kind word only the candidate's name has, where the query names a kind too, makes another
    # body ("University *College* Birmingham" is not the "University of Birmingham", "University
    # of Chinese Academy of Sciences" not the Academy). The query's own extra kind words may be a
    # unit's ("Binjiang Institute of Zhejiang University") and weigh as any type word, unless the
    # candidate is a name of two words or more with no kind at all: a body of another sort ("The
    # Geneva Foundation" is not the "University of Geneva", nor the "Commonwealth of Virginia"
    # "Virginia Commonwealth University"); a one-word name may be the query's short form
    # ("Tsinghua"), unless it is a company's.
    kinded_a = bool(KINDS.intersection(a)) or a_company
    plain_b = (len(b) >= 2 or b_company) and not KINDS.intersection(b)
    out.a = a
    # Part of a place name is another place: "University of British Columbia" is no British University.
    out.split_a = frozenset(split_places(a, rest_a)) if rest_a else frozenset()
    split_b = split_places(b, rest_b) if rest_b else set()
    for tok in rest_a:
        out.only_a.append(tok)
        missed = KIND_CONFLICT if (conflict or plain_b) and tok in KINDS else weights.missing(tok)
        if tok in DECISIVE or tok in out.split_a:
            missed = max(missed, QUALIFIER_MISSING)
        out.missed_a += missed
        out.missed_each_a.append(missed)
    for tok in rest_b:
        out.only_b.append(tok)
        if (conflict or kinded_a) and tok in KINDS:
            missed = KIND_CONFLICT
        else:
            # "North Carolina *State* University" is not the "University of North Carolina", nor is
            # North Carolina *Central* University or a university *of Science*.
            weighty = tok in DECISIVE or tok in split_b
            missed = max(weights.missing(tok), QUALIFIER_MISSING if weighty else 0.0)
        out.missed_b += missed
        out.missed_each_b.append(missed)
    out.kind_conflict = conflict
    return out


def _misplaced_modifiers(a: Sequence[str], b: Sequence[str]) -> frozenset[str]:
    """Place modifiers both names have but on different words ("University of *Southern*
    California" is not California *Southern* University), and disciplines both have but on
    different kinds ("Nanjing University *Medical* School" is not Nanjing *Medical* University):
    they pair with nothing."""
    out = set()
    for tok in PLACE_MODIFIERS.intersection(a).intersection(b):
        after_a, after_b = _next(a, tok), _next(b, tok)
        if after_a != after_b and (after_a in b or after_b in a):
            out.add(tok)
    for tok in DISCIPLINES.intersection(a).intersection(b):
        kind_a, kind_b = _next_kind(a, tok), _next_kind(b, tok)
        if kind_a is not None and kind_b is not None and kind_a != kind_b:
            out.add(tok)
    return frozenset(out)


def _next_kind(tokens: Sequence[str], tok: str) -> str | None:
    """The first kind word after the first ``tok`` of ``tokens``, if any."""
    i = tokens.index(tok)
    return next((t for t in tokens[i + 1 :] if t in KINDS), None)


def _next(tokens: Sequence[str], tok: str) -> str | None:
    """The word after the first ``tok`` of ``tokens``, if any."""
    i = tokens.index(tok)
    return tokens[i + 1] if i + 1 < len(tokens) else None


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
        if len(other[start : start + size]) < size:
            continue
        _pair_run(tok, one, other, start, size, "merged", weights, out, swap=swap)
        return _merged(one, other, weights, out, swap=swap)
    return one, other


def _initialled(
    one: list[str], other: list[str], weights: TokenWeights, out: Alignment, *, swap: bool = False
) -> tuple[list[str], list[str]]:
    """A short token of ``one`` that is the initials of as many consecutive tokens of ``other``
    ("VA" ~ "Veterans Affairs")."""
    for tok in list(one):
        size = len(tok)
        if not 2 <= size <= 4 or not (tok.isascii() and tok.isalpha()):
            continue
        for start in range(len(other) - size + 1):
            run = other[start : start + size]
            if "".join(t[0] for t in run) != tok or any(t in TYPE_WORDS for t in run):
                continue
            _pair_run(tok, one, other, start, size, "initials", weights, out, swap=swap)
            return _initialled(one, other, weights, out, swap=swap)
    return one, other


def _pair_run(
    tok: str, one: list[str], other: list[str], start: int, size: int, how: str, weights: TokenWeights,
    out: Alignment, *, swap: bool,
) -> None:
    """Pair ``tok`` of ``one`` with ``size`` tokens of ``other`` from ``start`` (weighing as the
    heaviest of them), and take them out of both."""
    run = other[start : start + size]
    w = max(weights(t) for t in run)
    joined = " ".join(run)
    out.pairs.append(Pair(joined, tok, w, 1.0, how) if swap else Pair(tok, joined, w, 1.0, how))
    out.matched += w
    one.remove(tok)
    del other[start : start + size]


def max_edits(length: int) -> int:
    """How many edits still count as a typo of a word of this length."""
    # One typo in a word of 4–8 letters, two from 9, three from 14: more would make
    # different words (McKenton/McKesson, Mortars/Motors) look alike.
    if length < FUZZY_MIN_LEN:
        return 0
    return 1 if length < 9 else 2 if length < 14 else 3


def _abbreviates(shorter: str, longer: str, weights: TokenWeights) -> bool:
    """Whether a word that begins another may be its abbreviation: not when the longer word is the
    shorter one and another word that names carry ("George" + "town" is no "Georgetown" cut short;
    "technol" is "technology", "Amazon" a typo short of "Amazonis")."""
    rest = longer[len(shorter):]
    return not (len(rest) >= 3 and weights.df.get(shorter, 0) > 0 and weights.df.get(rest, 0) > 0)


def _fuzzy(a: list[str], b: list[str], weights: TokenWeights, out: Alignment) -> tuple[list[str], list[str]]:
    candidates: list[tuple[float, int, int, str]] = []
    for i, x in enumerate(a):
        if len(x) < FUZZY_MIN_LEN or x.isdigit():
            continue
        for j, y in enumerate(b):
            if len(y) < FUZZY_MIN_LEN or y.isdigit():
                continue
            shorter, longer = (x, y) if len(x) <= len(y) else (y, x)
            abbreviated = len(shorter) >= 5 and longer.startswith(shorter) and _abbreviates(shorter, longer, weights)
            if len(longer) - len(shorter) > max_edits(len(shorter)) and not abbreviated:
                continue
            if abbreviated:
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
        out.pairs.append(Pair(a[i], b[j], w, round(sim, 3), how))
        out.matched += w * sim
        out.missed_pairs += w * (1.0 - sim)
    return [x for i, x in enumerate(a) if i not in used_a], [y for j, y in enumerate(b) if j not in used_b]
