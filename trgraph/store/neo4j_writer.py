"""The Neo4j writer: one explicit server transaction per ingest job.

Everything a job writes (the run, entities, aliases, links, changes) happens inside
one ``session.begin_transaction()``; leaving the writer by an exception rolls the
transaction back, so the store is all-or-nothing exactly like the embedded store.

Diffing happens as rows arrive instead of in a staging table: the first time a job
touches an entity or link it records, on that node or relationship, the hash it had
before the job (``pre_hash``, null when it was absent or removed) and, when the job
overwrites it, the old document (``pre_doc``). :meth:`Neo4jWriter.commit` then turns
those marks into ``:Change`` nodes with one set-based statement per table, marks the
facts a ``replace`` job did not restate as removed, and clears the marks. A later row
with the same id within the job replaces the earlier one and still diffs against the
state before the job, as with the embedded store's staging table.

Labels and relationship types come only from :class:`EntityKind` and :class:`LinkKind`
(checked to be plain identifiers); every value travels as a query parameter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from trgraph.errors import StoreError, TrgraphError
from trgraph.model import Entity, EntityKind, Link, LinkKind, Run
from trgraph.model.records import canonical
from trgraph.store.base import RunSummary, Writer
from trgraph.store.embedded_writer import name_key, now_iso

if TYPE_CHECKING:
    from neo4j import Session, Transaction

#: Rows per ``UNWIND`` statement: big enough to amortise round trips, small enough
#: to keep one Bolt message and the planner's working set modest.
CHUNK = 5_000

_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def token(text: str) -> str:
    """A label or relationship type checked to be a plain identifier (defence in depth:
    every token already comes from the model's enums, never from data)."""
    if not _TOKEN_RE.match(text):
        raise ValueError(f"not a safe Cypher token: {text!r}")
    return text


def entity_label(kind: EntityKind) -> str:
    """The node label of an entity kind (``EntityKind.label``)."""
    return token(EntityKind(kind).label)


def rel_type(kind: LinkKind) -> str:
    """The relationship type of a link kind (``LinkKind.rel_type``)."""
    return token(LinkKind(kind).rel_type)


def run_fields(props: dict[str, Any]) -> Run:
    """A :class:`Run` from the properties of a ``:Run`` node."""
    return Run(
        int(props["id"]),
        props["kind"],
        props["dataset"],
        props["source"],
        props["file_hash"],
        props["started_at"],
        props.get("finished_at"),
        props["status"],
        int(props.get("accepted", 0)),
        int(props.get("rejected", 0)),
        int(props.get("added", 0)),
        int(props.get("altered", 0)),
        int(props.get("removed", 0)),
    )


def one_line(text: str) -> str:
    """``text`` on one line (server messages can span several)."""
    return " ".join(str(text).split())


def translate(exc: BaseException, location: str) -> TrgraphError | None:
    """A one-line :class:`StoreError` for a driver or server failure (None for anything else)."""
    from neo4j import exceptions as nx

    if isinstance(exc, nx.AuthError):
        return StoreError(
            f"Neo4j at {location} refused the credentials; set NEO4J_USERNAME and NEO4J_PASSWORD "
            f"({one_line(exc.message or '')})"
        )
    if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired):
        return StoreError(
            f"cannot reach Neo4j at {location} (is the server running? `docker compose up -d` starts one): "
            f"{one_line(str(exc))}"
        )
    if isinstance(exc, nx.Neo4jError):
        return StoreError(f"Neo4j at {location} failed: {exc.code}: {one_line(exc.message or '')}")
    if isinstance(exc, nx.DriverError):
        return StoreError(f"Neo4j driver error for {location}: {one_line(str(exc))}")
    return None


@contextmanager
def driver_errors(location: str) -> Iterator[None]:
    """Map driver and server failures inside the block to one-line :class:`StoreError` s."""
    try:
        yield
    except TrgraphError:
        raise
    except Exception as exc:
        mapped = translate(exc, location)
        if mapped is None:
            raise
        raise mapped from exc


