"""Styles derive from the vocabulary: every enum value has a look; text escaping helpers."""

from __future__ import annotations

import re

from trgraph.model import EntityKind, Flag, LinkKind, Tier
from trgraph.render.style import (
    FLAG_COLOURS,
    KIND_LABELS,
    TIER_COLOURS,
    esc,
    flags_of,
    link_label,
    md_text,
    primary_flag,
    tier_of,
)

HEX = re.compile(r"^#[0-9a-f]{6}$")


def test_every_tier_flag_and_kind_has_a_style() -> None:
    assert set(TIER_COLOURS) == set(Tier)
    assert set(FLAG_COLOURS) == set(Flag)
    assert set(KIND_LABELS) == set(EntityKind)
    assert all(HEX.match(c) for c in [*TIER_COLOURS.values(), *FLAG_COLOURS.values()])
    assert len(set(TIER_COLOURS.values())) == len(Tier)
    assert len(set(FLAG_COLOURS.values())) == len(Flag)


def test_link_labels_come_from_the_link_specs() -> None:
    for kind in LinkKind:
        assert link_label(kind) == kind.spec.reading
    assert link_label(LinkKind.OWNED_BY, 30.0) == "is owned by 30%"
    assert link_label(LinkKind.OWNED_BY, 12.5) == "is owned by 12.5%"


def test_lenient_readers_of_json_values() -> None:
    assert tier_of("high") is Tier.HIGH
    assert tier_of(None) is Tier.NONE and tier_of("bogus") is Tier.NONE
    assert flags_of(["state", "sanction", "nonsense"]) == [Flag.SANCTION, Flag.STATE]
    assert primary_flag([Flag.STATE, Flag.MILITARY]) is Flag.MILITARY
    assert primary_flag([]) is None


def test_html_escaping_covers_quotes() -> None:
    assert esc('"><img src=x>') == "&quot;&gt;&lt;img src=x&gt;"
    assert esc(None) == ""


def test_markdown_text_cannot_open_html_links_or_cells() -> None:
    text = md_text('<script>x</script> [a](http://e) | *b* `c` O\'Neil & Co #1')
    assert "<" not in text and ">" not in text
    assert "\\[a\\]\\(http://e\\)" in text
    assert "\\|" in text and "\\*b\\*" in text and "\\`c\\`" in text
    assert "&amp; Co \\#1" in text and "O'Neil" in text
    assert md_text("line\nbreak") == "line break"
