"""Screening: resolve register subjects (and list entries) to registry and list entities.

What a run does, in order:

1. Read every current entity once. Subjects are register entities (partners, funders,
   people: ``attrs["register"]``); candidates are every other entity except the home
   institution and vessels. One :class:`~trgraph.resolve.index.CandidateIndex` is
   built over the candidates; it orders namesakes that score alike by how many
   records the registries list as part of each (``part_of`` links).
2. Each subject is searched; identifier hits (ROR, LEI, GRID, Crossref funder id …)
   decide outright, names are scored with explanations. With ``lists`` on, every list
   organisation (an entity with flags or lists) is also searched against registry
   organisations (no flags, no lists), so that a list flag reaches the registry's
   hierarchy (Entity List "Beijing University of Aeronautics and Astronautics (BUAA)"
   → ROR Beihang University). A name that several records of one registry or list
   bear is linked unseen only where the country agrees (:func:`namesakes_for_review`).
3. Outcomes merge with the analyst ledger (:mod:`.ledger`, the source of truth for
   decisions): a confirmed pair stays linked whatever its score; a rejected pair is
   not linked again unless its evidence (the names, country and identifiers of both
   sides) changed since the rejection; earlier outcomes whose evidence is unchanged
   are kept even when a longer candidate list would now push them out.
4. Every current outcome is restated in the dataset ``screen`` in one job with
   ``replace=True``: ``same_as`` for ``auto`` (score ≥ auto) and ``confirmed``,
   ``possibly_same_as`` for ``pending`` (review ≤ score < auto); rejected pairs have no
   link, so they can never pass risk. Links run subject → candidate and carry
   ``match_id``, ``score``, ``status``, ``proposed`` (the status by score), the
   ``explanation`` and the ``evidence_hash``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from trgraph.errors import ConfigError
from trgraph.model import Action, Decision, Entity, EntityKind, JsonDict, Link, LinkKind, Provenance
from trgraph.model.records import canonical, link_id
from trgraph.resolve.align import REVIEW_CAP
from trgraph.resolve.index import CandidateIndex, Hit, Query
from trgraph.resolve.titles import TITLE_FEATURE
from trgraph.store import Store

DATASET = "screen"
AUTO = "auto"
PENDING = "pending"
CONFIRMED = "confirmed"
REJECTED = "rejected"
STATUSES = (AUTO, PENDING, CONFIRMED, REJECTED)
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ScreenConfig:
    """Thresholds and switches of a screening run."""

    auto: float = 0.9
    review: float = 0.7
    lists: bool = True
    per_subject: int = 5
    per_entry: int = 2

    def validate(self) -> ScreenConfig:
        """Raise :class:`ConfigError` for thresholds out of order or range."""
        if not 0.0 < self.review <= self.auto <= 1.0:
            raise ConfigError(
                f"thresholds must satisfy 0 < review ({self.review}) <= auto ({self.auto}) <= 1"
            )
        if self.per_subject < 1 or self.per_entry < 1:
            raise ConfigError("at least one candidate per subject must be kept")
        return self

    def status(self, score: float) -> str | None:
        """``auto``, ``pending`` or None (below review) for a score."""
        if score >= self.auto:
            return AUTO
        if score >= self.review:
            return PENDING
        return None

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {"auto": self.auto, "review": self.review, "lists": self.lists, "per_subject": self.per_subject,
                "per_entry": self.per_entry}


@dataclass(slots=True)
class Match:
    """One proposed or decided pair, subject → candidate."""

    id: str
    subject: Entity
    candidate: Entity
    score: float
    status: str
    proposed: str
    explanation: JsonDict
    evidence_hash: str
    scope: str  # "register" | "lists"
    decision: Decision | None = None
    evidence_changed: bool = False
    new: bool = False

    @property
    def kind(self) -> LinkKind | None:
        """The link kind this outcome is stated as (None: not linked)."""
        if self.status in (AUTO, CONFIRMED):
            return LinkKind.SAME_AS
        if self.status == PENDING:
            return LinkKind.POSSIBLY_SAME_AS
        return None

    def to_dict(self) -> JsonDict:
        """The PRODUCT.md ``matches`` shape (plus kind, scope, decision and evidence keys)."""
        return {
            "id": self.id,
            "subject": {"id": self.subject.id, "name": self.subject.name},
            "candidate": {"id": self.candidate.id, "name": self.candidate.name,
                          "dataset": self.candidate.provenance.dataset},
            "score": round(self.score, 4),
            "status": self.status,
            "explanation": self.explanation,
            "kind": self.kind.value if self.kind else None,
            "scope": self.scope,
            "proposed": self.proposed,
            "decision": self.decision.to_dict() if self.decision else None,
            "evidence_changed": self.evidence_changed,
            "new": self.new,
        }

    def link(self) -> Link | None:
        """The ``screen`` link stating this outcome, or None for a rejected pair."""
        kind = self.kind
        if kind is None:
            return None
        attrs: JsonDict = {
            "match_id": self.id,
            "score": round(self.score, 4),
            "status": self.status,
            "proposed": self.proposed,
            "scope": self.scope,
            "explanation": self.explanation,
            "evidence_hash": self.evidence_hash,
        }
        if self.decision is not None and self.status == CONFIRMED:
            attrs.update(decided_by=self.decision.by, decided_at=self.decision.at, reason=self.decision.reason)
        return Link(
            id=match_link_id(self.subject.id, self.candidate.id),
            kind=kind,
            source=self.subject.id,
            target=self.candidate.id,
            provenance=Provenance(DATASET, self.id, "trgraph screen"),
            attrs=attrs,
        )


@dataclass(slots=True)
class ScreenResult:
    """What a screening run found and wrote."""

    run_id: int | None
    config: ScreenConfig
    matches: list[Match]
    subjects: int = 0
    list_entries: int = 0
    candidates: int = 0
    seconds: float = 0.0
    added: int = 0
    altered: int = 0
    removed: int = 0
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Matches by status."""
        return {s: sum(1 for m in self.matches if m.status == s) for s in STATUSES}

    def to_dict(self) -> JsonDict:
        """``{"matches": [...]}`` plus the run's summary."""
        return {
            "matches": [m.to_dict() for m in self.matches],
            "run": self.run_id,
            "config": self.config.to_dict(),
            "subjects": self.subjects,
            "list_entries": self.list_entries,
            "candidates": self.candidates,
            "counts": self.counts(),
            "new": sum(1 for m in self.matches if m.new),
            "changes": {"added": self.added, "altered": self.altered, "removed": self.removed},
            "seconds": round(self.seconds, 2),
            "notes": self.notes,
        }


