"""Neo4j-store specifics.

Two groups:

- tests that need no server (they run everywhere): the driver is imported lazily, a
  missing driver and an unreachable or invalid address give one ``Error:`` line through
  the CLI (these use the real driver against a closed local port), labels and
  relationship types come from the enums, and every value leaves our code as a query
  parameter (checked by recording the statements the writer sends; nothing here
  imitates Neo4j's behaviour);
- tests marked ``neo4j`` that run against a real server whenever ``NEO4J_URI`` is set
  (``docker compose up -d``, then ``NEO4J_URI=bolt://localhost:7687
  NEO4J_PASSWORD=… pytest -m neo4j``) and otherwise skip, saying why. They include
  differential tests: the same jobs on the embedded store and on Neo4j must read back
  identically.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from trgraph.cli import cli
from trgraph.ingest import LOADERS, run_ingest
from trgraph.model import ChangeKind, Entity, EntityKind, Flag, Link, LinkKind, Provenance, link_id
from trgraph.store import Store
from trgraph.store.embedded import EmbeddedStore
from trgraph.store.neo4j_writer import Neo4jWriter, entity_label, rel_type, token

HOSTILE = 'O\'Brien \\ "q" }) DETACH DELETE n //'
NAMES = [HOSTILE, "`x`) MATCH (m) DETACH DELETE m //", "$rows {id: 1}", "Ω 北京 \n tab\t"]
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "register"
NO_SERVER = "Neo4j suite skipped: NEO4J_URI is not set (no Neo4j server on this machine)"


def ent(
    eid: str,
    name: str,
    *,
    dataset: str = "t",
    names: tuple[str, ...] = (),
    kind: EntityKind = EntityKind.ORGANISATION,
    flags: frozenset[Flag] = frozenset(),
) -> Entity:
    return Entity(eid, kind, name, Provenance(dataset, eid, "t.csv"), names=names, flags=flags)


def lnk(kind: LinkKind, s: str, t: str, dataset: str = "t", lid: str | None = None, **attrs: object) -> Link:
    return Link(lid or link_id(kind, s, t), kind, s, t, Provenance(dataset, f"{s}-{t}", "t.csv"), dict(attrs))


def job(
    store: Store, entities: list[list[Entity]], links: list[list[Link]], *, dataset: str = "t", replace: bool = True
) -> int:
    """One job putting each batch in turn (several batches: duplicates across batches)."""
    with store.begin(kind="test", dataset=dataset, source="t.csv", file_hash="h", replace=replace) as w:
        for batch in entities:
            w.put_entities(batch)
        for lbatch in links:
            w.put_links(lbatch)
        return w.commit(accepted=1, rejected=0).run.id


def cli_run(store: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--store", store, *args])
    return result.exit_code, result.stdout, result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- no server needed ----------------------------------------------------------------
def test_importing_the_store_package_never_imports_the_driver() -> None:
    code = "import sys, trgraph.store, trgraph.store.neo4j_store, trgraph.cli; print('neo4j' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_missing_driver_is_one_line_naming_the_install_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "neo4j", None)  # makes `import neo4j` raise ImportError
    code, out, err = cli_run("neo4j://localhost:7687", "stats")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("Error: ")
    assert "pip install 'trgraph[neo4j]'" in err and "Traceback" not in err


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_an_unreachable_server_is_one_line_with_the_address(scheme: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-do-not-print")
    uri = f"{scheme}://127.0.0.1:{free_port()}"
    code, out, err = cli_run(uri, "stats", "--json")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"Error: cannot reach Neo4j at {uri}")
    assert "s3cret" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    "uri", ["bolt://127.0.0.1:7687?x=1", "neo4j://127.0.0.1:7687?x", "bolt://host:notaport", "neo4j://[::1"]
)
def test_an_invalid_address_is_one_line(uri: str) -> None:
    code, _, err = cli_run(uri, "stats")
    assert code == 1 and err.count("\n") == 1 and "invalid Neo4j address" in err


def test_credentials_in_the_address_are_refused_without_echoing_them() -> None:
    code, _, err = cli_run("neo4j://ana:pw-in-uri@127.0.0.1:7687", "stats")
    assert code == 1 and "NEO4J_PASSWORD" in err and "pw-in-uri" not in err


def test_labels_and_relationship_types_come_from_the_enums() -> None:
    assert {entity_label(k) for k in EntityKind} == {"Organisation", "Person", "Home"}
    assert [rel_type(k) for k in LinkKind] == [k.value.upper() for k in LinkKind]
    for bad in (HOSTILE, "A B", "A`", "1A", "A:B", ""):
        with pytest.raises(ValueError, match="not a safe Cypher token"):
            token(bad)
    with pytest.raises(ValueError):
        entity_label(HOSTILE)  # type: ignore[arg-type]


class _Recorder:
    """Records the statements and parameters the writer sends (returns no rows).

    It answers nothing and checks nothing about Cypher: it only lets us see that our
    code keeps data out of query text. Behaviour is tested against a real server below.
    """

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def run(self, query: str, params: dict[str, Any]) -> list[Any]:
        self.sent.append((query, params))
        return []


def test_every_value_travels_as_a_parameter_never_in_query_text() -> None:
    rec = _Recorder()
    writer = Neo4jWriter(rec, rec, 7, HOSTILE, True, location="test")  # type: ignore[arg-type]
    entities = [ent(f"t:{i}", name, names=(name + " alias",), dataset=HOSTILE) for i, name in enumerate(NAMES)]
    entities.append(ent("t:p", HOSTILE, kind=EntityKind.PERSON))
    writer.put_entities(entities)
    writer.put_links([lnk(LinkKind.OWNED_BY, "t:0", "t:1", lid=HOSTILE, share_pct=51.0, note=HOSTILE)])
    assert rec.sent
    sent_params = json.dumps([p for _, p in rec.sent], ensure_ascii=False)
    for query, _ in rec.sent:
        for needle in ("O'Brien", "DETACH DELETE n //", "北京", "t:0", "51.0"):
            assert needle not in query
    for name in NAMES:
        assert json.dumps(name, ensure_ascii=False)[1:-1] in sent_params
    labels = {q.split("SET x:")[1].split()[0] for q, _ in rec.sent if "SET x:" in q}
    assert labels == {"Organisation", "Person"}
    assert any("[x:OWNED_BY {id: r.id}]" in q for q, _ in rec.sent)


# -- against a real server -----------------------------------------------------------
@pytest.fixture
def neo() -> Iterator[Store]:
    """An empty Neo4j store (skips, saying why, without NEO4J_URI)."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip(NO_SERVER)
    from trgraph.store.neo4j_store import Neo4jStore

    store = Neo4jStore.from_env(uri)
    store.wipe()
    yield store
    store.close()


