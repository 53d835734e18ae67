"""Colours, shapes and wording for maps and reports, derived from the model's enums.

Every :class:`~trgraph.model.Tier`, :class:`~trgraph.model.Flag` and
:class:`~trgraph.model.LinkKind` has an entry (a test walks the enums), so adding a
value to the vocabulary without deciding how it looks fails loudly.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from types import MappingProxyType

from trgraph.model import EntityKind, Flag, LinkKind, Tier

#: Tier → fill colour: a red-to-blue diverging scale that stays readable for the
#: common colour-vision deficiencies (ColorBrewer RdYlBu, 5 classes, light end darkened).
TIER_COLOURS: MappingProxyType[Tier, str] = MappingProxyType({
    Tier.VERY_HIGH: "#b2182b",
    Tier.HIGH: "#ef8a62",
    Tier.MEDIUM: "#f6c75c",
    Tier.LOW: "#92c5de",
    Tier.NONE: "#9aa5b1",
})

#: Flag → colour of the flagged entities (targets) and of the filter chips.
FLAG_COLOURS: MappingProxyType[Flag, str] = MappingProxyType({
    Flag.SANCTION: "#1a1a1a",
    Flag.EXPORT_CONTROL: "#7b3294",
    Flag.MILITARY: "#8c510a",
    Flag.STATE: "#c51b7d",
    Flag.SECURITY: "#01665e",
    Flag.DEFENCE_INDUSTRY: "#d95f02",
})

#: vis-network shapes by the role a node plays on a map.
ROLE_SHAPES: MappingProxyType[str, str] = MappingProxyType({
    "home": "star",
    "partner": "dot",
    "intermediate": "diamond",
    "target": "triangle",
    "group": "square",
    "center": "hexagon",
    "other": "dot",
})

#: Entity kind → how the kind is named in tooltips and reports.
KIND_LABELS: MappingProxyType[EntityKind, str] = MappingProxyType({
    EntityKind.ORGANISATION: "organisation",
    EntityKind.PERSON: "person",
    EntityKind.HOME: "home institution",
})

HOME_COLOUR = "#08306b"
INTERMEDIATE_COLOUR = "#bdbdbd"
OTHER_COLOUR = "#d9d9d9"
PLAIN_EDGE_COLOUR = "#b0b0b0"
CLEAN = Tier.NONE


def tier_of(value: object) -> Tier:
    """A tier from a JSON value; anything unknown or missing reads as ``none``."""
    try:
        return Tier(str(value))
    except ValueError:
        return Tier.NONE


def flags_of(values: Iterable[object] | None) -> list[Flag]:
    """Known flags from a JSON list, in the vocabulary's order (unknown values dropped)."""
    given = {str(v) for v in values or ()}
    return [f for f in Flag if f.value in given]


def tier_label(tier: Tier) -> str:
    """``very_high`` → ``very high``."""
    return tier.value.replace("_", " ")


def flag_label(flag: Flag) -> str:
    """``export_control`` → ``export control``."""
    return flag.value.replace("_", " ")


def link_label(kind: LinkKind, share_pct: float | None = None) -> str:
    """The link's reading from the vocabulary, with the share when known: ``is owned by 30%``."""
    text = kind.spec.reading
    if share_pct is not None:
        text += f" {share_pct:g}%"
    return text


def primary_flag(flags: Iterable[Flag]) -> Flag | None:
    """The flag that colours a target: the first in the vocabulary's declared order."""
    present = set(flags)
    return next((f for f in Flag if f in present), None)


def esc(value: object) -> str:
    """HTML-escape any value for text or attribute context (quotes included)."""
    return html.escape("" if value is None else str(value), quote=True)


# Inline Markdown syntax; '.', '-' and '+' only matter at the start of a line, and every
# line we write starts with our own text, so they stay readable ("0.1.0", "2025-05-01").
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#!|~"})


def md_text(value: object) -> str:
    """Text for Markdown: HTML-escaped (Markdown viewers render raw HTML) and with
    Markdown punctuation backslash-escaped, so a name cannot open a link, a table
    cell or an emphasis."""
    text = ("" if value is None else str(value)).replace("\n", " ").replace("\r", " ")
    # Markdown escapes first: html.escape's entities contain '#' that must stay intact.
    return html.escape(text.translate(_MD_SPECIAL), quote=False)
