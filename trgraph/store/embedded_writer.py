"""The embedded store's writer: one ingest job staged in temporary tables, applied set-based.

Facts are appended to ``stage_e``/``stage_l`` (no key while staging: a keyed temporary
table costs three times as much to fill); ``commit`` indexes them, keeps the last
version of an id staged twice, records every addition, alteration and removal in
``changes`` with a few joins and applies them, all in the job's one transaction.
Link ends are numbered while staging (see :mod:`trgraph.store.embedded_schema`). The
staged rows stay until the next job or the connection's end (dropping them costs seconds
on a big job, and nobody waits for it then).

A job that writes as many rows as a table already holds drops that table's secondary
indexes and builds them again afterwards: sorting once is far cheaper than millions of
inserts at random places in each index.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import orjson

from trgraph.model import Entity, Link, Run
from trgraph.model.records import canonical
from trgraph.store.base import Prepared, RunSummary, Writer
from trgraph.store.embedded_schema import bump_generation

#: The temporary tables one job stages its facts in (made afresh at the start of every job).
STAGE = """
DROP TABLE IF EXISTS temp.stage_e;
DROP TABLE IF EXISTS temp.stage_l;
CREATE TEMP TABLE stage_e(
    id TEXT, kind TEXT, name TEXT, name_key TEXT, country TEXT, flags TEXT, doc BLOB, hash TEXT, aliases BLOB);
CREATE TEMP TABLE stage_l(
    id TEXT, kind TEXT, source TEXT, target TEXT, end_date TEXT, share_pct REAL, doc BLOB, hash TEXT,
    sno INTEGER, tno INTEGER);
"""

#: SQLite's page cache, in KiB, for reading and during a write job: a big job touches
#: every page of the tables and indexes it grows, and measured 10 % faster with 1 GiB
#: than with 256 MiB on 3M records; readers keep the smaller cache.
READ_CACHE_KIB = 262_144
WRITE_CACHE_KIB = 1_048_576

#: Rows a job must write into a table, at least, before its indexes are rebuilt rather than updated.
BULK_ROWS = 50_000


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def name_key(name: str) -> str:
    """Case- and space-insensitive key for exact name look-ups."""
    return " ".join(name.casefold().split())


def stage_rows(entities: Sequence[Entity], links: Sequence[Link]) -> Prepared:
    """The stage-table rows of entities and of links (a link's row lacks its two end numbers,
    which only the store can give): pure, so that a loader's worker process can make them."""
    entity_rows: list[tuple[object, ...]] = []
    for e in entities:
        doc, digest = canonical(e.to_dict())
        key = name_key(e.name)
        aliases = sorted({name_key(n) for n in e.names} - {key})
        flags = ",".join(sorted(f.value for f in e.flags))
        entity_rows.append(
            (e.id, e.kind.value, e.name, key, e.country, flags, doc, digest, orjson.dumps(aliases) if aliases else None)
        )
    link_rows: list[tuple[object, ...]] = []
    for lk in links:
        end = lk.attrs.get("end_date")
        doc, digest = canonical(lk.to_dict())
        link_rows.append(
            (lk.id, lk.kind.value, lk.source, lk.target, str(end) if end else None, lk.share_pct, doc, digest)
        )
    return Prepared(entity_rows, link_rows)