def match_id(subject: str, candidate: str) -> str:
    """Deterministic match id of a (subject, candidate) pair: ``m-`` and 12 hex digits."""
    return "m-" + canonical({"s": subject, "c": candidate})[1][:12]


def match_link_id(subject: str, candidate: str) -> str:
    """The id of a pair's ``screen`` link; the same whether it is stated as same_as or possibly_same_as."""
    return link_id(LinkKind.SAME_AS, subject, candidate, DATASET)


def evidence_hash(subject: Entity, candidate: Entity) -> str:
    """Hash of what a decision about the pair rests on: both sides' names, country and identifiers."""

    def facts(e: Entity) -> JsonDict:
        return {"names": sorted(set(e.all_names())), "country": e.country, "ids": dict(sorted(e.identifiers.items()))}

    return canonical({"s": facts(subject), "c": facts(candidate)})[1][:16]


def is_subject(entity: Entity) -> bool:
    """A register entity (partner, funder, person)."""
    return bool(entity.attrs.get("register")) and entity.kind is not EntityKind.HOME


#: Datasets that record trgraph's own outcomes (``changes``' risk snapshots), never real bodies.
OUTCOME_DATASETS = frozenset({"risk_snapshot"})


def is_candidate(entity: Entity) -> bool:
    """Anything a subject may be matched to: not the register, not home, not a vessel, not a risk snapshot."""
    return (
        not is_subject(entity)
        and entity.kind is not EntityKind.HOME
        and entity.attrs.get("category") != "vessel"
        and entity.provenance.dataset not in OUTCOME_DATASETS
    )


def is_list_entry(entity: Entity) -> bool:
    """A list organisation: flagged or on a list."""
    return entity.kind is EntityKind.ORGANISATION and bool(entity.flags or entity.lists) and is_candidate(entity)


def is_registry(entity: Entity) -> bool:
    """A registry organisation (ROR, GLEIF, OpenAlex …): no flags, no lists, not made up by a links file."""
    return (
        entity.kind is EntityKind.ORGANISATION
        and not entity.flags
        and not entity.lists
        and is_candidate(entity)
        and entity.attrs.get("created_by") != "links"
    )


def query_for(entity: Entity, *, acronyms: bool = True) -> Query:
    """The search query for an entity: all its names (acronyms optional), kind, country and identifiers."""
    query = Query(entity.id, entity.all_names(), entity.kind, entity.country, dict(entity.identifiers))
    if not acronyms:
        query.forms = [f for f in query.forms if f.acronym is None] or query.forms
    return query


#: Names kept by blocking per list-entry name: list names are spelt as the registry spells them
#: (a register's typos are why subjects keep more).
LIST_BLOCK = 10

#: Methods too weak to carry a list flag onto a registry organisation on their own.
WEAK_METHODS = frozenset({"acronym", "initials"})


