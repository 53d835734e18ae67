"""Free-text affiliation strings ("Dept. of Physics, Harbin Inst. of Technology, Harbin, China")
resolved to one organisation of a :class:`~trgraph.resolve.index.CandidateIndex`.

A semicolon after a country ends one affiliation of several (:func:`affiliations`), each with its
own country; the body the string names is the one its affiliations name best, the first of equals.
An affiliation is cut at commas, semicolons, middle dots and full stops after a word; each part, and
each pair of adjacent parts (registries write "University of California, Los Angeles"), is searched
as a name, forgiving words the part has besides the organisation's name (``SLACK``), and so is a
name in quotation marks or a university's in brackets. A part saying what the body is a member of
is searched only when nothing else is named. A part that names two bodies is cut once more
(:mod:`trgraph.resolve.pieces`: at a dash, a slash or "and" between two names, before " at " a
host, where a school or an "affiliated" hospital meets its university), its pieces searched alone
and rejoined. A school named after its university without the word ("Harvard Medical School") has
that name searched too, as a name inside a part (without a donor's name that initials mark:
"Harvard T.H. Chan School of Public Health"), and so has the acronym a part begins with ("UCLA
Cardiac Arrhythmia Center"). A part that is a country becomes the country hint; French unit codes
("UMR 5096") are dropped; a small number after a part is searched with it as well as without it
("Université Lyon 1", or a footnote mark), and a part ending in a bracket also without it; an
acronym in that bracket names the one body bearing it if the part's name also found that body
("Institute of Basic Science and Korea Advanced Institute of Science and Technology (KAIST)"). A name
inside a part written without a separator ("Columbia University Irving Medical Center",
"Laboratoire HAVAE Université de Limoges", "University of Iowa Craniofacial Anomalies Research
Center") is searched too (:func:`embedded_names`), unless only its town follows it ("Trinity College
Dublin"), and so is a name that ends a part in its kind ("Department of Chemical Engineering
Abubakar Tafawa Balewa University", "Free Radical Regulation and Application Research Center of
Fudan University"); it scores at most ``EMBEDDED_SCORE`` and counts only when no
part names anything as well. An acronym that several bodies bear, written beside the town of one of
them ("CAU Kiel", "WWU Münster", "Mechanical Engineering Department ABU Zaria"), names that one, for
review; so does a system's name whose string goes on to name the town of one of its campuses
("University of Colorado School of Medicine, …, Aurora, CO"): :mod:`trgraph.resolve.towns`.

Which of the hits the string names is settled in :mod:`trgraph.resolve.choice`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from itertools import pairwise

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
from trgraph.resolve.normalise import (
    STOPWORDS,
    country_code,
    final_bracket,
    fold,
    is_acronym,
    tokenize,
    without_final_bracket,
    words,
)
from trgraph.resolve.pieces import (
    AND_GLUE,
    SPLIT_RE,
    Piece,
    affiliations,
    full_stops,
    is_place,
    numbered_pieces,
    unglued,
)
from trgraph.resolve.places import JOINED_OMITTED_FEATURE, PLACE_OMITTED_FEATURE
from trgraph.resolve.towns import acronym_bearer, campus, town_acronym
from trgraph.resolve.vocab import DECISIVE, DISCIPLINES, KINDS, NATIONALITIES, place_words

#: A name in quotation marks ("FSBEI of HE «Pushkin State Russian Language Institute»").
_QUOTED_RE = re.compile(r"[«»“”„\"]([^«»“”„\"]{4,})[«»“”„\"]")
#: An acronym in brackets inside a name.
_INNER_ACRONYM_RE = re.compile(r"\s\([A-Z][A-Za-z0-9&-]{1,11}\)\s")
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
#: The code of a French research unit ("UMR 5096", "UMR-S 1270", "U955", "EA 6311"): a unit's
#: number, no name ("CNRS UMR 3569" is the CNRS).
_UNIT_CODE_RE = re.compile(r"(?:[-‐]\s*)?\b(?:UMR[-_ ]?S|UMRS?|USR|UPR|UMS|UAR|ERL|FRE|IRL|EA|UR|U|CIC)[-\s]?\d{2,4}\b")
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
#: Program", "Systems Ecology Group"), unless they name a university ("University of Texas Medical
#: Branch"); not "Unit" or "Laboratory", which registries name bodies by ("MRC Human Genetics
#: Unit", "Jackson Laboratory").
_UNIT_TAIL_RE = re.compile(r"\b(?:program(?:me)?|group|team|section|division|department|branch)$", re.I)
_STATE_RE = re.compile(r"^[A-Z]{2}$")
#: "And" in the languages of affiliations, folded ("&" folds to "and").
_AND = words("and et und y e i en")
#: Words that carry a name on ("University *of* Science", "Universidad *de* Chile"), folded.
_CONNECTORS = STOPWORDS | _AND | words("van von fur")
#: An article or "de" run into the next word ("d'Investigacions", "l'Énergie").
_ELIDED_RE = re.compile(r"^[dl]['’]", re.I)
#: Mark the queries for the head and the tail of a part (:func:`embedded_names`), for the
#: name a school is named after (:attr:`Piece.stem`; a medical college's: :attr:`Piece.medical`)
#: and for the acronym a part begins with ("UCLA Cardiac Arrhythmia Center", "CNRS UMR 3569").
HEAD, TAIL, STEM, MEDICAL_STEM, LEAD = "^", "$", "@", "%", "!"
#: Marks the query for a pair of adjacent parts, for a part without the bracket it ends in, and for
#: the acronym in that bracket.
PAIR, BARE, ACRONYM = "+", "~", "*"
#: Mark a part that ends in an acronym beside a town, and a university's part paired with the town
#: the string names: not searched, but looked up (:func:`_looked_up`).
TOWN, CAMPUS = "&", "="
#: Every mark a query's key may end in, after the number of its part.
_MARKS = HEAD + TAIL + STEM + MEDICAL_STEM + LEAD + PAIR + BARE + ACRONYM + TOWN + CAMPUS
#: The most a name found inside a part scores: for an analyst to judge, never linked unseen.
EMBEDDED_SCORE = 0.85
#: A head is the whole name, so it must match as one (a tail may run on past its name).
HEAD_MIN_SCORE = 0.9
SLACK = 0.3


def affiliation_queries(
    text: str, key: str = "affiliation", cities: frozenset[tuple[str, ...]] = frozenset()
) -> list[Query]:
    """One query per part and per adjacent pair of parts of an affiliation string. ``cities``
    (token tuples, :attr:`CandidateIndex.cities`) are the places a last part may be."""
    # A unit's code names no body; a full stop after a word ends a part as a comma does; bare
    # numbers (footnote marks, postcodes) end a piece: "University of Oxford 1 Nuffield Department
    # of Medicine" is two (numbered_pieces).
    text = full_stops(_UNIT_CODE_RE.sub(" ", unglued(text)))
    pieces = [piece for p in SPLIT_RE.split(text) for piece in numbered_pieces(p, cities)]
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
    subunit = [p.unit or member[i] or bool(_SUBUNIT_RE.match(p.text)) or _unit_tailed(p.text)
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
    # and Technology (NTNU)" (an acronym of its Norwegian name), "University of Exeter (Penryn Campus)";
    # and without an acronym bracketed inside it ("Eidgenössische Technische Hochschule (ETH) Zurich").
    # A bracket may also be what tells namesakes apart ("Center for Molecular Biology (ZMBH)"), so
    # the name without it must match whole (:data:`HEAD_MIN_SCORE`).
    for i, p in enumerate(parts):
        if named[i] and (unbracketed := _unbracketed(p)) is not None:
            bare, code = unbracketed
            queries.append(Query(f"{key}#{i}{BARE}", [bare], country=code or country, slack=SLACK))
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
        Query(f"{key}#{i}{MEDICAL_STEM if p.medical else STEM}", [stem], country=country)
        for i, p in enumerate(pieces) if p.stem is not None
        for stem in _stems(p.stem) if not is_place(stem, cities)
    )
    # "University of California, Los Angeles School of Dentistry" is UCLA's school: its town goes
    # with the university before it.
    queries.extend(
        Query(f"{key}#{i}{PAIR}", [f"{parts[i - 1]}, {p.stem}"], country=country, slack=SLACK)
        for i, p in enumerate(pieces)
        if i > 0 and p.stem is not None and is_place(p.stem, cities) and _UNIVERSITY_RE.search(parts[i - 1])
        and not set(tokenize(p.stem)) & set(tokenize(parts[i - 1]))
    )
    for i, part in enumerate(parts):
        lead = part.split(maxsplit=1)
        if len(lead) == 2 and is_acronym(lead[0]):
            queries.append(Query(f"{key}#{i}{LEAD}", [lead[0]], country=country))
        if named[i] and without_final_bracket(part) and (inner := final_bracket(part)) and is_acronym(inner):
            queries.append(Query(f"{key}#{i}{ACRONYM}", [inner], country=country))
        if town_acronym(part, cities) is not None:
            queries.append(Query(f"{key}#{i}{TOWN}", [part], country=country))
    # "University of Colorado School of Medicine, …, Aurora, CO" names the campus in Aurora.
    towns = [part for part in parts[1:] if tuple(tokenize(part)) in cities]
    queries.extend(Query(f"{key}#{i}{CAMPUS}", [f"{part}, {towns[-1]}"], country=country)
                   for i, part in enumerate(parts) if towns and named[i] and _UNIVERSITY_RE.search(part))
    # A head ends where the name ends, so it forgives nothing; a tail runs to the end of its part,
    # and on into the next ("… Psychiatry University of California, San Francisco").
    for i, (head, tail) in enumerate(embedded):
        # A head followed by its town alone is no name of its own: "Trinity College Dublin" is not
        # any Trinity College.
        if head is not None and not is_place(" ".join(parts[i].split()[len(head.split()):]), cities):
            queries.append(Query(f"{key}#{i}{HEAD}", [head], country=country))
        if tail is not None:
            queries.append(Query(f"{key}#{i}{TAIL}", [tail], country=country, slack=SLACK))
            if i + 1 < len(parts):
                joined = f"{tail}{pieces[i + 1].glue}{parts[i + 1]}"
                queries.append(Query(f"{key}#{i + 1}{TAIL}", [joined], country=country, slack=SLACK))
        else:
            queries.extend(Query(f"{key}#{i}{TAIL}", [name], country=country) for name in _kind_ending_tails(parts[i]))
    return queries


def _stems(stem: str) -> list[str]:
    """The name a school is named after, and that name without a donor's name after it ("Johns
    Hopkins" of "Johns Hopkins Bloomberg", "Dartmouth" of "Dartmouth Geisel")."""
    terms = stem.split()
    if len(terms) < 2 or not terms[-1][:1].isupper() or fold(terms[-2]) in _CONNECTORS:
        return [stem]
    return [stem, " ".join(terms[:-1])]


