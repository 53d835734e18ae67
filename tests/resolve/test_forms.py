"""The table of name forms a candidate index is built on."""

from __future__ import annotations

from tests.conftest import FIXTURES
from trgraph.ingest.ror import load_ror
from trgraph.model import Entity, EntityKind, Provenance
from trgraph.resolve.forms import FormTable


def org(eid: str, name: str, *aliases: str, dataset: str = "ror", kind: EntityKind = EntityKind.ORGANISATION,
        **attrs: object) -> Entity:
    return Entity(eid, kind, name, Provenance(dataset, eid, "test"), names=aliases, attrs=dict(attrs))


def test_forms_and_entities_are_numbered_both_ways_and_the_institution_itself_is_left_out() -> None:
    table = FormTable.build([
        org("home", "Our University", kind=EntityKind.HOME),
        org("a", "Harbin Institute of Technology", "HIT"),
        org("b", "Beihang University", "Beijing University of Aeronautics and Astronautics"),
    ])
    assert [e.id for e in table.entities] == ["a", "b"]
    assert len(table.forms) == len(table.form_entity) == sum(len(f) for f in table.entity_forms)
    for number, ids in enumerate(table.entity_forms):
        assert ids and all(table.form_entity[i] == number for i in ids)
    assert {table.forms[i].original for i in table.entity_forms[1]} >= {
        "Beihang University", "Beijing University of Aeronautics and Astronautics"}


def test_bearers_count_the_records_of_one_dataset_that_share_a_name() -> None:
    table = FormTable.build([
        org("r1", "Ministry of Defence"),
        org("r2", "Ministry of Defense"),
        org("s1", "Ministry of Defence", dataset="sanctions"),
        org("r3", "Ministry of Health"),
    ])
    assert table.bearers == {("ror", ("ministry", "defense")): 2}  # spelt either way, one name


def test_names_without_their_own_place_are_added_and_marked() -> None:
    records = [e for e in load_ror(FIXTURES / "resolve" / "ror_places.json")
               if isinstance(e, Entity) and not e.attrs.get("unresolved")]
    table = FormTable.build(records)
    imperial = next(n for n, e in enumerate(table.entities) if e.id == "ror:041kmwe10")
    placeless = [table.forms[i].tokens for i in table.entity_forms[imperial] if i in table.placeless]
    assert placeless == [("imperial", "college")]
    assert all(table.form_entity[i] == imperial for i in table.entity_forms[imperial])
