"""The embedded store's writer: one ingest job staged in temporary tables, applied set-based.

Facts are staged in ``stage_e``/``stage_l`` (the last version of an id wins), then
``commit`` records every addition, alteration and removal in ``changes`` with a few
joins and applies them, all in the job's one transaction.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

import orjson

from trgraph.model import Entity, Link, Run
from trgraph.model.records import canonical
from trgraph.store.base import RunSummary, Writer
from trgraph.store.embedded_schema import bump_generation

#: The temporary tables one job stages its facts in (emptied at the start of every job).
STAGE = """
CREATE TEMP TABLE IF NOT EXISTS stage_e(
    id TEXT PRIMARY KEY, kind TEXT, name TEXT, name_key TEXT, country TEXT, flags TEXT, doc BLOB, hash TEXT,
    aliases BLOB);
CREATE TEMP TABLE IF NOT EXISTS stage_l(
    id TEXT PRIMARY KEY, kind TEXT, source TEXT, target TEXT, end_date TEXT, share_pct REAL, doc BLOB, hash TEXT);
DELETE FROM stage_e;
DELETE FROM stage_l;
"""


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def name_key(name: str) -> str:
    """Case- and space-insensitive key for exact name look-ups."""
    return " ".join(name.casefold().split())


class SqliteWriter(Writer):
    """One ingest job on the embedded store (see :class:`~trgraph.store.base.Writer`)."""

    def __init__(self, db: sqlite3.Connection, run_id: int, scope: str, replace: bool) -> None:
        self._db = db
        self.run_id = run_id
        self.scope = scope
        self.replace = replace
        self._open = True

    def put_entities(self, entities: Sequence[Entity]) -> None:
        rows = []
        for e in entities:
            doc, digest = canonical(e.to_dict())
            aliases = sorted({name_key(n) for n in e.names} - {name_key(e.name)})
            rows.append(
                (
                    e.id,
                    e.kind.value,
                    e.name,
                    name_key(e.name),
                    e.country,
                    ",".join(sorted(f.value for f in e.flags)),
                    doc,
                    digest,
                    orjson.dumps(aliases) if aliases else None,
                )
            )
        self._db.executemany("INSERT OR REPLACE INTO stage_e VALUES(?,?,?,?,?,?,?,?,?)", rows)

    def put_links(self, links: Sequence[Link]) -> None:
        rows = []
        for lk in links:
            end = lk.attrs.get("end_date")
            doc, digest = canonical(lk.to_dict())
            rows.append(
                (
                    lk.id,
                    lk.kind.value,
                    lk.source,
                    lk.target,
                    str(end) if end else None,
                    lk.share_pct,
                    doc,
                    digest,
                )
            )
        self._db.executemany("INSERT OR REPLACE INTO stage_l VALUES(?,?,?,?,?,?,?,?)", rows)

    def commit(self, *, accepted: int, rejected: int) -> RunSummary:
        db, run, scope = self._db, self.run_id, self.scope
        try:
            counts = Counter[str]()
            for table, stage, what in (("entities", "stage_e", "entity"), ("links", "stage_l", "link")):
                counts += self._diff(table, stage, what)
            self._apply_entities()
            self._apply_links()
            status = "ok"
            db.execute(
                "UPDATE runs SET finished_at=?, status=?, accepted=?, rejected=?, added=?, altered=?, removed=?"
                " WHERE id=?",
                (now_iso(), status, accepted, rejected, counts["added"], counts["altered"], counts["removed"], run),
            )
            db.execute("DELETE FROM stage_e")
            db.execute("DELETE FROM stage_l")
            bump_generation(db)
            db.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        self._open = False
        row = db.execute(
            "SELECT id, kind, dataset, source, file_hash, started_at, finished_at, status, accepted, rejected,"
            " added, altered, removed FROM runs WHERE id=?",
            (run,),
        ).fetchone()
        del scope
        return RunSummary(Run(*row))

    def _diff(self, table: str, stage: str, what: str) -> Counter[str]:
        """Record added/altered/removed rows of one table in ``changes``; return the counts."""
        db, run, scope = self._db, self.run_id, self.scope
        name = "s.name" if table == "entities" else "s.kind || ' ' || s.source || ' -> ' || s.target"
        old_name = "t.name" if table == "entities" else "t.kind || ' ' || t.source || ' -> ' || t.target"
        before = db.total_changes
        db.execute(
            f"INSERT INTO changes SELECT ?, ?, s.id, 'added', ?, {name}, NULL, NULL FROM {stage} s"
            f" LEFT JOIN {table} t ON t.id=s.id WHERE t.id IS NULL OR t.removed_run IS NOT NULL",
            (run, what, scope),
        )
        added = db.total_changes - before
        before = db.total_changes
        db.execute(
            f"INSERT INTO changes SELECT ?, ?, s.id, 'altered', ?, {name}, t.doc, s.doc FROM {stage} s"
            f" JOIN {table} t ON t.id=s.id WHERE t.removed_run IS NULL AND t.hash != s.hash",
            (run, what, scope),
        )
        altered = db.total_changes - before
        removed = 0
        if self.replace:
            before = db.total_changes
            db.execute(
                f"INSERT INTO changes SELECT ?, ?, t.id, 'removed', ?, {old_name}, t.doc, NULL FROM {table} t"
                f" WHERE t.scope=? AND t.removed_run IS NULL AND t.id NOT IN (SELECT id FROM {stage})",
                (run, what, scope, scope),
            )
            removed = db.total_changes - before
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
        # every link end gets a number once (see trgraph.store.embedded_schema)
        db.execute(
            "INSERT OR IGNORE INTO id_numbers(id) SELECT source FROM stage_l UNION ALL SELECT target FROM stage_l"
        )
        db.execute(
            "INSERT INTO links(id, kind, source, target, end_date, share_pct, scope, doc, hash, first_run, last_run,"
            " removed_run, sno, tno) SELECT id, kind, source, target, end_date, share_pct, ?, doc, hash, ?, ?, NULL,"
            " (SELECT no FROM id_numbers WHERE id=s.source), (SELECT no FROM id_numbers WHERE id=s.target)"
            " FROM stage_l s WHERE true ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, source=excluded.source,"
            " target=excluded.target, end_date=excluded.end_date, share_pct=excluded.share_pct,"
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
