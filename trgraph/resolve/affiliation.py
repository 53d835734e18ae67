"""Free-text affiliation strings ("Dept. of Physics, Harbin Inst. of Technology, Harbin, China")
resolved to one organisation of a :class:`~trgraph.resolve.index.CandidateIndex`.

The string is cut at commas and semicolons; each part, and each pair of adjacent
parts (registries write "University of California, Los Angeles"), is searched as a
name, forgiving words the part has besides the organisation's name (``SLACK``). A
part that is a country becomes the country hint; bare numbers (postcodes, footnote
marks) are dropped. Affiliations run from the smallest unit to the institution
("Roslin Institute, University of Edinburgh"), so among the hits that score within
``NEAR`` of the best, the one named furthest right wins.
"""

from __future__ import annotations

import re
from itertools import pairwise

from trgraph.resolve.index import CandidateIndex, Hit, Query
from trgraph.resolve.normalise import country_code, tokenize
from trgraph.resolve.score import TYPE_WORDS

_SPLIT_RE = re.compile(r"[,;，；]")
_NUMBER_RE = re.compile(r"\b\d+\b")
#: Parts that name a unit inside an organisation, never the organisation itself.
_SUBUNIT_RE = re.compile(
    r"^(?:the\s+)?(?:departments?|dept\.?|division|section|unit|program(?:me)?|graduate program(?:me)?|chair|team|"
    r"group|research group|laboratory of|lab\.? of|key laboratory)\b",
    re.I,
)
_STATE_RE = re.compile(r"^[A-Z]{2}$")
SLACK = 0.3
NEAR = 0.05


def affiliation_queries(text: str, key: str = "affiliation") -> list[Query]:
    """One query per part and per adjacent pair of parts of an affiliation string."""
    # Bare numbers (footnote marks, postcodes) end a part: "University of Oxford 1 Nuffield
    # Department of Medicine" is two.
    parts = [" ".join(q.split()) for p in _SPLIT_RE.split(text) for q in _NUMBER_RE.split(p)]
    parts = [p for p in parts if p]
    country = None
    if parts:
        code = country_code(parts[-1])
        if code is not None:
            country = code
            parts = parts[:-1] or parts
            while len(parts) > 1 and _STATE_RE.match(parts[-1]):
                parts = parts[:-1]
    # Departments, and the city before a country, are searched alone only when nothing else
    # is left: "Department of Microbiology" is not the "Institute of Microbiology", "…,
    # Seattle, WA, USA" not "Seattle University" (but "University of California, Los
    # Angeles" is still searched as a pair).
    named = [not _SUBUNIT_RE.match(p) for p in parts]
    if country is not None and len(parts) > 1 and _city(parts[-1]):
        named[-1] = False
    if not any(named):
        named = [True] * len(parts)
    queries = [Query(f"{key}#{i}", [p], country=country, slack=SLACK) for i, p in enumerate(parts) if named[i]]
    queries.extend(
        Query(f"{key}#{i + 1}", [f"{a}, {b}"], country=country, slack=SLACK)
        for i, (a, b) in enumerate(pairwise(parts))
        if named[i] or (named[i + 1] and not _SUBUNIT_RE.match(a))
    )
    return queries


def _city(part: str) -> bool:
    """One word, or two, with no organisation-type word: in the last place before a country, a city."""
    tokens = tokenize(part)
    return len(tokens) <= 2 and not any(t in TYPE_WORDS for t in tokens)


def match_affiliation(
    index: CandidateIndex, text: str, *, min_score: float = 0.0, exclude: frozenset[str] = frozenset()
) -> Hit | None:
    """The organisation an affiliation string names, or None when nothing scores ``min_score``."""
    best = best_hits(index, [text], min_score=min_score, exclude=exclude)
    return best[0]


def best_hits(
    index: CandidateIndex,
    texts: list[str],
    *,
    min_score: float = 0.0,
    exclude: frozenset[str] = frozenset(),
    excludes: list[frozenset[str]] | None = None,
) -> list[Hit | None]:
    """:func:`match_affiliation` for many strings in one batch (``excludes`` per string, optional)."""
    queries: list[Query] = []
    owner: list[int] = []
    for i, text in enumerate(texts):
        for q in affiliation_queries(text, f"a{i}"):
            queries.append(q)
            owner.append(i)
    per_query = [excludes[o] for o in owner] if excludes is not None else None
    results = index.search_many(queries, limit=2, min_score=min_score, exclude=exclude, excludes=per_query)
    found: list[list[tuple[int, Hit]]] = [[] for _ in texts]
    for query, o, hits in zip(queries, owner, results, strict=True):
        position = int(query.key.rsplit("#", 1)[1])
        found[o].extend((position, hit) for hit in hits)
    return [_choose(hits) for hits in found]


def _choose(hits: list[tuple[int, Hit]]) -> Hit | None:
    if not hits:
        return None
    top = max(h.score for _, h in hits)
    near = [(pos, h) for pos, h in hits if h.score >= top - NEAR]
    return max(near, key=lambda ph: (ph[0], ph[1].score, ph[1].exact))[1]
