"""Which body an affiliation string names, of the hits its queries found
(:func:`trgraph.resolve.affiliation.best_hits`): namesakes abroad and units of unknown
universities dropped, a town after a name weighed, and the choice among what is left.

Affiliations run from the smallest unit to the institution ("Roslin Institute, University
of Edinburgh"), so among the hits that score within ``NEAR`` of the best, an institution in
its own right (:data:`STANDING`) wins over a facility, hospital or company, and then the one
named furthest right. Each hit comes with its position: the part its query searched (a name
two parts make ranks half a place after the second). Namesakes that one part names equally
well are settled first: a name that is the part's words exactly before one with words the part
lacks, then by the registry's hierarchy (:attr:`~trgraph.resolve.index.Hit.parts`).
A facility, hospital or company named before institutions that are all in another country is a
namesake abroad, and one named before a university the registry does not know is that
university's unit: both are dropped. A pair whose second part is a place must name it in the
same order as the body's own name.
"""

from __future__ import annotations

from dataclasses import replace

from rapidfuzz.distance import Indel

from trgraph.model import Entity
from trgraph.resolve.align import REVIEW_CAP, TokenWeights
from trgraph.resolve.index import COUNTRY_PENALTY, CandidateIndex, Hit, town_of
from trgraph.resolve.normalise import fold, tokenize
from trgraph.resolve.vocab import TYPE_WORDS

#: How many registry bodies a town must have to be a place when it follows a name.
TOWN_MIN_BODIES = 20
#: How like the hit's town a school's stem must be to be that town ("Hannover" / "Hanover").
TOWN_SIMILARITY = 0.85
NEAR = 0.05
#: How well a later part must name an institution to show that a unit before it, abroad, is a
#: namesake (screening's default review threshold).
ABROAD_MIN_SCORE = 0.7
#: How the words of a medical body's name begin, folded ("Medicine", "Medical", "Médecine", "Medizin").
_MEDICAL_STEMS = ("medic", "medec", "mediz")
#: Registry types of an institution in its own right (ROR's vocabulary).
STANDING = frozenset({"education", "government", "funder"})


def place_follows(pair: str, hit: Hit) -> bool:
    """For two parts of which the second is a place, whether the hit's name has that place after
    the first part's words too: "University of California, Los Angeles" is UCLA, but "Universidad
    de Chile, Santiago" is not the Universidad de Santiago de Chile."""
    first, _, place = pair.rpartition(", ")
    found = hit.alignment
    if not first or not is_city(place) or found is None or hit.name_score is None:
        return True
    at: dict[str, int] = {}
    for i, token in enumerate(hit.name_score.b.tokens):
        at.setdefault(token, i)
    ones = set(tokenize(first))
    exact = [p for p in found.pairs if p.how == "exact" and p.b in at]
    before = [at[p.b] for p in exact if p.a in ones]
    after = [at[p.b] for p in exact if p.a not in ones]
    return not before or not after or max(before) < min(after)


def town_checked(hit: Hit, index: CandidateIndex) -> Hit:
    """``hit``, weighed down as a namesake abroad is when the name is followed by a town that is not
    the body's own ("King's College London" is not Columbia, once King's College, in New York):
    a town that :data:`TOWN_MIN_BODIES` registry bodies are in, not a word a hamlet is named by."""
    found = hit.alignment
    after = found.after() if found is not None else ()
    if not after:
        return hit
    own = town_of(hit.entity)
    for size in range(min(3, len(after)), 0, -1):
        town = after[:size]
        if town != own and index.city_sizes.get(town, 0) >= TOWN_MIN_BODIES:
            score = max(0.0, min(hit.score - COUNTRY_PENALTY, REVIEW_CAP))
            return replace(hit, score=score, features={**hit.features, "town_conflict": -COUNTRY_PENALTY})
    return hit


def shares_rare_word(hit: Hit, weights: TokenWeights) -> bool:
    """The names agree on a rare word that is no organisation word (not "National Research
    University" for the Moscow Aviation Institute, which is also one)."""
    found = hit.alignment
    return found is not None and any(p.how == "exact" and weights.rare(p.a) for p in found.pairs)


def school_of(stem: str, hit: Hit, *, medical: bool = False) -> bool:
    """The hit is a place of education whose name holds every word of the stem ("Harvard
    University" for "Harvard" Medical School; not the Jacobs company for the "Jacobs" School of
    Medicine), and the stem is not its town ("Hannover Medical School" is not the
    University of Hannover's). A ``medical`` college's body says so in its name ("Weill Cornell
    Medicine" for "Weill Cornell" Medical College; not Tongji University for "Tongji")."""
    found = hit.alignment
    types = hit.entity.attrs.get("types")
    if found is None or found.only_a or not isinstance(types, list) or "education" not in types:
        return False
    if medical and not any(token.startswith(_MEDICAL_STEMS) for token in tokenize(hit.entity.name)):
        return False
    city = hit.entity.attrs.get("city")
    return not isinstance(city, str) or Indel.normalized_similarity(fold(stem), fold(city)) < TOWN_SIMILARITY


