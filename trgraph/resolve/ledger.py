"""The analyst ledger: confirm, reject and undo matches; list the review queue.

The ledger (``Store.add_decision``) is append-only and the source of truth for
decisions. A match's effective decision is found by replaying its lines in order:
``confirm`` and ``reject`` push a decision, ``undo`` pops the latest one, so every
decision is reversible, step by step. Each line records who (``--by`` or the OS
user), when (UTC) and why, and the evidence hash of the pair at that moment: a
rejection holds only while the evidence is unchanged.

After a decision the ``screen`` dataset is restated at once (a small job of kind
``decide``) so that a rejected pair stops being linked and a confirmed one becomes
``same_as`` without waiting for the next screening run. Outcomes of pairs that are no
longer linked (rejected ones) are recovered from the store's change history.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from trgraph.errors import NotFoundError
from trgraph.model import Action, Decision, Entity, JsonDict
from trgraph.model.records import canonical
from trgraph.resolve.screen import (
    DATASET,
    PENDING,
    REJECTED,
    STATUSES,
    Match,
    ScreenConfig,
    ScreenResult,
    apply_decision,
    evidence_hash,
    write_outcomes,
)
from trgraph.store import Store


@dataclass(slots=True)
class DecideResult:
    """The recorded decision and the match as it now stands."""

    decision: Decision
    match: Match
    run_id: int | None

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {"decision": self.decision.to_dict(), "match": self.match.to_dict(), "run": self.run_id}


def effective_decisions(ledger: Iterable[Decision]) -> dict[str, Decision]:
    """The decision in force per match id (``undo`` pops the latest confirm/reject)."""
    stacks: dict[str, list[Decision]] = {}
    for decision in ledger:
        stack = stacks.setdefault(decision.match_id, [])
        if decision.action is Action.UNDO:
            if stack:
                stack.pop()
        else:
            stack.append(decision)
    return {mid: stack[-1] for mid, stack in stacks.items() if stack}


def history(store: Store) -> dict[str, JsonDict]:
    """The last known ``screen`` link document per match id, from the change history."""
    runs = [r.id for r in store.runs() if r.dataset == DATASET]
    if not runs:
        return {}
    docs: dict[str, JsonDict] = {}
    for change in store.changes(since_run=min(runs) - 1, what="link"):
        if change.dataset != DATASET:
            continue
        for doc in (change.old, change.new):
            if doc and isinstance(doc.get("attrs"), dict) and doc["attrs"].get("match_id"):
                docs[str(doc["attrs"]["match_id"])] = doc
    for lk in store.iter_links(dataset=DATASET):
        if lk.attrs.get("match_id"):
            docs[str(lk.attrs["match_id"])] = lk.to_dict()
    return docs


def current_matches(store: Store) -> dict[str, Match]:
    """Every pair the ledger or the ``screen`` dataset knows, with its status now."""
    links = list(store.iter_links(dataset=DATASET))
    decisions = effective_decisions(store.decisions())
    ids = {lk.source for lk in links} | {lk.target for lk in links}
    ids |= {d.subject for d in decisions.values()} | {d.candidate for d in decisions.values()}
    entities = store.get_entities(sorted(ids))
    out: dict[str, Match] = {}
    config = _thresholds(store)
    for lk in links:
        match = _match_from_doc(lk.to_dict(), entities)
        if match is None:
            continue
        decision = decisions.get(match.id)
        if decision is not None:
            match.status = match.proposed
            apply_decision(match, decision, config)
        out[match.id] = match
    missing = [mid for mid in decisions if mid not in out]
    docs = history(store) if missing else {}
    for mid in missing:
        decision = decisions[mid]
        doc = docs.get(mid) or {"source": decision.subject, "target": decision.candidate, "attrs": {}}
        match = _match_from_doc(doc, entities, mid)
        if match is None:
            continue
        apply_decision(match, decision, config)
        out[mid] = match
    return out


def list_matches(store: Store, status: str | None = None) -> list[Match]:
    """The review queue and the decided pairs, optionally of one status, subjects in id order."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    found = [m for m in current_matches(store).values() if status is None or m.status == status]
    return sorted(found, key=lambda m: (m.scope != "register", m.subject.id, -m.score, m.candidate.id))


def decide(
    store: Store,
    match_ref: str,
    action: Action | str,
    *,
    reason: str,
    by: str | None = None,
    at: str | None = None,
) -> DecideResult:
    """Record an analyst decision on a match and restate the ``screen`` links accordingly."""
    action = Action(action)
    if not reason.strip():
        raise ValueError("a decision needs a reason")
    matches = current_matches(store)
    match = matches.get(match_ref)
    if match is None:
        raise NotFoundError(f"no match with id {match_ref!r} (see `trgraph matches`)")
    in_force = effective_decisions(store.decisions()).get(match.id)
    if action is Action.UNDO and in_force is None:
        raise NotFoundError(f"match {match.id} has no decision to undo")
    decision = store.add_decision(
        Decision(
            match_id=match.id,
            subject=match.subject.id,
            candidate=match.candidate.id,
            action=action,
            reason=reason.strip(),
            by=by or _os_user(),
            at=at or datetime.now(UTC).replace(microsecond=0).isoformat(),
            evidence_hash=evidence_hash(match.subject, match.candidate),
        )
    )
    config = _thresholds(store)
    now_in_force = effective_decisions(store.decisions()).get(match.id)
    match.decision = None
    match.status = match.proposed
    match.evidence_changed = False
    if now_in_force is not None:
        apply_decision(match, now_in_force, config)
    matches[match.id] = match
    kept = [m for m in matches.values() if m.status != REJECTED]
    result = ScreenResult(None, config, kept)
    write_outcomes(store, result, source=f"trgraph decide {match.id} {action.value}",
                   digest=canonical({"decision": decision.seq})[1], kind="decide")
    return DecideResult(decision, match, result.run_id)


def _match_from_doc(doc: JsonDict, entities: dict[str, Entity], mid: str | None = None) -> Match | None:
    subject, candidate = entities.get(str(doc.get("source"))), entities.get(str(doc.get("target")))
    if subject is None or candidate is None:
        return None
    attrs = doc.get("attrs") or {}
    proposed = str(attrs.get("proposed") or PENDING)
    status = str(attrs.get("status") or proposed)
    return Match(
        id=mid or str(attrs.get("match_id")),
        subject=subject,
        candidate=candidate,
        score=float(attrs.get("score") or 0.0),
        status=status if status in STATUSES else proposed,
        proposed=proposed,
        explanation=dict(attrs.get("explanation") or {}),
        evidence_hash=evidence_hash(subject, candidate),
        scope=str(attrs.get("scope") or "register"),
    )


def _thresholds(store: Store) -> ScreenConfig:
    """The thresholds of the latest screening run (they are part of its source line), else defaults."""
    for run in reversed(store.runs()):
        if run.dataset == DATASET and run.kind == "screen" and run.status == "ok":
            values = dict(part.split("=", 1) for part in run.source.split() if "=" in part)
            try:
                return ScreenConfig(auto=float(values["auto"]), review=float(values["review"]))
            except (KeyError, ValueError):
                break
    return ScreenConfig()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return "unknown"

