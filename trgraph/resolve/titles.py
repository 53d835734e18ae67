"""Names a registry record carries in its link to Wikipedia.

ROR links most records to their Wikipedia article, and an article's title is the name the body
goes by in prose, often not among the record's own names: "University of Marburg" for ROR's
"Philipps University of Marburg", "Kazan (Volga Region) Federal University", "Cologne Business
School" for "CBS University of Applied Sciences". :func:`title_forms` gives the index such a title
as one more name of its record, where the title names that body and no other:

- a plain article title: not a section of one ("…#…"), not a list, not bracketed the way
  Wikipedia tells namesakes apart ("University of Newcastle (Australia)": its own title says the
  bare name is ambiguous), of two words or more (one word is a town, a brand or a surname);
- linked by one record of its dataset only (several records linking one article are a group's or
  a parent's units: 23 of Merck & Co.'s companies link "Merck & Co.");
- not a name of another record of the dataset, nor one left by dropping another record's town (the
  University of North Carolina System's article is "University of North Carolina", which is the
  Chapel Hill campus without its town), nor a town or country (a city council's article is its city's).

Titles are less curated than a registry's names, and some are generic ("Laboratory of Molecular
Biology" is the MRC's article): a match on one is capped for review (:func:`by_title`), never
linked unseen, and its explanation names the title.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import unquote, urlsplit

from trgraph.model import Entity
from trgraph.resolve.align import REVIEW_CAP
from trgraph.resolve.normalise import NameForm, country_code, name_forms, tokenize
from trgraph.resolve.places import without_place
from trgraph.resolve.score import NameScore

#: The feature a match on a Wikipedia title carries (its value is the capped score).
TITLE_FEATURE = "wikipedia_title"


def wikipedia_title(entity: Entity) -> str | None:
    """The title of the article the record links to, when it is a plain article (see the module doc)."""
    url = entity.attrs.get("wikipedia")
    if not isinstance(url, str) or "/wiki/" not in url:
        return None
    parts = urlsplit(url)
    if parts.fragment:
        return None
    title = unquote(parts.path.rsplit("/wiki/", 1)[-1]).replace("_", " ").strip()
    if (any(c in title for c in "#*:") or title.endswith(")") or title.lower().startswith("list of")
            or len(title.split()) < 2):
        return None
    return title


def title_forms(
    entities: Sequence[Entity],
    entity_forms: Sequence[Sequence[int]],
    forms: Sequence[NameForm],
    form_entity: Sequence[int],
) -> list[tuple[int, NameForm]]:
    """(entity number, form) for each Wikipedia title that names its record and no other body of its
    dataset (see the module doc); not when the title is already one of the record's names."""
    linked: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, entity in enumerate(entities):
        title = wikipedia_title(entity)
        if title is not None:
            linked[(entity.provenance.dataset, title)].append(number)
    if not linked:
        return []
    names: dict[tuple[str, tuple[str, ...]], set[int]] = defaultdict(set)
    for i, form in enumerate(forms):
        number = form_entity[i]
        names[(entities[number].provenance.dataset, form.tokens)].add(number)
    towns: dict[str, tuple[str, ...]] = {}
    for number, entity in enumerate(entities):
        city = entity.attrs.get("city")
        if not isinstance(city, str):
            continue
        if city not in towns:
            towns[city] = tuple(tokenize(city))
        for fi in entity_forms[number]:
            if towns[city] and (stem := without_place(forms[fi].tokens, towns[city])) is not None:
                names[(entity.provenance.dataset, stem)].add(number)
    places = set(towns.values())
    out: list[tuple[int, NameForm]] = []
    for (dataset, title), numbers in linked.items():
        if len(numbers) > 1 or country_code(title):
            continue
        number = numbers[0]
        for form in name_forms(title, organisation=True):
            if form.acronym or not form.tokens or form.tokens in places:
                continue
            if names.get((dataset, form.tokens), {number}) == {number} and not _own(form, entity_forms[number], forms):
                out.append((number, form))
    return out


def _own(form: NameForm, own: Sequence[int], forms: Sequence[NameForm]) -> bool:
    return any(forms[i].tokens == form.tokens for i in own)


def by_title(s: NameScore) -> NameScore:
    """A score on a Wikipedia title: at most the review cap, and said so (:data:`TITLE_FEATURE`)."""
    score = min(s.score, REVIEW_CAP)
    return replace(s, score=score, features={**s.features, TITLE_FEATURE: score})
