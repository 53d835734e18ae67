"""The embedded store: one SQLite file, ACID, zero setup.

SQLite gives us durability, atomic multi-statement transactions (a killed process
leaves the previous state, recovered from the journal on next open) and a
cross-process write lock. Facts are staged in temporary tables and applied with
set-based statements, so that diffing a new version of a list against the old one
costs a few joins, not a Python loop over millions of rows.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson

from trgraph.errors import StoreError, StoreLockedError
from trgraph.model import (
    Action,
    Change,
    ChangeKind,
    Decision,
    Entity,
    JsonDict,
    Link,
    LinkKind,
    Run,
)
from trgraph.store.base import Direction, Edge, Store, Writer
from trgraph.store.embedded_bulk import NumberedLinks, read_numbered
from trgraph.store.embedded_schema import SCHEMA_VERSION, bump_generation, ensure_schema, read_generation, run_script
from trgraph.store.embedded_writer import READ_CACHE_KIB, STAGE, WRITE_CACHE_KIB, SqliteWriter, name_key, now_iso

_LOCK_WAIT_S = 30.0

class EmbeddedStore(Store):
    """A store in one SQLite file (created on first use)."""

    def __init__(self, path: str | Path, *, lock_timeout: float = _LOCK_WAIT_S) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.location = str(self.path)
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"store path {self.path} is a folder, not a file")
        if not self.path.parent.exists():
            raise StoreError(f"folder {self.path.parent} does not exist (store {self.path})")
        try:
            self._db = sqlite3.connect(self.path, timeout=lock_timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            raise _store_error(exc, self.path, self.lock_timeout) from exc

    def _init_schema(self) -> None:
        found = ensure_schema(self._db)
        if found is not None:
            raise StoreError(f"store {self.path} has schema {found}, newer than this trgraph's {SCHEMA_VERSION}:"
                             " upgrade trgraph to use it")

    # -- writing ---------------------------------------------------------------
    def begin(self, *, kind: str, dataset: str, source: str, file_hash: str, replace: bool) -> Writer:
        """Take the write lock and start a job (see :class:`Store.begin`)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _store_error(exc, self.path, self.lock_timeout) from exc
        try:
            self._db.execute(f"PRAGMA cache_size=-{WRITE_CACHE_KIB}")  # the writer sets it back
            run_script(self._db, STAGE)
            cur = self._db.execute(
                "INSERT INTO runs(kind, dataset, source, file_hash, started_at, status) VALUES(?,?,?,?,?, 'running')",
                (kind, dataset, source, file_hash, now_iso()),
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            self._db.execute(f"PRAGMA cache_size=-{READ_CACHE_KIB}")
            raise
        assert cur.lastrowid is not None
        return SqliteWriter(self._db, cur.lastrowid, dataset, replace)

    def add_decision(self, decision: Decision) -> Decision:
        """Append to the ledger in its own transaction."""
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                cur = self._db.execute(
                    "INSERT INTO decisions(match_id, subject, candidate, action, reason, by, at, evidence_hash)"
                    " VALUES(?,?,?,?,?,?,?,?)",
                    (
                        decision.match_id,
                        decision.subject,
                        decision.candidate,
                        decision.action.value,
                        decision.reason,
                        decision.by,
                        decision.at,
                        decision.evidence_hash,
                    ),
                )
                bump_generation(self._db)
        except sqlite3.OperationalError as exc:
            raise _store_error(exc, self.path, self.lock_timeout) from exc
        assert cur.lastrowid is not None
        return Decision(**{**_decision_fields(decision), "seq": cur.lastrowid})

    # -- reading ---------------------------------------------------------------
    def get_entity(self, entity_id: str) -> Entity | None:
        """See :meth:`Store.get_entity`."""
        row = self._db.execute(
            "SELECT doc FROM entities WHERE id=? AND removed_run IS NULL", (entity_id,)
        ).fetchone()
        return Entity.from_dict(orjson.loads(row[0])) if row else None

    def get_entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """See :meth:`Store.get_entities`."""
        out: dict[str, Entity] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for (doc,) in self._db.execute(
                f"SELECT doc FROM entities WHERE removed_run IS NULL AND id IN ({marks})", chunk
            ):
                entity = Entity.from_dict(orjson.loads(doc))
                out[entity.id] = entity
        return out

    def get_flagged_entities(self, ids: Iterable[str], *, or_containing: str = "") -> dict[str, Entity]:
        """Of these entities, those with flags (or whose stored document contains ``or_containing``):
        :meth:`get_entities` without decoding the documents of the many that have neither."""
        out: dict[str, Entity] = {}
        wanted = list(dict.fromkeys(ids))
        extra = " OR instr(doc, ?) > 0" if or_containing else ""
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            params = [*chunk, or_containing.encode("utf-8")] if or_containing else chunk
            for (doc,) in self._db.execute(
                f"SELECT doc FROM entities WHERE removed_run IS NULL AND id IN ({marks}) AND (flags != ''{extra})",
                params,
            ):
                entity = Entity.from_dict(orjson.loads(doc))
                out[entity.id] = entity
        return out

    def iter_entities(self, *, dataset: str | None = None, kind: str | None = None) -> Iterator[Entity]:
        """See :meth:`Store.iter_entities`."""
        sql = "SELECT doc FROM entities WHERE removed_run IS NULL"
        params: list[str] = []
        if dataset is not None:
            sql += " AND scope=?"
            params.append(dataset)
        if kind is not None:
            sql += " AND kind=?"
            params.append(kind)
        for (doc,) in self._db.execute(sql + " ORDER BY id", params):
            yield Entity.from_dict(orjson.loads(doc))

    def iter_links(self, *, kinds: Iterable[LinkKind] | None = None, dataset: str | None = None) -> Iterator[Link]:
        """See :meth:`Store.iter_links`."""
        sql = "SELECT doc FROM links WHERE removed_run IS NULL"
        params: list[str] = []
        if kinds is not None:
            kind_list = [LinkKind(k).value for k in kinds]
            sql += f" AND kind IN ({','.join('?' * len(kind_list))})"
            params.extend(kind_list)
        if dataset is not None:
            sql += " AND scope=?"
            params.append(dataset)
        for (doc,) in self._db.execute(sql + " ORDER BY id", params):
            yield Link.from_dict(orjson.loads(doc))

    def get_link(self, link_id: str) -> Link | None:
        """See :meth:`Store.get_link`."""
        row = self._db.execute("SELECT doc FROM links WHERE id=? AND removed_run IS NULL", (link_id,)).fetchone()
        return Link.from_dict(orjson.loads(row[0])) if row else None

    def edges(self) -> Iterator[Edge]:
        """See :meth:`Store.edges`."""
        kinds = {k.value: k for k in LinkKind}
        for source, target, kind, end_date, share in self._db.execute(
            "SELECT source, target, kind, end_date, share_pct FROM links WHERE removed_run IS NULL"
        ):
            yield Edge(source, target, kinds[kind], end_date, share)

    def edge_rows(self) -> Iterator[tuple[str, str, str, str | None]]:
        """Raw ``(source, target, kind, end_date)`` tuples: the fastest way to build an index."""
        yield from self._db.execute("SELECT source, target, kind, end_date FROM links WHERE removed_run IS NULL")

    def generation(self) -> tuple[str, int]:
        """``(store id, generation)``: a random id given at creation and the number of writes
        committed since, which together name the store's current state."""
        return read_generation(self._db)

    def numbered_links(self, kinds: Sequence[str], today: str) -> NumberedLinks | None:
        """Every current link, packed: the fastest way to read millions of links into arrays.

        Read from the small ``links_edges`` index with the ids (see
        :mod:`trgraph.store.embedded_bulk`), as one consistent state. None when the numbers
        are too sparse or too large to pack (read :meth:`edge_rows` instead).
        """
        return read_numbered(self._db, kinds, today)

    def link_rows_of(self, entity_ids: Iterable[str]) -> dict[str, list[tuple[str, str, str, str, str | None]]]:
        """Raw ``(id, source, target, kind, end_date)`` of the current links of each entity (either
        end), sorted by id, read without decoding documents: the fast way to walk a neighbourhood."""
        wanted = list(dict.fromkeys(entity_ids))
        out: dict[str, list[tuple[str, str, str, str, str | None]]] = {i: [] for i in wanted}
        cols = "SELECT id, source, target, kind, end_date FROM links WHERE removed_run IS NULL"
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"{cols} AND source IN ({marks}) UNION {cols} AND target IN ({marks})", chunk + chunk
            ).fetchall()
            here = set(chunk)
            for row in rows:
                for end in {row[1], row[2]} & here:
                    out[end].append(row)
        for rows in out.values():
            rows.sort()
        return out

    def flag_rows(self) -> Iterator[tuple[str, str]]:
        """Raw ``(id, comma-separated flags)`` of every current flagged entity."""
        yield from self._db.execute(
            "SELECT id, flags FROM entities INDEXED BY entities_flagged WHERE removed_run IS NULL AND flags != ''"
        )

    def links_of(self, entity_id: str, direction: Direction = "both") -> list[Link]:
        """See :meth:`Store.links_of`."""
        parts = []
        if direction in ("out", "both"):
            parts.append("SELECT doc FROM links WHERE source=?1 AND removed_run IS NULL")
        if direction in ("in", "both"):
            parts.append("SELECT doc FROM links WHERE target=?1 AND removed_run IS NULL")
        rows = self._db.execute(" UNION ".join(parts), (entity_id,)).fetchall()
        return sorted((Link.from_dict(orjson.loads(r[0])) for r in rows), key=lambda lk: lk.id)

    def find_by_name(self, name: str) -> list[Entity]:
        """See :meth:`Store.find_by_name`."""
        key = name_key(name)
        rows = self._db.execute(
            "SELECT id FROM entities WHERE name_key=?1 AND removed_run IS NULL"
            " UNION SELECT a.entity_id FROM aliases a JOIN entities e ON e.id=a.entity_id"
            " WHERE a.key=?1 AND e.removed_run IS NULL",
            (key,),
        ).fetchall()
        found = self.get_entities(sorted(r[0] for r in rows))
        return [found[i] for i in sorted(found)]

    def stats(self) -> JsonDict:
        """See :meth:`Store.stats`."""
        q = self._db.execute
        flags: Counter[str] = Counter()
        for flag_text, count in q("SELECT flags, COUNT(*) FROM entities WHERE removed_run IS NULL GROUP BY flags"):
            for flag in filter(None, flag_text.split(",")):
                flags[flag] += count
        return {
            "store": self.location,
            "entities": q("SELECT COUNT(*) FROM entities WHERE removed_run IS NULL").fetchone()[0],
            "links": q("SELECT COUNT(*) FROM links WHERE removed_run IS NULL").fetchone()[0],
            "removed_entities": q("SELECT COUNT(*) FROM entities WHERE removed_run IS NOT NULL").fetchone()[0],
            "by_kind": dict(
                q("SELECT kind, COUNT(*) FROM entities WHERE removed_run IS NULL GROUP BY kind ORDER BY kind")
            ),
            "by_link_kind": dict(
                q("SELECT kind, COUNT(*) FROM links WHERE removed_run IS NULL GROUP BY kind ORDER BY kind")
            ),
            "by_flag": dict(sorted(flags.items())),
            "by_dataset": _by_dataset(
                q("SELECT scope, COUNT(*) FROM entities WHERE removed_run IS NULL GROUP BY scope"),
                q("SELECT scope, COUNT(*) FROM links WHERE removed_run IS NULL GROUP BY scope"),
            ),
            "runs": len(self.runs()),
            "decisions": q("SELECT COUNT(*) FROM decisions").fetchone()[0],
        }

    def runs(self) -> list[Run]:
        """See :meth:`Store.runs`."""
        rows = self._db.execute(
            "SELECT id, kind, dataset, source, file_hash, started_at, finished_at, status, accepted, rejected,"
            " added, altered, removed FROM runs ORDER BY id"
        ).fetchall()
        return [Run(*row) for row in rows]

    def changes(self, *, since_run: int = 0, what: str | None = None) -> list[Change]:
        """See :meth:`Store.changes`."""
        sql = "SELECT run_id, what, id, change, dataset, name, old, new FROM changes WHERE run_id > ?"
        params: list[Any] = [since_run]
        if what is not None:
            sql += " AND what=?"
            params.append(what)
        out = []
        rows = self._db.execute(sql + " ORDER BY run_id, rowid", params)
        for run_id, w, cid, change, dataset, name, old, new in rows:
            out.append(
                Change(
                    run_id,
                    w,
                    cid,
                    ChangeKind(change),
                    dataset,
                    name,
                    orjson.loads(old) if old else None,
                    orjson.loads(new) if new else None,
                )
            )
        return out

    def decisions(self) -> list[Decision]:
        """See :meth:`Store.decisions`."""
        rows = self._db.execute(
            "SELECT match_id, subject, candidate, action, reason, by, at, evidence_hash, seq"
            " FROM decisions ORDER BY seq"
        ).fetchall()
        return [Decision(r[0], r[1], r[2], Action(r[3]), r[4], r[5], r[6], r[7], r[8]) for r in rows]

    def close(self) -> None:
        """Close the connection (an open job is rolled back by SQLite)."""
        self._db.close()


def _by_dataset(entities: Iterable[tuple[str, int]], links: Iterable[tuple[str, int]]) -> JsonDict:
    out: dict[str, dict[str, int]] = {}
    for scope, n in entities:
        out.setdefault(scope, {"entities": 0, "links": 0})["entities"] = n
    for scope, n in links:
        out.setdefault(scope, {"entities": 0, "links": 0})["links"] = n
    return dict(sorted(out.items()))


def _decision_fields(d: Decision) -> dict[str, Any]:
    return {f: getattr(d, f) for f in Decision.__slots__}


def _store_error(exc: sqlite3.Error, path: Path, waited: float) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreLockedError(
            f"store {path} is locked by another trgraph process (waited {waited:.0f} s); try again when it ends"
        )
    return StoreError(f"cannot use store {path}: {text}")
