"""Ownership rules: the OFAC FAQ 401 examples, aggregation vs the UK single-person test, unknown stakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.risk.stores import SDN_DATASET, add, fixture_store, graph_store, link, org
from trgraph.errors import TrgraphError
from trgraph.model import Entity, EntityKind, Provenance
from trgraph.queries.ownership import ListedRule, Regime, Stake, assess_ownership, blocked_fixpoint


def stakes(*rows: tuple[str, str, float | None]) -> dict[str, list[Stake]]:
    """``(owned, owner, pct)`` rows → stakes per owned party."""
    out: dict[str, list[Stake]] = {}
    for owned, owner, pct in rows:
        out.setdefault(owned, []).append(Stake(owner, pct))
        out.setdefault(owner, [])
    return out


# OFAC FAQ 401 (https://ofac.treasury.gov/faqs/401), examples 1–3, and FAQ 399's aggregation.
def test_faq_401_example_1_blocked_through_a_blocked_intermediary() -> None:
    fix = blocked_fixpoint(stakes(("A", "X", 50), ("B", "A", 50)), ["X"])
    assert {"A", "B"} <= fix.blocked and fix.low["B"] == 50


def test_faq_401_example_2_stakes_of_two_blocked_intermediaries_add_up() -> None:
    fix = blocked_fixpoint(stakes(("A", "X", 50), ("B", "X", 50), ("C", "A", 25), ("C", "B", 25)), ["X"])
    assert "C" in fix.blocked and fix.low["C"] == 50


def test_faq_401_example_3_direct_and_indirect_stakes_add_up() -> None:
    fix = blocked_fixpoint(stakes(("A", "X", 50), ("B", "X", 10), ("B", "A", 40)), ["X"])
    assert {"A", "B"} <= fix.blocked and fix.low["B"] == 50


def test_a_minority_owned_intermediary_passes_nothing_down() -> None:
    fix = blocked_fixpoint(stakes(("A", "X", 49), ("B", "A", 100)), ["X"])
    assert "A" not in fix.blocked and "B" not in fix.blocked and fix.low["B"] == 0


def test_stakes_are_not_multiplied_along_the_chain() -> None:
    # X holds 50% of A, A holds 50% of B: X's "look-through" share of B is 25%, yet B is blocked.
    assert "B" in blocked_fixpoint(stakes(("A", "X", 50), ("B", "A", 50)), ["X"]).blocked


def test_two_listed_owners_at_30_percent_ofac_blocks_uk_does_not() -> None:
    both = stakes(("A", "X", 30), ("A", "Y", 30))
    assert "A" in blocked_fixpoint(both, ["X", "Y"]).blocked
    for person in ("X", "Y"):
        assert "A" not in blocked_fixpoint(both, [person], strict=True).blocked


def test_uk_needs_more_than_half_and_follows_majority_chains() -> None:
    assert "A" not in blocked_fixpoint(stakes(("A", "X", 50)), ["X"], strict=True).blocked
    chain = stakes(("A", "X", 51), ("B", "A", 30), ("B", "X", 25))
    assert "B" in blocked_fixpoint(chain, ["X"], strict=True).blocked  # 30 via A (controlled) + 25 direct


def test_unknown_stakes_give_bounds() -> None:
    fix = blocked_fixpoint(stakes(("A", "X", 30), ("A", "Y", None), ("A", "Z", 20)), ["X", "Y"])
    assert "A" not in fix.blocked and "A" in fix.possibly
    assert fix.low["A"] == 30 and fix.high["A"] == 80  # Y can hold at most the 50% the known stakes leave


def test_cycles_terminate() -> None:
    fix = blocked_fixpoint(stakes(("A", "B", 60), ("B", "A", 60), ("A", "X", 40)), ["X"])
    assert not fix.blocked - {"X"}


# -- against the store -----------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = fixture_store(tmp_path / "s.db")
    yield s
    s.close()


def test_meridian_is_blocked_under_ofac_and_not_under_uk(store) -> None:  # type: ignore[no-untyped-def]
    meridian = store.resolve_entity("Meridian Avionics Ltd")
    ofac = assess_ownership(store, meridian, "ofac").to_dict()
    assert ofac["status"] == "blocked" and ofac["aggregate_pct"] == 60.0
    assert ofac["finding"].startswith("owned 50% or more in aggregate by listed parties")
    assert "control" not in ofac["finding"]
    assert sorted((c["owner"]["name"], c["pct"]) for c in ofac["contributors"]) == [("7TH OF TIR", 30.0),
                                                                                     ("GEFEST-M LLC", 30.0)]
    assert all(c["owner"]["id"].startswith(f"{SDN_DATASET}:") for c in ofac["contributors"])
    assert all(c["path"][-1]["id"] == c["owner"]["id"] and c["provenance"]["source"] == "relationships.csv"
               for c in ofac["contributors"])
    uk_rule = ListedRule(list_patterns=("sdn",))  # the UK rule applied to the same two (real SDN) owners
    uk = assess_ownership(store, meridian, Regime.UK, rule=uk_rule).to_dict()
    assert uk["status"] == "not_blocked" and uk["aggregate_pct"] == 30.0
    assert any("not added together" in n for n in uk["notes"])


def test_ended_ownership_is_ignored(store) -> None:  # type: ignore[no-untyped-def]
    old = assess_ownership(store, store.resolve_entity("Old Ventures Ltd"), "ofac")
    assert old.status == "not_blocked" and old.aggregate_pct == 0.0


def test_bis_uses_the_entity_list_and_unknown_regimes_are_errors(store) -> None:  # type: ignore[no-untyped-def]
    meridian = store.resolve_entity("Meridian Avionics Ltd")
    assert assess_ownership(store, meridian, "bis").status == "not_blocked"  # SDN holdings are not on the EL
    with pytest.raises(TrgraphError, match="unknown regime"):
        assess_ownership(store, meridian, "eu")


def test_a_listed_entity_is_blocked_and_identity_clusters_are_one_owner(tmp_path: Path) -> None:
    sdn = Entity("ofac:1", EntityKind.ORGANISATION, "X Corp", Provenance("ofac", "1", "sdn.csv"),
                 lists=("Specially Designated Nationals (SDN) - Treasury Department",))
    s = graph_store(tmp_path / "s.db", [org("reg:x"), org("target"), org("sub")], [
        link("same_as", "reg:x", "ofac:1"), link("owned_by", "target", "reg:x", share_pct=50.0),
        link("owned_by", "sub", "target", share_pct=50.0)])
    add(s, [sdn], [], dataset="ofac", kind="ofac")
    found = assess_ownership(s, s.resolve_entity("sub"), "ofac")
    assert found.status == "blocked"
    [c] = found.contributors
    assert c["owner"]["id"] == "target" and c["basis"].startswith("owned by listed parties")
    assert [n["id"] for n in c["path"]] == ["target", "reg:x"]
    assert assess_ownership(s, s.resolve_entity("X Corp"), "ofac").finding == "listed itself"
    s.close()


def test_indeterminate_when_a_listed_owner_holds_an_unknown_stake(tmp_path: Path) -> None:
    s = graph_store(tmp_path / "s.db", [org("a"), org("x", name="X")], [link("owned_by", "a", "x")])
    rule = ListedRule(list_patterns=(), datasets=(), flags=("sanction",))
    add(s, [org("x", "sanction", name="X")], [], dataset="lists")
    out = assess_ownership(s, s.resolve_entity("a"), "ofac", rule=rule).to_dict()
    assert out["status"] == "indeterminate" and out["aggregate_pct"] is None
    assert out["bounds"] == {"lower_pct": 0.0, "upper_pct": 100.0}
    assert out["contributors"][0]["pct"] is None
    s.close()
