"""Reading every current link of the embedded store at once, packed.

SQLite writes each column of the ``links_edges`` covering index into one string
(fixed-width hex numbers, one byte per kind and per end flag), so Python handles a
handful of objects instead of four per link. Most of the time goes into SQLite
building those strings, one row at a time. (Reading ranges on several connections in
threads was measured slower, not faster, on a 2-core machine: the threads contend inside
SQLite rather than run side by side.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass


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


def read_numbered(db: sqlite3.Connection, kinds: Sequence[str], today: str) -> NumberedLinks | None:
    """See :meth:`trgraph.store.EmbeddedStore.numbered_links` (``db`` is the store's connection):
    the ids and the links in one read transaction, so they are one consistent state."""
    if len(kinds) > 60:
        raise ValueError("numbered_links codes at most 60 kinds")
    own = not db.in_transaction
    if own:
        db.execute("BEGIN")
    try:
        ids = _ids(db)
        if ids is None:
            return None
        rows, sources, targets, codes, ended = _links(db, kinds, today)
        return NumberedLinks(rows, ids, sources, targets, codes, ended)
    finally:
        if own and db.in_transaction:
            db.execute("COMMIT")


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


def _links(db: sqlite3.Connection, kinds: Sequence[str], today: str) -> tuple[int, bytes, bytes, bytes, bytes]:
    """(rows, sources, targets, kinds, ended) of every current link."""
    case = " ".join(f"WHEN '{k}' THEN '{chr(65 + i)}'" for i, k in enumerate(kinds))
    rows, sources, targets, codes, ended = db.execute(
        "SELECT count(*), CAST(group_concat(printf('%08x', sno), '') AS BLOB),"
        " CAST(group_concat(printf('%08x', tno), '') AS BLOB),"
        f" CAST(group_concat(CASE kind {case} ELSE '@' END, '') AS BLOB),"
        " CAST(group_concat(CASE WHEN end_date < ?1 THEN '1' ELSE '0' END, '') AS BLOB)"
        " FROM links INDEXED BY links_edges WHERE removed_run IS NULL",
        (today,),
    ).fetchone()
    return rows, sources or b"", targets or b"", codes or b"", ended or b""
