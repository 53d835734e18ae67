"""The FtM loader on several cores gives exactly what the sequential loader gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import shared_file
from trgraph.errors import TrgraphError
from trgraph.ingest import LOADERS, ftm_parallel, run_ingest
from trgraph.ingest.ftm import load_ftm
from trgraph.model import Entity, Link, Rejected
from trgraph.store import EmbeddedStore
from trgraph.store.base import Prepared
from trgraph.store.embedded_writer import stage_rows

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ftm"

# Cross-block cases: a duplicate entity in a later block, a link end defined later, a Sanction
# before its entity and one naming nobody, a bad line, a blank line, a line longer than a block.
TRICKY = [
    b'\xef\xbb\xbf{"id":"a","schema":"Company","properties":{"name":["Alpha Ltd"],"country":["cn"]}}',
    b'{"id":"s1","schema":"Sanction","properties":{"entity":["b"],"authority":["OFAC"],"program":["SDGT"]}}',
    b'{"id":"r1","schema":"Ownership","properties":{"asset":["a"],"owner":["b"],"percentage":["51"]}}',
    b"",
    b'{"id":"r2","schema":"Ownership","properties":{"asset":["a"],"owner":["ghost"]}}',
    b"{not json",
    b'{"id":"b","schema":"Company","properties":{"name":["Beta ' + b"x" * 400 + b'"]}}',
    b'{"id":"a","schema":"Company","properties":{"name":["Alpha again"]}}',
    b'{"id":"s2","schema":"Sanction","properties":{"entity":["nobody"]}}',
    b'{"id":"p","schema":"Person","properties":{}}',
    b'{"id":"r1","schema":"Ownership","properties":{"asset":["a"],"owner":["b"],"percentage":["60"]}}',
    b'{"id":"x","schema":"Payment","properties":{}}',
]


def _both_ways(path: Path, dataset: str, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(ftm_parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(ftm_parallel, "BLOCK_BYTES", block)
    sequential = list(load_ftm(path, dataset))
    want = stage_rows([i for i in sequential if isinstance(i, Entity)], [i for i in sequential if isinstance(i, Link)])
    got = list(ftm_parallel.load_ftm_prepared(path, dataset, stage_rows))
    prepared = [i for i in got if isinstance(i, Prepared)]
    assert len(prepared) > 1, "the parallel path was not taken"
    assert not any(isinstance(i, Entity | Link) for i in got)
    assert [r for p in prepared for r in p.entities] == want.entities
    assert [r for p in prepared for r in p.links] == want.links

    def rejections(items: list[object]) -> list[tuple[int, str, str]]:
        return sorted((r.line, r.reason, r.raw) for r in items if isinstance(r, Rejected))

    assert rejections(got) == rejections(sequential)


@pytest.mark.parametrize("block", [64, 300, 1 << 20])
def test_tricky_lines_across_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    path = tmp_path / "tricky.ftm.json"
    path.write_bytes(b"\n".join(TRICKY) + b"\n")
    _both_ways(path, "t", monkeypatch, block)


def test_the_hand_made_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    _both_ways(FIX / "sample.ftm.json", "t", monkeypatch, 200)


@pytest.mark.parametrize("name", ["lists/us_dod_1260h_2026.ftm.json", "ownership/zala_group.ftm.json"])
def test_real_files(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _both_ways(shared_file(name), "real", monkeypatch, 4096)


def test_arrays_and_small_files_are_read_sequentially(tmp_path: Path) -> None:
    items = list(ftm_parallel.load_ftm_prepared(FIX / "array.ftm.json", "t", stage_rows))
    assert any(isinstance(i, Entity) for i in items) and not any(isinstance(i, Prepared) for i in items)


def test_an_ingest_job_gives_the_same_store_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tricky.ftm.json"
    path.write_bytes(b"\n".join(TRICKY) + b"\n")
    results = []
    for parallel in (False, True):
        monkeypatch.setattr(ftm_parallel, "PARALLEL_MIN_BYTES", 0 if parallel else 1 << 60)
        monkeypatch.setattr(ftm_parallel, "BLOCK_BYTES", 128)
        store = EmbeddedStore(tmp_path / f"{parallel}.db")
        result = run_ingest(store, LOADERS["ftm"], path)
        results.append((result.entities, result.links, [(r.line, r.reason) for r in result.rejections],
                        {k: v for k, v in store.stats().items() if k != "store"},
                        [e.to_dict() for e in store.iter_entities()],
                        sorted(lk.id for lk in store.iter_links())))
        store.close()
    assert results[0][:2] == results[1][:2] and sorted(results[0][2]) == sorted(results[1][2])
    assert results[0][3:] == results[1][3:]


def _dies(path: Path, start: int, end: int, first: int) -> None:
    os._exit(3)  # a worker killed mid-job (out of memory, say)


def test_a_worker_that_dies_fails_the_job_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tricky.ftm.json"
    path.write_bytes(b"\n".join(TRICKY) + b"\n")
    store = EmbeddedStore(tmp_path / "s.db")
    before = store.stats()
    monkeypatch.setattr(ftm_parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(ftm_parallel, "BLOCK_BYTES", 128)
    monkeypatch.setattr(ftm_parallel, "_work", _dies)
    with pytest.raises(TrgraphError, match="worker process reading the file died"):
        run_ingest(store, LOADERS["ftm"], path)
    assert store.stats() == before and store.runs() == []
    store.close()
