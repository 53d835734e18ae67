"""Tiers from scores, and the sentence that says why."""

from __future__ import annotations

from collections.abc import Mapping

from trgraph.model import Tier

ORDER: tuple[Tier, ...] = (Tier.VERY_HIGH, Tier.HIGH, Tier.MEDIUM, Tier.LOW)


def tier_for(score: float, thresholds: Mapping[Tier, float]) -> Tier:
    """The highest tier whose threshold ``score`` reaches; a score of 0 is always ``none``."""
    if score <= 0:
        return Tier.NONE
    return next((t for t in ORDER if score >= thresholds[t]), Tier.NONE)


def tier_rule(score: float, thresholds: Mapping[Tier, float]) -> str:
    """Why ``score`` has its tier, in one sentence."""
    tier = tier_for(score, thresholds)
    if tier is Tier.NONE:
        if score <= 0:
            return "score 0: no flagged entity reached within the hop limit → none"
        return f"score {score:.3f} is below the low threshold {thresholds[Tier.LOW]:g} → none"
    above = ORDER[ORDER.index(tier) - 1] if tier is not Tier.VERY_HIGH else None
    upper = f" and below {above.value} ({thresholds[above]:g})" if above else ""
    return f"score {score:.3f} ≥ {tier.value} threshold {thresholds[tier]:g}{upper} → {tier.value}"


def thresholds_text(thresholds: Mapping[Tier, float]) -> str:
    """``very_high ≥ 0.8, high ≥ 0.6, …`` for the printed rules."""
    parts = [f"{t.value} ≥ {thresholds[t]:g}" for t in ORDER if t is not Tier.LOW]
    low = thresholds[Tier.LOW]
    parts.append(f"low ≥ {low:g}" if low > 0 else "low > 0")
    return ", ".join(parts) + ", none = 0"
