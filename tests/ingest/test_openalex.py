"""OpenAlex API loader: hand-made responses and the real responses in ../shared."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, shared_file
from trgraph.errors import InputError
from trgraph.ingest.base import Item
from trgraph.ingest.openalex import load_openalex, short_id
from trgraph.model import Entity, EntityKind, Link, LinkKind, Rejected, link_id

OA = FIXTURES / "openalex"
REAL = "publications/openalex_api_responses"

Split = tuple[dict[str, Entity], dict[tuple[LinkKind, str, str], Link], list[Rejected]]


def _split(items: list[Item]) -> Split:
    entities = {i.id: i for i in items if isinstance(i, Entity)}
    assert len(entities) == sum(isinstance(i, Entity) for i in items), "an entity was yielded twice"
    links = {(i.kind, i.source, i.target): i for i in items if isinstance(i, Link)}
    assert len(links) == sum(isinstance(i, Link) for i in items), "a link was yielded twice"
    assert {e for _, a, b in links for e in (a, b)} <= set(entities), "a link dangles"
    return entities, links, [i for i in items if isinstance(i, Rejected)]


@pytest.fixture(scope="module")
def hand() -> Split:
    return _split(list(load_openalex(OA / "hand")))


def test_short_id() -> None:
    assert short_id("https://openalex.org/W2741809807") == "W2741809807"
    assert short_id("i27837315") == "I27837315"
    assert short_id("https://openalex.org/keywords/cardiac-imaging") is None


def test_hand_people(hand: Split) -> None:
    entities = hand[0]
    alpha = entities["openalex:A1"]
    assert alpha.kind is EntityKind.PERSON
    assert alpha.name == "Alpha Person"
    # the author record's aliases first, then the raw author name seen on a work
    assert alpha.names == ("A. Person", "Person, Alpha", "<script>alert(1)</script>")
    assert alpha.identifiers == {"openalex": "A1", "orcid": "0000-0000-0000-0001"}
    assert alpha.attrs["unmatched_affiliations"] == ["Unmatched Institute"]
    assert alpha.provenance.source == "A1.json"
    hostile = entities["openalex:A2"]
    assert hostile.name == '=HYPERLINK("x")'
    assert hostile.attrs["unmatched_affiliations"] == ["Somewhere University"]
    assert "openalex:A9" not in entities  # the deleted-author placeholder is rejected


def test_hand_organisations(hand: Split) -> None:
    entities = hand[0]
    two = entities["openalex:I2"]
    assert two.name == "Two University System"
    assert two.names == ("2 University System", "TUS", "二大学系统")
    assert two.identifiers == {"openalex": "I2", "ror": "0bbbbbb02", "grid": "grid.2.2", "wikidata": "Q2", "mag": "2"}
    assert two.attrs["type"] == "funder" and two.attrs["category"] == "other"
    assert two.attrs["roles"] == {"funder": "F1", "institution": "I2"}
    assert two.attrs["city"] == "Exeter"
    one = entities["openalex:I1"]
    assert one.identifiers["ror"] == "0aaaaaa01" and one.country == "GB"
    assert entities["openalex:I3"].country == "CN"
    fund = entities["openalex:F1"]
    assert fund.attrs["category"] == "funder"
    assert fund.identifiers == {"openalex": "F1", "ror": "0bbbbbb02", "fundref": "501100000002", "wikidata": "Q3"}
    assert fund.names == ("TRF", "<script>alert(1)</script>")
    stubs = {k for k, e in entities.items() if e.attrs.get("unresolved")}
    assert stubs == {"openalex:I5", "openalex:I7", "openalex:I8"}
    assert not any(k.startswith("openalex:T") for k in entities)  # topics are not graph facts
    assert len(entities) == 13


def test_hand_affiliations(hand: Split) -> None:
    links = hand[1]
    aff = {(s, t) for k, s, t in links if k is LinkKind.AFFILIATED_WITH}
    assert aff == {("openalex:A1", f"openalex:{i}") for i in ("I1", "I3", "I4", "I6")}
    one = links[(LinkKind.AFFILIATED_WITH, "openalex:A1", "openalex:I1")]
    assert one.id == link_id(LinkKind.AFFILIATED_WITH, "openalex:A1", "openalex:I1")
    assert one.attrs["years"] == [2019, 2020, 2021]  # author record years + both works
    assert one.attrs["current"] is True
    assert [w["work"] for w in one.attrs["works"]] == ["W1", "W2"]
    assert one.attrs["works"][0]["raw_affiliation_strings"] == ["Dept X, One University"]
    assert one.provenance.record_id == "A1"


def test_hand_hierarchy(hand: Split) -> None:
    links = hand[1]
    part = {(s, t): lk.attrs for (k, s, t), lk in links.items() if k is LinkKind.PART_OF}
    assert part == {
        ("openalex:I9", "openalex:I2"): {},  # associated child
        ("openalex:I2", "openalex:I10"): {},  # associated parent; lineage [I2, I10] adds nothing
        ("openalex:I1", "openalex:I2"): {"via": "lineage"},  # lineage of two
        ("openalex:I3", "openalex:I4"): {"via": "lineage"},  # I4's own lineage is the rest of I3's
        ("openalex:I4", "openalex:I5"): {"via": "lineage"},
        ("openalex:I6", "openalex:I7"): {"via": "lineage", "direct": False},  # not derivable
        ("openalex:I6", "openalex:I8"): {"via": "lineage", "direct": False},
    }
    assert (LinkKind.RELATED_TO, "openalex:I1", "openalex:I2") in links


def test_hand_rejected(hand: Split) -> None:
    got = sorted((Path(r.source).name, r.line, r.reason) for r in hand[2])
    assert got == [
        ("A9.json", 1, "author A9 is OpenAlex's placeholder for a deleted author"),
        ("works.json", 1, "work W1 authorship 2 has no author id or name"),
        ("works.json", 1, "work W1 authorship 3 lists an institution without id or name"),
        ("works.json", 3, "record is a JSON str, not an object"),
        ("works.json", 4, "record without an OpenAlex id"),
    ]
    assert all(r.raw for r in hand[2])


@pytest.mark.parametrize(
    ("name", "message"),
    [("broken/not_json.json", "invalid JSON"), ("broken/not_api.json", "not an OpenAlex API response"),
     ("absent.json", "no such")],
)
def test_whole_file_errors(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        list(load_openalex(OA / name))


def test_non_graph_file_yields_nothing() -> None:
    assert list(load_openalex(OA / "hand" / "T1.json")) == []
    assert list(load_openalex(OA / "hand" / "keyword.json")) == []


def test_hand_deterministic() -> None:
    assert list(load_openalex(OA / "hand")) == list(load_openalex(OA / "hand"))


def test_real_folder() -> None:
    folder = shared_file(REAL)
    items = list(load_openalex(folder))
    entities, links, rejected = _split(items)
    # Counted independently with json over the 12 files: 10 distinct authors (9 on
    # W2741809807, B. P. Abbott on W2755950973 and in A-api-response; A5317838346 is a
    # "Deleted Author" placeholder), 29 distinct institutions (authorships, author
    # affiliations, I27837315 and its 12 associated institutions), 1 funder, and one
    # lineage ancestor seen nowhere else (I49663120); 23 distinct person-institution
    # pairs, 7 associated children, 5 related, and 2 lineages of two (UQAM, PKP).
    kinds = Counter(e.kind for e in entities.values())
    assert kinds == {EntityKind.PERSON: 10, EntityKind.ORGANISATION: 31}
    assert [k for k, e in entities.items() if e.attrs.get("unresolved")] == ["openalex:I49663120"]
    assert Counter(k for k, _, _ in links) == {
        LinkKind.AFFILIATED_WITH: 23, LinkKind.PART_OF: 9, LinkKind.RELATED_TO: 5
    }
    assert [(Path(r.source).name, r.line) for r in rejected] == [("A5317838346.json", 1)]
    umich = entities["openalex:I27837315"]
    assert umich.name == "University of Michigan"
    assert umich.identifiers["ror"] == "00jmfr291"
    assert {"UMich", "UM", "密歇根大学"} <= set(umich.names)
    assert (LinkKind.PART_OF, "openalex:I4387153798", "openalex:I27837315") in links  # U-M Press
    assert (LinkKind.RELATED_TO, "openalex:I27837315", "openalex:I4210114445") in links  # Michigan Medicine
    # lineage [PKP's parent SFU, PKP] (self listed last): PKP is part of Simon Fraser
    assert (LinkKind.PART_OF, "openalex:I4387153203", "openalex:I18014758") in links
    lariviere = links[(LinkKind.AFFILIATED_WITH, "openalex:A5068542997", "openalex:I159129438")]
    assert lariviere.attrs["works"][0]["work"] == "W2741809807"
    assert lariviere.attrs["works"][0]["year"] == 2018
    assert lariviere.attrs["works"][0]["raw_affiliation_strings"][0].startswith("Observatoire des Sciences")
    priem = links[(LinkKind.AFFILIATED_WITH, "openalex:A5023888391", "openalex:I4200000001")]
    assert priem.attrs == {"years": [2019, 2021, 2022, 2023], "current": True}
    nih = entities["openalex:F4320332161"]
    assert nih.identifiers["fundref"] == "100000002" and nih.identifiers["ror"] == "01cwqze88"
    assert "NIH" in nih.names
    assert entities["openalex:A5046879461"].names == ("Jevin West",)
    assert list(load_openalex(folder)) == items


def test_real_single_work() -> None:
    entities, links, rejected = _split(list(load_openalex(shared_file(f"{REAL}/W-api-response.json"))))
    assert set(entities) == {"openalex:A2150889177", "openalex:I157725225"}
    assert entities["openalex:I157725225"].name == "California Institute of Technology"
    assert list(links) == [(LinkKind.AFFILIATED_WITH, "openalex:A2150889177", "openalex:I157725225")]
    assert rejected == []
