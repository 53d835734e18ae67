"""The Neo4j store: the same store contract on a Neo4j 5 server.

Selected by ``--store neo4j://HOST:PORT`` (or ``bolt://``); credentials come only from
``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` and the database from ``NEO4J_DATABASE``.

Graph layout (labels and relationship types derived from the model's enums):

- ``(:Entity:<EntityKind.label> {id, kind, name, name_key, country, flags, scope, doc, hash,
  first_run, last_run, removed_run})`` — ``doc`` is the canonical JSON of the entity, so
  reading returns exactly what was written; the other properties are for querying.
  A link whose end is not loaded yet creates a bare ``(:Entity {id})`` placeholder with
  no ``doc``; placeholders are not entities for any read.
- ``(s)-[:<LinkKind.rel_type> {id, kind, source, target, end_date, share_pct, scope, doc,
  hash, first_run, last_run, removed_run}]->(t)`` for each link.
- ``(:Alias {key, entity_id})`` for every other name (``find_by_name``), ``(:Run)``,
  ``(:Change)``, ``(:Decision)``, and ``(:Counter {name, value})`` for run and decision
  numbers (the run counter doubles as the job write lock: a second job waits for it).

Facts a newer list version drops are marked ``removed_run`` and kept, never deleted.
The driver is imported lazily, so ``import trgraph.store`` never needs it.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

from trgraph.errors import DependencyError, StoreError
from trgraph.model import Action, Change, ChangeKind, Decision, Entity, JsonDict, Link, LinkKind, Run
from trgraph.store.base import Direction, Edge, Store, Writer
from trgraph.store.embedded import _by_dataset
from trgraph.store.embedded_writer import name_key, now_iso
from trgraph.store.neo4j_writer import BEGIN_RUN, Neo4jWriter, driver_errors, one_line, rel_type, run_fields, translate

if TYPE_CHECKING:
    import types

    from neo4j import Driver, Session

SCHEMA_VERSION = "1"
INSTALL_HINT = "pip install 'trgraph[neo4j]'"
_CURRENT = "x.doc IS NOT NULL AND x.removed_run IS NULL"
_IDS_CHUNK = 1_000


def _schema() -> list[str]:
    """Constraints and indexes, named and derived from the enums (idempotent)."""
    out = [
        "CREATE CONSTRAINT trgraph_entity_id IF NOT EXISTS FOR (x:Entity) REQUIRE x.id IS UNIQUE",
        "CREATE CONSTRAINT trgraph_run_id IF NOT EXISTS FOR (x:Run) REQUIRE x.id IS UNIQUE",
        "CREATE CONSTRAINT trgraph_decision_seq IF NOT EXISTS FOR (x:Decision) REQUIRE x.seq IS UNIQUE",
        "CREATE CONSTRAINT trgraph_counter_name IF NOT EXISTS FOR (x:Counter) REQUIRE x.name IS UNIQUE",
        "CREATE CONSTRAINT trgraph_meta_key IF NOT EXISTS FOR (x:TrgraphMeta) REQUIRE x.key IS UNIQUE",
        "CREATE INDEX trgraph_entity_name_key IF NOT EXISTS FOR (x:Entity) ON (x.name_key)",
        "CREATE INDEX trgraph_entity_scope IF NOT EXISTS FOR (x:Entity) ON (x.scope)",
        "CREATE INDEX trgraph_entity_flags IF NOT EXISTS FOR (x:Entity) ON (x.flags)",
        "CREATE INDEX trgraph_entity_seen_run IF NOT EXISTS FOR (x:Entity) ON (x.seen_run)",
        "CREATE INDEX trgraph_alias_key IF NOT EXISTS FOR (x:Alias) ON (x.key)",
        "CREATE INDEX trgraph_alias_entity IF NOT EXISTS FOR (x:Alias) ON (x.entity_id)",
        "CREATE INDEX trgraph_change_run IF NOT EXISTS FOR (x:Change) ON (x.run_id)",
    ]
    for kind in LinkKind:
        rt = rel_type(kind)
        low = rt.lower()
        out += [
            f"CREATE CONSTRAINT trgraph_{low}_id IF NOT EXISTS FOR ()-[x:{rt}]-() REQUIRE x.id IS UNIQUE",
            f"CREATE INDEX trgraph_{low}_scope IF NOT EXISTS FOR ()-[x:{rt}]-() ON (x.scope)",
            f"CREATE INDEX trgraph_{low}_seen_run IF NOT EXISTS FOR ()-[x:{rt}]-() ON (x.seen_run)",
        ]
    return out


def _driver_module() -> types.ModuleType:
    try:
        import neo4j
    except ImportError as exc:
        raise DependencyError(
            f"the Neo4j store needs the neo4j driver, which is not installed: {INSTALL_HINT}"
        ) from exc
    # Without a handler the driver's own log lines would reach stderr through logging's
    # last resort, beside our single error line.
    logger = logging.getLogger("neo4j")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    return neo4j


def _check_address(uri: str) -> str:
    """``uri`` itself when it is a usable address without credentials in it."""
    try:
        parts = urlsplit(uri)
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:
        raise StoreError(f"invalid Neo4j address {uri}: {exc}") from exc
    if parts.username is not None or parts.password is not None:
        shown = parts._replace(netloc=f"{host}:{port}" if port else host).geturl()
        raise StoreError(f"put Neo4j credentials in NEO4J_USERNAME / NEO4J_PASSWORD, not in the address {shown}")
    return uri


class Neo4jStore(Store):
    """A store on a Neo4j 5 server (schema set up on first use)."""

    def __init__(self, uri: str, *, auth: tuple[str, str] | None = None, database: str | None = None) -> None:
        neo4j = _driver_module()
        self.uri = uri
        self.location = _check_address(uri)
        self.database = database or None
        bad_address = (ValueError, neo4j.exceptions.ConfigurationError)
        try:
            self._driver: Driver = neo4j.GraphDatabase.driver(uri, auth=auth, connection_timeout=10.0)
        except bad_address as exc:
            raise StoreError(f"invalid Neo4j address {self.location}: {one_line(str(exc))}") from exc
        # Sessions share one bookmark manager, so that each read sees every earlier write
        # (causal consistency) even on a cluster.
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()
        try:
            with driver_errors(self.location):
                try:
                    self._driver.verify_connectivity()
                except bad_address as exc:
                    raise StoreError(f"invalid Neo4j address {self.location}: {one_line(str(exc))}") from exc
                self._init_schema()
        except BaseException:
            self._driver.close()
            raise

    @classmethod
    def from_env(cls, uri: str) -> Neo4jStore:
        """Connect to ``uri`` with ``NEO4J_USERNAME`` (default ``neo4j``), ``NEO4J_PASSWORD``
        (no password: no authentication) and ``NEO4J_DATABASE`` (default: the server's)."""
        password = os.environ.get("NEO4J_PASSWORD")
        auth = (os.environ.get("NEO4J_USERNAME") or "neo4j", password) if password is not None else None
        return cls(uri, auth=auth, database=os.environ.get("NEO4J_DATABASE"))

    def _session(self, *, write: bool = False) -> Session:
        mode = "WRITE" if write else "READ"
        return self._driver.session(database=self.database, default_access_mode=mode, bookmark_manager=self._bookmarks)

    def _query(self, query: str, write: bool = False, **params: Any) -> list[dict[str, Any]]:
        """Run one auto-commit query and return its records as dicts."""
        with driver_errors(self.location), self._session(write=write) as session:
            return [record.data() for record in session.run(query, params)]

    def _stream(self, query: str, **params: Any) -> Iterator[Any]:
        """The first column of each record, streamed (the session closes when the caller stops)."""
        with driver_errors(self.location), self._session() as session:
            for record in session.run(query, params):
                yield record[0]

    def _init_schema(self) -> None:
        found = self._query("MATCH (m:TrgraphMeta {key: 'schema'}) RETURN m.value AS v")
        if found:
            if found[0]["v"] != SCHEMA_VERSION:
                raise StoreError(f"Neo4j store {self.location} has schema {found[0]['v']}, expected {SCHEMA_VERSION}")
            return
        # Schema commands cannot share a transaction with writes: each runs on its own.
        for statement in _schema():
            self._query(statement, write=True)
        self._query("CALL db.awaitIndexes(300)", write=True)
        self._query("MERGE (m:TrgraphMeta {key: 'schema'}) SET m.value = $v", write=True, v=SCHEMA_VERSION)

    def wipe(self) -> None:
        """Delete every trgraph node and relationship (schema kept). For tests and resets only."""
        for label in ("Alias", "Change", "Decision", "Run", "Counter", "Entity"):
            while True:
                (row,) = self._query(
                    f"MATCH (x:{label}) WITH x LIMIT 10000 DETACH DELETE x RETURN count(*) AS n", write=True
                )
                if not row["n"]:
                    break

    # -- writing ---------------------------------------------------------------
    def begin(self, *, kind: str, dataset: str, source: str, file_hash: str, replace: bool) -> Writer:
        """Open the job's transaction and record its run (see :class:`Store.begin`)."""
        with driver_errors(self.location):
            session = self._session(write=True)
            try:
                tx = session.begin_transaction(metadata={"app": "trgraph", "kind": kind, "dataset": dataset})
                params = {"kind": kind, "dataset": dataset, "source": source, "file_hash": file_hash, "now": now_iso()}
                run_id = int(tx.run(BEGIN_RUN, params).single(strict=True)["id"])
            except BaseException:
                session.close()
                raise
        return Neo4jWriter(session, tx, run_id, dataset, replace, location=self.location)

    def add_decision(self, decision: Decision) -> Decision:
        """Append to the ledger in its own transaction; the counter gives the sequence number."""
        fields = decision.to_dict()
        del fields["seq"]
        (row,) = self._query(
            "MERGE (c:Counter {name: 'decision'}) ON CREATE SET c.value = 0 SET c.value = c.value + 1"
            " CREATE (d:Decision) SET d = $fields, d.seq = c.value RETURN d.seq AS seq",
            write=True,
            fields=fields,
        )
        return Decision(**{**{f: getattr(decision, f) for f in Decision.__slots__}, "seq": int(row["seq"])})

    # -- reading ---------------------------------------------------------------
    def get_entity(self, entity_id: str) -> Entity | None:
        """See :meth:`Store.get_entity`."""
        rows = self._query(f"MATCH (x:Entity {{id: $id}}) WHERE {_CURRENT} RETURN x.doc AS doc", id=entity_id)
        return Entity.from_dict(orjson.loads(rows[0]["doc"])) if rows else None

    def get_entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """See :meth:`Store.get_entities`."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Entity] = {}
        for start in range(0, len(wanted), _IDS_CHUNK):
            for row in self._query(
                f"UNWIND $ids AS id MATCH (x:Entity {{id: id}}) WHERE {_CURRENT} RETURN x.doc AS doc",
                ids=wanted[start : start + _IDS_CHUNK],
            ):
                entity = Entity.from_dict(orjson.loads(row["doc"]))
                out[entity.id] = entity
        return out

    def iter_entities(self, *, dataset: str | None = None, kind: str | None = None) -> Iterator[Entity]:
        """See :meth:`Store.iter_entities`."""
        query = (
            f"MATCH (x:Entity) WHERE {_CURRENT} AND ($scope IS NULL OR x.scope = $scope)"
            " AND ($kind IS NULL OR x.kind = $kind) RETURN x.doc ORDER BY x.id"
        )
        for doc in self._stream(query, scope=dataset, kind=kind):
            yield Entity.from_dict(orjson.loads(doc))

    def iter_links(self, *, kinds: Iterable[LinkKind] | None = None, dataset: str | None = None) -> Iterator[Link]:
        """See :meth:`Store.iter_links`."""
        types = ""
        if kinds is not None:
            wanted = sorted({LinkKind(k) for k in kinds})
            if not wanted:
                return
            types = ":" + "|".join(rel_type(k) for k in wanted)
        query = (
            f"MATCH ()-[x{types}]->() WHERE {_CURRENT} AND ($scope IS NULL OR x.scope = $scope)"
            " RETURN x.doc ORDER BY x.id"
        )
        for doc in self._stream(query, scope=dataset):
            yield Link.from_dict(orjson.loads(doc))

    def get_link(self, link_id: str) -> Link | None:
        """See :meth:`Store.get_link` (one index look-up per link kind)."""
        parts = [f"MATCH ()-[x:{rel_type(k)} {{id: $id}}]->() WHERE {_CURRENT} RETURN x.doc AS doc" for k in LinkKind]
        rows = self._query(" UNION ".join(parts), id=link_id)
        return Link.from_dict(orjson.loads(rows[0]["doc"])) if rows else None

    def edges(self) -> Iterator[Edge]:
        """See :meth:`Store.edges`."""
        kinds = {k.value: k for k in LinkKind}
        query = f"MATCH ()-[x]->() WHERE {_CURRENT} RETURN [x.source, x.target, x.kind, x.end_date, x.share_pct]"
        for source, target, kind, end_date, share in self._stream(query):
            yield Edge(source, target, kinds[kind], end_date, share)

    def edge_rows(self) -> Iterator[tuple[str, str, str, str | None]]:
        """Raw ``(source, target, kind, end_date)`` rows, like :meth:`EmbeddedStore.edge_rows`."""
        query = f"MATCH ()-[x]->() WHERE {_CURRENT} RETURN [x.source, x.target, x.kind, x.end_date]"
        yield from (tuple(row) for row in self._stream(query))

    def flag_rows(self) -> Iterator[tuple[str, str]]:
        """Raw ``(id, comma-separated flags)`` of every current flagged entity (a flags-index range seek)."""
        query = f"MATCH (x:Entity) WHERE x.flags > '' AND {_CURRENT} RETURN [x.id, x.flags]"
        yield from (tuple(row) for row in self._stream(query))

    def links_of(self, entity_id: str, direction: Direction = "both") -> list[Link]:
        """See :meth:`Store.links_of`."""
        pattern = {"out": "(n)-[x]->()", "in": "(n)<-[x]-()", "both": "(n)-[x]-()"}[direction]
        rows = self._query(
            f"MATCH (n:Entity {{id: $id}}) MATCH {pattern} WHERE {_CURRENT} RETURN DISTINCT x.doc AS doc",
            id=entity_id,
        )
        return sorted((Link.from_dict(orjson.loads(r["doc"])) for r in rows), key=lambda lk: lk.id)

    def find_by_name(self, name: str) -> list[Entity]:
        """See :meth:`Store.find_by_name`."""
        key = name_key(name)
        ids = {r["id"] for r in self._query("MATCH (x:Entity {name_key: $k}) RETURN x.id AS id", k=key)}
        ids |= {r["id"] for r in self._query("MATCH (a:Alias {key: $k}) RETURN a.entity_id AS id", k=key)}
        found = self.get_entities(sorted(ids))
        return [found[i] for i in sorted(found)]

    def stats(self) -> JsonDict:
        """See :meth:`Store.stats` (the same shape as the embedded store's)."""
        q = self._query
        flags: Counter[str] = Counter()
        for row in q(f"MATCH (x:Entity) WHERE {_CURRENT} RETURN x.flags AS f, count(*) AS n"):
            for flag in filter(None, (row["f"] or "").split(",")):
                flags[flag] += row["n"]

        def pairs(query: str) -> dict[str, int]:
            return dict(sorted((r["k"], int(r["n"])) for r in q(query)))

        entity_scopes = pairs(f"MATCH (x:Entity) WHERE {_CURRENT} RETURN x.scope AS k, count(*) AS n")
        link_scopes = pairs(f"MATCH ()-[x]->() WHERE {_CURRENT} RETURN x.scope AS k, count(*) AS n")
        return {
            "store": self.location,
            "entities": sum(entity_scopes.values()),
            "links": sum(link_scopes.values()),
            "removed_entities": q(
                "MATCH (x:Entity) WHERE x.doc IS NOT NULL AND x.removed_run IS NOT NULL RETURN count(*) AS n"
            )[0]["n"],
            "by_kind": pairs(f"MATCH (x:Entity) WHERE {_CURRENT} RETURN x.kind AS k, count(*) AS n"),
            "by_link_kind": pairs(f"MATCH ()-[x]->() WHERE {_CURRENT} RETURN x.kind AS k, count(*) AS n"),
            "by_flag": dict(sorted(flags.items())),
            "by_dataset": _by_dataset(entity_scopes.items(), link_scopes.items()),
            "runs": q("MATCH (r:Run) RETURN count(r) AS n")[0]["n"],
            "decisions": q("MATCH (d:Decision) RETURN count(d) AS n")[0]["n"],
        }

    def runs(self) -> list[Run]:
        """See :meth:`Store.runs`."""
        return [run_fields(r["run"]) for r in self._query("MATCH (r:Run) RETURN properties(r) AS run ORDER BY r.id")]

    def changes(self, *, since_run: int = 0, what: str | None = None) -> list[Change]:
        """See :meth:`Store.changes` (within a run: entities then links; added, altered, removed; by id)."""
        rows = self._query(
            "MATCH (c:Change) WHERE c.run_id > $since AND ($what IS NULL OR c.what = $what)"
            " RETURN properties(c) AS c ORDER BY c.run_id, c.ord, c.id",
            since=since_run,
            what=what,
        )
        out = []
        for row in rows:
            c = row["c"]
            old, new = c.get("old"), c.get("new")
            out.append(
                Change(
                    int(c["run_id"]),
                    c["what"],
                    c["id"],
                    ChangeKind(c["change"]),
                    c["dataset"],
                    c["name"],
                    orjson.loads(old) if old else None,
                    orjson.loads(new) if new else None,
                )
            )
        return out

    def decisions(self) -> list[Decision]:
        """See :meth:`Store.decisions`."""
        rows = self._query("MATCH (d:Decision) RETURN properties(d) AS d ORDER BY d.seq")
        return [
            Decision(
                d["match_id"],
                d["subject"],
                d["candidate"],
                Action(d["action"]),
                d["reason"],
                d["by"],
                d["at"],
                d.get("evidence_hash", ""),
                int(d["seq"]),
            )
            for d in (r["d"] for r in rows)
        ]

    def close(self) -> None:
        """Close the driver (an open job's transaction is rolled back by the server)."""
        self._driver.close()


__all__ = ["INSTALL_HINT", "Neo4jStore", "translate"]