def both(neo: Store, tmp_path: Path, scenario: Callable[[Store], None]) -> tuple[Store, Store]:
    """Run the same scenario on a fresh embedded store and on Neo4j."""
    emb = EmbeddedStore(tmp_path / "diff.db")
    scenario(emb)
    scenario(neo)
    return emb, neo


def assert_same(a: Store, b: Store) -> None:
    """Both stores read back the same facts, stats, runs and changes."""
    assert list(a.iter_entities()) == list(b.iter_entities())
    assert list(a.iter_links()) == list(b.iter_links())
    assert sorted(a.edges(), key=repr) == sorted(b.edges(), key=repr)
    sa, sb = a.stats(), b.stats()
    del sa["store"], sb["store"]
    assert sa == sb
    strip = ("started_at", "finished_at")
    assert [{k: v for k, v in r.to_dict().items() if k not in strip} for r in a.runs()] == [
        {k: v for k, v in r.to_dict().items() if k not in strip} for r in b.runs()
    ]
    key = lambda c: (c.run_id, c.what, c.change.value, c.id)  # noqa: E731
    assert [c.to_dict() for c in sorted(a.changes(), key=key)] == [c.to_dict() for c in sorted(b.changes(), key=key)]
    for e in a.iter_entities():
        assert [x.id for x in a.find_by_name(e.name)] == [x.id for x in b.find_by_name(e.name)]
        assert a.links_of(e.id) == b.links_of(e.id)


@pytest.mark.neo4j
def test_hostile_names_are_stored_verbatim_on_the_server(neo: Store) -> None:
    entities = [ent(f"t:{i}", name, names=(name + " alias",), dataset="t") for i, name in enumerate(NAMES)]
    links = [lnk(LinkKind.OWNED_BY, "t:0", "t:1", note=HOSTILE, share_pct=51.0)]
    job(neo, [entities], [links])
    for e in entities:
        assert neo.get_entity(e.id) == e
        assert [x.id for x in neo.find_by_name(e.name)] == [e.id]
        assert [x.id for x in neo.find_by_name(e.name + " ALIAS")] == [e.id]
    assert neo.get_link(links[0].id) == links[0]
    assert neo.stats()["entities"] == len(NAMES)  # nothing was deleted by the payloads


