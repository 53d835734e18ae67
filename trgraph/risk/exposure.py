"""Cumulative exposure of the institution, summed over all agreements.

* ``by target``: for each flagged entity reached, how many partners and agreements
  reach it, through which departments, for how many pounds, and the best path score
  (computed for all partners together by :func:`trgraph.queries.reach.reach_pairs`);
* ``by country`` (the partner's), ``department`` (the agreement's) and ``funder`` (the
  agreement's): the exposed partners, agreements and pounds of each group, the highest
  partner score, and the risk-weighted pounds (``Σ amount × partner score``), next to
  the group's totals.

An agreement is exposed when its partner's score is above 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from trgraph.errors import TrgraphError
from trgraph.model import JsonDict, Link
from trgraph.queries.index import bits_to_flags
from trgraph.queries.reach import reach_pairs
from trgraph.risk.config import RiskConfig
from trgraph.risk.score import PartnerRisk, Portfolio, score_portfolio
from trgraph.store import Store

BY = ("target", "country", "department", "funder")
NONE_KEY = {"country": "unknown", "department": "(no department)", "funder": "(no funder)"}


@dataclass(slots=True)
class Exposure:
    """Rows of one exposure view, most exposed first."""

    by: str
    rows: list[JsonDict]
    totals: JsonDict
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> JsonDict:
        """The ``exposure --json`` shape."""
        return {"by": self.by, "rows": self.rows, "totals": self.totals, "notes": self.notes}


def _amount(link: Link) -> float:
    try:
        return float(link.attrs.get("amount_gbp") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def compute_exposure(store: Store, config: RiskConfig, by: str, *, portfolio: Portfolio | None = None) -> Exposure:
    """The institution's exposure grouped ``by`` target, country, department or funder."""
    if by not in BY:
        raise TrgraphError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    portfolio = portfolio or score_portfolio(store, config, with_paths=False)
    partners = portfolio.partners
    totals = {
        "partners": len(partners),
        "agreements": sum(len(p.agreements) for p in partners),
        "amount_gbp": round(sum(_amount(lk) for p in partners for lk in p.agreements), 2),
        "exposed_partners": sum(1 for p in partners if p.score > 0),
        "exposed_amount_gbp": round(sum(_amount(lk) for p in partners if p.score > 0 for lk in p.agreements), 2),
    }
    if by == "target":
        return Exposure(by, _by_target(store, config, portfolio), totals)
    key_of: dict[str, Callable[[PartnerRisk, Link], str]] = {
        "country": lambda p, lk: p.entity.country or "",
        "department": lambda p, lk: str(lk.attrs.get("department") or ""),
        "funder": lambda p, lk: str(lk.attrs.get("funder_name") or ""),
    }
    return Exposure(by, _grouped(partners, key_of[by], NONE_KEY[by]), totals)


def _grouped(partners: list[PartnerRisk], key: Callable[[PartnerRisk, Link], str], none_key: str) -> list[JsonDict]:
    groups: dict[str, JsonDict] = {}
    for p in partners:
        for lk in p.agreements:
            k = key(p, lk) or none_key
            g = groups.setdefault(k, {
                "key": k, "partners": set(), "agreements": 0, "amount_gbp": 0.0, "score": 0.0,
                "exposure_gbp": 0.0, "total_partners": set(), "total_agreements": 0, "total_amount_gbp": 0.0,
                "tiers": defaultdict(set), "flags": set(),
            })
            amount = _amount(lk)
            g["total_partners"].add(p.entity.id)
            g["total_agreements"] += 1
            g["total_amount_gbp"] += amount
            g["tiers"][p.tier.value].add(p.entity.id)
            if p.score > 0:
                g["partners"].add(p.entity.id)
                g["agreements"] += 1
                g["amount_gbp"] += amount
                g["exposure_gbp"] += amount * p.score
                g["score"] = max(g["score"], p.score)
                g["flags"].update(p.flags)
    rows = []
    for g in groups.values():
        rows.append({
            "key": g["key"],
            "partners": len(g["partners"]),
            "agreements": g["agreements"],
            "amount_gbp": round(g["amount_gbp"], 2),
            "score": round(g["score"], 6),
            "exposure_gbp": round(g["exposure_gbp"], 2),
            "flags": sorted(g["flags"]),
            "tiers": {t: len(ids) for t, ids in sorted(g["tiers"].items())},
            "total_partners": len(g["total_partners"]),
            "total_agreements": g["total_agreements"],
            "total_amount_gbp": round(g["total_amount_gbp"], 2),
        })
    return sorted(rows, key=lambda r: (-r["exposure_gbp"], -r["score"], -r["total_amount_gbp"], r["key"]))


def _by_target(store: Store, config: RiskConfig, portfolio: Portfolio) -> list[JsonDict]:
    index, reach = portfolio.index, portfolio.reach
    exposed = [p for p in portfolio.partners if p.base > 0 and index.node(p.entity.id) is not None]
    if not exposed:
        return []
    nodes = np.array([index.node(p.entity.id) for p in exposed], dtype=np.int32)
    pairs = reach_pairs(index, config.weights, nodes, reach)
    ent_w = index.entity_weight(config.weights)
    rows: dict[int, JsonDict] = {}
    for src, tgt, value, hops in zip(pairs.source.tolist(), pairs.target.tolist(), pairs.value.tolist(),
                                     pairs.hops.tolist(), strict=True):
        partner = exposed[src]
        row = rows.setdefault(tgt, {"partners": {}, "agreements": set(), "departments": set(), "amount": 0.0,
                                    "score": 0.0, "min_hops": hops})
        if partner.entity.id not in row["partners"]:
            row["partners"][partner.entity.id] = partner.entity.name
            for lk in partner.agreements:
                row["agreements"].add(lk.id)
                row["amount"] += _amount(lk)
                if lk.attrs.get("department"):
                    row["departments"].add(str(lk.attrs["department"]))
        row["score"] = max(row["score"], value)
        row["min_hops"] = min(row["min_hops"], hops)
    reps = {tgt: index.representative(tgt, ent_w) for tgt in rows}
    entities = store.get_entities(reps.values())
    node_flags = index.node_flags()
    out = []
    for tgt, row in rows.items():
        rep = reps[tgt]
        entity = entities.get(rep)
        out.append({
            "key": rep,
            "name": entity.name if entity else rep,
            "flags": bits_to_flags(int(node_flags[tgt])),
            "lists": list(entity.lists) if entity else [],
            "partners": len(row["partners"]),
            "partner_names": sorted(row["partners"].values())[:20],
            "agreements": len(row["agreements"]),
            "departments": sorted(row["departments"]),
            "amount_gbp": round(row["amount"], 2),
            "score": round(row["score"], 6),
            "min_hops": row["min_hops"],
        })
    return sorted(out, key=lambda r: (-r["score"], -r["amount_gbp"], r["key"]))