class SqliteWriter(Writer):
    """One ingest job on the embedded store (see :class:`~trgraph.store.base.Writer`)."""

    #: Rows for the stage tables (link rows without their end numbers), made anywhere.
    prepare = staticmethod(stage_rows)

    def __init__(self, db: sqlite3.Connection, run_id: int, scope: str, replace: bool) -> None:
        self._db = db
        self.run_id = run_id
        self.scope = scope
        self.replace = replace
        self._open = True
        self._numbers: dict[str, int] = {}  # link end → number, for the ids this job has met
        self._new_numbers: list[tuple[int, str]] = []
        self._next_number: int | None = None

    def put_entities(self, entities: Sequence[Entity]) -> None:
        self.put_prepared(stage_rows(entities, ()))

    def put_links(self, links: Sequence[Link]) -> None:
        self.put_prepared(stage_rows((), links))

    def put_prepared(self, rows: Prepared) -> None:
        if rows.entities:
            self._db.executemany("INSERT INTO stage_e VALUES(?,?,?,?,?,?,?,?,?)", rows.entities)
        if rows.links:
            ends = [(str(r[2]), str(r[3])) for r in rows.links]  # source, target
            number = self._numbered(list(dict.fromkeys(end for pair in ends for end in pair)))
            self._db.executemany(
                "INSERT INTO stage_l VALUES(?,?,?,?,?,?,?,?,?,?)",
                [(*r, number[s], number[t]) for r, (s, t) in zip(rows.links, ends, strict=True)],
            )

    def _numbered(self, ends: Sequence[str]) -> dict[str, int]:
        """The number of each id (given now, in the order met, to ids that never ended a link before)."""
        known = self._numbers
        unknown = [i for i in ends if i not in known]
        for start in range(0, len(unknown), 500):
            chunk = unknown[start : start + 500]
            marks = ",".join("?" * len(chunk))
            known.update(self._db.execute(f"SELECT id, no FROM id_numbers WHERE id IN ({marks})", chunk))
        if self._next_number is None:
            self._next_number = int(self._db.execute("SELECT coalesce(max(no), 0) + 1 FROM id_numbers").fetchone()[0])
        for entity_id in unknown:
            if entity_id not in known:
                known[entity_id] = self._next_number
                self._new_numbers.append((self._next_number, entity_id))
                self._next_number += 1
        return known

    def commit(self, *, accepted: int, rejected: int) -> RunSummary:
        db, run = self._db, self.run_id
        try:
            counts = Counter[str]()
            written = {}
            for table, stage, what in (("entities", "stage_e", "entity"), ("links", "stage_l", "link")):
                _index_stage(db, stage)
                diff = self._diff(table, stage, what)
                counts += diff
                written[table] = diff["added"] + diff["altered"]
            with _indexes_deferred(db, ("entities", "aliases"), written["entities"]):
                self._apply_entities()
            with _indexes_deferred(db, ("links",), written["links"]):
                self._apply_links()
            status = "ok"
            db.execute(
                "UPDATE runs SET finished_at=?, status=?, accepted=?, rejected=?, added=?, altered=?, removed=?"
                " WHERE id=?",
                (now_iso(), status, accepted, rejected, counts["added"], counts["altered"], counts["removed"], run),
            )
            bump_generation(db)
            db.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        self._open = False
        db.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")
        row = db.execute(
            "SELECT id, kind, dataset, source, file_hash, started_at, finished_at, status, accepted, rejected,"
            " added, altered, removed FROM runs WHERE id=?",
            (run,),
        ).fetchone()
        return RunSummary(Run(*row))

    def _diff(self, table: str, stage: str, what: str) -> Counter[str]:
        """Record added/altered/removed rows of one table in ``changes``; return the counts."""
        db, run, scope = self._db, self.run_id, self.scope
        name = "s.name" if table == "entities" else "s.kind || ' ' || s.source || ' -> ' || s.target"
        old_name = "t.name" if table == "entities" else "t.kind || ' ' || t.source || ' -> ' || t.target"
        added = db.execute(
            f"INSERT INTO changes SELECT ?, ?, s.id, 'added', ?, {name}, NULL, NULL FROM {stage} s"
            f" LEFT JOIN {table} t ON t.id=s.id WHERE t.id IS NULL OR t.removed_run IS NOT NULL",
            (run, what, scope),
        ).rowcount
        altered = db.execute(
            f"INSERT INTO changes SELECT ?, ?, s.id, 'altered', ?, {name}, t.doc, s.doc FROM {stage} s"
            f" JOIN {table} t ON t.id=s.id WHERE t.removed_run IS NULL AND t.hash != s.hash",
            (run, what, scope),
        ).rowcount
        removed = 0
        if self.replace:
            removed = db.execute(
                f"INSERT INTO changes SELECT ?, ?, t.id, 'removed', ?, {old_name}, t.doc, NULL FROM {table} t"
                f" WHERE t.scope=? AND t.removed_run IS NULL AND t.id NOT IN (SELECT id FROM {stage})",
                (run, what, scope, scope),
            ).rowcount
            db.execute(
                f"UPDATE {table} SET removed_run=? WHERE scope=? AND removed_run IS NULL"
                f" AND id NOT IN (SELECT id FROM {stage})",
                (run, scope),
            )
        return Counter(added=added, altered=altered, removed=removed)

    def _apply_entities(self) -> None:
        db, run, scope = self._db, self.run_id, self.scope
        # Aliases of changed entities are rewritten; unchanged rows are not touched at all,
        # which is what makes re-ingesting an unchanged file cheap.
        db.execute(
            "DELETE FROM aliases WHERE entity_id IN (SELECT s.id FROM stage_e s JOIN entities t ON t.id=s.id"
            " WHERE t.hash != s.hash OR t.removed_run IS NOT NULL)"
        )
        db.execute(
            "INSERT INTO aliases SELECT j.value, s.id FROM stage_e s LEFT JOIN entities t ON t.id=s.id,"
            " json_each(s.aliases) j WHERE s.aliases IS NOT NULL"
            " AND (t.id IS NULL OR t.hash != s.hash OR t.removed_run IS NOT NULL)"
        )
        db.execute(
            "INSERT INTO entities(id, kind, name, name_key, country, flags, scope, doc, hash, first_run, last_run,"
            " removed_run) SELECT id, kind, name, name_key, country, flags, ?, doc, hash, ?, ?, NULL FROM stage_e"
            " WHERE true ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, name=excluded.name,"
            " name_key=excluded.name_key, country=excluded.country, flags=excluded.flags, scope=excluded.scope,"
            " doc=excluded.doc, hash=excluded.hash, last_run=excluded.last_run, removed_run=NULL"
            " WHERE entities.hash != excluded.hash OR entities.removed_run IS NOT NULL",
            (scope, run, run),
        )

    def _apply_links(self) -> None:
        db, run, scope = self._db, self.run_id, self.scope
        db.executemany("INSERT INTO id_numbers(no, id) VALUES(?, ?)", self._new_numbers)
        db.execute(
            "INSERT INTO links(id, kind, source, target, end_date, share_pct, scope, doc, hash, first_run, last_run,"
            " removed_run, sno, tno) SELECT id, kind, source, target, end_date, share_pct, ?, doc, hash, ?, ?, NULL,"
            " sno, tno FROM stage_l s WHERE true ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
            " source=excluded.source, target=excluded.target, end_date=excluded.end_date, share_pct=excluded.share_pct,"
            " scope=excluded.scope, doc=excluded.doc, hash=excluded.hash, last_run=excluded.last_run,"
            " removed_run=NULL, sno=excluded.sno, tno=excluded.tno"
            " WHERE links.hash != excluded.hash OR links.removed_run IS NOT NULL",
            (scope, run, run),
        )

    def rollback(self) -> None:
        if not self._open:
            return
        self._open = False
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
        self._db.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")


