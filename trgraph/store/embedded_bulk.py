"""Reading every current link of the embedded store at once, packed, on several connections.

SQLite writes each column of the ``links_edges`` covering index into one string
(fixed-width hex numbers, one byte per kind and per end flag), so Python handles a
handful of objects instead of four per link. Most of the time goes into SQLite
building those strings, one row at a time; the links are split into ranges of source
numbers, read on separate read-only connections in threads (SQLite releases the GIL
while it works), while another reads the numbered ids. Every connection's read
transaction must show the same store generation, or the read is tried again, so the
parts are always one consistent state.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from trgraph.store.embedded_schema import read_generation

_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class NumberedLinks:
    """Every current link from :meth:`EmbeddedStore.numbered_links`, each column packed in one string.

    ``ids[n]`` is the id numbered ``n`` (``ids[0]`` is unused); ``sources``/``targets``
    hold each link's end numbers as 8 hex digits; ``kinds`` one byte per link
    (``65 + i`` for the i-th kind asked for, 64 for any other); ``ended`` ``1`` where the
    link's end date is before the day asked for, else ``0``.
    """

    rows: int
    ids: list[str]
    sources: bytes
    targets: bytes
    kinds: bytes
    ended: bytes


def read_numbered(path: Path, db: sqlite3.Connection, kinds: Sequence[str], today: str, *,
                  parts: int = 2) -> NumberedLinks | None:
    """See :meth:`trgraph.store.EmbeddedStore.numbered_links` (``db`` is the store's connection)."""
    if len(kinds) > 60:
        raise ValueError("numbered_links codes at most 60 kinds")
    if db.in_transaction or parts < 2:  # inside a caller's transaction: read what it sees, on its connection
        return _read_all(db, kinds, today)
    extra = [_reader(path) for _ in range(parts)]
    try:
        conns = [db, *extra]
        for _ in range(_ATTEMPTS):
            for conn in conns:
                conn.execute("BEGIN")
            if len({read_generation(conn) for conn in conns}) == 1:  # the first read fixes each snapshot
                break
            for conn in conns:
                conn.execute("COMMIT")
        else:
            return _read_all(db, kinds, today)
        try:
            return _read_parallel(db, extra, kinds, today)
        finally:
            for conn in conns:
                if conn.in_transaction:
                    conn.execute("COMMIT")
    finally:
        for conn in extra:
            conn.close()


def _reader(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA cache_size=-131072")
    return conn


def _read_all(db: sqlite3.Connection, kinds: Sequence[str], today: str) -> NumberedLinks | None:
    own = not db.in_transaction
    if own:
        db.execute("BEGIN")
    try:
        ids = _ids(db)
        if ids is None:
            return None
        rows, sources, targets, codes, ended = _links(db, kinds, today, None)
        return NumberedLinks(rows, ids, sources, targets, codes, ended)
    finally:
        if own and db.in_transaction:
            db.execute("COMMIT")


def _read_parallel(db: sqlite3.Connection, readers: list[sqlite3.Connection], kinds: Sequence[str],
                   today: str) -> NumberedLinks | None:
    total = db.execute("SELECT count(*) FROM links INDEXED BY links_edges WHERE removed_run IS NULL").fetchone()[0]
    cuts: list[int | None] = [None]
    for k in range(1, len(readers)):
        row = db.execute("SELECT sno FROM links INDEXED BY links_edges WHERE removed_run IS NULL LIMIT 1 OFFSET ?",
                         (total * k // len(readers),)).fetchone()
        cuts.append(row[0] if row else None)
    cuts.append(None)
    ranges = list(itertools.pairwise(cuts))
    with ThreadPoolExecutor(max_workers=len(readers), thread_name_prefix="trgraph-read") as pool:
        jobs = [pool.submit(_links, conn, kinds, today, bounds) for conn, bounds in zip(readers, ranges, strict=True)]
        ids = _ids(db)  # meanwhile, here: the store's own connection belongs to this thread
        parts = [job.result() for job in jobs]
    if ids is None:
        return None
    return NumberedLinks(sum(p[0] for p in parts), ids, b"".join(p[1] for p in parts), b"".join(p[2] for p in parts),
                         b"".join(p[3] for p in parts), b"".join(p[4] for p in parts))


def _ids(db: sqlite3.Connection) -> list[str] | None:
    """Ids by number (position 0 unused); None when the numbers are too sparse or too large to pack."""
    count, top = db.execute("SELECT count(*), max(no) FROM id_numbers").fetchone()
    top = top or 0
    if top >= min(1 << 32, 2 * count + 1024):
        return None
    if count == top:  # numbered 1..n, as SQLite does when rows are never deleted
        return ["", *(r[0] for r in db.execute("SELECT id FROM id_numbers ORDER BY no"))]
    ids = [""] * (top + 1)
    for no, entity_id in db.execute("SELECT no, id FROM id_numbers"):
        ids[no] = entity_id
    return ids


def _links(db: sqlite3.Connection, kinds: Sequence[str], today: str, bounds: tuple[int | None, int | None] | None
           ) -> tuple[int, bytes, bytes, bytes, bytes]:
    """(rows, sources, targets, kinds, ended) of the current links whose source number is in ``bounds``."""
    case = " ".join(f"WHEN '{k}' THEN '{chr(65 + i)}'" for i, k in enumerate(kinds))
    where, params = "removed_run IS NULL", [today, *(b for b in bounds or () if b is not None)]
    lo, hi = bounds or (None, None)
    if lo is not None:
        where += " AND sno >= ?"
    if hi is not None:
        where += " AND sno < ?"
    rows, sources, targets, codes, ended = db.execute(
        "SELECT count(*), CAST(group_concat(printf('%08x', sno), '') AS BLOB),"
        " CAST(group_concat(printf('%08x', tno), '') AS BLOB),"
        f" CAST(group_concat(CASE kind {case} ELSE '@' END, '') AS BLOB),"
        " CAST(group_concat(CASE WHEN end_date < ?1 THEN '1' ELSE '0' END, '') AS BLOB)"
        f" FROM links INDEXED BY links_edges WHERE {where}",
        params,
    ).fetchone()
    return rows, sources or b"", targets or b"", codes or b"", ended or b""