def strong(hits: list[Hit], config: ScreenConfig) -> list[Hit]:
    """Hits fit to carry a list flag onto a registry organisation: not by acronym alone, not a
    single word below the auto threshold, not a namesake in another country."""
    return [
        h for h in hits
        if h.method not in WEAK_METHODS
        and not (h.method == "single_word" and h.score < config.auto)
        and "country_conflict" not in h.features
    ]


def namesakes_for_review(hits: list[Hit]) -> list[Hit]:
    """A name that several records of one registry or list bear (:attr:`Hit.shared`: "Ministry of
    Defence", "National Defense University") does not say which is meant: unless the country
    agrees, each such hit is for an analyst (at most ``REVIEW_CAP``), never linked unseen."""
    return [
        replace(h, score=REVIEW_CAP, features={**h.features, "shared_name": float(h.shared)})
        if h.shared and h.score > REVIEW_CAP and "country_agrees" not in h.features else h
        for h in hits
    ]


def dominant(hits: list[Hit], config: ScreenConfig) -> list[Hit]:
    """Drop partial candidates when the subject has an exact one: a name that is, word for word,
    a registry or list name above the auto threshold is explained; "Nanjing University" then no
    longer suggests "Nanjing Tech University"."""
    if any(h.exact and h.score >= config.auto for h in hits):
        return [h for h in hits if h.score >= config.auto]
    return hits


def screen(store: Store, config: ScreenConfig | None = None, *, progress: Progress | None = None) -> ScreenResult:
    """Run screening over the whole store and restate the ``screen`` dataset (see the module doc)."""
    from trgraph.resolve.ledger import effective_decisions, history

    config = (config or ScreenConfig()).validate()
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    entities = list(store.iter_entities())
    subjects = [e for e in entities if is_subject(e)]
    pool = [e for e in entities if is_candidate(e)]
    say(f"screen: indexing {len(pool):,} candidate entities")
    part_of = [(lk.source, lk.target) for lk in store.iter_links(kinds=[LinkKind.PART_OF])]
    index = CandidateIndex(pool, part_of=part_of)
    say(f"screen: {len(index.forms):,} names indexed; searching {len(subjects):,} register subjects")
    found: dict[str, Match] = {}
    hits = index.search_many([query_for(e) for e in subjects], limit=config.per_subject, min_score=config.review)
    for subject, subject_hits in zip(subjects, hits, strict=True):
        _collect(found, subject, dominant(namesakes_for_review(subject_hits), config), "register", config)
    entries: list[Entity] = []
    if config.lists:
        entries = [e for e in pool if is_list_entry(e)]
        say(f"screen: linking {len(entries):,} list entries to registry organisations")
        hits = index.search_many(
            [query_for(e, acronyms=False) for e in entries], limit=config.per_entry, min_score=config.review,
            accept=is_registry, block=LIST_BLOCK,
        )
        for entry, entry_hits in zip(entries, hits, strict=True):
            _collect(found, entry, dominant(strong(namesakes_for_review(entry_hits), config), config), "lists", config)

    by_id = {e.id: e for e in entities}
    previous = {str(lk.attrs["match_id"]): lk for lk in store.iter_links(dataset=DATASET) if lk.attrs.get("match_id")}
    decisions = effective_decisions(store.decisions())
    matches = merge(found, previous, decisions, by_id, config, history(store) if decisions else {})
    result = ScreenResult(None, config, matches, len(subjects), len(entries), len(pool))
    write_outcomes(store, result, source=f"trgraph screen auto={config.auto} review={config.review}",
                   digest=_inputs_hash(store, config))
    result.seconds = time.perf_counter() - started
    return result


def _collect(found: dict[str, Match], subject: Entity, hits: Iterable[Hit], scope: str, config: ScreenConfig) -> None:
    for hit in hits:
        status = config.status(hit.score)
        if status is None:
            continue
        mid = match_id(subject.id, hit.entity.id)
        if mid in found:
            continue
        found[mid] = Match(
            mid, subject, hit.entity, hit.score, status, status, explain(hit),
            evidence_hash(subject, hit.entity), scope,
        )


def explain(hit: Hit) -> JsonDict:
    """The JSON explanation of a hit: method, names compared, features and token weights."""
    if hit.name_score is None:
        return {"method": hit.method, "features": hit.features, "score": hit.score,
                "summary": "identifier match: the same registry identifier on both sides"}
    out = hit.name_score.explain()
    out["method"] = hit.method
    out["features"] = {k: round(v, 4) for k, v in hit.features.items()}
    out["score"] = hit.score
    out["summary"] = _summary(hit, out)
    return out


