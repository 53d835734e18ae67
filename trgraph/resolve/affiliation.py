"""Free-text affiliation strings ("Dept. of Physics, Harbin Inst. of Technology, Harbin, China")
resolved to one organisation of a :class:`~trgraph.resolve.index.CandidateIndex`.

The string is cut at commas, semicolons and middle dots; each part, and each pair of adjacent
parts (registries write "University of California, Los Angeles"), is searched as a
name, forgiving words the part has besides the organisation's name (``SLACK``), and so is a
name in quotation marks. A part saying what the body is a member of is searched only when
nothing else is named. A part that names two bodies is cut once more, its pieces searched
alone and rejoined: at a dash or slash between names of two words or more, or acronyms
("University of Zurich/ETH Zurich"), before " at " a university or an acronym ("Perelman
School of Medicine at the University of Pennsylvania", "… at UCLA") or the host of a school,
institute or centre ("Geisel School of Medicine at Dartmouth"), and
where a school follows its university ("Johns Hopkins University School of Medicine", "NYU School
of Medicine"); a school named after its university without the word ("Harvard Medical School")
has that name searched too, as a name inside a part (without a donor's name that initials mark:
"Harvard T.H. Chan School of Public Health"), and so has the acronym a part begins with
("UCLA Cardiac Arrhythmia Center"). A part that is a country becomes the country hint; bare
numbers (postcodes, footnote marks) are dropped. A name inside a part written without a
separator ("Columbia University Irving Medical Center", "Laboratoire HAVAE Université de
Limoges") is searched too (:func:`embedded_names`), unless only its town follows it ("Trinity
College Dublin"); it scores at most ``EMBEDDED_SCORE`` and counts only when no part names
anything as well.

Which of the hits the string names is settled in :mod:`trgraph.resolve.choice`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from typing import NamedTuple

from trgraph.resolve.choice import (
    choose,
    is_city,
    place_follows,
    school_of,
    shares_rare_word,
    town_checked,
    units_dropped,
)
from trgraph.resolve.index import CandidateIndex, Hit, Query
from trgraph.resolve.normalise import ABBREVIATIONS, STOPWORDS, country_code, fold, is_acronym, tokenize, words
from trgraph.resolve.vocab import DECISIVE, KINDS, place_words

_SPLIT_RE = re.compile(r"[,;，；·]")
#: A word, a full stop and a capital ("… Design. University of Washington").
_FULL_STOP_RE = re.compile(r"\b(\w+)\.\s+(?=[A-Z]\w*\s+\w)")
#: A name in quotation marks ("FSBEI of HE «Pushkin State Russian Language Institute»").
_QUOTED_RE = re.compile(r"[«»“”„\"]([^«»“”„\"]{4,})[«»“”„\"]")
#: A bracket that ends a part.
_FINAL_BRACKET_RE = re.compile(r"\s*\([^()]*\)\s*$")
#: A university's name in brackets.
_BRACKETED_RE = re.compile(r"\(((?=[^()]*\s)[^()]*\buniversi[^()]*)\)", re.I)
#: A part saying what the body is a member of ("Charité, corporate member of Freie Universität
#: Berlin"): not where the author is, unless nothing else is named.
_MEMBER_RE = re.compile(r"^(?:corporate\s+)?member\s+of\s+(?:the\s+)?", re.I)
#: A ministry that accredits a key laboratory ("Key Laboratory of … (Peking University), Ministry
#: of Education") is what the laboratory is a member of, not where its authors work.
_KEY_LAB_RE = re.compile(r"\bkey\s+laborator", re.I)
_MINISTRY_RE = re.compile(r"^(?:the\s+)?(?:chinese\s+)?ministry\s+of\b", re.I)
#: The last part of a list ("…, and Berlin Institute of Health").
_AND_RE = re.compile(r"^(?:and|&)\s", re.I)
_NUMBER_RE = re.compile(r"\b\d+\b")
#: The code of a French research unit ("UMR 5096", "UMR-S 1270", "U955", "EA 6311"): a unit's
#: number, no name ("CNRS UMR 3569" is the CNRS).
_UNIT_CODE_RE = re.compile(r"(?:[-‐]\s*)?\b(?:UMR[-_ ]?S|UMRS?|USR|UPR|UMS|UAR|ERL|FRE|IRL|EA|UR|U|CIC)[-\s]?\d{2,4}\b")
#: Within a part, a dash between spaces or a slash separates two bodies ("CNRS - Université
#: Lyon 1", "University of Zurich/ETH Zurich").
_DASH_RE = re.compile(r"\s[-–—]\s|/|(?<=University)-(?=[A-Z])")
#: A school or faculty named after its university ("Johns Hopkins University School of
#: Medicine", "Harvard Medical School", "Kobe University Graduate School of Medicine").
_SCHOOL_TAIL_RE = re.compile(
    r"\s(?=(?:(?:graduate\s+)?school|college|faculty)\s+of\b|(?:medical|dental|graduate|law|business)\s+school\b)",
    re.I,
)
#: A school, not a college or faculty, which may be an institution of its own.
_SCHOOL_RE = re.compile(r"(?:\w+\s+)?school\b", re.I)
#: A school "of" or "at" its university ("Medical School of Nanjing University", "Perelman
#: School of Medicine at the University of Pennsylvania"), or a campus "at" its place
#: ("University of North Carolina at Chapel Hill"); a hospital affiliated to one ("The First
#: Affiliated Hospital of Zhengzhou University").
_OF_UNIVERSITY_RE = re.compile(
    r"^(.*\b(?:school|affiliated(?:\s+\S+){0,3}?\s+(?:hospital|cent(?:er|re))))\s+of\s+(.*\buniversit.*)$", re.I
)
_AT_RE = re.compile(r"\s+at\s+", re.I)
#: A body that " at " may follow to name its host ("Geisel School of Medicine at Dartmouth"), where
#: a university would be a campus at a place.
_UNIT_BODY_RE = re.compile(r"\b(?:school|institute|institut|centre|center|college)\b(?!.*\buniversit)", re.I)
#: "And" before a capital, where a second body's name may begin ("University of Groningen and
#: University Medical Center Groningen"), and a name that begins with its kind.
_AND_RE_INSIDE = re.compile(r"\s(?:and|et|und|&)\s+(?=[A-Z])")
_KIND_START_RE = re.compile(r"(?:the\s+)?(?:Universi|Institut|College|Hospital|H[ôo]pital|Academy|School)", re.I)
_TYPED_RE = re.compile(r"\b(?:universit|institut|college)", re.I)
#: A part that names a university, not a university's hospital ("University College London
#: Hospitals", "Universitätsklinikum Erlangen", "Hospital Clínico Universitario").
_UNIVERSITY_RE = re.compile(r"^(?!.*(?:hospital|h[oô]pital|klinik|clinic|ospedale)).*\buniversi(?!tari)", re.I)
#: Parts that name a unit inside an organisation, never the organisation itself.
_SUBUNIT_RE = re.compile(
    r"^(?:the\s+)?(?:departments?|dept\.?|division|section|unit|program(?:me)?|graduate program(?:me)?|chair|team|"
    r"group|research group|laboratory of|lab\.? of|key laboratory)\b",
    re.I,
)
#: Parts whose last word, the head of an English name, says they are a unit ("Molecular Biology
#: Program", "Systems Ecology Group"); not "Unit" or "Laboratory", which registries name bodies by
#: ("MRC Human Genetics Unit", "Jackson Laboratory").
_UNIT_TAIL_RE = re.compile(r"\b(?:program(?:me)?|group|team|section|division|department|branch)$", re.I)
_STATE_RE = re.compile(r"^[A-Z]{2}$")
#: A person's initials in a name ("T.H.", "TH", "T").
_INITIALS_RE = re.compile(r"^(?:[A-Z]\.?){1,2}$")
#: "And" in the languages of affiliations, folded ("&" folds to "and").
_AND = words("and et und y e i en")
#: Words that carry a name on ("University *of* Science", "Universidad *de* Chile"), folded.
_CONNECTORS = STOPWORDS | _AND | words("van von fur")
#: An article or "de" run into the next word ("d'Investigacions", "l'Énergie").
_ELIDED_RE = re.compile(r"^[dl]['’]", re.I)
#: Mark the queries for the head and the tail of a part (:func:`embedded_names`), for the
#: name a school is named after (:attr:`Piece.stem`) and for the acronym a part begins with
#: ("UCLA Cardiac Arrhythmia Center", "CNRS UMR 3569").
HEAD, TAIL, STEM, LEAD = "^", "$", "@", "!"
#: Marks the query for a pair of adjacent parts, and for a part without the bracket it ends in.
PAIR, BARE = "+", "~"
#: The most a name found inside a part scores: for an analyst to judge, never linked unseen.
EMBEDDED_SCORE = 0.85
#: A head is the whole name, so it must match as one (a tail may run on past its name).
HEAD_MIN_SCORE = 0.9
SLACK = 0.3
#: What rejoins two names cut at "and".
AND_GLUE = " and "


def affiliation_queries(
    text: str, key: str = "affiliation", cities: frozenset[tuple[str, ...]] = frozenset()
) -> list[Query]:
    """One query per part and per adjacent pair of parts of an affiliation string. ``cities``
    (token tuples, :attr:`CandidateIndex.cities`) are the places a last part may be."""
    # Bare numbers (footnote marks, postcodes) end a part: "University of Oxford 1 Nuffield
    # Department of Medicine" is two.
    text = _full_stops(_UNIT_CODE_RE.sub(" ", text))
    pieces = [piece for p in _SPLIT_RE.split(text) for piece in _numbered_pieces(p, cities)]
    pieces = [piece for piece in pieces if piece.text]
    country = None
    if pieces:
        code = country_code(pieces[-1].text)
        if code is not None:
            country = code
            pieces = pieces[:-1] or pieces
            while len(pieces) > 1 and _STATE_RE.match(pieces[-1].text):
                pieces = pieces[:-1]
    member = _members(pieces)
    parts = [_MEMBER_RE.sub("", p.text) for p in pieces]
    # Departments, and the city before a country or a registry's city at the end, are searched
    # alone only when nothing else is left: "Department of Microbiology" is not the "Institute of
    # Microbiology", "…, Seattle, WA, USA" not "Seattle University" (but "University of
    # California, Los Angeles" is still searched as a pair).
    subunit = [p.unit or member[i] or bool(_SUBUNIT_RE.match(p.text) or _UNIT_TAIL_RE.search(p.text))
               for i, p in enumerate(pieces)]
    named = [not s for s in subunit]
    if len(parts) > 1 and is_city(parts[-1]) and (country is not None or tuple(tokenize(parts[-1])) in cities):
        named[-1] = False
    embedded = [(None, None) if member[i] else embedded_names(part, unit=subunit[i]) for i, part in enumerate(parts)]
    if not any(named) and not any(h or t for h, t in embedded):
        # Units then, before what they are members of ("Key Laboratory of …, Ministry of Education").
        named = [not m for m in member] if not all(member) else [True] * len(parts)
    queries = [Query(f"{key}#{i}", [p], country=country, slack=SLACK) for i, p in enumerate(parts) if named[i]]
    # With the number after it, apart: a number is a rare word, and would crowd the candidates out.
    queries.extend(Query(f"{key}#{i}", [f"{p} {pieces[i].number}"], country=country, slack=SLACK)
                   for i, p in enumerate(parts) if named[i] and pieces[i].number)
    # Without a bracket it ends in, apart, for the same reason: "Norwegian University of Science
    # and Technology (NTNU)" (an acronym of its Norwegian name), "University of Exeter (Penryn Campus)".
    # A bracket may also be what tells namesakes apart ("Center for Molecular Biology (ZMBH)"), so
    # the name without it must match whole (:data:`HEAD_MIN_SCORE`).
    queries.extend(Query(f"{key}#{i}{BARE}", [bare], country=country, slack=SLACK)
                   for i, p in enumerate(parts) if named[i] and (bare := _FINAL_BRACKET_RE.sub("", p)) != p and bare)
    queries.extend(
        Query(f"{key}#{i + 1}{PAIR}", [f"{a}{pieces[i + 1].glue}{b}"], country=country, slack=SLACK)
        for i, (a, b) in enumerate(pairwise(parts))
        if (named[i] or (named[i + 1] and not subunit[i])) and not (member[i] or member[i + 1])
    )
    # A name in quotes is a name of its own ("FSBEI of HE «Pushkin State Russian Language Institute»"),
    # and so is a university in brackets, even in a unit's part ("Key Laboratory of Molecular
    # Cardiovascular Sciences (Peking University)").
    queries.extend(
        Query(f"{key}#{i}", [m.group(1)], country=country, slack=SLACK)
        for i, part in enumerate(parts) if named[i] for m in _QUOTED_RE.finditer(part)
    )
    queries.extend(
        Query(f"{key}#{i}", [m.group(1)], country=country, slack=SLACK)
        for i, part in enumerate(parts) for m in _BRACKETED_RE.finditer(part)
    )
    # "Harvard Medical School" is Harvard's when the registry has no record of its own for it, and
    # "UCLA Cardiac Arrhythmia Center" UCLA's.
    queries.extend(
        Query(f"{key}#{i}{STEM}", [p.stem], country=country)
        for i, p in enumerate(pieces)
        if p.stem is not None and not _place(p.stem, cities)
    )
    # "University of California, Los Angeles School of Dentistry" is UCLA's school: its town goes
    # with the university before it.
    queries.extend(
        Query(f"{key}#{i}{PAIR}", [f"{parts[i - 1]}, {p.stem}"], country=country, slack=SLACK)
        for i, p in enumerate(pieces)
        if i > 0 and p.stem is not None and _place(p.stem, cities) and _UNIVERSITY_RE.search(parts[i - 1])
        and not set(tokenize(p.stem)) & set(tokenize(parts[i - 1]))
    )
    for i, part in enumerate(parts):
        lead = part.split(maxsplit=1)
        if len(lead) == 2 and is_acronym(lead[0]):
            queries.append(Query(f"{key}#{i}{LEAD}", [lead[0]], country=country))
    # A head ends where the name ends, so it forgives nothing; a tail runs to the end of its part,
    # and on into the next ("… Psychiatry University of California, San Francisco").
    for i, (head, tail) in enumerate(embedded):
        # A head followed by its town alone is no name of its own: "Trinity College Dublin" is not
        # any Trinity College.
        if head is not None and not _place(" ".join(parts[i].split()[len(head.split()):]), cities):
            queries.append(Query(f"{key}#{i}{HEAD}", [head], country=country))
        if tail is not None:
            queries.append(Query(f"{key}#{i}{TAIL}", [tail], country=country, slack=SLACK))
            if i + 1 < len(parts):
                joined = f"{tail}{pieces[i + 1].glue}{parts[i + 1]}"
                queries.append(Query(f"{key}#{i + 1}{TAIL}", [joined], country=country, slack=SLACK))
    return queries


def _full_stops(text: str) -> str:
    """``text`` with a full stop that ends a word, not an abbreviation or an initial, before a name
    of two words or more, read as a comma ("Institute for Protein Design. University of
    Washington"; not "Univ. of Washington", nor "Onderz. Form. I.")."""
    def comma(m: re.Match[str]) -> str:
        word = m.group(1)
        if len(word) < 4 or word.isupper() or fold(word) in ABBREVIATIONS:
            return m.group(0)
        return f"{word}, "

    return _FULL_STOP_RE.sub(comma, text)


def _members(pieces: list[Piece]) -> list[bool]:
    """Which pieces name what the body is a member of: a "member of" part, and the list it opens
    when one ends with "and" ("corporate member of Freie Universität Berlin, Humboldt-Universität
    zu Berlin, and Berlin Institute of Health")."""
    member = [bool(_MEMBER_RE.match(p.text)) for p in pieces]
    if any(_KEY_LAB_RE.search(p.text) for p in pieces):
        member = [m or bool(_MINISTRY_RE.match(p.text)) for m, p in zip(member, pieces, strict=True)]
    for i, opens in enumerate(list(member)):
        if opens:
            last = next((j for j in range(i + 1, len(pieces)) if _AND_RE.match(pieces[j].text)), i)
            for j in range(i, last + 1):
                member[j] = True
    for j in range(1, len(pieces)):
        # "member of Freie Universität Berlin and Humboldt-Universität zu Berlin": both.
        member[j] = member[j] or (member[j - 1] and pieces[j].glue == AND_GLUE)
    return member


def embedded_names(part: str, *, unit: bool = False) -> tuple[str | None, str | None]:
    """The names of bodies inside a part written without a separator, (head, tail): the head of
    "Columbia University Irving Medical Center" or "Brown University Warren Alpert Medical School"
    (a name that ends in a kind word, when the next word does not carry it on: "Nanjing
    University of Aeronautics" does), and the tail of "Laboratoire HAVAE Université de Limoges"
    (from a kind word after an acronym, a bracket, "and" or a lower-case word; in a ``unit`` part,
    after any word past the unit's own name: "Departments of Physiology and Psychiatry
    University of California")."""
    terms = part.split()
    kinds = [bool(KINDS.intersection(tokenize(w))) for w in terms]
    head = tail = None
    for k in range(1, len(terms) - 1):
        if kinds[k]:
            if fold(terms[k + 1]) not in _CONNECTORS and any(
                not kinds[j] and fold(terms[j]) not in _CONNECTORS for j in range(k)
            ):
                head = " ".join(terms[: k + 1])
            break
    for k in range(len(terms) - 2, 0, -1):
        if kinds[k] and terms[k][:1].isupper() and (_boundary(terms[k - 1]) or (unit and k > 2)):
            tail = " ".join(terms[k:])
            break
    return head, tail


def _boundary(word: str) -> bool:
    """A word after which a new name may start: an acronym (a unit's), a closing bracket, "and", or
    a lower-case word that is no connector ("… droit privé Université de Limoges")."""
    folded = fold(word)
    if folded in _AND or word.endswith(")") or is_acronym(word):
        return True
    return word[:1].islower() and folded not in _CONNECTORS


class Piece(NamedTuple):
    """A name in an affiliation string: its text, the glue that rejoins it to the piece before
    (", " for a comma part), whether it is a unit of the body next to it and, for a school named
    after its university without saying "university" ("Harvard Medical School"), that name."""

    text: str
    glue: str
    unit: bool
    stem: str | None = None
    number: str | None = None


def _numbered_pieces(part: str, cities: frozenset[tuple[str, ...]]) -> list[Piece]:
    """The pieces of a comma part, cut at bare numbers too; a piece a small number follows keeps
    it (:attr:`Piece.number`), which may be part of its name ("Université Lyon 1", not only the
    footnote of "University of Oxford 1 Nuffield Department of Medicine")."""
    numbers = _NUMBER_RE.findall(part)
    out: list[Piece] = []
    for j, chunk in enumerate(_NUMBER_RE.split(part)):
        found = _pieces(chunk, cities)
        if found and j < len(numbers) and len(numbers[j]) <= 2:
            found[-1] = found[-1]._replace(number=numbers[j])
        out.extend(found)
    return out


def _pieces(part: str, cities: frozenset[tuple[str, ...]]) -> list[Piece]:
    """A part cut where it names two bodies."""
    out: list[Piece] = []
    cut, joint = _dash_split(part, cities)
    for n, dashed in enumerate(cut):
        glue = ", " if n == 0 else joint
        for m, placed in enumerate(_at_split(dashed)):
            glue = glue if m == 0 else " at "
            of = _OF_UNIVERSITY_RE.match(placed.strip())
            if of is not None:
                out.append(Piece(" ".join(of.group(1).split()), glue, True))
                glue, placed = " of ", of.group(2)
            tail = _SCHOOL_TAIL_RE.split(placed.strip(), maxsplit=1)
            if len(tail) > 1 and not _names_body(tail[0]):
                # "Baylor College of Medicine" is not Baylor's: the whole is searched as a name.
                stem = _undonored(tail[0]) if _SCHOOL_RE.match(tail[1]) else None
                out.append(Piece(" ".join(placed.split()), glue, False, stem))
                continue
            out.append(Piece(" ".join(tail[0].split()), glue, False))
            if len(tail) > 1:
                out.append(Piece(" ".join(tail[1].split()), " ", True))
    return out


def _undonored(stem: str) -> str:
    """A school's stem without the donor's name that initials mark: "Harvard T.H. Chan" is
    Harvard's school, "Harvard TH Chan" and "Harvard T H Chan" too."""
    terms = stem.split()
    cut = next((k for k in range(1, len(terms) - 1) if _INITIALS_RE.match(terms[k])), len(terms))
    return " ".join(terms[:cut])


def _dash_split(text: str, cities: frozenset[tuple[str, ...]]) -> tuple[list[str], str]:
    """``text`` cut at dashes and slashes between names of two words or more, or acronyms
    ("ICREA/Universitat de Barcelona"; not "Mind/Brain", "Hematology/Oncology"), and at a hyphen
    after "University" ("Hebrew University-Hadassah Medical School"; not "Aix-Marseille"), or at
"and" between two bodies' names that say their kind. With the cut, the glue that rejoins them."""
    cut = _DASH_RE.split(text)
    if len(cut) > 1 and all(len(c.split()) >= 2 or is_acronym(c.strip()) for c in cut):
        return cut, " "
    for m in reversed(list(_AND_RE_INSIDE.finditer(text))):
        left, right = text[: m.start()], text[m.end() :]
        if not all(len(c.split()) >= 2 and KINDS.intersection(tokenize(c)) for c in (left, right)):
            continue
        # The name before "and" ends as names do, in a kind or a place ("… Hospital and Harvard
        # Medical School", "National University of Singapore and …"), or the one after it begins
        # as one ("… Groningen and University Medical Center"): not "Arts and Sciences".
        end = left.split()[-1]
        if _KIND_START_RE.match(right) or KINDS.intersection(tokenize(end)) or _place(end, cities):
            return [left, right], AND_GLUE
    return [text], " "


def _at_split(text: str) -> list[str]:
    """``text`` cut before " at " when a university, an institute or an acronym follows, or when
    a school, institute or centre stands before it ("Geisel School of Medicine at Dartmouth"; a
    university before it is a campus at its place: "University of North Carolina at Chapel Hill")."""
    cut = _AT_RE.split(text, maxsplit=1)
    if len(cut) == 2 and (_names_body(cut[1]) or _UNIT_BODY_RE.search(cut[0])):
        return cut
    return [text]


def _names_body(text: str) -> bool:
    """A university, institute or college by name, or an acronym ("NYU", "UCLA")."""
    return bool(_TYPED_RE.search(text)) or is_acronym(text.strip())


def _place(name: str, cities: frozenset[tuple[str, ...]]) -> bool:
    """A registry's city or a country: "Copenhagen Business School" is no school of a university
    of Copenhagen."""
    tokens = tuple(tokenize(name))
    return tokens in cities or country_code(name) is not None


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
        for q in affiliation_queries(text, f"a{i}", index.cities):
            queries.append(q)
            owner.append(i)
    per_query = [excludes[o] for o in owner] if excludes is not None else None
    results = index.search_many(queries, limit=2, min_score=min_score, exclude=exclude, excludes=per_query)
    found: list[list[tuple[float, Hit]]] = [[] for _ in texts]
    # Where each string's parts name a university (by the word), whether or not the registry knows it.
    named_universities: list[list[float]] = [[] for _ in texts]
    for query, o, hits in zip(queries, owner, results, strict=True):
        mark = query.key.rsplit("#", 1)[1]
        position: float = int(mark.rstrip(HEAD + TAIL + STEM + LEAD + PAIR + BARE))
        if mark.isdigit() and _UNIVERSITY_RE.search(query.names[0]):
            named_universities[o].append(position)
        if mark.endswith(PAIR):
            # A name that two parts make names more than the second part alone ("University at
            # Albany, State University of New York" is the campus, not SUNY); it ranks just after it.
            position += 0.5
        if mark[-1] == LEAD:
            # An acronym that one registry body alone bears names it ("UCLA", not "IIT").
            hits = [_embedded(hit) for hit in hits if hit.method == "acronym" and hit.shared <= 1]
        elif mark[-1] in HEAD + TAIL + STEM:
            least = HEAD_MIN_SCORE if mark[-1] == HEAD else 0.0
            hits = [_embedded(hit) for hit in hits if hit.score >= least and shares_rare_word(hit, index.weights)
                    and (mark[-1] != STEM or school_of(query.names[0], hit))]
        else:
            if mark.endswith(PAIR):
                hits = [hit for hit in hits if place_follows(query.names[0], hit)]
            if mark.endswith(BARE):
                hits = [hit for hit in hits if hit.score >= HEAD_MIN_SCORE]
            hits = [town_checked(hit, index) for hit in hits]
            hits = [_run_found(hit, index) for hit in hits]
        # Scores only fall above (a name inside a part, a town not its own): min_score holds again.
        found[o].extend((position, hit) for hit in hits if hit.score >= min_score)
    return [choose(units_dropped(hits, named))
            for hits, named in zip(found, named_universities, strict=True)]


def _run_found(hit: Hit, index: CandidateIndex) -> Hit:
    """A hit whose whole name runs on, word for word, inside the part, with a rare word of its
    own: as a name found inside a part ("University of Iowa Craniofacial Anomalies Research Center")."""
    s = hit.name_score
    if s is None or hit.score >= EMBEDDED_SCORE or not shares_rare_word(hit, index.weights):
        return hit
    a, b = s.a.tokens, s.b.tokens
    if len(b) < 2 or len(a) <= len(b) or a[: len(b)] != b:
        return hit
    following = a[len(b)]
    if following in KINDS or (following,) in index.cities or following in place_words() \
            or any(following.startswith(w) for w in DECISIVE if len(w) >= 5) or following in DECISIVE:
        return hit
    if _carried_on(s.a.original, len(b)):
        return hit
    return _embedded(replace(hit, score=1.0))


def _carried_on(name: str, count: int) -> bool:
    """Whether the word after the first ``count`` tokens of ``name`` carries the name on ("Institut
    Mar *d'*Investigacions Mèdiques", "Institute for Information Transmission Problems *of* the
    Russian Academy")."""
    seen = 0
    for word in name.split():
        if seen >= count:
            # "And" may start another body's name ("University of Zurich and ETH Zurich").
            return fold(word) in _CONNECTORS - _AND or bool(_ELIDED_RE.match(word))
        seen += sum(1 for t in tokenize(word) if t not in STOPWORDS)
    return False


def _embedded(hit: Hit) -> Hit:
    score = min(hit.score, EMBEDDED_SCORE)
    return replace(hit, score=score, method="embedded_name", features={**hit.features, "embedded_name": score})


