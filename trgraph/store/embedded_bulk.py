"""Reading every current link of the embedded store at once, packed.

SQLite walks the ``links_edges`` covering index (kind first) and writes, for each link
kind, its source numbers and its target numbers as one decimal string each and its end
flags as one byte per link, so Python handles a few objects per kind instead of four per
link. (Measured on 5M links: decimal numbers cost a third of ``printf`` hex, and a
kind-first index spares a per-link kind code; reading ranges on several connections in
threads was slower, not faster, on a 2-core machine: the threads contend inside SQLite.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NumberedLinks:
    """Every current link from :meth:`EmbeddedStore.numbered_links`, each column packed in one string.

    ``ids[n]`` is the id numbered ``n`` (``ids[0]`` is unused); ``sources``/``targets``
    hold each link's end numbers in decimal, separated by commas; ``kinds`` one byte per
    link (``65 + i`` for the i-th kind asked for, 64 for any other); ``ended`` ``1`` where
    the link's end date is before the day asked for, else ``0``.
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
    code = {k: 65 + i for i, k in enumerate(kinds)}
    total, sources, targets, codes, ended = 0, [], [], [], []
    for kind, rows, src, tgt, end in db.execute(
        "SELECT kind, count(*), CAST(group_concat(sno, ',') AS BLOB), CAST(group_concat(tno, ',') AS BLOB),"
        " CAST(group_concat(CASE WHEN end_date < ?1 THEN '1' ELSE '0' END, '') AS BLOB)"
        " FROM links INDEXED BY links_edges WHERE removed_run IS NULL GROUP BY kind",
        (today,),
    ):
        total += rows
        sources.append(src)
        targets.append(tgt)
        codes.append(bytes([code.get(kind, 64)]) * rows)
        ended.append(end)
    return total, b",".join(sources), b",".join(targets), b"".join(codes), b"".join(ended)
