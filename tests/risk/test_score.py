"""Risk per partner: hand-computed scores, tiers, explanations, one partner vs the whole portfolio."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.risk.stores import FIX, fixture_store
from trgraph.risk.config import load_config
from trgraph.risk.score import combine, score_partner, score_portfolio
from trgraph.store import EmbeddedStore

CONFIG = load_config()
GOLDEN = FIX / "golden_risk_tianmushan.json"


def amplified(base: float, m: float) -> float:
    return 1 - (1 - base) ** m


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    s = fixture_store(tmp_path_factory.mktemp("score") / "s.db")
    yield s
    s.close()


def test_portfolio_scores_equal_the_hand_computation(store: EmbeddedStore) -> None:
    got = {p.entity.name: p for p in score_portfolio(store, CONFIG).partners}
    parent = 0.9 * 0.9 * 0.85  # export_control × part_of × decay
    expected = {
        "Tianmushan Laboratory": (amplified(parent, 1.5 * 1.25), "very_high", ["export_control"], 1),
        # NUDT's real row is on the Entity List (export_control), not on the MEU list
        "Dr Wang Lei": (amplified(0.9 * 0.7 * 0.85, 1.25), "high", ["export_control"], 1),
        "Meridian Avionics Ltd": (amplified(1.0 * 0.9 * 0.85, 1.5), "very_high", ["sanction"], 1),
        "Harbin Partner Co": (amplified(0.9 * 0.3 * 0.85, 1.25), "low", ["export_control"], 1),
        "Maybe Co": (0.5, "medium", ["sanction"], 0),
        "Old Ventures Ltd": (1.0 * 0.9 * 0.5 * 0.85, "medium", ["sanction"], 1),
    }
    for name, (score, tier, flags, hops) in expected.items():
        p = got[name]
        assert p.score == pytest.approx(score, rel=1e-5), name
        assert (p.tier.value, p.flags, p.min_hops) == (tier, flags, hops), name
    for name in ("Nanjing University", "Clean University", "Second Order Co", "Zenith Robotics"):
        p = got[name]
        assert (p.score, p.tier.value, p.flags, p.min_hops) == (0.0, "none", [], None), name


def test_one_partner_scores_exactly_as_in_the_portfolio(store: EmbeddedStore) -> None:
    for p in score_portfolio(store, CONFIG, with_paths=False).partners:
        one = score_partner(store, p.entity, CONFIG)
        assert one.score == pytest.approx(p.score, abs=1e-9) and one.flags == p.flags and one.tier == p.tier


def test_every_score_carries_its_rules_weights_and_facts(store: EmbeddedStore) -> None:
    out = score_partner(store, store.resolve_entity("Tianmushan Laboratory"), CONFIG).to_dict(CONFIG)
    assert set(out) >= {"id", "name", "score", "tier", "flags", "min_hops", "paths"}
    ex = out["explanation"]
    assert any("0.85^hops" in r for r in ex["rules"]) and any("very_high ≥ 0.8" in r for r in ex["rules"])
    [channel] = ex["channels"]
    assert channel["channel"] == "export_control" and channel["flag_weight"] == 0.9
    assert channel["best_path"]["target"] == "csl:8bb21e4c75231b5aafc44205" and channel["best_path"]["hops"] == 1
    assert [(m["rule"], m["multiplier"]) for m in ex["modifiers"]] == [("sensitivity", 1.5), ("country", 1.25)]
    assert ex["exponent"] == pytest.approx(1.875) and "very_high" in ex["tier_rule"]
    assert ex["facts"]["agreements"] == 2 and ex["facts"]["amount_gbp"] == 125000.0
    assert ex["facts"]["departments"] == ["Aeronautics", "Physics"]


def test_golden_risk_report(store: EmbeddedStore) -> None:
    out = score_partner(store, store.resolve_entity("Tianmushan Laboratory"), CONFIG).to_dict(CONFIG)
    assert out == json.loads(GOLDEN.read_text())


def test_paths_are_enumerated_only_for_the_partners_shown(store: EmbeddedStore) -> None:
    portfolio = score_portfolio(store, CONFIG, show=2)
    shown = [p for p in portfolio.partners if p.search is not None]
    assert [p.entity.name for p in shown] == [p.entity.name for p in portfolio.partners[:2]]
    assert "paths enumerated for the 2 highest-scoring of 6" in portfolio.notes[0]
    data = portfolio.to_dict(CONFIG)
    assert data["summary"]["by_tier"] == {"very_high": 2, "high": 1, "medium": 2, "low": 1, "none": 4}
    assert data["partners"][5]["paths_enumerated"] is False and data["partners"][5]["paths"] == []


def test_combining_channels() -> None:
    assert combine([0.5, 0.5], "noisy_or") == pytest.approx(0.75)
    assert combine([0.5, 0.5], "max") == 0.5
    assert combine([], "noisy_or") == 0.0


def test_the_max_rule_and_custom_tiers_come_from_the_config(store: EmbeddedStore, tmp_path: Path) -> None:
    user = tmp_path / "c.toml"
    user.write_text('[combine]\nmethod = "max"\n[country.multipliers]\nCN = 1.0\n[tiers]\nmedium = 0.45\nlow = 0.4\n')
    c = load_config(user)
    wang = score_partner(store, store.resolve_entity("Dr Wang Lei"), c)
    assert wang.score == pytest.approx(0.9 * 0.7 * 0.85, rel=1e-5) and wang.tier.value == "medium"
    harbin = score_partner(store, store.resolve_entity("Harbin Partner Co"), c)
    assert harbin.tier.value == "none" and harbin.flags  # below the raised low threshold, flags still shown
