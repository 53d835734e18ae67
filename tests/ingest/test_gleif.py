"""GLEIF API v1 loader: hand-made responses, a real extract, and the real folder in ../shared."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, shared_file
from trgraph.errors import InputError
from trgraph.ingest.base import Item
from trgraph.ingest.gleif import load_gleif
from trgraph.model import Entity, Link, LinkKind, Rejected, link_id

GLEIF = FIXTURES / "gleif"
REAL = "ownership/gleif_api_responses"
A, B, C = "gleif:AAAAAAAAAAAAAAAAAA01", "gleif:BBBBBBBBBBBBBBBBBB02", "gleif:CCCCCCCCCCCCCCCCCC03"


def _split(items: list[Item]) -> tuple[dict[str, Entity], dict[tuple[str, str], Link], list[Rejected]]:
    entities = {i.id: i for i in items if isinstance(i, Entity)}
    assert len(entities) == sum(isinstance(i, Entity) for i in items), "an entity was yielded twice"
    links = {(i.source, i.target): i for i in items if isinstance(i, Link)}
    assert len(links) == sum(isinstance(i, Link) for i in items), "two links join the same pair"
    ends = {e for pair in links for e in pair}
    assert ends <= set(entities), "a link dangles"
    return entities, links, [i for i in items if isinstance(i, Rejected)]


@pytest.fixture(scope="module")
def hand() -> tuple[dict[str, Entity], dict[tuple[str, str], Link], list[Rejected]]:
    return _split(list(load_gleif(GLEIF / "hand")))


def test_hand_entities(hand: tuple[dict[str, Entity], dict[tuple[str, str], Link], list[Rejected]]) -> None:
    entities = hand[0]
    assert len(entities) == 6  # A, B, C + stubs for three LEIs only named by relationships
    parent = entities[A]
    assert parent.name == "Parent Holding PLC"
    assert parent.names == ('=HYPERLINK("x")', "<script>alert(1)</script>")  # untouched
    assert parent.country == "GB"
    assert parent.identifiers == {"lei": "AAAAAAAAAAAAAAAAAA01", "bic": "PARNGB2LXXX"}
    assert parent.attrs["legal_form"] == "H0PO"
    assert parent.attrs["jurisdiction"] == "GB"
    assert parent.attrs["registration_status"] == "ISSUED"
    assert parent.provenance.retrieved == "2030-02-01"
    assert parent.provenance.source == "records.json"
    child = entities[B]
    # the newer copy wins (records.json, 2024) over the older one read first (dup.json, 2020)
    assert child.name == "Child Company GmbH"
    assert child.names == ("Kind GmbH",)  # the previous name equal to the legal name is not repeated
    assert child.country == "DE"
    assert child.attrs["status"] == "INACTIVE"
    assert child.attrs["expiration_date"] == "2023-07-01"  # 2023-06-30T22:00Z is midnight in Germany
    agency = entities[C]
    # the newer copy wins even though it was read first
    assert agency.name == "State Agency of Examples"
    assert agency.provenance.source == "dup.json"
    assert agency.attrs["category"] == "government"
    stub = entities["gleif:ZZZZZZZZZZZZZZZZZZ99"]
    assert stub.attrs == {"unresolved": True}
    assert stub.identifiers == {"lei": "ZZZZZZZZZZZZZZZZZZ99"}


def test_hand_links(hand: tuple[dict[str, Entity], dict[tuple[str, str], Link], list[Rejected]]) -> None:
    links = hand[1]
    assert {(p, lk.kind) for p, lk in links.items()} == {
        ((B, A), LinkKind.OWNED_BY),
        ((C, "gleif:ZZZZZZZZZZZZZZZZZZ99"), LinkKind.OWNED_BY),
        ((C, "gleif:YYYYYYYYYYYYYYYYYY98"), LinkKind.PART_OF),
        (("gleif:EEEEEEEEEEEEEEEEEE05", A), LinkKind.PART_OF),
    }
    owned = links[(B, A)]
    assert owned.id == link_id(LinkKind.OWNED_BY, B, A)
    assert owned.share_pct == 75.5  # stated by a PERCENTAGE quantifier
    assert owned.attrs["start_date"] == "2020-01-01"
    assert owned.attrs["accounting_period_end"] == "2024-12-31"
    # the ultimate parent is the direct parent: one edge carrying both records
    assert owned.attrs["ultimate"] is True
    assert owned.attrs["ultimate_record_id"].startswith("BBBBBBBBBBBBBBBBBB02|LEI|IS_ULTIMATELY")
    ended = links[(C, "gleif:ZZZZZZZZZZZZZZZZZZ99")]
    assert ended.share_pct is None  # no quantifier: no invented 100
    assert ended.attrs["end_date"] == "2022-12-31"
    assert ended.attrs["status"] == "INACTIVE" and ended.attrs["ended"] is True
    ultimate = links[(C, "gleif:YYYYYYYYYYYYYYYYYY98")]
    assert ultimate.attrs["ultimate"] is True
    assert ultimate.attrs["relationship_type"] == "IS_ULTIMATELY_CONSOLIDATED_BY"
    assert links[("gleif:EEEEEEEEEEEEEEEEEE05", A)].attrs["relationship_type"] == "IS_INTERNATIONAL_BRANCH_OF"


def test_hand_rejected(hand: tuple[dict[str, Entity], dict[tuple[str, str], Link], list[Rejected]]) -> None:
    got = sorted((Path(r.source).name, r.line, r.reason.split(" ")[0]) for r in hand[2])
    assert got == [
        ("errors.json", 1, "GLEIF"),
        ("records.json", 4, "LEI"),
        ("records.json", 5, "unsupported"),
        ("records.json", 6, "record"),
        ("rels.json", 6, "unsupported"),
        ("rels.json", 7, "relationship"),
        ("rels.json", 8, "relationship"),
    ]
    reasons = " | ".join(r.reason for r in hand[2])
    assert "404" in reasons and "'reporting-exceptions'" in reasons and "'IS_FRIEND_OF'" in reasons
    assert "points to itself" in reasons and "without endNode" in reasons
    assert all(r.raw for r in hand[2])


def test_single_file_and_subfolder() -> None:
    entities, links, rejected = _split(list(load_gleif(GLEIF / "hand" / "lei_records" / "records.json")))
    assert set(entities) == {A, B, C} and not links and len(rejected) == 3
    assert entities[C].name == "State Agency of Examples (old)"  # only this copy was read
    entities, links, _ = _split(list(load_gleif(GLEIF / "hand" / "relationships")))
    assert all(e.attrs == {"unresolved": True} for e in entities.values())
    assert len(links) == 4


@pytest.mark.parametrize(
    ("name", "message"),
    [("broken/truncated.json", "invalid JSON"), ("broken/not_api.json", "not a GLEIF API response"),
     ("absent", "no such")],
)
def test_whole_file_errors(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        list(load_gleif(GLEIF / name))


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no \.json files"):
        list(load_gleif(tmp_path))


def test_real_extract() -> None:
    items = list(load_gleif(GLEIF / "real_extract"))
    entities, links, rejected = _split(items)
    assert rejected == []
    nordic = entities["gleif:549300O897ZC5H7CY412"]
    assert nordic.name == "Nordic Legal Entity Identifier AB"
    assert nordic.country == "SE"
    assert nordic.provenance.retrieved == "2025-05-15"
    assert entities["gleif:549300OWK6ZGNYP4G142"].name == "La Gare Holding AB"
    # direct and ultimate parent coincide: one owned_by link, no share stated
    assert list(links) == [("gleif:549300O897ZC5H7CY412", "gleif:549300OWK6ZGNYP4G142")]
    link = links[("gleif:549300O897ZC5H7CY412", "gleif:549300OWK6ZGNYP4G142")]
    assert link.kind is LinkKind.OWNED_BY and link.share_pct is None and link.attrs["ultimate"] is True
    assert link.attrs["start_date"] == "2006-08-08"
    assert link.attrs["accounting_period_start"] == "2024-01-01"  # 2023-12-31T23:00Z, Stockholm midnight
    assert list(load_gleif(GLEIF / "real_extract")) == items


def test_real_folder() -> None:
    folder = shared_file(REAL)
    items = list(load_gleif(folder))
    entities, links, rejected = _split(items)
    # Counted independently by a script over every response's `data`: 94 distinct LEI
    # records (157 copies), 121 distinct relationship records (59 direct, 62 ultimate,
    # all ACTIVE, none with quantifiers); 84 distinct endpoint LEIs, 30 of them without
    # an LEI record; 46 (child, parent) pairs have both a direct and an ultimate record.
    stubs = {k for k, e in entities.items() if e.attrs.get("unresolved")}
    assert len(entities) - len(stubs) == 94
    assert len(stubs) == 30
    assert rejected == []
    kinds = Counter((lk.kind, lk.attrs.get("ultimate", False)) for lk in links.values())
    assert kinds == {(LinkKind.OWNED_BY, True): 46, (LinkKind.OWNED_BY, False): 13, (LinkKind.PART_OF, True): 16}
    assert all(lk.share_pct is None for lk in links.values())
    shell_japan = entities["gleif:5493009V2TKX7TKLBP02"]
    assert shell_japan.name == "シェルジャパン株式会社"
    assert shell_japan.names == ("SHELL JAPAN LIMITED",)
    assert shell_japan.country == "JP"
    bloomberg = entities["gleif:5493001KJTIIGC8Y1R12"]
    assert bloomberg.name == "Bloomberg Finance L.P."
    assert bloomberg.attrs["jurisdiction"] == "US-DE"
    assert entities["gleif:222100RB6N1EBY6GMD95"].attrs["status"] == "INACTIVE"
    assert sum(e.attrs.get("registration_status") == "LAPSED" for e in entities.values()) == 16
    assert list(load_gleif(folder)) == items
