"""Embedded-store specifics: crash safety and the cross-process write lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trgraph.errors import StoreError, StoreLockedError
from trgraph.store.embedded import EmbeddedStore

# A real ingest job (run_ingest + the real writer) whose loader stops mid-stream, after
# many rows are staged, and waits to be killed.
_KILLED_JOB = r"""
import sys, time
from pathlib import Path
from trgraph.ingest.base import LoaderSpec
from trgraph.ingest.job import run_ingest
from trgraph.model import Entity, EntityKind, Provenance
from trgraph.store.embedded import EmbeddedStore

def load(path, dataset):
    for i in range(50_000):
        yield Entity(f"{dataset}:{i}", EntityKind.ORGANISATION, f"Org {i}", Provenance(dataset, str(i), "x"))
    Path(sys.argv[2]).write_text("staged")
    time.sleep(60)
    yield Entity(f"{dataset}:end", EntityKind.ORGANISATION, "End", Provenance(dataset, "end", "x"))

store = EmbeddedStore(sys.argv[1])
run_ingest(store, LoaderSpec("test", "t", load, "test"), Path(sys.argv[3]))
"""


def _seed(path: Path) -> dict[str, object]:
    from trgraph.model import Entity, EntityKind, Provenance

    store = EmbeddedStore(path)
    with store.begin(kind="seed", dataset="t", source="s", file_hash="h", replace=True) as w:
        w.put_entities([Entity("t:seed", EntityKind.ORGANISATION, "Seed", Provenance("t", "seed", "s"))])
        w.commit(accepted=1, rejected=0)
    stats = store.stats()
    store.close()
    return stats


def test_a_killed_ingest_leaves_the_store_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    before = _seed(db)
    marker = tmp_path / "marker"
    src = tmp_path / "src.txt"
    src.write_text("x")
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_JOB, str(db), str(marker), str(src)])
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, "the job ended before it was killed"
            assert time.monotonic() < deadline, "the job never reached the middle"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    store = EmbeddedStore(db)
    assert store.stats() == before
    assert store.get_entity("t:0") is None
    assert [r.kind for r in store.runs()] == ["seed"]
    store.close()


def test_a_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _seed(db)
    first = EmbeddedStore(db)
    second = EmbeddedStore(db, lock_timeout=0.2)
    writer = first.begin(kind="a", dataset="t", source="s", file_hash="h1", replace=False)
    try:
        with pytest.raises(StoreLockedError, match="locked by another trgraph process"):
            second.begin(kind="b", dataset="t", source="s", file_hash="h2", replace=False)
        assert second.get_entity("t:seed") is not None  # readers are never blocked
    finally:
        writer.rollback()
        first.close()
        second.close()


def test_bad_store_paths_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        EmbeddedStore(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        EmbeddedStore(tmp_path / "nope" / "s.db")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot use store"):
        EmbeddedStore(garbage)
