"""The FollowTheMoney loader on several cores, for big JSON-lines files.

The file is cut into blocks of whole lines. Forked worker processes parse each block,
build the entities and links of its records exactly as :class:`~trgraph.ingest.ftm._Loader`
does (that part depends on nothing read before, but the pre-scan) and turn them into the
writer's own rows with its :attr:`~trgraph.store.base.Writer.prepare`, so that only rows
of plain values travel back. The parent takes the blocks back in file order and keeps
what depends on the records before: duplicate entity ids, the link ends not yet defined
(stubs at the end), folded records whose entity has not been seen. The items and the
rejections are the same as :func:`~trgraph.ingest.ftm.load_ftm`'s (tested on the same
files both ways). A JSON array, a small file or a single core reads sequentially.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from trgraph.errors import TrgraphError
from trgraph.ingest.base import Item, require_path
from trgraph.ingest.ftm import (
    FOLDED,
    RELATIONSHIPS,
    THING_SCHEMATA,
    _Loader,
    _prescan,
    _primary_name,
    _raw,
    duplicate_thing,
    load_ftm,
)
from trgraph.ingest.ftm_lines import Bad, check_record, is_json_lines, line_records, props_of
from trgraph.model import Entity, Link, Rejected
from trgraph.store.base import Prepared, Preparer

#: Files smaller than this are read sequentially (forking costs more than it saves).
PARALLEL_MIN_BYTES = 32 << 20
#: Bytes per block handed to a worker.
BLOCK_BYTES = 8 << 20
#: Worker processes at most (measured with 2, on a 2-core machine: the parent, which stages
#: the rows into the store, shares the cores with them).
MAX_WORKERS = 4

# What a forked worker needs, set by the parent just before it forks (never pickled).
_CONTEXT: tuple[_Loader, Preparer] | None = None


@dataclass(frozen=True, slots=True)
class _Block:
    """What a worker made of one block: one outcome per record, in order, and the rows."""

    outcomes: list[tuple[Any, ...]]
    rows: Prepared


def load_ftm_prepared(path: Path, dataset: str, prepare: Preparer) -> Iterator[Item | Prepared]:
    """:func:`~trgraph.ingest.ftm.load_ftm`, with entities and links as ``prepare``'s rows,
    made in worker processes when the file is big enough."""
    require_path(path)
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    if (
        not path.is_file()
        or path.stat().st_size < PARALLEL_MIN_BYTES
        or workers < 2
        or "fork" not in multiprocessing.get_all_start_methods()
        or not is_json_lines(path)
    ):
        yield from load_ftm(path, dataset)
        return
    global _CONTEXT
    loader = _Loader(path, dataset, _prescan(path))
    _CONTEXT = (loader, prepare)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        blocks = iter(_blocks(path))
        # two blocks in flight per worker: enough to keep them busy, and it bounds the results waiting
        waiting: deque[Future[_Block]] = deque(pool.submit(_work, path, *b) for b in islice(blocks, 2 * workers))
        while waiting:
            try:
                done = waiting.popleft().result()
            except BrokenProcessPool as exc:
                raise TrgraphError(f"{path}: a worker process reading the file died ({exc}); nothing was written."
                                   " Run again, or free some memory") from exc
            following = next(blocks, None)
            if following is not None:
                waiting.append(pool.submit(_work, path, *following))
            yield from _settle(loader, done)
    finally:
        _CONTEXT = None
        pool.shutdown(wait=True, cancel_futures=True)
    tail: list[Entity] = []
    for item in loader.finish():
        if isinstance(item, Entity):
            tail.append(item)
        else:
            yield item
    if tail:
        yield prepare(tail, [])


def _blocks(path: Path) -> list[tuple[int, int, int]]:
    """(start, end, first line number) of blocks of whole lines of about :data:`BLOCK_BYTES`."""
    out: list[tuple[int, int, int]] = []
    start, line = 0, 1
    with path.open("rb") as fh:
        while True:
            fh.seek(start)
            data = fh.read(BLOCK_BYTES)
            if not data:
                return out
            cut = data.rfind(b"\n") + 1 if len(data) == BLOCK_BYTES else len(data)
            if cut == 0:  # one line longer than a block: take it whole
                rest = fh.readline()
                data, cut = data + rest, len(data) + len(rest)
            out.append((start, start + cut, line))
            line += data.count(b"\n", 0, cut)
            start += cut


def _work(path: Path, start: int, end: int, first: int) -> _Block:
    """In a worker: every record of one block, built and prepared."""
    assert _CONTEXT is not None, "workers are forked after the context is set"
    loader, prepare = _CONTEXT
    with path.open("rb") as fh:
        fh.seek(start)
        data = fh.read(end - start)
    offset = start
    if start == 0 and data.startswith(b"\xef\xbb\xbf"):
        data, offset = data[3:], 3
    outcomes: list[tuple[Any, ...]] = []
    entities: list[Entity] = []
    links: list[Link] = []
    for k, raw in enumerate(data.split(b"\n")):
        if raw.strip():
            for line, rec, _ in line_records(first + k, raw):
                outcomes.append(_outcome(loader, line, rec, raw, offset, entities, links))
        offset += len(raw) + 1
    return _Block(outcomes, prepare(entities, links))


def _outcome(
    loader: _Loader, line: int, rec: Any, raw: bytes, offset: int, entities: list[Entity], links: list[Link]
) -> tuple[Any, ...]:
    """One record's outcome, as far as it depends on nothing read before (mirrors ``_Loader.record``).
    A loaded entity carries where its line starts in the file instead of the line itself: the
    parent reads it again only in the rare case that it is rejected as a duplicate."""
    problem = rec.reason if isinstance(rec, Bad) else check_record(rec)
    if problem is not None:
        return ("bad", line, problem, _raw(raw, rec))
    rid, schema, props = rec["id"], rec["schema"], props_of(rec)
    if schema in THING_SCHEMATA:
        name = _primary_name(rec, props)
        if name is None:
            return ("thing", line, rid, -1, f"{schema} {rid} has no name", _raw(raw, rec))
        entities.append(loader.entity(rec, rid, schema, props, name))
        return ("thing", line, rid, len(entities) - 1, "", offset)
    if schema in RELATIONSHIPS:
        spec = RELATIONSHIPS[schema]
        made = loader.link_items(rec, rid, schema, props, spec)
        if isinstance(made, str):
            return ("rejected", line, made, _raw(raw, rec))
        links.extend(made[1])
        return ("relationship", line, rid, schema, made[0])
    named = loader.folded_names(rid, schema, props, line)
    if isinstance(named, str):
        return ("rejected", line, named, _raw(raw, rec))
    return ("folded", line, rid, schema, named, raw)


def _settle(loader: _Loader, block: _Block) -> Iterator[Item | Prepared]:
    """In the parent, in file order: what depends on the records before (mirrors ``_Loader.record``)."""
    where = str(loader.path)
    kept: list[int] = []
    rejected: list[Rejected] = []
    for outcome in block.outcomes:
        what, line = outcome[0], outcome[1]
        if what == "bad":
            rejected.append(Rejected(where, line, outcome[2], outcome[3]))
            continue
        loader.records += 1
        if what == "thing":
            _, _, rid, position, reason, raw = outcome
            if rid in loader.things:
                reason = duplicate_thing(rid, loader.things[rid])
            if rid in loader.things or position < 0:
                rejected.append(Rejected(where, line, reason, raw if isinstance(raw, str) else _line_at(loader, raw)))
                continue
            loader.things[rid] = line
            loader.pending.pop(rid, None)
            kept.append(position)
        elif what == "relationship":
            _, _, rid, schema, pairs = outcome
            loader.note_ends(pairs, rid, RELATIONSHIPS[schema])
        elif what == "rejected":
            rejected.append(Rejected(where, line, outcome[2], outcome[3]))
        elif what == "folded":
            _, _, rid, schema, named, raw = outcome
            if schema in FOLDED and not any(t in loader.things for t in named):
                loader.deferred.append((line, rid, schema, named, None, raw))  # its entity may come later
    rows = block.rows
    entity_rows = rows.entities if len(kept) == len(rows.entities) else [rows.entities[i] for i in kept]
    yield Prepared(entity_rows, rows.links)
    yield from rejected


def _line_at(loader: _Loader, offset: int) -> str:
    """The raw text of the line starting at ``offset``, as a rejection shows it."""
    with loader.path.open("rb") as fh:
        fh.seek(offset)
        return _raw(fh.readline(), None)
