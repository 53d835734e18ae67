"""The saved whole-store index: reused only while the store, the day and the settings are unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.queries.indexes import assert_same, facts_of
from tests.risk.stores import add, graph_store, link, org
from trgraph.model import Action, Decision
from trgraph.queries import snapshot
from trgraph.queries.index import build_index
from trgraph.queries.paths import find_paths
from trgraph.queries.weights import Weights
from trgraph.store import EmbeddedStore

TODAY = "2026-01-01"


def small_store(path: Path) -> EmbeddedStore:
    return graph_store(path, [org("t:x", "sanction"), org("t:y"), org("t:z"), org("t:lab")],
                       [link("part_of", "t:y", "t:x"), link("part_of", "t:lab", "t:z")])


def no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(snapshot, "build_index", refuse)


def test_a_saved_index_is_loaded_while_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = small_store(tmp_path / "s.db")
    built = snapshot.current_index(store, today=TODAY)
    assert snapshot.snapshot_path(store).is_file()
    no_build(monkeypatch)
    loaded = snapshot.current_index(store, today=TODAY)
    assert_same(loaded, built)
    assert_same(loaded, build_index(store, today=TODAY))
    reopened = EmbeddedStore(store.path)  # another process, same store
    assert_same(snapshot.current_index(reopened, today=TODAY), built)
    store.close()
    reopened.close()


def test_every_write_makes_the_saved_index_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = small_store(tmp_path / "s.db")
    before = snapshot.current_index(store, today=TODAY)
    add(store, [org("t:z", "military")], [], dataset="t2", replace=False)  # an ingest flags the lab's parent
    after = snapshot.current_index(store, today=TODAY)
    assert "t:z" not in dict(facts_of(before)["flags"])
    assert "t:z" in dict(facts_of(after)["flags"])
    assert_same(after, build_index(store, today=TODAY))
    generation = store.generation()
    store.add_decision(Decision("m1", "t:y", "t:x", Action.REJECT, "not the same", "analyst", "2026-01-01T00:00:00"))
    assert store.generation()[1] == generation[1] + 1  # a decision is a write too
    assert snapshot.snapshot_key(store, ["aspi"], TODAY) != snapshot.snapshot_key(store, ["aspi"], "2026-01-02")
    assert snapshot.snapshot_key(store, ["aspi"], TODAY) != snapshot.snapshot_key(store, ["aspi", "x"], TODAY)
    store.close()


def test_ended_links_are_judged_against_the_day_of_the_query(tmp_path: Path) -> None:
    store = graph_store(tmp_path / "s.db", [org("t:x", "sanction"), org("t:y")],
                        [link("owned_by", "t:y", "t:x", end_date="2026-06-30")])
    assert not snapshot.current_index(store, today="2026-01-01").ended.any()
    assert snapshot.current_index(store, today="2026-07-01").ended.all()  # not the saved one of another day
    store.close()


def test_an_index_saved_beside_another_store_is_never_used(tmp_path: Path) -> None:
    first = small_store(tmp_path / "a.db")
    snapshot.current_index(first, today=TODAY)
    second = graph_store(tmp_path / "b.db", [org("t:q", "sanction"), org("t:r")], [link("part_of", "t:r", "t:q")])
    assert second.generation()[1] == first.generation()[1]  # same write count, different store
    shutil.copy(snapshot.snapshot_path(first), snapshot.snapshot_path(second))
    got = snapshot.current_index(second, today=TODAY)
    assert "t:q" in got.pos and "t:x" not in got.pos
    first.close()
    second.close()


def test_a_damaged_or_foreign_file_is_rebuilt_not_an_error(tmp_path: Path) -> None:
    store = small_store(tmp_path / "s.db")
    path = snapshot.snapshot_path(store)
    for junk in (b"", b"PK\x03\x04 not really a zip", b"\x93NUMPY garbage"):
        path.write_bytes(junk)
        assert_same(snapshot.current_index(store, today=TODAY), build_index(store, today=TODAY))
        assert snapshot.load_index(path, snapshot.snapshot_key(store, ["aspi"], TODAY)) is not None  # saved anew
    store.close()


def test_an_unwritable_folder_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = small_store(tmp_path / "s.db")

    def fail(*_args: object) -> None:
        raise PermissionError("read-only folder")

    monkeypatch.setattr(snapshot, "save_index", fail)
    assert "t:x" in snapshot.current_index(store, today=TODAY).pos
    assert not snapshot.snapshot_path(store).exists()
    assert not list(tmp_path.glob("*.tmp"))
    store.close()


def test_paths_read_through_the_saved_index_equal_those_of_a_fresh_build(tmp_path: Path) -> None:
    store = small_store(tmp_path / "s.db")
    weights = Weights()
    entity = store.get_entity("t:y")
    assert entity is not None
    fresh = find_paths(store, entity, weights, index=build_index(store))
    first = find_paths(store, entity, weights)  # builds and saves
    again = find_paths(store, entity, weights)  # loads
    assert first.to_dict() == fresh.to_dict() == again.to_dict()
    assert len(again.paths) == 1 and again.paths[0].entity_ids() == {"t:y", "t:x"}
    store.close()
