"""Big files are read in a child process: same store, same rejections, same errors as in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from trgraph.cli.data import ingest_source
from trgraph.errors import InputError
from trgraph.ingest import parallel
from trgraph.store import EmbeddedStore

FTM = Path(__file__).resolve().parents[1] / "fixtures" / "ftm"


def snapshot(db: Path, threshold: int, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", threshold)
    store = EmbeddedStore(db)
    try:
        result = ingest_source(store, "ftm", FTM / "sample.ftm.json")
        entities = sorted((e.id, e.to_dict()["name"]) for e in store.iter_entities())
        links = sorted(lk.id for e in store.iter_entities() for lk in store.links_of(e.id, "out"))
        rejected = [(r.line, r.reason) for r in result.rejections]
        return entities, links, rejected, result.entities, result.links
    finally:
        store.close()


def test_a_child_process_loads_exactly_what_this_process_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    children: list[int] = []
    real = parallel.items

    def spy(*args: object) -> object:
        children.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "items", spy)
    in_process = snapshot(tmp_path / "a.db", 1 << 62, monkeypatch)
    assert children == []
    in_child = snapshot(tmp_path / "b.db", 0, monkeypatch)
    assert children == [1]
    assert in_child == in_process and in_process[0] and in_process[2]


def test_a_file_problem_in_the_child_is_an_input_error_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    store = EmbeddedStore(tmp_path / "s.db")
    try:
        with pytest.raises(InputError, match="no FollowTheMoney records"):
            ingest_source(store, "ftm", FTM / "no_records.ftm.json")
        assert store.stats()["entities"] == 0 and store.last_run("ftm", "ftm") is None
    finally:
        store.close()


def test_small_files_and_one_core_stay_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not parallel.worth_it(FTM / "sample.ftm.json")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 1)
    assert not parallel.worth_it(FTM / "sample.ftm.json")
