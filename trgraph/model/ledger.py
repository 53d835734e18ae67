"""Runs, changes and analyst decisions: the store's bookkeeping records."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from trgraph.model.records import JsonDict


class ChangeKind(StrEnum):
    """What happened to a fact in one ingest run."""

    ADDED = "added"
    REMOVED = "removed"
    ALTERED = "altered"


@dataclass(frozen=True, slots=True)
class Run:
    """One ingest (or screening) job: what was read, when, and what it changed."""

    id: int
    kind: str
    dataset: str
    source: str
    file_hash: str
    started_at: str
    finished_at: str | None
    status: str
    accepted: int
    rejected: int
    added: int
    altered: int
    removed: int

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {
            "id": self.id,
            "kind": self.kind,
            "dataset": self.dataset,
            "source": self.source,
            "file_hash": self.file_hash,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "status": self.status,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "added": self.added,
            "altered": self.altered,
            "removed": self.removed,
        }


@dataclass(frozen=True, slots=True)
class Change:
    """One entity or link added, removed or altered by a run (``old``/``new`` are the docs)."""

    run_id: int
    what: str  # "entity" | "link"
    id: str
    change: ChangeKind
    dataset: str
    name: str
    old: JsonDict | None
    new: JsonDict | None

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {
            "run_id": self.run_id,
            "what": self.what,
            "id": self.id,
            "change": self.change.value,
            "dataset": self.dataset,
            "name": self.name,
            "old": self.old,
            "new": self.new,
        }


class Action(StrEnum):
    """What an analyst can decide about a proposed match."""

    CONFIRM = "confirm"
    REJECT = "reject"
    UNDO = "undo"


@dataclass(frozen=True, slots=True)
class Decision:
    """One line of the analyst ledger: append-only; the latest line per match wins."""

    match_id: str
    subject: str
    candidate: str
    action: Action
    reason: str
    by: str
    at: str
    evidence_hash: str = ""
    seq: int = 0

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {
            "seq": self.seq,
            "match_id": self.match_id,
            "subject": self.subject,
            "candidate": self.candidate,
            "action": self.action.value,
            "reason": self.reason,
            "by": self.by,
            "at": self.at,
            "evidence_hash": self.evidence_hash,
        }