def _summary(hit: Hit, out: JsonDict) -> str:
    parts = [f"{out['subject_name']!r} ~ {out['candidate_name']!r} by {hit.method} ({out['name_score']:.2f})"]
    missing = out.get("unmatched") or {}
    for side in ("subject", "candidate"):
        if missing.get(side):
            parts.append(f"only the {side} has {', '.join(missing[side])}")
    for key, value in hit.features.items():
        if key.startswith("country_"):
            parts.append(f"{key.replace('_', ' ')} ({value:+.2f})")
    if TITLE_FEATURE in hit.features:
        parts.append(f"{out['candidate_name']!r} is the title of the Wikipedia article the record links to, "
                     "not one of its registered names")
    if "shared_name" in hit.features:
        parts.append(f"{hit.features['shared_name']:.0f} records of {hit.entity.provenance.dataset} bear this name "
                     "and no country tells which")
    return "; ".join(parts)


def merge(
    found: dict[str, Match],
    previous: dict[str, Link],
    decisions: dict[str, Decision],
    entities: dict[str, Entity],
    config: ScreenConfig,
    past_docs: dict[str, JsonDict],
) -> list[Match]:
    """Combine what this run found with earlier outcomes and the ledger (see the module doc)."""
    out: dict[str, Match] = {}
    for mid, match in found.items():
        match.new = mid not in previous and mid not in decisions
        out[mid] = match
    for mid, lk in previous.items():
        if mid in out:
            continue
        kept = _from_link(lk, entities, config)
        if kept is not None and (kept.evidence_hash == str(lk.attrs.get("evidence_hash")) or mid in decisions):
            out[mid] = kept
    for mid, decision in decisions.items():
        decided = out.get(mid) or _from_history(mid, decision, entities, past_docs, previous.get(mid))
        if decided is None:
            continue
        out[mid] = decided
        apply_decision(decided, decision, config)
    ordered = sorted(out.values(), key=lambda m: (m.scope != "register", m.subject.id, -m.score, m.candidate.id))
    return [m for m in ordered if m.status in STATUSES]


def apply_decision(match: Match, decision: Decision, config: ScreenConfig) -> None:
    """Set a match's status from its effective ledger decision."""
    match.decision = decision
    if decision.action is Action.CONFIRM:
        match.status = CONFIRMED
    elif decision.action is Action.REJECT:
        if decision.evidence_hash and decision.evidence_hash != match.evidence_hash:
            # The evidence changed since the rejection: propose the pair again, by score.
            match.evidence_changed = True
            match.status = config.status(match.score) or REJECTED
        else:
            match.status = REJECTED


def _from_link(lk: Link, entities: dict[str, Entity], config: ScreenConfig) -> Match | None:
    subject, candidate = entities.get(lk.source), entities.get(lk.target)
    if subject is None or candidate is None:
        return None
    score = float(lk.attrs.get("score") or 0.0)
    proposed = config.status(score)
    if proposed is None:
        return None
    return Match(
        str(lk.attrs["match_id"]), subject, candidate, score, proposed, proposed,
        dict(lk.attrs.get("explanation") or {}), evidence_hash(subject, candidate), str(lk.attrs.get("scope") or "")
    )


def _from_history(
    mid: str, decision: Decision, entities: dict[str, Entity], docs: dict[str, JsonDict], current: Link | None
) -> Match | None:
    """A decided pair this run did not find: rebuilt from its last link (current or in history)."""
    subject, candidate = entities.get(decision.subject), entities.get(decision.candidate)
    if subject is None or candidate is None:
        return None
    doc = current.attrs if current is not None else docs.get(mid, {}).get("attrs", {})
    score = float(doc.get("score") or 0.0)
    return Match(
        mid, subject, candidate, score, str(doc.get("proposed") or PENDING), str(doc.get("proposed") or PENDING),
        dict(doc.get("explanation") or {"summary": "decided by an analyst; no longer proposed by screening"}),
        evidence_hash(subject, candidate), str(doc.get("scope") or "register"),
    )


def write_outcomes(store: Store, result: ScreenResult, *, source: str, digest: str, kind: str = "screen") -> None:
    """Restate every linked outcome as the ``screen`` dataset in one all-or-nothing job."""
    links = [lk for lk in (m.link() for m in result.matches) if lk is not None]
    with store.begin(kind=kind, dataset=DATASET, source=source, file_hash=digest, replace=True) as writer:
        writer.put_links(links)
        summary = writer.commit(accepted=len(links), rejected=0)
    result.run_id = summary.run.id
    result.added, result.altered, result.removed = summary.run.added, summary.run.altered, summary.run.removed


def _inputs_hash(store: Store, config: ScreenConfig) -> str:
    runs = [r.id for r in store.runs() if r.dataset != DATASET and r.status == "ok"]
    ledger = store.decisions()
    return canonical({"runs": runs, "ledger": ledger[-1].seq if ledger else 0, "config": config.to_dict()})[1]
