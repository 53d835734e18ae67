"""The words that names are weighed by: organisation types, qualifiers, disciplines,
nationalities, place modifiers and kinds of body, and the place names of pycountry.

Declared once here; :mod:`trgraph.resolve.align` decides what each weighs.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from trgraph.resolve.normalise import words

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
#: Disciplines a body is named for: common, but decisive when only one name has one ("Tokyo
#: University of *Science*" is not the University of Tokyo, "Wuhan *Business* University" not
#: Wuhan University). Not "medicine" or "health", which name a university's health system
#: ("Stanford Medicine", "UConn Health").
DISCIPLINES = words("""science medical engineering business economics agriculture law art education pharmacy
    management finance commerce aeronautics astronautics electronic telecommunication energy petroleum mining forestry
    sport music nursing""")
WEAK_WORDS = TYPE_WORDS | QUALIFIERS | DESCRIPTORS
#: Nationalities a body is named for: distinctive when both names have one ("*Czech* Academy of
#: Sciences"), and decisive when only one has ("The *Chinese* University of Hong Kong" is not the
#: University of Hong Kong).
NATIONALITIES = words(
    """chinese japanese korean indian russian german french british canadian australian italian spanish swiss
    dutch polish czech turkish iranian israeli egyptian brazilian mexican"""
)
#: Words that make another place of a place name ("*West* Virginia", "*New* York", "*North*
#: Carolina").
PLACE_MODIFIERS = words("north south east west northern southern eastern western central new upper lower")
#: Words that ``slack`` never forgives: an affiliation string may carry a department or a
#: city besides the name, but "Pennsylvania *State* University", "*West* Virginia
#: University" or "The *Chinese* University of Hong Kong" is another university, not the one
#: named without the word.
UNFORGIVEN = PLACE_MODIFIERS | QUALIFIERS | NATIONALITIES
#: Words that make another body when only one name has them
#: (:data:`trgraph.resolve.align.QUALIFIER_MISSING`).
DECISIVE = UNFORGIVEN | DISCIPLINES
#: Kinds of body: one name that says "University" where the other says "College" names
#: another body ("Boston University" is not "Boston College", "Beijing Institute of
#: Technology" not "Beijing University of Technology", the Rockefeller University not the
#: Rockefeller Foundation).
KINDS = words("university college institute school academy hospital foundation")
#: The kind word of a university, folded ("Université", "Universität" fold to it).
UNIVERSITY = "university"


def _place_names(*, subdivisions: bool) -> list[str]:
    """Names of countries (pycountry: name and common name) and, when ``subdivisions``, of their
    subdivisions (without pycountry's bracketed notes)."""
    import pycountry

    names = [str(getattr(c, attr, "") or "") for c in pycountry.countries for attr in ("name", "common_name")]
    if subdivisions:
        names += [s.name.split("[")[0] for s in pycountry.subdivisions]
    return names


@lru_cache(maxsize=1)
def country_words() -> frozenset[str]:
    """Single-word country names (pycountry), normalised like name tokens."""
    from trgraph.resolve.normalise import tokenize

    found = (tokenize(name, expand=False) for name in _place_names(subdivisions=False))
    return frozenset(tokens[0] for tokens in found if len(tokens) == 1)


@lru_cache(maxsize=1)
def multiword_places() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Names of countries and their subdivisions (pycountry) of two words or more, as name
    tokens, by their first word: "British Columbia", "New South Wales", "Hong Kong"."""
    from trgraph.resolve.normalise import name_forms

    found: dict[str, set[tuple[str, ...]]] = {}
    for name in _place_names(subdivisions=True):
        forms = name_forms(name)
        if forms and len(forms[0].tokens) >= 2:
            found.setdefault(forms[0].tokens[0], set()).add(forms[0].tokens)
    return {first: tuple(spans) for first, spans in found.items()}


def split_places(tokens: Sequence[str], rest: Sequence[str]) -> set[str]:
    """The words of ``rest`` (``tokens`` left unpaired) in a place name of several words that is
    paired only in part ("University of *British* Columbia" against "British University")."""
    places = multiword_places()
    out: set[str] = set()
    unpaired = set(rest)
    for i, tok in enumerate(tokens):
        for span in places.get(tok, ()):
            if tuple(tokens[i:i + len(span)]) == span:
                loose = unpaired.intersection(span)
                if loose and len(loose) < len(set(span)):
                    out |= loose
    return out


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Single-word names of countries and their subdivisions (pycountry: "Texas", "Bayern"), as
    name tokens, without the words names are also made of ("Centre", "North", "Science")."""
    from trgraph.resolve.normalise import tokenize

    found = (tokenize(name, expand=False) for name in _place_names(subdivisions=True))
    words = {tokens[0] for tokens in found if len(tokens) == 1}
    return frozenset(words - TYPE_WORDS - QUALIFIERS - DISCIPLINES - PLACE_MODIFIERS - DESCRIPTORS)
