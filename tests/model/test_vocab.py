"""The vocabulary is declared once and everything derived from it is consistent."""

from __future__ import annotations

from trgraph.model import LINK_SPECS, Entity, EntityKind, Flag, LinkKind, Propagation, Provenance, Tier, link_id, slug


def test_every_link_kind_has_exactly_one_spec() -> None:
    assert set(LINK_SPECS) == set(LinkKind)
    for kind, spec in LINK_SPECS.items():
        assert spec.kind is kind and spec.reading and spec.reverse
        assert 0.0 < spec.weight <= 1.0


def test_identity_links_do_not_count_as_hops_and_possible_ones_are_marked() -> None:
    assert not LinkKind.SAME_AS.spec.counts_as_hop and not LinkKind.POSSIBLY_SAME_AS.spec.counts_as_hop
    assert LinkKind.POSSIBLY_SAME_AS.spec.possible and not LinkKind.SAME_AS.spec.possible
    assert LinkKind.POSSIBLY_SAME_AS.spec.weight < LinkKind.SAME_AS.spec.weight
    assert all(s.counts_as_hop for k, s in LINK_SPECS.items() if not s.identity)


def test_risk_direction_is_declared_for_the_product_vocabulary() -> None:
    inherits_from_target = {k for k, s in LINK_SPECS.items() if s.propagation is Propagation.TO_SOURCE}
    assert {LinkKind.PART_OF, LinkKind.OWNED_BY, LinkKind.SUPERVISED_BY, LinkKind.AFFILIATED_WITH,
            LinkKind.EMPLOYED_BY, LinkKind.FUNDED_BY} <= inherits_from_target
    assert LinkKind.RELATED_TO.spec.propagation is Propagation.ADJACENT


def test_derived_names_never_come_from_user_text() -> None:
    assert LinkKind.POSSIBLY_SAME_AS.rel_type == "POSSIBLY_SAME_AS"
    assert EntityKind.ORGANISATION.label == "Organisation"
    assert [t.value for t in Tier] == ["very_high", "high", "medium", "low", "none"]
    assert Tier.VERY_HIGH.rank > Tier.HIGH.rank > Tier.NONE.rank == 0
    assert {f.value for f in Flag} == {"sanction", "export_control", "military", "state", "security",
                                       "defence_industry"}


def test_ids_and_hashes_are_deterministic() -> None:
    assert slug("Beijing Univ. of Aeronautics & Astronautics") == "beijing-univ-of-aeronautics-astronautics"
    assert slug("哈尔滨工业大学") == slug("哈尔滨工业大学") != slug("北京航空航天大学")
    assert link_id(LinkKind.PART_OF, "a", "b") == link_id(LinkKind.PART_OF, "a", "b") != link_id(
        LinkKind.PART_OF, "b", "a")
    e1 = Entity("t:1", EntityKind.ORGANISATION, "X", Provenance("t", "1", "f"), attrs={"b": 1, "a": 2})
    e2 = Entity("t:1", EntityKind.ORGANISATION, "X", Provenance("t", "1", "f"), attrs={"a": 2, "b": 1})
    assert e1.content_hash() == e2.content_hash()
    assert Entity.from_dict(e1.to_dict()) == e1
