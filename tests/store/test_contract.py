"""The store contract: what every backend must do, tested the same way for each."""

from __future__ import annotations

import pytest

from trgraph.model import Action, ChangeKind, Decision, Entity, EntityKind, Flag, Link, LinkKind, Provenance, link_id
from trgraph.store import Store

HOSTILE = ['=HYPERLINK("http://x")', "<script>alert(1)</script>", "O'Brien \\ \"q\" }) DETACH DELETE n //"]


def ent(eid: str, name: str, *, dataset: str = "t", flags: frozenset[Flag] = frozenset(), names: tuple[str, ...] = (),
        country: str | None = None) -> Entity:
    return Entity(eid, EntityKind.ORGANISATION, name, Provenance(dataset, eid, "t.csv"), names=names,
                  flags=flags, country=country)


def lnk(kind: LinkKind, s: str, t: str, dataset: str = "t", **attrs: object) -> Link:
    return Link(link_id(kind, s, t), kind, s, t, Provenance(dataset, f"{s}-{t}", "t.csv"), dict(attrs))


def load(store: Store, entities: list[Entity], links: list[Link], *, dataset: str = "t", replace: bool = True,
         file_hash: str = "h") -> int:
    with store.begin(kind="test", dataset=dataset, source="t.csv", file_hash=file_hash, replace=replace) as w:
        w.put_entities(entities)
        w.put_links(links)
        summary = w.commit(accepted=len(entities) + len(links), rejected=0)
    return summary.run.id


def test_round_trip_preserves_every_fact(store: Store) -> None:
    a = Entity("t:a", EntityKind.ORGANISATION, "Alpha Lab", Provenance("t", "a", "t.csv", "2026-01-01"),
               names=("AL", "阿尔法"), country="CN", flags=frozenset({Flag.MILITARY}), lists=("L1",),
               identifiers={"ror": "01yqg2h08"}, attrs={"category": "research_institute", "n": [1, 2]})
    b = ent("t:b", "Beta")
    link = lnk(LinkKind.OWNED_BY, "t:a", "t:b", share_pct=51.0, end_date="2020-01-01")
    load(store, [a, b], [link])
    assert store.get_entity("t:a") == a
    assert store.get_link(link.id) == link
    assert store.get_entities(["t:a", "t:b", "t:zz"]).keys() == {"t:a", "t:b"}
    assert [e.id for e in store.iter_entities()] == ["t:a", "t:b"]
    assert list(store.iter_links()) == [link]
    (edge,) = list(store.edges())
    assert (edge.source, edge.target, edge.kind, edge.share_pct, edge.end_date) == (
        "t:a", "t:b", LinkKind.OWNED_BY, 51.0, "2020-01-01")


def test_hostile_names_are_stored_verbatim(store: Store) -> None:
    entities = [ent(f"t:{i}", name, names=(name + " alias",)) for i, name in enumerate(HOSTILE)]
    load(store, entities, [])
    for e in entities:
        got = store.get_entity(e.id)
        assert got is not None and got.name == e.name and got.names == e.names
        assert [x.id for x in store.find_by_name(e.name)] == [e.id]


def test_a_failed_job_leaves_the_store_as_it_was(store: Store) -> None:
    load(store, [ent("t:a", "Alpha")], [])
    before = store.stats()
    with pytest.raises(RuntimeError), store.begin(kind="test", dataset="t", source="x", file_hash="h2",
                                                   replace=True) as w:
        w.put_entities([ent("t:b", "Beta")])
        raise RuntimeError("crash mid-job")
    assert store.get_entity("t:b") is None
    assert store.get_entity("t:a") is not None
    assert store.stats() == before


def test_reloading_the_same_facts_changes_nothing(store: Store) -> None:
    entities = [ent("t:a", "Alpha"), ent("t:b", "Beta")]
    links = [lnk(LinkKind.PART_OF, "t:a", "t:b")]
    load(store, entities, links)
    run2 = load(store, entities, links, file_hash="h")
    assert [c for c in store.changes() if c.run_id == run2] == []
    last = store.runs()[-1]
    assert (last.added, last.altered, last.removed) == (0, 0, 0)


def test_a_newer_version_records_added_altered_and_removed(store: Store) -> None:
    load(store, [ent("x:keep", "Other dataset", dataset="x")], [], dataset="x")
    load(store, [ent("t:a", "Alpha"), ent("t:b", "Beta")], [lnk(LinkKind.PART_OF, "t:a", "t:b")])
    run2 = load(store, [ent("t:a", "Alpha", flags=frozenset({Flag.SANCTION})), ent("t:c", "Gamma")], [],
                file_hash="h2")
    changes = {(c.id, c.change) for c in store.changes(since_run=run2 - 1)}
    assert ("t:a", ChangeKind.ALTERED) in changes
    assert ("t:c", ChangeKind.ADDED) in changes
    assert ("t:b", ChangeKind.REMOVED) in changes
    assert any(c.what == "link" and c.change is ChangeKind.REMOVED for c in store.changes(since_run=run2 - 1))
    assert store.get_entity("t:b") is None
    assert store.get_entity("x:keep") is not None  # other datasets are never touched
    altered = next(c for c in store.changes() if c.id == "t:a" and c.change is ChangeKind.ALTERED)
    assert altered.old is not None and altered.new is not None
    assert altered.old["flags"] == [] and altered.new["flags"] == ["sanction"]
    # Re-adding a removed entity brings it back as "added".
    run3 = load(store, [ent("t:a", "Alpha", flags=frozenset({Flag.SANCTION})), ent("t:b", "Beta")], [],
                file_hash="h3")
    assert ("t:b", ChangeKind.ADDED) in {(c.id, c.change) for c in store.changes(since_run=run3 - 1)}
    assert store.get_entity("t:b") is not None


