"""Registry names written without the organisation's own place, or short of one of two names.

People write "Imperial College" for Imperial College London, "Goethe University" for
Goethe University Frankfurt, "University of Newcastle" for ROR's "University of Newcastle
Australia" and "Sciex" for ROR's "Sciex (Canada)" (ROR tells namesake companies apart by a
country in brackets). :func:`placeless_forms` gives the index a second form of such names,
without the entity's own city (ROR's ``city``) or country, at the end or in brackets, and
of each of two names the registry joins with a dash ("Universitätsmedizin Berlin" for
"Charité - Universitätsmedizin Berlin"); :func:`place_omitted` caps what a match on one
scores, so that it goes before an analyst and is never linked unseen: another body may have
dropped the same place, or go by the same name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from trgraph.model import Entity
from trgraph.resolve.align import TokenWeights
from trgraph.resolve.normalise import (
    NameForm,
    country_code,
    final_bracket,
    name_forms,
    tokenize,
    without_final_bracket,
)
from trgraph.resolve.score import NameScore
from trgraph.resolve.vocab import KINDS, TYPE_WORDS, place_words

#: The feature a match on a name without its place carries (its value is the capped score).
PLACE_OMITTED_FEATURE = "own_place_omitted"
#: The feature a match on one of two names a registry joins with a dash carries.
JOINED_OMITTED_FEATURE = "joined_name_omitted"
#: A dash between spaces, that joins two names in one ("Charité - Universitätsmedizin Berlin").
_JOINING_DASH_RE = re.compile(r"\s[-–—]\s")
#: The most a match on a name without its place scores: for review, never auto.
PLACE_OMITTED_SCORE = 0.85
#: What the words of a name without its place that are no organisation words must weigh
#: together, when none is rare by itself.
STEM_WEIGHT = 1.0


def placeless_forms(
    entities: Sequence[Entity],
    entity_forms: Sequence[Sequence[int]],
    forms: Sequence[NameForm],
    form_entity: Sequence[int],
    weights: TokenWeights,
) -> list[tuple[int, NameForm, str]]:
    """(entity number, form, feature) for each indexed name that ends in the entity's own place (its
    city, else its country), without it (:data:`PLACE_OMITTED_FEATURE`), and for each of two names
    a registry name joins with a dash ("Charité - Universitätsmedizin Berlin"; "Leibniz Institute
    on Aging - Fritz Lipmann Institute (FLI)"), which people write alone
    (:data:`JOINED_OMITTED_FEATURE`). Not when what is left is a name of another entity of its
    dataset, or, for a city or a country at the end or a joined name, left by more than one:
    "University of Michigan" is the university, not its Dearborn campus; "University of
    California" any campus.
    A bracketed country may leave one name to several companies ("UCB Pharma" (Belgium) and
    (Portugal)): they are a group's, told apart by the query's country or the registry's
    hierarchy. What is left must still be distinctive (:func:`_distinctive`); only a query that
    is exactly that name should find it."""
    # Stems and names are compared within one dataset: a list entry that names the registry's
    # "Commercial Aircraft Corporation of China (China)" without its bracket is that body, not a
    # namesake that makes the stem ambiguous.
    left: dict[tuple[str, tuple[str, ...]], set[int]] = defaultdict(set)
    found: list[tuple[int, NameForm, bool, str]] = []
    towns: dict[str, tuple[str, ...]] = {}
    for number, entity in enumerate(entities):
        city = entity.attrs.get("city")
        town: tuple[str, ...] = ()
        if isinstance(city, str):
            if city not in towns:
                towns[city] = tuple(tokenize(city))
            town = towns[city]
        for fi in entity_forms[number]:
            form = forms[fi]
            for joined in _joined_names(form, weights):
                left[(entity.provenance.dataset, joined.tokens)].add(number)
                found.append((number, joined, False, JOINED_OMITTED_FEATURE))
            bracket = final_bracket(form.original) if entity.country and form.original.endswith(")") else None
            if bracket is not None and country_code(bracket) != entity.country:
                bracket = None  # a bracket that is no country of the entity's is part of its name
            if bracket is not None:
                stem = without_place(form.tokens, tuple(tokenize(bracket)))
                fit = stem is not None and _distinctive(stem, weights, town=False)
            else:
                stem = without_place(form.tokens, town) if town else None
                if stem is None and entity.country:
                    stem = _without_country(form.tokens, entity.country)
                if stem is None:
                    continue
                fit = _distinctive(stem, weights, town=True)
            if stem is not None and fit:
                left[(entity.provenance.dataset, stem)].add(number)
                placeless = replace(form, tokens=stem, compact="".join(stem), initials="")
                found.append((number, placeless, bracket is not None, PLACE_OMITTED_FEATURE))
    owners: dict[tuple[str, tuple[str, ...]], set[int]] = defaultdict(set)
    for i, form in enumerate(forms):
        key = (entities[form_entity[i]].provenance.dataset, form.tokens)
        if key in left:
            owners[key].add(form_entity[i])
    out: list[tuple[int, NameForm, str]] = []
    done: set[tuple[int, tuple[str, ...]]] = set()
    for number, form, bracketed, feature in found:
        key = (entities[number].provenance.dataset, form.tokens)
        if (number, form.tokens) in done:
            continue
        # Companies that differ only by their bracketed country are one group's, and the country
        # tells them apart (the query's, or the group's parent: Hit.parts), not their names. Of
        # campuses that share a name without their towns, the one whose acronym is that name's
        # initials is the one the name means ("UNC": the University of North Carolina at Chapel Hill).
        sole = left[key] == {number} or [n for n in left[key] if _bears_initials(entities[n], form.tokens)] == [number]
        if (bracketed or sole) and owners.get(key, {number}) == {number}:
            done.add((number, form.tokens))
            out.append((number, form, feature))
    return out


def _bears_initials(entity: Entity, stem: tuple[str, ...]) -> bool:
    """The entity's acronym (ROR's ``acronyms``) is the initials of ``stem``."""
    acronyms = entity.attrs.get("acronyms")
    initials = "".join(t[0] for t in stem)
    return isinstance(acronyms, list) and any(str(a).lower() == initials for a in acronyms)


def _joined_names(form: NameForm, weights: TokenWeights) -> list[NameForm]:
    """The two names a form's name joins with a dash (without a final bracket, an acronym), as
    forms of that name: of two words or more, and distinctive as a name without its town is."""
    halves = _JOINING_DASH_RE.split(form.original)
    if len(halves) != 2:
        return []
    return [
        replace(form, tokens=half.tokens, compact=half.compact, initials="")
        for text in halves
        for half in name_forms(without_final_bracket(text), organisation=True)
        if half.acronym is None and len(half.tokens) >= 2 and _distinctive(half.tokens, weights, town=True)
    ]


def place_omitted(s: NameScore, feature: str = PLACE_OMITTED_FEATURE) -> NameScore:
    """A score on a name without its place, or on one of two joined names (``feature``): at most
    :data:`PLACE_OMITTED_SCORE`, and said so."""
    score = min(s.score, PLACE_OMITTED_SCORE)
    features = {**s.features, feature: score}
    method = s.method
    if method == "tokens":
        method = "place_omitted" if feature == PLACE_OMITTED_FEATURE else "joined_name"
    return replace(s, score=score, method=method, features=features)


def _distinctive(stem: tuple[str, ...], weights: TokenWeights, *, town: bool) -> bool:
    """A name with a rare word of its own, or words that weigh :data:`STEM_WEIGHT` together. A name
    without its ``town`` must also say what kind of body it is ("Goethe University", not
    "Military Hospital" or "Faculty of Medicine") and, without a rare word, name a place ("University
    of Texas Medical Branch"; not "University of Veterinary Medicine"). A company's name without its
    bracketed country is its name: "United Aircraft" (Russia)."""
    if town and not KINDS.intersection(stem):
        return False
    if any(weights.rare(t) for t in stem):
        return True
    placed = not town or not place_words().isdisjoint(stem)
    return placed and sum(weights(t) for t in stem if t not in TYPE_WORDS) >= STEM_WEIGHT


def _without_country(tokens: tuple[str, ...], country: str) -> tuple[str, ...] | None:
    """``tokens`` without a final name of ``country`` (an ISO code) of up to three words ("University
    of Newcastle Australia", "… of the Russian Federation"), or None when they do not end in one."""
    for size in (3, 2, 1):
        if len(tokens) > size and country_code(" ".join(tokens[-size:])) == country:
            return tokens[:-size]
    return None


def without_place(tokens: tuple[str, ...], place: tuple[str, ...]) -> tuple[str, ...] | None:
    """``tokens`` without a final run of the words of ``place`` from its first ("… University
    Frankfurt" for Frankfurt am Main), or None when they do not end that way."""
    for size in range(len(place), 0, -1):
        if len(tokens) > size and tokens[-size:] == place[:size]:
            return tokens[:-size]
    return None
