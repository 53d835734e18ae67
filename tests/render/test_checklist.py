"""Checklist questions are asked only when a finding makes them relevant, with the reason."""

from __future__ import annotations

from trgraph.model import Entity, EntityKind, Flag, Provenance
from trgraph.render.checklist import checklist

PROV = Provenance("register", "1", "register.csv")


def topics(
    entity: Entity, flags: set[Flag], agreements: list[dict[str, object]], ownership: tuple[dict[str, str], ...] = ()
) -> dict[str, tuple[str, ...]]:
    return {q.topic: q.why for q in checklist(entity, flags, agreements, ownership)}


def test_clean_uk_partner_gets_no_question() -> None:
    uk = Entity("p", EntityKind.ORGANISATION, "UK Lab", PROV, country="GB")
    assert topics(uk, set(), [{"research_area": "economics"}]) == {}


def test_each_theme_has_its_trigger() -> None:
    cn = Entity("p", EntityKind.ORGANISATION, "Lab", PROV, country="CN")
    got = topics(cn, {Flag.EXPORT_CONTROL}, [{"sensitivity": ["dual_use"]}])
    assert set(got) == {"export_control", "atas"}
    assert "agreement tagged dual_use" in got["export_control"]
    got = topics(cn, set(), [{"sensitivity": ["quantum"], "research_area": "clinical trials"}])
    assert got["nsia"] == ("NSIA sector tagged: quantum_technologies",)
    assert "partner country CN is outside the UK" in got["data_protection"]
    got = topics(cn, {Flag.SANCTION, Flag.SECURITY}, [],
                 ({"regime": "ofac", "status": "blocked"}, {"regime": "uk", "status": "not_blocked"}))
    assert set(got) == {"nsia", "data_protection", "sanctions", "military_end_use"}
    assert got["nsia"] == ("ownership under the ofac rule is blocked",)


def test_atas_asks_about_visiting_researchers_in_sensitive_work() -> None:
    person = Entity("r", EntityKind.PERSON, "Dr X", PROV, country=None)
    assert "atas" in topics(person, set(), [{"sensitivity": ["export_controlled"]}])
    assert "atas" not in topics(person, set(), [{"sensitivity": []}])