BEGIN_RUN = """
MERGE (c:Counter {name: 'run'}) ON CREATE SET c.value = 0
SET c.value = c.value + 1
CREATE (r:Run {id: c.value, kind: $kind, dataset: $dataset, source: $source, file_hash: $file_hash,
               started_at: $now, status: 'running', accepted: 0, rejected: 0, added: 0, altered: 0, removed: 0})
RETURN r.id AS id
"""

# The first WITH decides what the fact looked like before this job (``again``: this job
# already touched it); rows whose content is unchanged stop after marking ``seen_run``,
# so re-ingesting an unchanged file writes one small property per row and nothing else.
_MARK = """
WITH x, r, coalesce(x.seen_run = $run, false) AS again
WITH x, r, again, CASE WHEN again THEN x.pre_hash
                       WHEN x.doc IS NOT NULL AND x.removed_run IS NULL THEN x.hash END AS pre
SET x.seen_run = $run, x.pre_hash = pre
WITH x, r, pre, CASE WHEN again THEN x.pre_doc END AS kept
WHERE x.doc IS NULL OR x.hash <> r.hash OR x.removed_run IS NOT NULL
WITH x, r, CASE WHEN kept IS NULL AND pre IS NOT NULL AND x.hash = pre THEN x.doc ELSE kept END AS pre_doc
SET x.pre_doc = pre_doc, x.doc = r.doc, x.hash = r.hash, x.kind = r.kind, x.scope = $scope,
    x.removed_run = null, x.first_run = coalesce(x.first_run, $run), x.last_run = $run
"""

_PUT_ENTITIES = (
    """
UNWIND $rows AS r
MERGE (x:Entity {id: r.id})
"""
    + _MARK
    + """
SET x.name = r.name, x.name_key = r.name_key, x.country = r.country, x.flags = r.flags
REMOVE x%(others)s
SET x:%(label)s
RETURN r.id AS id
"""
)

_DROP_ALIASES = "UNWIND $ids AS id MATCH (a:Alias {entity_id: id}) DELETE a"
_PUT_ALIASES = "UNWIND $rows AS r UNWIND r.aliases AS k CREATE (:Alias {key: k, entity_id: r.id})"
_STUBS = "UNWIND $ids AS id MERGE (:Entity {id: id})"

# A link id whose ends moved (possible only for ids not made by ``link_id``): a
# relationship cannot be re-pointed, so it is recreated with all its properties.
_REPOINT = """
UNWIND $rows AS r
MATCH (a:Entity)-[t:%(type)s {id: r.id}]->(b:Entity) WHERE a.id <> r.source OR b.id <> r.target
WITH r, t, properties(t) AS props
DELETE t
WITH r, props
MATCH (s:Entity {id: r.source}), (e:Entity {id: r.target})
CREATE (s)-[n:%(type)s]->(e) SET n = props
"""

_PUT_LINKS = (
    """
UNWIND $rows AS r
MATCH (s:Entity {id: r.source}), (e:Entity {id: r.target})
MERGE (s)-[x:%(type)s {id: r.id}]->(e)
"""
    + _MARK
    + """
SET x.source = r.source, x.target = r.target, x.end_date = r.end_date, x.share_pct = r.share_pct
"""
)

_ENTITY_CHANGES = """
MATCH (x:Entity) WHERE x.seen_run = $run
WITH x, CASE WHEN x.pre_hash IS NULL THEN 'added' WHEN x.pre_hash <> x.hash THEN 'altered' END AS ch
WHERE ch IS NOT NULL
CREATE (:Change {run_id: $run, what: 'entity', id: x.id, change: ch, ord: CASE ch WHEN 'added' THEN 0 ELSE 1 END,
                 dataset: $scope, name: x.name, old: CASE ch WHEN 'altered' THEN x.pre_doc END,
                 new: CASE ch WHEN 'altered' THEN x.doc END})
RETURN ch, count(*) AS n
"""

