"""Charts are inline SVG: deterministic, escaped, with ids scoped to the chart."""

from __future__ import annotations

import re

import pytest

from trgraph.render.charts import bar_chart


def test_chart_is_reproducible_and_scoped() -> None:
    a = bar_chart("Exposure", ["CN", "RU"], [2.0, 1.0], unit="£", chart_id="one")
    assert a == bar_chart("Exposure", ["CN", "RU"], [2.0, 1.0], unit="£", chart_id="one")
    assert a.startswith("<svg ") and "<?xml" not in a and "<metadata>" not in a
    ids = re.findall(r'\bid="([^"]+)"', a)
    assert ids and all(i.startswith("one-") for i in ids)
    assert all(ref.startswith("one-") for ref in re.findall(r"url\(#([^)]+)\)", a))
    b = bar_chart("Exposure", ["CN", "RU"], [2.0, 1.0], unit="£", chart_id="two")
    assert not set(ids) & set(re.findall(r'\bid="([^"]+)"', b))


def test_chart_text_is_escaped_and_not_mathtext() -> None:
    svg = bar_chart('T <b>"x"</b>', ["<script>alert(1)</script>", "cost $5 and $6"], [1, 2], chart_id="c")
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert "cost $5 and $6" in svg
    assert 'aria-label="T &lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in svg


def test_chart_checks_its_input() -> None:
    with pytest.raises(ValueError):
        bar_chart("T", ["a"], [1, 2])
    assert "no data" in bar_chart("Empty", [], [], chart_id="e")