def test_the_last_version_of_a_fact_given_twice_in_a_job_wins(store: Store) -> None:
    first, last = ent("t:a", "Alpha"), ent("t:a", "Alpha Renamed", country="CN")
    link_v1 = lnk(LinkKind.OWNED_BY, "t:a", "t:b", share_pct=10.0)
    link_v2 = lnk(LinkKind.OWNED_BY, "t:a", "t:b", share_pct=60.0)
    with store.begin(kind="test", dataset="t", source="t.csv", file_hash="h", replace=True) as w:
        w.put_entities([first, ent("t:b", "Beta")])
        w.put_links([link_v1])
        w.put_entities([last])
        w.put_links([link_v2])
        w.commit(accepted=4, rejected=0)
    assert store.get_entity("t:a") == last
    assert list(store.iter_links()) == [link_v2]
    assert store.stats()["entities"] == 2
    assert [e.id for e in store.find_by_name("alpha renamed")] == ["t:a"]


def test_append_jobs_never_remove(store: Store) -> None:
    load(store, [ent("s:a", "A", dataset="s")], [], dataset="s", replace=False)
    load(store, [ent("s:b", "B", dataset="s")], [], dataset="s", replace=False, file_hash="h2")
    assert {e.id for e in store.iter_entities(dataset="s")} == {"s:a", "s:b"}


def test_names_aliases_and_directions(store: Store) -> None:
    load(store, [ent("t:a", "Harbin Institute of Technology", names=("HIT", "哈尔滨工业大学")), ent("t:b", "MIIT"),
                 ent("t:c", "Lab")],
         [lnk(LinkKind.SUPERVISED_BY, "t:a", "t:b"), lnk(LinkKind.PART_OF, "t:c", "t:a")])
    assert [e.id for e in store.find_by_name("harbin  institute of technology")] == ["t:a"]
    assert [e.id for e in store.find_by_name("hit")] == ["t:a"]
    assert [e.id for e in store.find_by_name("哈尔滨工业大学")] == ["t:a"]
    assert store.find_by_name("nobody") == []
    assert {lk.target for lk in store.links_of("t:a", "out")} == {"t:b"}
    assert {lk.source for lk in store.links_of("t:a", "in")} == {"t:c"}
    assert set(store.neighbours("t:a")) == {"t:b", "t:c"}
    entities, links = store.subgraph(["t:c"], 1)
    assert {e.id for e in entities} == {"t:c", "t:a"} and len(links) == 1
    entities, _ = store.subgraph(["t:c"], 2)
    assert {e.id for e in entities} == {"t:a", "t:b", "t:c"}


def test_stats_count_by_kind_flag_and_dataset(store: Store) -> None:
    load(store, [ent("t:a", "A", flags=frozenset({Flag.MILITARY, Flag.STATE})), ent("t:b", "B")],
         [lnk(LinkKind.PART_OF, "t:a", "t:b")])
    s = store.stats()
    assert s["entities"] == 2 and s["links"] == 1
    assert s["by_kind"] == {"organisation": 2}
    assert s["by_link_kind"] == {"part_of": 1}
    assert s["by_flag"] == {"military": 1, "state": 1}
    assert s["by_dataset"]["t"] == {"entities": 2, "links": 1}


def test_ledger_is_append_only_and_ordered(store: Store) -> None:
    d1 = store.add_decision(Decision("m1", "s", "c", Action.CONFIRM, "same ROR", "ana", "2026-01-01T00:00:00+00:00"))
    d2 = store.add_decision(Decision("m1", "s", "c", Action.UNDO, "mistake", "bob", "2026-01-02T00:00:00+00:00"))
    got = store.decisions()
    assert [d.action for d in got] == [Action.CONFIRM, Action.UNDO]
    assert got[0].seq == d1.seq < d2.seq == got[1].seq
    assert got[1].by == "bob" and got[1].reason == "mistake"


def test_runs_are_recorded(store: Store) -> None:
    load(store, [ent("t:a", "A")], [], file_hash="abc")
    (run,) = store.runs()
    assert run.status == "ok" and run.file_hash == "abc" and run.added == 1
    assert store.last_run("test", "t") == run
    assert store.last_run("test", "other") is None