def choose(hits: list[tuple[float, Hit]]) -> Hit | None:
    """The body a string names, of its (position, hit) pairs: among the hits within ``NEAR`` of
    the best (a name found inside a part only when no part names anything), an institution in its
    own right, then the one named furthest right. A choice the standing made, not the place, says
    so in the feature ``institution_standing``."""
    if not hits:
        return None
    top = max(h.score for _, h in hits)
    near = [(pos, h) for pos, h in hits if h.score >= top - NEAR]
    # A name found inside a part is the answer only when no part names anything as well.
    whole = [(pos, h) for pos, h in near if "embedded_name" not in h.features]
    near = _namesakes_settled(_exactly_named(whole or near))
    by_place = max(near, key=lambda ph: (ph[0], ph[1].score, ph[1].exact))[1]
    chosen = max(near, key=lambda ph: (standing(ph[1].entity), ph[0], ph[1].score, ph[1].exact))[1]
    if chosen is by_place:
        return chosen
    features = {**chosen.features, "institution_standing": float(standing(chosen.entity))}
    return replace(chosen, features=features)


def _exactly_named(hits: list[tuple[float, Hit]]) -> list[tuple[float, Hit]]:
    """Of the hits a part names nearly as well, a registry name with words the part lacks gives
    way to one that is the part's words exactly, word for word: "Novo Nordisk" is the company
    ("Novo Nordisk (Denmark)", its place omitted, for review), not the Novo Nordisk Foundation,
    whose name has a word more and scores a little higher only because "Foundation" weighs little."""
    def exact(hit: Hit) -> bool:
        found = hit.alignment
        return (found is not None and not found.only_a and not found.only_b
                and all(p.how == "exact" for p in found.pairs))

    named = {pos for pos, h in hits if exact(h)}
    return [(pos, h) for pos, h in hits
            if pos not in named or (found := h.alignment) is None or not found.only_b]


def _namesakes_settled(hits: list[tuple[float, Hit]]) -> list[tuple[float, Hit]]:
    """Of hits the same part names with the same score: the records still in use (ROR's "inactive"
    and "withdrawn" give way: "Université de Nantes" is now "Nantes Université"), of those the ones
    spelt as written (:attr:`Hit.exact`: "Center for Open Science" is not LMU's "Open Science
    Center"), and of those the ones with the most registered parts (:attr:`Hit.parts`): "European
    Molecular Biology Laboratory" is the one in Heidelberg that the others are sites of, whatever
    roles a site has besides."""
    best: dict[tuple[float, float], tuple[bool, int, int]] = {}
    for pos, h in hits:
        best[(pos, h.score)] = max(best.get((pos, h.score), _settling(h)), _settling(h))
    return [(pos, h) for pos, h in hits if _settling(h) == best[(pos, h.score)]]


def _settling(hit: Hit) -> tuple[bool, int, int]:
    """What settles namesakes, in order (:func:`_namesakes_settled`)."""
    return _in_use(hit.entity), hit.exact, hit.parts


def _in_use(entity: Entity) -> bool:
    """Not a registry record marked as no longer in use."""
    return entity.attrs.get("status") not in ("inactive", "withdrawn")


def standing(entity: Entity) -> int:
    """How many of the roles of an institution in its own right (university, government body,
    research funder: ROR types) a record has; a facility, hospital or company inside one has
    none, and a string naming both most likely means the institution."""
    types = entity.attrs.get("types")
    return len(STANDING.intersection(types)) if isinstance(types, list) else 0


def units_dropped(hits: list[tuple[float, Hit]], universities: list[float]) -> list[tuple[float, Hit]]:
    """Without the facilities, hospitals and companies (no :func:`standing`) that a part names
    before institutions in their own right that are all in another country ("Institute of
    Virology, Ulm University Medical Center" is Ulm's institute, not the Slovak Academy's), or
    before a part naming a university (at ``universities``), or in a pair with it, that no
    institution matches from there on ("Institute of Biochemistry, University of X" is X's
    institute, not a registry namesake, when the registry does not know X)."""
    institutions = [(p, h) for p, h in hits if h.score >= ABROAD_MIN_SCORE and standing(h.entity)]
    keep = []
    for pos, hit in hits:
        if standing(hit.entity):
            keep.append((pos, hit))
            continue
        later = {h.entity.country for p, h in institutions if p > pos and h.entity.country}
        abroad = bool(hit.entity.country) and bool(later) and hit.entity.country not in later
        # A pair ranks half a place after its second part, which it names too.
        hosts = [u for u in universities if u > pos or u == pos - 0.5]
        unknown = bool(hosts) and not any(p >= min(hosts) for p, _ in institutions)
        if not (abroad or unknown):
            keep.append((pos, hit))
    return keep


def is_city(part: str) -> bool:
    """One word, or two, with no organisation-type word: in the last place before a country, a city."""
    tokens = tokenize(part)
    return len(tokens) <= 2 and not any(t in TYPE_WORDS for t in tokens)
