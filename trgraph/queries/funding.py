"""Funding concentration: shares by funder and by funder country, and their Herfindahl–Hirschman index.

Computed over the register's agreements (``collaborates_with`` links carry the amount
and the funder). The HHI is the sum of squared shares, on a 0–1 scale (1: a single
funder). Agreements without a funder or without an amount are left out of the shares
and reported as unattributed. With a date range, an agreement counts (whole) when its
dates overlap the range; a missing start or end date is taken as open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from trgraph.errors import TrgraphError
from trgraph.model import JsonDict, Link, LinkKind
from trgraph.store import Store

UNKNOWN_COUNTRY = "unknown"


@dataclass(slots=True)
class Share:
    """One funder's (or country's) total and share."""

    key: str
    name: str
    amount_gbp: float
    agreements: int
    share: float = 0.0

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {"key": self.key, "name": self.name, "amount_gbp": round(self.amount_gbp, 2),
                "agreements": self.agreements, "share": round(self.share, 6)}


@dataclass(slots=True)
class Funding:
    """Shares by funder and by funder country, with the HHI of each."""

    by_funder: list[Share]
    by_country: list[Share]
    hhi_funder: float
    hhi_country: float
    total_gbp: float
    agreements: int
    unattributed: JsonDict = field(default_factory=dict)
    period: JsonDict = field(default_factory=dict)

    def to_dict(self) -> JsonDict:
        """The ``funding --json`` shape."""
        return {
            "by_funder": [s.to_dict() for s in self.by_funder],
            "by_country": [s.to_dict() for s in self.by_country],
            "hhi_funder": round(self.hhi_funder, 6),
            "hhi_country": round(self.hhi_country, 6),
            "total_gbp": round(self.total_gbp, 2),
            "agreements": self.agreements,
            "unattributed": self.unattributed,
            "period": self.period,
        }


def hhi(amounts: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of the amounts' shares (0–1); 0 for no amounts."""
    values = [a for a in amounts if a > 0]
    total = sum(values)
    return sum((a / total) ** 2 for a in values) if total > 0 else 0.0


def overlaps(link: Link, start: str | None, end: str | None) -> bool:
    """True when the agreement's dates overlap ``[start, end]`` (missing dates are open)."""
    a_start, a_end = link.attrs.get("start_date"), link.attrs.get("end_date")
    if end is not None and a_start and str(a_start) > end:
        return False
    return not (start is not None and a_end and str(a_end) < start)


def funding_concentration(
    store: Store, *, start: str | None = None, end: str | None = None, agreements: Iterable[Link] | None = None
) -> Funding:
    """Funding shares and HHI over the register's agreements, optionally within a date range."""
    if start and end and end < start:
        raise TrgraphError(f"the period ends ({end}) before it starts ({start})")
    links = list(agreements) if agreements is not None else list(
        store.iter_links(kinds=[LinkKind.COLLABORATES_WITH])
    )
    chosen = [lk for lk in links if overlaps(lk, start, end)]
    funders: dict[str, Share] = {}
    no_funder = no_amount = 0
    no_funder_gbp = 0.0
    for lk in chosen:
        amount = _amount(lk)
        funder = lk.attrs.get("funder")
        if amount is None or amount <= 0:
            no_amount += 1
            continue
        if not funder:
            no_funder += 1
            no_funder_gbp += amount
            continue
        share = funders.setdefault(str(funder), Share(str(funder), str(lk.attrs.get("funder_name") or funder), 0.0, 0))
        share.amount_gbp += amount
        share.agreements += 1
    entities = store.get_entities(funders)
    countries: dict[str, Share] = defaultdict(lambda: Share("", "", 0.0, 0))
    for key, share in funders.items():
        entity = entities.get(key)
        country = (entity.country if entity else None) or UNKNOWN_COUNTRY
        c = countries[country]
        c.key = c.name = country
        c.amount_gbp += share.amount_gbp
        c.agreements += share.agreements
    total = sum(s.amount_gbp for s in funders.values())
    by_funder = _ranked(funders.values(), total)
    by_country = _ranked(countries.values(), total)
    return Funding(
        by_funder,
        by_country,
        hhi(s.amount_gbp for s in by_funder),
        hhi(s.amount_gbp for s in by_country),
        total,
        len(chosen),
        {"no_funder": no_funder, "no_funder_gbp": round(no_funder_gbp, 2), "no_amount": no_amount},
        {"start": start, "end": end, "excluded_by_period": len(links) - len(chosen)},
    )


def _amount(link: Link) -> float | None:
    value = link.attrs.get("amount_gbp")
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _ranked(shares: Iterable[Share], total: float) -> list[Share]:
    out = sorted(shares, key=lambda s: (-s.amount_gbp, s.name))
    for s in out:
        s.share = s.amount_gbp / total if total > 0 else 0.0
    return out