def _index_stage(db: sqlite3.Connection, stage: str) -> None:
    """Index a filled stage table by id and keep only the last version of an id staged twice."""
    db.execute(f"CREATE INDEX temp.{stage}_id ON {stage}(id)")
    if db.execute(f"SELECT 1 FROM {stage} GROUP BY id HAVING count(*) > 1 LIMIT 1").fetchone():
        db.execute(
            f"DELETE FROM {stage} WHERE EXISTS (SELECT 1 FROM {stage} d WHERE d.id = {stage}.id"
            f" AND d.rowid > {stage}.rowid)"
        )


@contextmanager
def _indexes_deferred(db: sqlite3.Connection, tables: Sequence[str], written: int) -> Iterator[None]:
    """Drop the secondary indexes of ``tables`` while a job writes at least as many rows as
    the first of them holds (and :data:`BULK_ROWS`), then build them again, all in the
    job's transaction; otherwise leave them alone."""
    held = db.execute(f"SELECT coalesce(max(rowid), 0) FROM {tables[0]}").fetchone()[0]
    if written < max(BULK_ROWS, held):
        yield
        return
    marks = ",".join("?" * len(tables))
    indexes = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN ({marks})"
        " ORDER BY rowid",
        tuple(tables),
    ).fetchall()
    for name, _sql in indexes:
        db.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        db.execute(sql)
