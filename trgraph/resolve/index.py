"""Candidate blocking: an index over every candidate name, so screening is not all-pairs.

Built once per screening run. Each candidate name becomes one or more
:class:`~trgraph.resolve.normalise.NameForm`; the index keeps

- a sparse form × token matrix of token weights (tokens used by more than
  ``frequent_share`` of all forms, such as "university" or 大, are left out of it and
  only consulted when a query has nothing rarer),
- the vocabulary by word length, so that a misspelt query word still finds its
  candidates through the words within a typo's distance ("Technolgy"),
- exact look-ups for acronyms, initials, same-letters spellings and identifiers.

A batch of queries is one sparse matrix product; each query keeps its best
``block`` forms by weighted overlap, and only their entities are scored in full.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA
from scipy import sparse

from trgraph.model import Entity, EntityKind
from trgraph.resolve.align import REVIEW_CAP, Alignment, TokenWeights, max_edits
from trgraph.resolve.forms import FormTable
from trgraph.resolve.normalise import NameForm, name_forms, spelling, tokenize
from trgraph.resolve.places import place_omitted
from trgraph.resolve.score import NameScore, score_forms
from trgraph.resolve.titles import by_title

#: Identifier schemes that decide a match outright.
ID_SCHEMES = ("ror", "lei", "grid", "fundref", "wikidata", "isni", "openalex")


@dataclass(slots=True)
class Query:
    """What is searched for: names (with their forms), kind, country and identifiers."""

    key: str
    names: Sequence[str]
    kind: EntityKind = EntityKind.ORGANISATION
    country: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    forms: list[NameForm] = field(default_factory=list)
    slack: float = 1.0

    def __post_init__(self) -> None:
        if not self.forms:
            organisation = self.kind is not EntityKind.PERSON
            for name in self.names:
                for form in name_forms(name, organisation=organisation):
                    if form not in self.forms:
                        self.forms.append(form)


@dataclass(frozen=True, slots=True)
class Hit:
    """One candidate entity for one query: its score, how it was found, and the best name pair."""

    entity: Entity
    score: float
    method: str
    name_score: NameScore | None
    features: dict[str, float]
    #: Tie-break: the same words in the same order as the entity's primary name (2), or
    #: as one of its aliases (1); 2 more when spelt alike ("Institut Pasteur" is the
    #: Institut Pasteur before the Instituto Pasteur).
    exact: int = 0
    #: Tie-break between namesakes: how many records the registry lists as part of this one.
    #: A name that several records bear ("European Molecular Biology Laboratory": Heidelberg
    #: and its four sites) most likely means the body the others belong to, and of two
    #: unrelated namesakes the one with more registered units is the more prominent.
    parts: int = 0
    #: How many records of the entity's dataset bear the name matched (0 when only this one):
    #: "Ministry of Defence" names several records of one registry, and the name alone does
    #: not tell which is meant.
    shared: int = 0

    @property
    def alignment(self) -> Alignment | None:
        """The token alignment of the names the hit was found by (None for an identifier or an
        acronym hit)."""
        return self.name_score.alignment if self.name_score is not None else None


def town_of(entity: Entity) -> tuple[str, ...]:
    """The city a registry record is in, as tokens (empty when it names none)."""
    city = entity.attrs.get("city")
    return tuple(tokenize(city)) if isinstance(city, str) else ()


class CandidateIndex:
    """Blocking index over candidate entities; :meth:`search` returns scored hits."""

    def __init__(
        self,
        entities: Iterable[Entity],
        *,
        weights: TokenWeights | None = None,
        frequent_share: float = 0.01,
        block: int = 40,
        part_of: Iterable[tuple[str, str]] = (),
    ) -> None:
        """``part_of``: (part, whole) id pairs from the registries (ROR children, subsidiaries), for
        the namesake tie-break (:attr:`Hit.parts`)."""
        table = FormTable.build(entities, weights)
        self.entities = table.entities
        self.forms = table.forms
        self.form_entity = table.form_entity
        self.entity_forms = table.entity_forms
        self.weights = table.weights
        self.placeless = table.placeless
        self.titled = table.titled
        self.bearers = table.bearers
        wholes: dict[str, set[str]] = defaultdict(set)
        for part, whole in part_of:
            wholes[whole].add(part)
        self.parts = [len(wholes.get(e.id, ())) for e in self.entities]
        self.block = block
        self._build_exact()
        self._build_matrix(frequent_share)

    @cached_property
    def cities(self) -> frozenset[tuple[str, ...]]:
        """The cities the entities are in (as tokens): in an affiliation, a place, not a name
        (worked out when an affiliation first asks, not for every screening run)."""
        return frozenset(self.city_sizes)

    @cached_property
    def city_sizes(self) -> Counter[tuple[str, ...]]:
        """How many entities each city (as tokens) has."""
        named = Counter(c for e in self.entities if isinstance(c := e.attrs.get("city"), str))
        sizes: Counter[tuple[str, ...]] = Counter()
        for city, count in named.items():
            sizes[tuple(tokenize(city))] += count
        return sizes

    def __len__(self) -> int:
        return len(self.entities)

    # -- building ------------------------------------------------------------------
    def _build_exact(self) -> None:
        self.by_id: dict[tuple[str, str], list[int]] = defaultdict(list)
        for number, entity in enumerate(self.entities):
            for scheme, value in entity.identifiers.items():
                if scheme in ID_SCHEMES and value:
                    self.by_id[(scheme, _id_key(value))].append(number)
            if entity.id.startswith("ror:"):
                self.by_id[("ror", _id_key(entity.id[4:]))].append(number)
        self.by_acronym: dict[str, list[int]] = defaultdict(list)
        self.by_initials: dict[str, list[int]] = defaultdict(list)
        self.by_compact: dict[str, list[int]] = defaultdict(list)
        for i, form in enumerate(self.forms):
            if form.acronym:
                self.by_acronym[form.acronym].append(i)
            elif len(form.initials) >= 3:
                self.by_initials[form.initials].append(i)
            if len(form.compact) >= 6:
                self.by_compact[form.compact].append(i)

    def _build_matrix(self, frequent_share: float) -> None:
        df: dict[str, int] = defaultdict(int)
        for form in self.forms:
            for tok in set(form.tokens):
                df[tok] += 1
        limit = max(50, int(frequent_share * max(1, len(self.forms))))
        self.frequent = {t for t, n in df.items() if n > limit}
        self.vocab: dict[str, int] = {t: i for i, t in enumerate(sorted(t for t in df if t not in self.frequent))}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        self.norms = np.zeros(len(self.forms), dtype=np.float64)
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, form in enumerate(self.forms):
            for tok in set(form.tokens):
                w = self.weights(tok)
                self.norms[i] += w
                col = self.vocab.get(tok)
                if col is None:
                    self.postings[tok].append(i)
                    continue
                rows.append(i)
                cols.append(col)
                vals.append(w)
        self.matrix = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float64), (np.asarray(rows), np.asarray(cols))),
            shape=(len(self.forms), len(self.vocab)),
        ).T.tocsr()
        self.by_length: dict[int, list[str]] = defaultdict(list)
        for tok in self.vocab:
            if len(tok) >= 4 and tok.isalpha():
                self.by_length[len(tok)].append(tok)
        self._near: dict[str, list[tuple[int, float]]] = {}

    # -- searching -----------------------------------------------------------------
    def search(self, query: Query, *, limit: int = 5, min_score: float = 0.0,
               exclude: frozenset[str] = frozenset()) -> list[Hit]:
        """The best ``limit`` entities for one query, scoring at least ``min_score`` (and every other
        one that scores as the last of them, as exactly: :attr:`Hit.parts` orders namesakes but
        does not choose among them)."""
        return self.search_many([query], limit=limit, min_score=min_score, exclude=exclude)[0]

    def names_exactly(self, name: str) -> bool:
        """Whether ``name``, word for word, is a name an entity bears."""
        return any(len(form.compact) >= 6 and form.compact in self.by_compact for form in name_forms(name))

    def acronym_in_town(self, acronym: str, town: tuple[str, ...]) -> list[Entity]:
        """The entities in ``town`` (as tokens) that bear ``acronym``: as a name of their own ("CAU"
        is Kiel University's, as it is Chung-Ang University's in Seoul), or as the initials of a name
        of theirs that ends in the town ("WWU" of "Westfälische Wilhelms-Universität Münster")."""
        found: set[int] = set()
        for form in name_forms(acronym):
            if form.acronym and town:
                found.update(self.form_entity[i] for i in self.by_acronym.get(form.acronym, ()))
                spelt = form.acronym + "".join(t[0] for t in town)
                found.update(self.form_entity[i] for i in self.by_initials.get(spelt, ())
                             if self.forms[i].tokens[-len(town):] == town)
        return [e for n in sorted(found) if town_of(e := self.entities[n]) == town]

    def campuses(self, name: str) -> list[Entity]:
        """The places of education with a name that begins with ``name``, word for word, and goes on:
        a system's campuses ("University of Colorado": Boulder, Denver, Colorado Springs and the
        Anschutz Medical Campus)."""
        found = {n for form in name_forms(name) for n in self._prefixed.get(form.tokens, ())}
        return [e for n in sorted(found) if isinstance(types := (e := self.entities[n]).attrs.get("types"), list)
                and "education" in types]

    @cached_property
    def _prefixed(self) -> dict[tuple[str, ...], set[int]]:
        """The entities (by number) with a name of more words than each of its first two to five."""
        found: defaultdict[tuple[str, ...], set[int]] = defaultdict(set)
        for i, form in enumerate(self.forms):
            for size in range(2, min(6, len(form.tokens))):
                found[form.tokens[:size]].add(self.form_entity[i])
        return dict(found)

    def search_many(
        self,
        queries: Sequence[Query],
        *,
        limit: int = 5,
        min_score: float = 0.0,
        exclude: frozenset[str] = frozenset(),
        excludes: Sequence[frozenset[str]] | None = None,
        accept: Callable[[Entity], bool] | None = None,
        block: int | None = None,
        batch: int = 512,
    ) -> list[list[Hit]]:
        """:meth:`search` for many queries, blocking them in sparse batches (``excludes``: per query;
        ``accept``: only entities it accepts are scored; ``block``: names kept per query by blocking,
        default the index's)."""
        out: list[list[Hit]] = []
        mask = None
        if accept is not None:
            accepted = [accept(e) for e in self.entities]
            mask = np.fromiter((accepted[n] for n in self.form_entity), dtype=bool, count=len(self.forms))
        for start in range(0, len(queries), batch):
            chunk = queries[start : start + batch]
            blocked = self._block(chunk, mask, block or self.block)
            for offset, (query, forms) in enumerate(zip(chunk, blocked, strict=True)):
                skip = exclude | excludes[start + offset] if excludes is not None else exclude
                out.append(self._score(query, forms, limit, min_score, skip, accept))
        return out

    def _block(self, queries: Sequence[Query], mask: np.ndarray | None, block: int) -> list[set[int]]:
        """Candidate form ids per query (only forms ``mask`` allows, when given)."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        qnorm = np.zeros(len(queries))
        found: list[set[int]] = [set() for _ in queries]
        self._learn_near(t for query in queries for form in query.forms for t in form.tokens if self._unknown(t))
        for qi, query in enumerate(queries):
            seen: set[int] = set()
            rare = False
            for form in query.forms:
                self._exact_hits(form, found[qi])
                for tok in set(form.tokens):
                    w = self.weights(tok)
                    qnorm[qi] += w
                    for col, factor in self._columns(tok):
                        rare = True
                        if col not in seen:
                            seen.add(col)
                            rows.append(qi)
                            cols.append(col)
                            vals.append(w * factor)
            if not rare:
                for form in query.forms:
                    found[qi].update(self._frequent_only(form))
        if not cols:
            return found
        q = sparse.csr_matrix((vals, (rows, cols)), shape=(len(queries), len(self.vocab)))
        overlap = (q @ self.matrix).tocsr()
        for qi in range(len(queries)):
            lo, hi = overlap.indptr[qi], overlap.indptr[qi + 1]
            if lo == hi:
                continue
            ids = overlap.indices[lo:hi]
            dots = overlap.data[lo:hi]
            if mask is not None:
                keep_mask = mask[ids]
                ids, dots = ids[keep_mask], dots[keep_mask]
                if len(ids) == 0:
                    continue
            sim = dots / (qnorm[qi] + self.norms[ids] - dots + 1e-9)
            # Names sharing too little distinctive weight with the query cannot score well.
            keep_sim = sim >= MIN_OVERLAP
            ids, sim = ids[keep_sim], sim[keep_sim]
            if len(ids) > block:
                # Names tied with the last one kept are kept too (up to twice ``block``): which of
                # equals made the cut must not turn on the index's layout.
                least = -np.partition(-sim, block - 1)[block - 1]
                tied = sim >= least
                ids = ids[tied] if tied.sum() <= 2 * block else ids[np.argpartition(-sim, block)[:block]]
            found[qi].update(int(i) for i in ids)
        return found

    def _columns(self, tok: str) -> list[tuple[int, float]]:
        col = self.vocab.get(tok)
        if col is not None:
            return [(col, 1.0)]
        if not self._unknown(tok):
            return []
        if tok not in self._near:
            self._learn_near([tok])
        return self._near[tok]

    def _unknown(self, tok: str) -> bool:
        """A word of no indexed name that may be a typo of one (long enough, letters only)."""
        return tok not in self.vocab and tok not in self.frequent and len(tok) >= 4 and tok.isalpha()

    def _learn_near(self, tokens: Iterable[str]) -> None:
        """Remember the vocabulary neighbours of unknown words (typos in register names): the
        words within a typo's distance, the ten closest of each length, found by rapidfuzz for
        all words of one length in one matrix."""
        by_length: dict[int, list[str]] = defaultdict(list)
        for tok in sorted(set(tokens)):
            if tok not in self._near:
                by_length[len(tok)].append(tok)
        for size, group in by_length.items():
            edits = max_edits(size)
            near: dict[str, list[str]] = {tok: [] for tok in group}
            for length in range(size - edits, size + edits + 1):
                words = self.by_length.get(length)
                if not words:
                    continue
                distances = process.cdist(group, words, scorer=OSA.distance, score_cutoff=edits, dtype=np.int32,
                                          workers=-1)
                for row, tok in zip(distances, group, strict=True):
                    hits = np.flatnonzero(row <= edits)
                    closest = hits[np.lexsort((hits, row[hits]))[:NEAR_PER_LENGTH]]
                    near[tok].extend(words[i] for i in closest)
            for tok, found in near.items():
                self._near[tok] = [(self.vocab[n], 0.8) for n in sorted(set(found))]

    def _exact_hits(self, form: NameForm, into: set[int]) -> None:
        if form.acronym:
            into.update(self.by_acronym.get(form.acronym, ())[:50])
            into.update(self.by_initials.get(form.acronym, ())[:50])
        if len(form.compact) >= 6:
            into.update(self.by_compact.get(form.compact, ())[:50])

    def _frequent_only(self, form: NameForm) -> set[int]:
        """Forms containing every (frequent) token of ``form``: for queries like "National University"."""
        lists: list[list[int]] = [self.postings[t] for t in set(form.tokens) if t in self.frequent]
        if not lists:
            return set()
        lists.sort(key=len)
        result = set(lists[0])
        for p in lists:
            result &= set(p)
        shortest = sorted(result, key=lambda i: len(self.forms[i].tokens))
        return set(shortest[: self.block])

    def _score(
        self,
        query: Query,
        form_ids: set[int],
        limit: int,
        min_score: float,
        exclude: frozenset[str],
        accept: Callable[[Entity], bool] | None,
    ) -> list[Hit]:
        by_entity: dict[int, Hit] = {}
        for number in self._identifier_hits(query):
            entity = self.entities[number]
            if entity.id in exclude or entity.id == query.key or not _same_kind(query.kind, entity.kind):
                continue
            if accept is not None and not accept(entity):
                continue
            by_entity[number] = Hit(entity, 1.0, "identifier", None, {"identifier": 1.0}, parts=self.parts[number])
        per_entity: dict[int, list[int]] = defaultdict(list)
        for i in sorted(form_ids):
            per_entity[self.form_entity[i]].append(i)
        for number, forms in sorted(per_entity.items()):
            if number in by_entity:
                continue
            entity = self.entities[number]
            if entity.id in exclude or entity.id == query.key or not _same_kind(query.kind, entity.kind):
                continue
            if accept is not None and not accept(entity):
                continue
            hit = self._score_entity(query, number, forms)
            if hit is not None and hit.score >= min_score:
                by_entity[number] = hit
        hits = sorted(by_entity.values(), key=lambda h: (-h.score, -h.exact, -h.parts, h.entity.id))
        if len(hits) > limit:
            # Namesakes the names cannot tell apart are all kept, never cut at the limit by a guess.
            last = (hits[limit - 1].score, hits[limit - 1].exact)
            hits = hits[:limit] + [h for h in hits[limit:] if (h.score, h.exact) == last]
        return [self._shared(h) for h in hits]

    def _shared(self, hit: Hit) -> Hit:
        """``hit`` with :attr:`Hit.shared` set from the name it matched."""
        if hit.name_score is None:
            return hit
        shared = self.bearers.get((hit.entity.provenance.dataset, hit.name_score.b.tokens), 0)
        return replace(hit, shared=shared) if shared else hit

    def _identifier_hits(self, query: Query) -> list[int]:
        out: list[int] = []
        for scheme, value in query.identifiers.items():
            if scheme in ID_SCHEMES and value:
                out.extend(self.by_id.get((scheme, _id_key(value)), ()))
        return out

    def _score_entity(self, query: Query, number: int, forms: Sequence[int] | None = None) -> Hit | None:
        """Score one entity on the given forms (the ones blocking found; default: all)."""
        entity = self.entities[number]
        conflict = _identifier_conflict(query.identifiers, entity.identifiers)
        best: NameScore | None = None
        exact = 0
        for qf in query.forms:
            for fi in forms if forms is not None else self.entity_forms[number]:
                form = self.forms[fi]
                shortened = self.placeless.get(fi)
                if shortened is not None and qf.tokens != form.tokens:
                    continue  # only the shortened name exactly as written
                s = score_forms(qf, form, self.weights, query.slack)
                if shortened is not None:
                    s = place_omitted(s, shortened)
                elif fi in self.titled:
                    s = by_title(s)
                elif qf.tokens == form.tokens:
                    spelt = 2 if spelling(qf.original) == spelling(form.original) else 0
                    exact = max(exact, spelt + (2 if form.original == entity.name else 1))
                if best is None or s.score > best.score:
                    best = s
        if best is None or best.score <= 0:
            return None
        features = dict(best.features)
        score = best.score
        if conflict:
            features["identifier_conflict"] = -1.0
            return Hit(entity, 0.0, "identifier_conflict", best, features, parts=self.parts[number])
        if query.country and entity.country:
            if query.country == entity.country:
                features["country_agrees"] = COUNTRY_BONUS
                score = min(1.0, score + COUNTRY_BONUS) if score < 1.0 else score
            else:
                # A namesake abroad is most likely another organisation: never linked unseen.
                features["country_conflict"] = -COUNTRY_PENALTY
                score = max(0.0, min(score - COUNTRY_PENALTY, REVIEW_CAP))
        return Hit(entity, round(score, 4), best.method, best, features, exact, self.parts[number])


#: How many vocabulary neighbours of each length an unknown word may have.
NEAR_PER_LENGTH = 10
COUNTRY_BONUS = 0.03
#: Least weighted overlap (of distinctive words) for a name to be scored at all.
MIN_OVERLAP = 0.15
COUNTRY_PENALTY = 0.2


def _same_kind(a: EntityKind, b: EntityKind) -> bool:
    return (a is EntityKind.PERSON) == (b is EntityKind.PERSON)


def _id_key(value: str) -> str:
    text = value.strip().lower()
    for prefix in ("https://ror.org/", "http://ror.org/", "https://www.grid.ac/institutes/"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text


def _identifier_conflict(a: dict[str, str], b: dict[str, str]) -> bool:
    """Both carry an identifier of the same scheme (ROR, LEI, GRID) and the values differ."""
    for scheme in ("ror", "lei", "grid"):
        if a.get(scheme) and b.get(scheme) and _id_key(a[scheme]) != _id_key(b[scheme]):
            return True
    return False


