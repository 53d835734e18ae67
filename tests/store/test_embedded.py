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
from trgraph.model import Entity, EntityKind, Link, LinkKind, Provenance, link_id
from trgraph.store import embedded_writer
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


def _org(i: int) -> Entity:
    return Entity(f"t:{i}", EntityKind.ORGANISATION, f"Org {i}", Provenance("t", str(i), "t.csv"))


def _chain(n: int, start: int = 0) -> list[Link]:
    return [Link(link_id(LinkKind.PART_OF, f"t:{i}", f"t:{i + 1}"), LinkKind.PART_OF, f"t:{i}", f"t:{i + 1}",
                 Provenance("t", str(i), "t.csv")) for i in range(start, start + n)]


def _job(store: EmbeddedStore, entities: list[Entity], links: list[Link], file_hash: str) -> None:
    with store.begin(kind="t", dataset="t", source="t.csv", file_hash=file_hash, replace=False) as w:
        w.put_entities(entities)
        w.put_links(links)
        w.commit(accepted=len(entities) + len(links), rejected=0)


def _indexes(store: EmbeddedStore) -> list[tuple[str, str]]:
    return store._db.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
                             " ORDER BY name").fetchall()


def test_a_bulk_job_rebuilds_the_indexes_it_set_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded_writer, "BULK_ROWS", 5)  # every job of this test is "bulk"
    store = EmbeddedStore(tmp_path / "s.db")
    schema = _indexes(store)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    _job(store, [_org(i) for i in range(20)], _chain(19), "h1")
    store._db.set_trace_callback(None)
    dropped = {s.split('"')[1] for s in statements if s.startswith("DROP INDEX")}
    assert dropped == {name for name, _ in schema if name != "changes_run"}  # those of entities, aliases, links
    assert _indexes(store) == schema
    assert [e.id for e in store.find_by_name("org 7")] == ["t:7"]
    assert {lk.target for lk in store.links_of("t:3", "out")} == {"t:4"}

    def crash(self: embedded_writer.SqliteWriter) -> None:  # a failure while the indexes are away
        raise RuntimeError("disk full")

    before = store.stats()
    monkeypatch.setattr(embedded_writer.SqliteWriter, "_apply_links", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        _job(store, [_org(i) for i in range(20, 60)], _chain(39, start=20), "h2")
    assert _indexes(store) == schema and store.stats() == before
    store.close()


def test_link_ends_are_numbered_once_across_jobs(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.db")
    _job(store, [_org(i) for i in range(10)], _chain(5), "h1")
    _job(store, [], _chain(6, start=3), "h2")  # ends t:3..t:5 were numbered by the first job
    db = store._db
    assert db.execute("SELECT count(*), count(DISTINCT id), min(no), max(no) FROM id_numbers").fetchone() == (
        10, 10, 1, 10)
    mismatched = db.execute(
        "SELECT count(*) FROM links l JOIN id_numbers a ON a.no = l.sno JOIN id_numbers b ON b.no = l.tno"
        " WHERE a.id != l.source OR b.id != l.target").fetchone()[0]
    unnumbered = db.execute("SELECT count(*) FROM links WHERE sno = 0 OR tno = 0").fetchone()[0]
    assert (mismatched, unnumbered) == (0, 0)
    store.close()