_ENTITY_REMOVED = """
MATCH (x:Entity) WHERE x.scope = $scope AND x.removed_run IS NULL AND x.doc IS NOT NULL
  AND (x.seen_run IS NULL OR x.seen_run <> $run)
CREATE (:Change {run_id: $run, what: 'entity', id: x.id, change: 'removed', ord: 2, dataset: $scope,
                 name: x.name, old: x.doc})
SET x.removed_run = $run
RETURN 'removed' AS ch, count(*) AS n
"""

_LINK_CHANGES = """
MATCH ()-[x:%(type)s]->() WHERE x.seen_run = $run
WITH x, CASE WHEN x.pre_hash IS NULL THEN 'added' WHEN x.pre_hash <> x.hash THEN 'altered' END AS ch
WHERE ch IS NOT NULL
CREATE (:Change {run_id: $run, what: 'link', id: x.id, change: ch, ord: 3 + CASE ch WHEN 'added' THEN 0 ELSE 1 END,
                 dataset: $scope, name: x.kind + ' ' + x.source + ' -> ' + x.target,
                 old: CASE ch WHEN 'altered' THEN x.pre_doc END, new: CASE ch WHEN 'altered' THEN x.doc END})
RETURN ch, count(*) AS n
"""

_LINK_REMOVED = """
MATCH ()-[x:%(type)s]->() WHERE x.scope = $scope AND x.removed_run IS NULL
  AND (x.seen_run IS NULL OR x.seen_run <> $run)
CREATE (:Change {run_id: $run, what: 'link', id: x.id, change: 'removed', ord: 5, dataset: $scope,
                 name: x.kind + ' ' + x.source + ' -> ' + x.target, old: x.doc})
SET x.removed_run = $run
RETURN 'removed' AS ch, count(*) AS n
"""

# The marks must go: a stale ``pre_doc`` would be mistaken for this job's by the next.
_CLEAR_ENTITIES = "MATCH (x:Entity) WHERE x.seen_run = $run REMOVE x.pre_hash, x.pre_doc"
_CLEAR_LINKS = "MATCH ()-[x:%(type)s]->() WHERE x.seen_run = $run REMOVE x.pre_hash, x.pre_doc"

_FINISH_RUN = """
MATCH (r:Run {id: $run})
SET r.finished_at = $now, r.status = 'ok', r.accepted = $accepted, r.rejected = $rejected,
    r.added = $added, r.altered = $altered, r.removed = $removed
RETURN properties(r) AS run
"""


def entity_rows(entities: Sequence[Entity]) -> dict[EntityKind, list[dict[str, Any]]]:
    """Parameter rows for a batch of entities, grouped by kind (the last of equal ids wins)."""
    last = {e.id: e for e in entities}
    grouped: dict[EntityKind, list[dict[str, Any]]] = {}
    for e in last.values():
        doc, digest = canonical(e.to_dict())
        key = name_key(e.name)
        grouped.setdefault(e.kind, []).append(
            {
                "id": e.id,
                "kind": e.kind.value,
                "name": e.name,
                "name_key": key,
                "country": e.country,
                "flags": ",".join(sorted(f.value for f in e.flags)),
                "doc": doc.decode(),
                "hash": digest,
                "aliases": sorted({name_key(n) for n in e.names} - {key}),
            }
        )
    return grouped


def link_rows(links: Sequence[Link]) -> dict[LinkKind, list[dict[str, Any]]]:
    """Parameter rows for a batch of links, grouped by kind (the last of equal ids wins)."""
    last = {lk.id: lk for lk in links}
    grouped: dict[LinkKind, list[dict[str, Any]]] = {}
    for lk in last.values():
        doc, digest = canonical(lk.to_dict())
        end = lk.attrs.get("end_date")
        grouped.setdefault(lk.kind, []).append(
            {
                "id": lk.id,
                "kind": lk.kind.value,
                "source": lk.source,
                "target": lk.target,
                "end_date": str(end) if end else None,
                "share_pct": lk.share_pct,
                "doc": doc.decode(),
                "hash": digest,
            }
        )
    return grouped


def chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """``rows`` in slices of :data:`CHUNK`."""
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


class Neo4jWriter(Writer):
    """A job's open transaction (see the module docstring)."""

    def __init__(
        self, session: Session, tx: Transaction, run_id: int, scope: str, replace: bool, *, location: str
    ) -> None:
        self._session = session
        self._tx = tx
        self.run_id = run_id
        self.scope = scope
        self.replace = replace
        self.location = location
        self._open = True

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Any failure rolls the job back; driver failures become one-line errors."""
        try:
            with driver_errors(self.location):
                yield
        except BaseException:
            self.rollback()
            raise

    def _run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        params.setdefault("run", self.run_id)
        params.setdefault("scope", self.scope)
        return [record.data() for record in self._tx.run(query, params)]

    def put_entities(self, entities: Sequence[Entity]) -> None:
        """Write a batch of entities into the open transaction."""
        with self._guard():
            self._put_entities(entities)

    def _put_entities(self, entities: Sequence[Entity]) -> None:
        for kind, rows in entity_rows(entities).items():
            others = "".join(f":{entity_label(k)}" for k in EntityKind if k is not kind)
            query = _PUT_ENTITIES % {"label": entity_label(kind), "others": others}
            for chunk in chunks(rows):
                written = {r["id"] for r in self._run(query, rows=chunk)}
                if not written:
                    continue
                # Aliases are rewritten only for entities whose content changed.
                self._run(_DROP_ALIASES, ids=sorted(written))
                self._run(_PUT_ALIASES, rows=[r for r in chunk if r["id"] in written and r["aliases"]])

    def put_links(self, links: Sequence[Link]) -> None:
        """Write a batch of links (and placeholder nodes for ends not loaded yet)."""
        with self._guard():
            self._put_links(links)

    def _put_links(self, links: Sequence[Link]) -> None:
        for kind, rows in link_rows(links).items():
            fmt = {"type": rel_type(kind)}
            for chunk in chunks(rows):
                ends = sorted({r["source"] for r in chunk} | {r["target"] for r in chunk})
                self._run(_STUBS, ids=ends)
                self._run(_REPOINT % fmt, rows=chunk)
                self._run(_PUT_LINKS % fmt, rows=chunk)

    def commit(self, *, accepted: int, rejected: int) -> RunSummary:
        """Record changes and removals, finish the run and commit the transaction."""
        with self._guard():
            counts: Counter[str] = Counter()
            queries = [_ENTITY_CHANGES] + ([_ENTITY_REMOVED] if self.replace else [])
            for kind in LinkKind:
                fmt = {"type": rel_type(kind)}
                queries.append(_LINK_CHANGES % fmt)
                if self.replace:
                    queries.append(_LINK_REMOVED % fmt)
            for query in queries:
                for row in self._run(query):
                    counts[row["ch"]] += int(row["n"])
            self._run(_CLEAR_ENTITIES)
            for kind in LinkKind:
                self._run(_CLEAR_LINKS % {"type": rel_type(kind)})
            (row,) = self._run(
                _FINISH_RUN,
                now=now_iso(),
                accepted=accepted,
                rejected=rejected,
                added=counts["added"],
                altered=counts["altered"],
                removed=counts["removed"],
            )
            self._tx.commit()
        self._open = False
        self._session.close()
        return RunSummary(run_fields(row["run"]))

    def rollback(self) -> None:
        """Roll the transaction back and release the session."""
        if not self._open:
            return
        self._open = False
        try:
            if not self._tx.closed():
                self._tx.rollback()
        except Exception as exc:
            # A lost connection has already lost the transaction: nothing to undo.
            if translate(exc, self.location) is None:
                raise
        finally:
            self._session.close()