def _unit_tailed(part: str) -> bool:
    """The part's last word says it is a unit (:data:`_UNIT_TAIL_RE`) of no university it names."""
    return bool(_UNIT_TAIL_RE.search(part)) and not _UNIVERSITY_RE.search(part)


def _kind_ending_tails(part: str) -> list[str]:
    """The names a part may end in when the name ends in its kind ("Department of Chemical
    Engineering Abubakar Tafawa Balewa University", "Ministry of Education Hebei Medical University",
    "University Medical Center of the Johannes Gutenberg University"):
    the capitalised words before the final kind word, from after the unit's discipline words at the
    start of the run, or after its last one (a discipline may be the name's own: "Medical")."""
    terms = part.split()
    if len(terms) < 4 or not KINDS.intersection(tokenize(terms[-1])):
        return []
    start = len(terms) - 1
    while start > 1 and terms[start - 1][:1].isupper() and fold(terms[start - 1]) not in _CONNECTORS and not (
            KINDS.intersection(tokenize(terms[start - 1]))):
        start -= 1
    run = range(start, len(terms) - 1)
    discipline = [k for k in run if DISCIPLINES.intersection(tokenize(terms[k]))]
    first = next((k for k in run if k not in discipline), None)
    after_last = discipline[-1] + 1 if discipline else start
    out = []
    for k in (first, after_last):
        if k is not None and 1 < k < len(terms) - 1 and (name := " ".join(terms[k:])) not in out:
            out.append(name)
    return out


