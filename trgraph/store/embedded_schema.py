"""The embedded store's schema, and the migration of stores written by earlier versions.

Besides the facts (entities, links, their aliases), the ledger (runs, changes,
decisions) and ``meta``, the store numbers every id that ends a link (``id_numbers``)
and keeps both numbers on the link (``sno``/``tno``), under a small covering index of
the current links (``links_edges``; flagged entities have one too, ``entities_flagged``).
That lets the whole graph be read as a few strings of numbers per link kind instead of
millions of id strings to hash and number (see :mod:`trgraph.store.embedded_bulk`).

``meta`` holds the schema version, a random ``store_id`` and a ``generation`` that every
write transaction increments (see :func:`bump_generation`): together they say whether
something derived from the store (the saved graph index) is still current.
"""

from __future__ import annotations

import sqlite3
import uuid

SCHEMA_VERSION = "3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities(
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,
    country TEXT, flags TEXT NOT NULL, scope TEXT NOT NULL, doc BLOB NOT NULL, hash TEXT NOT NULL,
    first_run INTEGER NOT NULL, last_run INTEGER NOT NULL, removed_run INTEGER);
CREATE INDEX IF NOT EXISTS entities_scope ON entities(scope);
CREATE INDEX IF NOT EXISTS entities_name_key ON entities(name_key);
CREATE INDEX IF NOT EXISTS entities_flagged ON entities(id, flags) WHERE removed_run IS NULL AND flags != '';
CREATE TABLE IF NOT EXISTS aliases(key TEXT NOT NULL, entity_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS aliases_key ON aliases(key);
CREATE INDEX IF NOT EXISTS aliases_entity ON aliases(entity_id);
CREATE TABLE IF NOT EXISTS links(
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    end_date TEXT, share_pct REAL, scope TEXT NOT NULL, doc BLOB NOT NULL, hash TEXT NOT NULL,
    first_run INTEGER NOT NULL, last_run INTEGER NOT NULL, removed_run INTEGER,
    sno INTEGER NOT NULL DEFAULT 0, tno INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS links_source ON links(source);
CREATE INDEX IF NOT EXISTS links_target ON links(target);
CREATE INDEX IF NOT EXISTS links_scope ON links(scope);
CREATE TABLE IF NOT EXISTS id_numbers(no INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
CREATE INDEX IF NOT EXISTS links_edges ON links(kind, sno, tno, end_date) WHERE removed_run IS NULL;
CREATE TABLE IF NOT EXISTS runs(
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, dataset TEXT NOT NULL, source TEXT NOT NULL,
    file_hash TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL,
    accepted INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,
    altered INTEGER NOT NULL DEFAULT 0, removed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS changes(
    run_id INTEGER NOT NULL, what TEXT NOT NULL, id TEXT NOT NULL, change TEXT NOT NULL,
    dataset TEXT NOT NULL, name TEXT NOT NULL, old BLOB, new BLOB);
CREATE INDEX IF NOT EXISTS changes_run ON changes(run_id);
CREATE TABLE IF NOT EXISTS decisions(
    seq INTEGER PRIMARY KEY AUTOINCREMENT, match_id TEXT NOT NULL, subject TEXT NOT NULL,
    candidate TEXT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,
    evidence_hash TEXT NOT NULL DEFAULT '');
"""

#: Schema 1 → 2: number the ids of every link (old and current alike).
_TO_2 = """
ALTER TABLE links ADD COLUMN sno INTEGER NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN tno INTEGER NOT NULL DEFAULT 0;
CREATE TABLE id_numbers(no INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
INSERT OR IGNORE INTO id_numbers(id) SELECT source FROM links ORDER BY rowid;
INSERT OR IGNORE INTO id_numbers(id) SELECT target FROM links ORDER BY rowid;
UPDATE links SET sno = (SELECT no FROM id_numbers WHERE id = links.source),
    tno = (SELECT no FROM id_numbers WHERE id = links.target);
CREATE INDEX entities_flagged ON entities(id, flags) WHERE removed_run IS NULL AND flags != '';
"""
#: Schema 2 → 3: the links' covering index leads with the kind, so that the whole graph is
#: read one kind at a time (no per-link kind code to compute).
_TO_3 = """
DROP INDEX IF EXISTS links_edges;
CREATE INDEX links_edges ON links(kind, sno, tno, end_date) WHERE removed_run IS NULL;
"""
MIGRATIONS = {"1": ("2", _TO_2), "2": ("3", _TO_3)}


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements inside the open transaction (``executescript`` would
    COMMIT it first)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def ensure_schema(db: sqlite3.Connection) -> str | None:
    """Create the schema in a new store, or migrate an older one to :data:`SCHEMA_VERSION`
    in one write transaction (a store already current is only read, never locked).
    Returns the version found when no migration leads from it (a store written by a
    newer trgraph), else None."""
    if _version(db) == SCHEMA_VERSION:
        return None
    db.execute("BEGIN IMMEDIATE")
    try:
        version = _version(db)  # again, under the lock: another process may have just done it
        if version is None:
            run_script(db, SCHEMA)
        while version is not None and version != SCHEMA_VERSION:
            if version not in MIGRATIONS:
                db.execute("ROLLBACK")
                return version
            version, script = MIGRATIONS[version]
            run_script(db, script)
        db.execute("INSERT OR REPLACE INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))
        db.execute("INSERT OR IGNORE INTO meta VALUES('store_id', ?)", (uuid.uuid4().hex,))
        db.execute("INSERT OR IGNORE INTO meta VALUES('generation', '0')")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return None


def _version(db: sqlite3.Connection) -> str | None:
    if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone() is None:
        return None
    row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    return str(row[0]) if row else None


def bump_generation(db: sqlite3.Connection) -> None:
    """Count one more write, inside the writing transaction (see the module docstring)."""
    db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")


def read_generation(db: sqlite3.Connection) -> tuple[str, int]:
    """``(store_id, generation)`` as last committed."""
    rows = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('store_id', 'generation')").fetchall())
    return str(rows.get("store_id", "")), int(rows.get("generation", 0))
