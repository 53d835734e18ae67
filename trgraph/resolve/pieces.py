"""Where an affiliation string is cut into the names it holds (:class:`Piece`): at bare numbers, at a
dash or slash between two bodies' names, at "and" between two names that end or begin as names do,
before " at " a host, where a school follows or precedes its university ("Johns Hopkins University
School of Medicine", "Medical School of Nanjing University") and where a hospital is "affiliated" to
one; and where a string lists several affiliations (:func:`affiliations`).
:mod:`trgraph.resolve.affiliation` builds its queries on these pieces.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from trgraph.resolve.normalise import ABBREVIATIONS, country_code, fold, is_acronym, tokenize
from trgraph.resolve.vocab import KINDS

#: What separates the parts of an affiliation.
SPLIT_RE = re.compile(r"[,;，；·]")
#: What may separate whole affiliations in one string.
_SEGMENT_RE = re.compile(r"[;；]")
#: A word, a full stop and a capital ("… Design. University of Washington").
_FULL_STOP_RE = re.compile(r"\b(\w+)\.\s+(?=[A-Z]\w*\s+\w)")
#: A bare number (a footnote mark, a postcode, or part of a name: "Université Lyon 1").
_NUMBER_RE = re.compile(r"\b\d+\b")
#: Within a part, a dash between spaces or a slash separates two bodies ("CNRS - Université
#: Lyon 1", "University of Zurich/ETH Zurich"), and so does a hyphen after "University" or after an
#: acronym, before a capital ("CSIC-UAM", "CSIR-Central Drug Research Institute").
_DASH_RE = re.compile(r"\s[-–—]\s|/|(?<=University)-(?=[A-Z])|(?<=[A-Z]{2})-(?=[A-Z])")
#: A school, faculty or medical college named after its university ("Johns Hopkins University
#: School of Medicine", "Harvard Medical School", "Kobe University Graduate School of Medicine").
_SCHOOL_TAIL_RE = re.compile(
    r"\s(?=(?:(?:graduate\s+)?school|college|faculty)\s+of\b|(?:medical|dental|graduate|law|business)\s+school\b"
    r"|medical\s+college\b)",
    re.I,
)
#: A school, not a college or faculty, which may be an institution of its own; or a medical college,
#: which is a medical body's ("Weill Cornell Medical College"), not its namesake university's
#: ("Tongji Medical College" is Huazhong's, not Tongji University's).
_SCHOOL_RE = re.compile(r"(?:\w+\s+)?school\b|(?P<medical>medical\s+college\b)", re.I)
#: A school "of" or "at" its university ("Medical School of Nanjing University", "Perelman
#: School of Medicine at the University of Pennsylvania"), or a campus "at" its place
#: ("University of North Carolina at Chapel Hill"); a hospital affiliated to one ("The First
#: Affiliated Hospital of Zhengzhou University").
_OF_UNIVERSITY_RE = re.compile(
    r"^(.*\b(?:school|affiliated(?:\s+\S+){0,3}?\s+(?:hospital|cent(?:er|re))))\s+of\s+(.*\buniversit.*)$", re.I
)
#: A school's subject before the university it is "of", written without a comma ("Perelman School
#: of *Medicine* University of Pennsylvania"): the school's name runs on to it.
_SUBJECT_BEFORE_RE = re.compile(r"^(\w+)\s+(universi\w*\s+(?:of|de|di|do|del|degli)\s.*)$", re.I)
_AT_RE = re.compile(r"\s+at\s+", re.I)
#: A body that " at " may follow to name its host ("Geisel School of Medicine at Dartmouth"), where
#: a university would be a campus at a place.
_UNIT_BODY_RE = re.compile(r"\b(?:school|institute|institut|centre|center|college)\b(?!.*\buniversit)", re.I)
#: "And" before a capital, where a second body's name may begin ("University of Groningen and
#: University Medical Center Groningen"), and a name that begins with its kind.
_AND_RE_INSIDE = re.compile(r"\s(?:and|et|und|&)\s+(?=[A-Z])")
_KIND_START_RE = re.compile(r"(?:the\s+)?(?:Universi|Institut|College|Hospital|H[ôo]pital|Academy|School)", re.I)
_TYPED_RE = re.compile(r"\b(?:universit|institut|college)", re.I)
#: A person's initials in a name ("T.H.", "TH", "T").
_INITIALS_RE = re.compile(r"^(?:[A-Z]\.?){1,2}$")
#: What rejoins two names cut at "and".
AND_GLUE = " and "
#: A university's or institute's name run into the word before it, where a line break was lost
#: ("FrEDUniversité de Limoges", "Université de LimogesInstitut Universitaire de France").
_GLUED_RE = re.compile(r"(?<=[^\W_])(?=(?:Universit|Institut)\w*\b)")


def full_stops(text: str) -> str:
    """``text`` with a full stop that ends a word, not an abbreviation or an initial, before a name
    of two words or more, read as a comma ("Institute for Protein Design. University of
    Washington"; not "Univ. of Washington", nor "Onderz. Form. I.")."""
    def comma(m: re.Match[str]) -> str:
        word = m.group(1)
        if len(word) < 4 or word.isupper() or fold(word) in ABBREVIATIONS:
            return m.group(0)
        return f"{word}, "

    return _FULL_STOP_RE.sub(comma, text)


def unglued(text: str) -> str:
    """``text`` with a comma where a university's or an institute's name runs into the word before
    it, as a lost line break leaves them ("EA 6311Université de Limoges")."""
    return _GLUED_RE.sub(", ", text)


class Piece(NamedTuple):
    """A name in an affiliation string: its text, the glue that rejoins it to the piece before
    (", " for a comma part), whether it is a unit of the body next to it and, for a school named
    after its university without saying "university" ("Harvard Medical School"), that name, and
    whether the school is a medical college, which only a medical body's name may be after."""

    text: str
    glue: str
    unit: bool
    stem: str | None = None
    number: str | None = None
    medical: bool = False


def numbered_pieces(part: str, cities: frozenset[tuple[str, ...]]) -> list[Piece]:
    """The pieces of a comma part, cut at bare numbers too; a piece a small number follows keeps
    it (:attr:`Piece.number`), which may be part of its name ("Université Lyon 1", not only the
    footnote of "University of Oxford 1 Nuffield Department of Medicine"), and the piece after a
    number is rejoined to the one before with the number between ("Access 2 Perspectives")."""
    numbers = _NUMBER_RE.findall(part)
    out: list[Piece] = []
    for j, chunk in enumerate(_NUMBER_RE.split(part)):
        found = _pieces(chunk, cities)
        if found and j > 0:
            # Rejoined with the number between, as written: "Access 2 Perspectives" is a name.
            found[0] = found[0]._replace(glue=f" {numbers[j - 1]} ")
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
                school, placed = of.group(1), of.group(2)
                if (subject := _SUBJECT_BEFORE_RE.match(placed)) is not None:
                    school, placed = f"{school} of {subject.group(1)}", subject.group(2)
                out.append(Piece(" ".join(school.split()), glue, True))
                glue = " of " if subject is None else " "
            tail = _SCHOOL_TAIL_RE.split(placed.strip(), maxsplit=1)
            if len(tail) > 1 and not _names_body(tail[0]):
                # "Baylor College of Medicine" is not Baylor's: the whole is searched as a name.
                school = _SCHOOL_RE.match(tail[1])
                stem = _undonored(tail[0]) if school else None
                medical = bool(school and school.group("medical"))
                out.append(Piece(" ".join(placed.split()), glue, False, stem, medical=medical))
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
    after "University" ("Hebrew University-Hadassah Medical School"; not "Aix-Marseille") or an
    acronym ("CSIC-UAM"; not "CEA-Leti"), never inside brackets ("(IBV-CSIC)" is one name's), or at
    "and" between two bodies' names that say their kind. With the cut, the glue that rejoins them."""
    cut = _DASH_RE.split(text)
    if len(cut) > 1 and all((len(c.split()) >= 2 or is_acronym(c.strip())) and c.count("(") == c.count(")")
                            for c in cut):
        # Rejoined as written: "EMBL-EBI" is also one body's acronym.
        return cut, "-" if all(m.group(0) == "-" for m in _DASH_RE.finditer(text)) else " "
    for m in reversed(list(_AND_RE_INSIDE.finditer(text))):
        left, right = text[: m.start()], text[m.end() :]
        if not all(len(c.split()) >= 2 and KINDS.intersection(tokenize(c)) for c in (left, right)):
            continue
        # The name before "and" ends as names do, in a kind or a place ("… Hospital and Harvard
        # Medical School", "National University of Singapore and …"), or the one after it begins
        # as one ("… Groningen and University Medical Center"): not "Arts and Sciences".
        end = left.split()[-1]
        if _KIND_START_RE.match(right) or KINDS.intersection(tokenize(end)) or is_place(end, cities):
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


def is_place(name: str, cities: frozenset[tuple[str, ...]]) -> bool:
    """A registry's city or a country: "Copenhagen Business School" is no school of a university
    of Copenhagen."""
    tokens = tuple(tokenize(name))
    return tokens in cities or country_code(name) is not None


def affiliations(text: str) -> list[str]:
    """The affiliations a string lists: a semicolon after a country ends one ("…, Maastricht University,
    Maastricht, Netherlands; …, Zagazig University, Zagazig, Egypt"), and each has its own parts and
    its own country. Other semicolons separate parts of one affiliation, as commas do."""
    found: list[str] = []
    rest = ""
    for segment in _SEGMENT_RE.split(text):
        rest = f"{rest};{segment}" if rest else segment
        if country_code(SPLIT_RE.split(segment)[-1].strip(" .")) is not None:
            found.append(rest)
            rest = ""
    if rest.strip(" ,;"):
        found.append(rest)
    return found or [text]
