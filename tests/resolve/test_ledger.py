"""The analyst ledger: confirm/reject/undo round trips; decisions survive re-ingest and re-screen.

Uses small extracts of real data (tests/fixtures/resolve/README.md): ROR records and Entity
List rows, and an invented register.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from trgraph.cli.data import ingest_source
from trgraph.model import Action, LinkKind
from trgraph.resolve import (
    CONFIRMED,
    PENDING,
    REJECTED,
    ScreenConfig,
    current_matches,
    decide,
    effective_decisions,
    list_matches,
    screen,
)
from trgraph.resolve.screen import DATASET, match_id
from trgraph.store import EmbeddedStore, Store

HERE = FIXTURES / "resolve"
SUBJECT = "register:partner:fudan-microelectronics-group"
CANDIDATE = "csl:466dd5ad6b27f575b7ed1d78"  # Shanghai Fudan Microelectronics Co., Ltd. (Entity List)
PAIR = match_id(SUBJECT, CANDIDATE)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = EmbeddedStore(tmp_path / "ledger.db")
    ingest_source(s, "ror", HERE / "ror_extract.json")
    ingest_source(s, "csl", HERE / "csl_v1.csv")
    ingest_source(s, "partners", HERE / "register.csv")
    yield s
    s.close()


def link_of(store: Store, mid: str) -> tuple[LinkKind, str] | None:
    for lk in store.iter_links(dataset=DATASET):
        if lk.attrs.get("match_id") == mid:
            return lk.kind, str(lk.attrs["status"])
    return None


def test_screen_proposes_the_pair_for_review(store: Store) -> None:
    result = screen(store)
    match = next(m for m in result.matches if m.id == PAIR)
    assert match.status == PENDING and match.new
    assert link_of(store, PAIR) == (LinkKind.POSSIBLY_SAME_AS, PENDING)
    assert match.explanation["summary"]


def test_confirm_undo_reject_undo_round_trip(store: Store) -> None:
    screen(store)
    decide(store, PAIR, "confirm", reason="same company: group parent", by="alice", at="2026-08-01T10:00:00+00:00")
    assert link_of(store, PAIR) == (LinkKind.SAME_AS, CONFIRMED)
    decide(store, PAIR, Action.UNDO, reason="confirmed too early", by="alice")
    assert link_of(store, PAIR) == (LinkKind.POSSIBLY_SAME_AS, PENDING)
    decide(store, PAIR, "reject", reason="a different test-chip vendor", by="bob")
    assert link_of(store, PAIR) is None  # a rejected pair is not linked: it cannot pass risk
    assert [m.id for m in list_matches(store, REJECTED)] == [PAIR]
    decide(store, PAIR, "undo", reason="needs a second look", by="bob")
    assert link_of(store, PAIR) == (LinkKind.POSSIBLY_SAME_AS, PENDING)
    assert current_matches(store)[PAIR].status == PENDING


def test_ledger_records_who_when_why(store: Store) -> None:
    screen(store)
    decide(store, PAIR, "reject", reason="different company", by="carol", at="2026-08-02T09:30:00+00:00")
    decide(store, PAIR, "confirm", reason="checked the register: same", by=None)
    first, second = store.decisions()
    assert (first.by, first.at, first.reason, first.action) == (
        "carol", "2026-08-02T09:30:00+00:00", "different company", Action.REJECT)
    assert second.by  # the OS user when --by is not given
    assert second.at.endswith("+00:00") and first.evidence_hash == second.evidence_hash != ""
    assert effective_decisions(store.decisions())[PAIR].action is Action.CONFIRM


def test_confirmed_pair_stays_linked_whatever_the_thresholds(store: Store) -> None:
    screen(store)
    decide(store, PAIR, "confirm", reason="same company", by="alice")
    result = screen(store, ScreenConfig(auto=0.99, review=0.98))
    assert next(m for m in result.matches if m.id == PAIR).status == CONFIRMED
    assert link_of(store, PAIR) == (LinkKind.SAME_AS, CONFIRMED)


def test_rejection_survives_reingest_of_the_same_and_of_a_changed_list(store: Store) -> None:
    screen(store)
    decide(store, PAIR, "reject", reason="a different company", by="alice")
    ingest_source(store, "csl", HERE / "csl_v1.csv", force=True)  # the same list again
    result = screen(store)
    assert next(m for m in result.matches if m.id == PAIR).status == REJECTED
    assert link_of(store, PAIR) is None
    ingest_source(store, "csl", HERE / "csl_v2.csv")  # an update that adds an entry
    result = screen(store)
    assert next(m for m in result.matches if m.id == PAIR).status == REJECTED
    assert link_of(store, PAIR) is None
    new = [m for m in result.matches if m.new]
    assert [m.candidate.name for m in new] == ["Nanjing University of Science and Technology"]


def test_rejection_lapses_when_the_evidence_changes(store: Store) -> None:
    screen(store)
    decide(store, PAIR, "reject", reason="a different company", by="alice")
    ingest_source(store, "csl", HERE / "csl_v3_changed_alias.csv")  # the entry gains an alias
    result = screen(store)
    match = next(m for m in result.matches if m.id == PAIR)
    assert match.evidence_changed and match.status != REJECTED
    assert link_of(store, PAIR) is not None
    assert next(m for m in list_matches(store, match.status) if m.id == PAIR).evidence_changed


def test_rescreen_keeps_outcomes_and_reports_nothing_new(store: Store) -> None:
    first = screen(store)
    second = screen(store)
    assert [(m.id, m.status) for m in first.matches] == [(m.id, m.status) for m in second.matches]
    assert not any(m.new for m in second.matches)
    assert second.added == second.removed == second.altered == 0


def test_errors(store: Store) -> None:
    screen(store)
    from trgraph.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no match"):
        decide(store, "m-000000000000", "confirm", reason="x")
    with pytest.raises(NotFoundError, match="no decision to undo"):
        decide(store, PAIR, "undo", reason="x")
    with pytest.raises(ValueError, match="reason"):
        decide(store, PAIR, "confirm", reason="   ")
    with pytest.raises(ValueError):
        list_matches(store, "maybe")
