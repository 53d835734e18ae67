"""The HTML form of a report: one self-contained page, charts as inline SVG, no script.

Every value is escaped by the template engine (autoescaping is on for all of it);
only our own SVG charts and the map (inside a sandboxed ``srcdoc`` frame, itself
escaped as an attribute) are inserted as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from trgraph.model import Flag, JsonDict, Tier
from trgraph.render.charts import bar_chart
from trgraph.render.page import Page, asset, csp, make_env
from trgraph.render.style import TIER_COLOURS, flag_label, tier_label, tier_of

TOPICS = {
    "export_control": "Export control",
    "atas": "ATAS",
    "nsia": "NSIA sector",
    "data_protection": "Data protection",
    "sanctions": "Sanctions",
    "military_end_use": "Military end use",
}


def report_html(doc: JsonDict, *, embed_map: Page | None = None) -> str:
    """Render a summary or case document as one HTML page (``embed_map``: the portfolio map page)."""
    hashes = embed_map.script_hashes if embed_map is not None else ()
    policy = csp(hashes, frames=embed_map is not None)
    charts = [Markup(svg) for svg in summary_charts(doc)] if doc.get("report") == "summary" else []
    return _env().get_template("report.html.j2").render(
        doc=doc,
        policy=policy,
        css=Markup(asset("report.css")),
        charts=charts,
        map_html=embed_map.html if embed_map is not None else None,
    )


def summary_charts(doc: JsonDict) -> list[str]:
    """The summary's charts: partners by tier, exposure by country and department, funding by country."""
    out: list[str] = []
    tiers = doc["headline"]["partners_by_tier"]
    out.append(bar_chart("Partners by tier", [tier_label(Tier(t)) for t in tiers], list(tiers.values()),
                         colours=[TIER_COLOURS[Tier(t)] for t in tiers], chart_id="tiers"))
    for by in ("country", "department"):
        rows = (doc.get("exposure") or {}).get(by, {}).get("rows") or []
        if rows:
            out.append(bar_chart(f"Exposed agreement value by {by}",
                                 [str(r.get("name") or r.get("key")) for r in rows],
                                 [_num(r.get("amount_gbp")) for r in rows], unit="£", chart_id=f"exposure-{by}"))
    funding = doc.get("funding") or {}
    rows = funding.get("by_country") or []
    if rows:
        out.append(bar_chart("Funding share by funder country",
                             [str(r.get("name") or r.get("country") or r.get("key")) for r in rows],
                             [_share(r.get("share")) for r in rows], unit="%", chart_id="funding-country"))
    return out


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _share(value: object) -> float:
    """A share as a percentage (shares arrive as fractions 0-1)."""
    share = _num(value)
    return share * 100 if share <= 1 else share


def money(value: object) -> str:
    """£ with thousands separators; empty for missing."""
    return f"£{_num(value):,.0f}" if value is not None else ""


def num(value: object) -> str:
    """Thousands separators."""
    return f"{value:,}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value or "")


def score(value: object) -> str:
    """Two decimals, or empty."""
    return f"{value:.2f}" if isinstance(value, int | float) and not isinstance(value, bool) else ""


def pct(value: object) -> str:
    """A fraction as a percentage."""
    return f"{_share(value):.1f}%" if isinstance(value, int | float) else ""


def pct_raw(value: object) -> str:
    """A value already in percent."""
    return f"{value:g}%" if isinstance(value, int | float) and not isinstance(value, bool) else "n/a"


def explain(value: object) -> str:
    """A match explanation: text, or ``key: value`` pairs of a mapping."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def change_text(change: Mapping[str, Any]) -> str:
    """One partner change in words: tier before and after, flags and targets gained or lost."""
    parts = []
    if change.get("tier_before") != change.get("tier_after"):
        before = tier_label(tier_of(change["tier_before"])) if change.get("tier_before") else "not scored"
        after = tier_label(tier_of(change["tier_after"])) if change.get("tier_after") else "not scored"
        parts.append(f"tier {before} → {after}")
    for key in ("flags_added", "flags_removed", "targets_added", "targets_removed"):
        if change.get(key):
            parts.append(f"{key.replace('_', ' ')}: {', '.join(str(v) for v in change[key])}")
    if not parts and change.get("changed"):
        parts.append("changed: " + ", ".join(str(v) for v in change["changed"]))
    return "; ".join(parts)


def hops(value: object) -> str:
    """``1 hop``, ``3 hops``."""
    return f"{value} hop" + ("" if value == 1 else "s")


def _flag_label(value: object) -> str:
    try:
        return flag_label(Flag(str(value)))
    except ValueError:
        return str(value)


@cache
def _env() -> Environment:
    return make_env(strict=False, filters={
        "money": money, "num": num, "score": score, "pct": pct, "pct_raw": pct_raw, "explain": explain,
        "change_text": change_text, "flag_label": _flag_label,
        "tier_label": lambda v: tier_label(tier_of(v)), "tier_colour": lambda v: TIER_COLOURS[tier_of(v)],
        "topic": lambda v: TOPICS.get(str(v), str(v)),
        "hops": hops,
    })