@pytest.mark.neo4j
def test_labels_relationship_types_and_schema_on_the_server(neo: Store) -> None:
    from trgraph.store.neo4j_store import Neo4jStore

    assert isinstance(neo, Neo4jStore)
    job(
        neo,
        [[ent("t:a", "A"), ent("t:p", "P", kind=EntityKind.PERSON)]],
        [[lnk(LinkKind.EMPLOYED_BY, "t:p", "t:a"), lnk(LinkKind.PART_OF, "t:a", "t:b")]],
    )
    q = neo._query
    assert q("MATCH (x:Entity:Organisation {id: 't:a'}) RETURN count(x) AS n")[0]["n"] == 1
    assert q("MATCH (x:Entity:Person {id: 't:p'}) RETURN count(x) AS n")[0]["n"] == 1
    assert q("MATCH (:Entity {id: 't:p'})-[r:EMPLOYED_BY]->(:Entity {id: 't:a'}) RETURN count(r) AS n")[0]["n"] == 1
    # t:b is only a link end: a placeholder node, not an entity.
    assert neo.get_entity("t:b") is None and neo.stats()["entities"] == 2
    names = {r["name"] for r in q("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {"trgraph_entity_id", "trgraph_run_id", "trgraph_owned_by_id"} <= names
    indexes = {r["name"] for r in q("SHOW INDEXES YIELD name RETURN name")}
    assert {"trgraph_entity_name_key", "trgraph_alias_key", "trgraph_entity_flags", "trgraph_entity_scope"} <= indexes
    # Kind changes move the label.
    job(neo, [[ent("t:a", "A", kind=EntityKind.PERSON)]], [], replace=False)
    assert q("MATCH (x:Organisation {id: 't:a'}) RETURN count(x) AS n")[0]["n"] == 0


@pytest.mark.neo4j
def test_duplicates_placeholders_and_moved_links_match_the_embedded_store(neo: Store, tmp_path: Path) -> None:
    def scenario(store: Store) -> None:
        job(
            store,
            [[ent("t:a", "Alpha"), ent("t:b", "Beta")]],
            [[lnk(LinkKind.PART_OF, "t:a", "t:b"), lnk(LinkKind.OWNED_BY, "t:a", "t:z", lid="l:custom")]],
        )
        # Same ids in several batches of one job: the last wins, diffed against the state before the job.
        job(
            store,
            [
                [ent("t:a", "Alpha", flags=frozenset({Flag.STATE}))],
                [ent("t:a", "Alpha")],
                [ent("t:b", "Beta 2")],
                [ent("t:b", "Beta 3", names=("B3",))],
                [ent("t:z", "Zed")],
            ],
            [[lnk(LinkKind.PART_OF, "t:a", "t:b")], [lnk(LinkKind.OWNED_BY, "t:a", "t:b", lid="l:custom")]],
        )
        job(store, [[ent("t:b", "Beta 3", names=("B3",))]], [])  # replace: t:a, t:z and both links removed
        job(store, [[ent("t:a", "Alpha")]], [], replace=False)  # a removed entity comes back as added

    emb, _ = both(neo, tmp_path, scenario)
    assert_same(emb, neo)
    run2 = [c for c in neo.changes() if c.run_id == 2]
    assert {(c.id, c.change) for c in run2} == {
        ("t:b", ChangeKind.ALTERED),
        ("t:z", ChangeKind.ADDED),
        ("l:custom", ChangeKind.ALTERED),
    }


@pytest.mark.neo4j
def test_register_ingest_matches_the_embedded_store(
    neo: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a server store's quarantine files go to the working folder

    def scenario(store: Store) -> None:
        for kind, name in (("partners", "good.csv"), ("links", "links.csv"), ("partners", "good.csv")):
            run_ingest(store, LOADERS[kind], FIX / name, force=True)

    emb, _ = both(neo, tmp_path, scenario)
    assert_same(emb, neo)


@pytest.mark.neo4j
def test_cli_against_the_server_matches_the_embedded_store(
    neo: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    uri = os.environ["NEO4J_URI"]
    db = str(tmp_path / "cli.db")
    for store in (db, uri):
        code, _, err = cli_run(store, "ingest", "partners", str(FIX / "good.csv"))
        assert code == 0, err
    stats = [json.loads(cli_run(store, "stats", "--json")[1]) for store in (db, uri)]
    for s in stats:
        del s["store"]
    assert stats[0] == stats[1]


@pytest.mark.neo4j
def test_risk_json_matches_the_embedded_store(neo: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if "risk" not in cli.commands:
        pytest.skip("the risk command is not registered yet")
    monkeypatch.chdir(tmp_path)
    uri = os.environ["NEO4J_URI"]
    db = str(tmp_path / "risk.db")
    out = []
    for store in (db, uri):
        for kind, name in (("partners", "good.csv"), ("links", "links.csv")):
            code, _, err = cli_run(store, "ingest", kind, str(FIX / name))
            assert code == 0, err
        code, stdout, err = cli_run(store, "risk", "--json")
        assert code == 0, err
        out.append(json.loads(stdout)["partners"])
    assert out[0] == out[1] and out[0]
