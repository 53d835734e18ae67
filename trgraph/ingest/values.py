"""Cell parsers shared by loaders: countries, dates, amounts, percentages.

Country names go through pycountry (ISO 3166, well kept) plus the common
short forms that sanctions lists and registers actually use.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

import pycountry

_EXTRA = {
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "north korea": "KP",
    "korea, north": "KP",
    "dprk": "KP",
    "democratic people's republic of korea": "KP",
    "south korea": "KR",
    "korea, south": "KR",
    "republic of korea": "KR",
    "korea": "KR",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "us": "US",
    "united states of america": "US",
    "china": "CN",
    "people's republic of china": "CN",
    "prc": "CN",
    "hong kong": "HK",
    "macau": "MO",
    "macao": "MO",
    "taiwan": "TW",
    "vietnam": "VN",
    "laos": "LA",
    "burma": "MM",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "czech republic": "CZ",
    "turkey": "TR",
    "turkiye": "TR",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "palestine": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "kosovo": "XK",
    "crimea": "UA",
    "the gambia": "GM",
    "the netherlands": "NL",
    "brunei": "BN",
    "cape verde": "CV",
    "swaziland": "SZ",
    "micronesia": "FM",
    "vatican": "VA",
    "holy see": "VA",
}


@lru_cache(maxsize=4096)
def to_iso2(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a code or a country name, or None when unknown."""
    if not value:
        return None
    text = value.strip().strip(".").strip()
    if not text:
        return None
    key = text.casefold()
    if key in _EXTRA:
        return _EXTRA[key]
    if len(text) == 2 and text.isalpha():
        found = pycountry.countries.get(alpha_2=text.upper())
        return found.alpha_2 if found else ("XK" if text.upper() == "XK" else None)
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    try:
        matches = pycountry.countries.search_fuzzy(text)
    except LookupError:
        return None
    return str(matches[0].alpha_2) if len(matches) == 1 else None


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%m/%d/%Y")


def parse_date(value: str | None) -> str | None:
    """An ISO date (``YYYY-MM-DD``, or ``YYYY-MM``/``YYYY`` when only that is known).

    UK day-first formats are tried before US month-first ones. Raises ValueError
    for text that is not a date.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", text):
        text = text[:10]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r}")


def parse_amount(value: str | None) -> float | None:
    """A money amount (``£1,200.50``, ``1200``, ``1.2m``, ``250k``) as a float, None when empty."""
    if value is None or not value.strip():
        return None
    text = value.strip().replace(",", "").replace("£", "").replace("GBP", "").strip()
    mult = 1.0
    if text[-1:].lower() in ("k", "m"):
        mult = 1_000.0 if text[-1].lower() == "k" else 1_000_000.0
        text = text[:-1]
    amount = float(text) * mult
    if amount < 0 or amount != amount:
        raise ValueError(f"not a non-negative amount: {value!r}")
    return amount


def parse_pct(value: str | None) -> float | None:
    """A share in percent (``51``, ``51%``, ``0.51`` is read as 0.51 %, never rescaled)."""
    if value is None or not str(value).strip():
        return None
    pct = float(str(value).strip().rstrip("%").strip())
    if not 0.0 <= pct <= 100.0:
        raise ValueError(f"share out of range 0-100: {value!r}")
    return pct


def is_past(iso: str | None, today: date | None = None) -> bool:
    """True when an ISO (partial) date lies before today."""
    if not iso:
        return False
    ref = (today or date.today()).isoformat()
    return iso[: len(ref)] < ref[: len(iso)] if len(iso) < 10 else iso < ref