def _unbracketed(part: str) -> tuple[str, str | None] | None:
    """The part without the bracket it ends in, and the country that bracket names if it names one
    ("AstraZeneca (United Kingdom)"); else without an acronym bracketed inside it; else None."""
    bare = without_final_bracket(part)
    if bare != part:
        return (bare, country_code(part[len(bare):].strip(" ()"))) if bare else None
    bare = " ".join(_INNER_ACRONYM_RE.sub(" ", part).split())
    return (bare, None) if bare != part else None


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
    (from a kind word after an acronym, a bracket, "and" or a lower-case word, or from a nationality
    before it: "IMol Polish Academy of Sciences"; in a ``unit`` part, after any word past the unit's
    own name: "Departments of Physiology and Psychiatry University of California")."""
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
        # A nationality before the kind is the name's own ("IMol Polish Academy of Sciences").
        if (kinds[k] and k > 1 and NATIONALITIES.intersection(tokenize(terms[k - 1]))
                and _boundary(terms[k - 2])):
            tail = " ".join(terms[k - 1:])
            break
    return head, tail


def _boundary(word: str) -> bool:
    """A word after which a new name may start: an acronym (a unit's), a closing bracket, "and", or
    a lower-case word that is no connector ("… droit privé Université de Limoges")."""
    folded = fold(word)
    if folded in _AND or word.endswith(")") or is_acronym(word):
        return True
    return word[:1].islower() and folded not in _CONNECTORS


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
    segments: list[int] = []  # the string of each affiliation
    for i, text in enumerate(texts):
        for one in affiliations(text):
            for q in [*affiliation_queries(one, f"a{i}", index.cities), *_comma_names(one, f"a{i}", index)]:
                queries.append(q)
                owner.append(len(segments))
            segments.append(i)
    skips = [exclude | excludes[segments[o]] for o in owner] if excludes is not None else [exclude] * len(queries)
    searched = [n for n, q in enumerate(queries) if q.key[-1] not in TOWN + CAMPUS]
    found_by_search = iter(index.search_many([queries[n] for n in searched], limit=2, min_score=min_score,
                                             exclude=exclude, excludes=[skips[n] for n in searched]))
    results = [_looked_up(index, q, skip) if q.key[-1] in TOWN + CAMPUS else next(found_by_search)
               for q, skip in zip(queries, skips, strict=True)]
    found: list[list[tuple[float, Hit]]] = [[] for _ in segments]
    # Where each affiliation's parts name a university (by the word), whether or not the registry knows it.
    named_universities: list[list[float]] = [[] for _ in segments]
    # The bodies each part's own name found, scored as they may be.
    candidates: defaultdict[tuple[int, int], set[str]] = defaultdict(set)
    for query, o, hits in zip(queries, owner, results, strict=True):
        mark = query.key.rsplit("#", 1)[1]
        position: float = int(mark.rstrip(_MARKS))
        if mark[-1] in BARE or mark.isdigit():
            candidates[o, int(position)].update(hit.entity.id for hit in hits)
        if mark.isdigit() and _UNIVERSITY_RE.search(query.names[0]):
            named_universities[o].append(position)
        if mark.endswith(PAIR):
            # A name that two parts make names more than the second part alone ("University at
            # Albany, State University of New York" is the campus, not SUNY); it ranks just after it.
            position += 0.5
        if mark[-1] == ACRONYM:
            # A bracketed acronym confirms a body the part's own name also found ("Institute of Basic
            # Science and Korea Advanced Institute of Science and Technology (KAIST)").
            hits = [_embedded(hit) for hit in hits if hit.method == "acronym" and hit.shared <= 1
                    and hit.entity.id in candidates[o, int(position)]]
        elif mark[-1] in TOWN + CAMPUS:
            pass  # judged where they were looked up (_looked_up)
        elif mark[-1] == LEAD:
            # An acronym that one registry body alone bears names it ("UCLA", not "IIT").
            hits = [_embedded(hit) for hit in hits if hit.method == "acronym" and hit.shared <= 1]
        elif mark[-1] in HEAD + TAIL + STEM + MEDICAL_STEM:
            least = HEAD_MIN_SCORE if mark[-1] == HEAD else 0.0
            hits = [_embedded(hit) for hit in hits if hit.score >= least and shares_rare_word(hit, index.weights)
                    and (mark[-1] not in STEM + MEDICAL_STEM
                         or school_of(query.names[0], hit, medical=mark[-1] == MEDICAL_STEM))]
        else:
            if mark.endswith(PAIR):
                hits = [hit for hit in hits if place_follows(query.names[0], hit)]
            if mark.endswith(BARE):
                # Whole, or the registry's name exactly without its own place ("Centro Nacional de
                # Biopreparados (BioCen)" for "... (Cuba)"), which scores no more than review.
                hits = [hit for hit in hits if hit.score >= HEAD_MIN_SCORE or _placeless_whole(hit)]
            hits = [town_checked(hit, index) for hit in hits]
            hits = [_run_found(hit, index) for hit in hits]
        # Scores only fall above (a name inside a part, a town not its own): min_score holds again.
        found[o].extend((position, hit) for hit in hits if hit.score >= min_score)
    chosen: list[list[Hit]] = [[] for _ in texts]
    for i, pairs, named in zip(segments, found, named_universities, strict=True):
        if (hit := choose(units_dropped(pairs, named))) is not None:
            chosen[i].append(hit)
    # Of several affiliations, the one named best; the first of equals (an author's first affiliation).
    return [max(hits, key=lambda h: h.score) if hits else None for hits in chosen]


def _looked_up(index: CandidateIndex, query: Query, exclude: frozenset[str]) -> list[Hit]:
    """What the town a string names tells (:mod:`trgraph.resolve.towns`), for review: the one bearer
    of an acronym there (as a name inside a part when the part is more than the two: "Mechanical
    Engineering Department ABU Zaria"), or a system's one campus there."""
    if query.key.endswith(TOWN):
        found = acronym_bearer(index, query.names[0], exclude)
        if found is None:
            return []
        hit = Hit(found[0], EMBEDDED_SCORE, "acronym_in_town", None, {"acronym_in_town": EMBEDDED_SCORE})
        return [hit if found[1] else _embedded(hit)]
    name, _, town = query.names[0].rpartition(", ")
    body = campus(index, name, town, exclude)
    return [] if body is None else [Hit(body, EMBEDDED_SCORE, "campus_in_town", None,
                                        {"campus_in_town": EMBEDDED_SCORE})]


def _comma_names(text: str, key: str, index: CandidateIndex) -> list[Query]:
    """The whole affiliation, after its last part, when it is word for word a registry name with
    commas of its own ("Groupe Sociétés, Religions, Laïcités"). Runs of parts inside a longer string
    are not: "Donders Institute for Brain, Cognition and Behaviour, Radboud University" is the
    university's."""
    count = len(SPLIT_RE.split(text))
    return [Query(f"{key}#{count}", [text])] if count > 1 and index.names_exactly(text) else []


def _placeless_whole(hit: Hit) -> bool:
    """The hit is on a registry name without its own place, or on one of two joined names, word for
    word."""
    found = hit.alignment
    shortened = PLACE_OMITTED_FEATURE in hit.features or JOINED_OMITTED_FEATURE in hit.features
    return shortened and found is not None and not found.only_a and not found.only_b


def _run_found(hit: Hit, index: CandidateIndex) -> Hit:
    """A hit whose whole name begins the part, word for word, and which shares a rare word with
    it: as a name found inside a part ("University of Iowa Craniofacial Anomalies Research
    Center"), unless the next word carries the name on: a kind, a place, a qualifier or
    discipline (also in another language: "Fédérale"), or "of" (:func:`_carried_on`)."""
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


