"""The collaboration register and known-relationships loaders."""

from __future__ import annotations

from pathlib import Path

import pytest

from trgraph.errors import InputError
from trgraph.ingest.register import HOME_ID, load_links, load_partners
from trgraph.model import Entity, EntityKind, Link, LinkKind, Rejected

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "register"


def split(items: list[object]) -> tuple[list[Entity], list[Link], list[Rejected]]:
    return ([i for i in items if isinstance(i, Entity)], [i for i in items if isinstance(i, Link)],
            [i for i in items if isinstance(i, Rejected)])


def test_register_rows_become_home_partners_funders_and_agreements() -> None:
    entities, links, rejected = split(list(load_partners(FIX / "good.csv", "register", home="Wessex")))
    assert rejected == []
    by_id = {e.id: e for e in entities}
    assert by_id[HOME_ID].kind is EntityKind.HOME and by_id[HOME_ID].name == "Wessex"
    alpha = by_id["register:partner:alpha-university"]
    assert alpha.country == "GB" and alpha.identifiers == {"ror": "052gg0110"}
    assert alpha.attrs["category"] == "university" and alpha.attrs["register"] is True
    collab = [lk for lk in links if lk.kind is LinkKind.COLLABORATES_WITH]
    assert len(collab) == 4 and all(lk.source == HOME_ID for lk in collab)
    a1 = next(lk for lk in collab if lk.attrs["agreement_id"] == "A1")
    assert a1.attrs["amount_gbp"] == 1000.0 and a1.attrs["start_date"] == "2024-02-01"
    assert a1.attrs["sensitivity"] == ["dual_use", "export_controlled"]
    assert a1.attrs["funder"] == "register:funder:funder-one"
    a4 = next(lk for lk in collab if lk.attrs["agreement_id"] == "A4")
    assert a4.attrs["amount_gbp"] == 250_000.0
    funded = [lk for lk in links if lk.kind is LinkKind.FUNDED_BY]
    assert {(lk.source, lk.target) for lk in funded} == {
        ("register:partner:alpha-university", "register:funder:funder-one"),
        ("register:partner:alpha-university", "register:funder:funder-two"),
        (next(e.id for e in entities if e.name.startswith("<script>")), "register:funder:funder-one"),
    }
    assert by_id["register:funder:funder-two"].country == "CN"


def test_hostile_names_are_kept_verbatim() -> None:
    entities, _, _ = split(list(load_partners(FIX / "good.csv", "register")))
    names = {e.name for e in entities}
    assert '=HYPERLINK("http://x")' in names and "<script>alert(1)</script>" in names


def test_each_bad_row_is_rejected_with_its_line_and_reason() -> None:
    entities, links, rejected = split(list(load_partners(FIX / "bad_middle.csv", "register")))
    reasons = {r.line: r.reason for r in rejected}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "amount" in reasons[3] or "float" in reasons[3]
    assert "partner_name is empty" in reasons[4]
    assert "date" in reasons[5]
    assert "partner_type" in reasons[6]
    assert "Atlantis" in reasons[7]
    assert "duplicate agreement_id 'B1'" in reasons[8]
    assert {e.name for e in entities if e.kind is not EntityKind.HOME} == {"Good One", "Good Two"}
    assert len(links) == 2


def test_whole_file_problems_raise_input_error() -> None:
    with pytest.raises(InputError, match="partner_name"):
        list(load_partners(FIX / "no_name_column.csv", "register"))
    with pytest.raises(InputError, match="no such file"):
        list(load_partners(FIX / "missing.csv", "register"))


def test_loading_twice_gives_identical_items() -> None:
    assert list(load_partners(FIX / "good.csv", "register")) == list(load_partners(FIX / "good.csv", "register"))


def test_links_resolve_known_names_and_create_the_rest() -> None:
    known = {"Alpha University": ["register:partner:alpha-university"]}
    entities, links, rejected = split(list(load_links(FIX / "links.csv", "links:x", lookup=lambda n: known.get(n, []))))
    assert {r.line for r in rejected} == {5, 6}
    assert "teleports_to" in next(r.reason for r in rejected if r.line == 5)
    assert "out of range" in next(r.reason for r in rejected if r.line == 6)
    by_name = {e.name: e for e in entities}
    assert set(by_name) == {"Alpha Holdings", "Jane Roe", "Beta Capital"}
    assert by_name["Jane Roe"].kind is EntityKind.PERSON
    part_of = next(lk for lk in links if lk.kind is LinkKind.PART_OF)
    assert part_of.source == "register:partner:alpha-university" and part_of.target == by_name["Alpha Holdings"].id
    owned = next(lk for lk in links if lk.kind is LinkKind.OWNED_BY)
    assert owned.share_pct == 51.0 and owned.attrs["end_date"] == "2020-12-31"
