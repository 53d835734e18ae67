"""UN SC consolidated list XML loader: hand-made fixtures, a real extract, the real list in ../shared."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, shared_file
from tests.ingest.items import entities_and_rejections
from trgraph.errors import InputError
from trgraph.ingest.flags import UN_SC_LIST
from trgraph.ingest.unsc import load_un_sc, un_country
from trgraph.model import Entity, EntityKind, Flag, Rejected

UN = FIXTURES / "unsc"


@pytest.fixture(scope="module")
def hand() -> tuple[dict[str, Entity], list[Rejected]]:
    return entities_and_rejections(list(load_un_sc(UN / "hand_made.xml")))


def test_rejected_records(hand: tuple[dict[str, Entity], list[Rejected]]) -> None:
    assert [(r.line, r.reason) for r in hand[1]] == [
        (54, "record has no DATAID"),
        (58, "record 9000003 has no name"),
        (62, "duplicate DATAID 9000001 (first at line 4)"),
    ]
    assert "<FIRST_NAME>NO DATAID</FIRST_NAME>" in hand[1][0].raw
    assert set(hand[0]) == {"un_sc:9000001", "un_sc:9000002", "un_sc:9100001"}


def test_individual(hand: tuple[dict[str, Entity], list[Rejected]]) -> None:
    person = hand[0]["un_sc:9000001"]
    assert person.kind is EntityKind.PERSON
    assert person.name == "EXAMPLE PERSON ABU"
    assert person.names == ("Ex Person", "예시 사람")  # good alias, then the original script
    assert person.attrs["weak_aliases"] == ["Abu Example"]
    assert person.attrs["original_script"] == "예시 사람"
    assert person.country == "KP"  # nationality before address (China)
    assert person.identifiers == {"un_ref": "KPi.900"}
    assert person.flags == {Flag.SANCTION} and person.lists == (UN_SC_LIST,)
    assert person.attrs["un_list_type"] == "DPRK" and person.attrs["listed_on"] == "2016-03-02"
    assert person.attrs["designation"] == ["Director"]
    assert person.attrs["addresses"] == ["Beijing, China"]
    assert person.provenance.retrieved == "2026-01-15"
    assert person.provenance.record_id == "9000001" and person.provenance.source == "hand_made.xml"


def test_entity_and_hostile_names(hand: tuple[dict[str, Entity], list[Rejected]]) -> None:
    org = hand[0]["un_sc:9100001"]
    assert org.kind is EntityKind.ORGANISATION
    assert org.names == ("EXAMPLE TECHNOLOGY GENERAL CORPORATION", '"EMDTC"')
    assert org.country == "KP"
    assert org.attrs["addresses"] == ["Central District, Pyongyang, Democratic People's Republic of Korea",
                                      "China, Hong Kong Special Administrative Region"]
    bad = hand[0]["un_sc:9000002"]
    assert bad.name == '=HYPERLINK("x")'
    assert bad.names == ("<script>alert(1)</script>",)
    assert bad.country == "IR"


def test_broken_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"truncated\.xml:\d+: malformed or truncated XML") as info:
        list(load_un_sc(UN / "truncated.xml"))
    assert info.value.line is not None and info.value.line >= 40
    with pytest.raises(InputError, match="root element is <OTHER_LIST>"):
        list(load_un_sc(UN / "wrong_root.xml"))
    with pytest.raises(InputError, match="no such file"):
        list(load_un_sc(tmp_path / "absent.xml"))
    garbled = tmp_path / "garbled.xml"
    garbled.write_text("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><DATAID>1</DATA>\n")
    with pytest.raises(InputError, match=r"garbled\.xml:3:"):
        list(load_un_sc(garbled))


def test_country_spellings() -> None:
    assert un_country("Iran (Islamic Republic of)") == "IR"
    assert un_country("China, Hong Kong Special Administrative Region") == "HK"
    assert un_country("former Soviet Union") is None
    assert un_country("Rwanda") == "RW"


def test_real_extract() -> None:
    entities, rejected = entities_and_rejections(list(load_un_sc(UN / "real_extract_2026-02-27.xml")))
    assert rejected == [] and len(entities) == 3
    komid = next(e for e in entities.values() if e.identifiers["un_ref"] == "KPe.001")
    assert komid.name == "KOREA MINING DEVELOPMENT TRADING CORPORATION"
    assert komid.names == ("CHANGGWANG SINYONG CORPORATION", "EXTERNAL TECHNOLOGY GENERAL CORPORATION",
                           "DPRKN MINING DEVELOPMENT TRADING COOPERATION", '"KOMID"')
    assert komid.country == "KP"
    badege = next(e for e in entities.values() if e.identifiers["un_ref"] == "CDi.001")
    assert (badege.name, badege.country, badege.kind) == ("ERIC BADEGE", "CD", EntityKind.PERSON)


def test_deterministic() -> None:
    assert list(load_un_sc(UN / "hand_made.xml")) == list(load_un_sc(UN / "hand_made.xml"))


def test_real_list() -> None:
    path = shared_file("lists/un_sc_consolidated_2026-02-27.xml")
    items = list(load_un_sc(path))
    entities, rejected = entities_and_rejections(items)
    # Counted with ElementTree: 730 INDIVIDUAL + 273 ENTITY records, 1,003 distinct DATAIDs;
    # 615 aliases of quality Low.
    root = ET.parse(path).getroot()
    records = [*root.iter("INDIVIDUAL"), *root.iter("ENTITY")]
    assert (len(list(root.iter("INDIVIDUAL"))), len(list(root.iter("ENTITY")))) == (730, 273)
    assert rejected == [] and len(entities) == len({r.findtext("DATAID") for r in records}) == 1_003
    assert Counter(e.kind for e in entities.values()) == {EntityKind.PERSON: 730, EntityKind.ORGANISATION: 273}
    low = sum(
        1 for r in records for a in r if a.tag.endswith("_ALIAS")
        if a.findtext("QUALITY") == "Low" and (a.findtext("ALIAS_NAME") or "").strip()
    )
    assert low == sum(len(e.attrs.get("weak_aliases", ())) for e in entities.values()) == 615
    assert {e.provenance.retrieved for e in entities.values()} == {"2026-02-27"}
    refs = {e.identifiers["un_ref"] for e in entities.values()}
    assert len(refs) == 1_003 and "KPe.001" in refs
    assert all(e.flags == {Flag.SANCTION} for e in entities.values())
    assert items == list(load_un_sc(path))
