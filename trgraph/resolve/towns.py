"""The town an affiliation string names tells bodies apart: an acronym several bodies bear, written
beside the town of one of them ("CAU Kiel", "WWU Münster"), and a system's campus ("University of
Colorado School of Medicine, …, Aurora, CO": the Anschutz Medical Campus). Both are looked up in a
:class:`~trgraph.resolve.index.CandidateIndex` rather than searched;
:mod:`trgraph.resolve.affiliation` proposes what they find for review.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from trgraph.model import Entity
from trgraph.resolve.index import CandidateIndex, town_of
from trgraph.resolve.normalise import country_code, is_acronym, tokenize


class TownAcronym(NamedTuple):
    """An acronym written beside the town its body is in, at the end of a part."""

    acronym: str
    town: tuple[str, ...]  # tokens
    whole: bool  # the two are the whole part ("CAU Kiel"), not the end of a unit's ("… Department ABU Zaria")


#: A word that may be an acronym: letters, digits and dashes, no brackets ("AP-HM", not "(IGFL)").
_ACRONYM_WORD_RE = re.compile(r"[\w-]+")


def town_acronym(part: str, cities: frozenset[tuple[str, ...]]) -> TownAcronym | None:
    """The acronym a part ends in beside a registry's city, before or after it ("LMU Munich",
    "Kiel CAU", "Mechanical Engineering Department ABU Zaria"): an acronym several bodies bear
    ("CAU": Kiel's, Chung-Ang's, Central Asian's), which the town tells apart. Of three letters or
    more, and no country's code."""
    terms = part.split()
    for size in range(min(3, len(terms) - 1), 0, -1):
        after = (terms[-size - 1], terms[-size:])
        before = (terms[-1], terms[-size - 1 : -1])
        for acronym, town_terms in (after, before):
            town = tuple(tokenize(" ".join(town_terms)))
            if (town in cities and _ACRONYM_WORD_RE.fullmatch(acronym) and is_acronym(acronym)
                    and sum(c.isalpha() for c in acronym) >= 3 and country_code(acronym) is None
                    and all(_ACRONYM_WORD_RE.search(t) for t in town_terms)):
                return TownAcronym(acronym, town, len(terms) == size + 1)
    return None


def acronym_bearer(index: CandidateIndex, part: str, exclude: frozenset[str]) -> tuple[Entity, bool] | None:
    """The one body bearing the acronym a part ends in that is in the town written beside it ("CAU
    Kiel": Kiel University, not Chung-Ang University), and whether the two are the whole part."""
    written = town_acronym(part, index.cities)
    if written is None:
        return None
    bearers = [e for e in index.acronym_in_town(written.acronym, written.town) if e.id not in exclude]
    return (bearers[0], written.whole) if len(bearers) == 1 else None


def campus(index: CandidateIndex, name: str, town: str, exclude: frozenset[str]) -> Entity | None:
    """The one campus in ``town`` of a system: places of education in two towns or more have names
    that begin with ``name``, a university's ("University of Colorado": Boulder, Denver, Aurora)."""
    where = tuple(tokenize(town))
    campuses = [(e, town_of(e)) for e in index.campuses(name) if e.id not in exclude]
    here = [e for e, city in campuses if city == where]
    return here[0] if len(here) == 1 and len({city for _, city in campuses}) >= 2 else None
