"""Funding concentration: shares and HHI equal hand-computed values."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.risk.stores import fixture_store
from trgraph.errors import TrgraphError
from trgraph.queries.funding import funding_concentration, hhi


def test_hhi_of_simple_shares() -> None:
    assert hhi([1.0]) == 1.0
    assert hhi([1.0, 1.0, 1.0, 1.0]) == pytest.approx(0.25)
    assert hhi([]) == 0.0 and hhi([0.0]) == 0.0


def test_register_shares_and_hhi_match_the_hand_computation(tmp_path: Path) -> None:
    store = fixture_store(tmp_path / "s.db")
    f = funding_concentration(store).to_dict()
    # register.csv: Funder A (GB) 100k+40k+30k+5k, Funder B (GB) 60k+20k+25k+15k, Funder C (CN) 50k+10k;
    # R2 has no funder and no amount.
    a, b, c = 175_000, 120_000, 60_000
    total = a + b + c
    assert [(r["name"], r["amount_gbp"]) for r in f["by_funder"]] == [("Funder A", a), ("Funder B", b),
                                                                      ("Funder C", c)]
    assert [r["share"] for r in f["by_funder"]] == pytest.approx([a / total, b / total, c / total], abs=1e-6)
    assert f["hhi_funder"] == pytest.approx((a**2 + b**2 + c**2) / total**2, abs=1e-6)
    assert [(r["name"], r["amount_gbp"]) for r in f["by_country"]] == [("GB", a + b), ("CN", c)]
    assert f["hhi_country"] == pytest.approx(((a + b) ** 2 + c**2) / total**2, abs=1e-6)
    assert f["total_gbp"] == total and f["agreements"] == 11
    assert f["unattributed"] == {"no_funder": 0, "no_funder_gbp": 0.0, "no_amount": 1}
    store.close()


def test_a_period_keeps_only_agreements_that_overlap_it(tmp_path: Path) -> None:
    store = fixture_store(tmp_path / "s.db")
    f = funding_concentration(store, start="2025-09-01", end="2025-12-31").to_dict()
    # Running then: R1 (A 100k), R3 (B 60k), R5 (C 50k), R6 (A 30k), R8 (C 10k), R10 (B 25k).
    assert {r["name"]: r["amount_gbp"] for r in f["by_funder"]} == {"Funder A": 130_000, "Funder B": 85_000,
                                                                   "Funder C": 60_000}
    assert f["period"] == {"start": "2025-09-01", "end": "2025-12-31", "excluded_by_period": 5}
    with pytest.raises(TrgraphError, match="before it starts"):
        funding_concentration(store, start="2026-01-01", end="2025-01-01")
    store.close()
