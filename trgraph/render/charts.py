"""Charts as inline SVG, drawn by matplotlib's SVG backend (no display, no network).

matplotlib is used because it is the long-maintained standard, renders to SVG fully
offline with no JavaScript, and its SVG can be made byte-for-byte reproducible
(fixed ``svg.hashsalt``, no date metadata). Text stays text (``svg.fonttype =
'none'``), so charts are small, searchable and print crisply; matplotlib escapes it
as XML, and mathtext parsing is off so a ``$`` in a name is just a dollar sign.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

# A bare Figure (no pyplot): no global backend or figure registry is touched.
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_XML_DECL = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_IDS = re.compile(r'(\bid="|url\(#|xlink:href="#)')
LABEL_MAX = 32


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    unit: str = "",
    colours: Sequence[str] | None = None,
    chart_id: str = "chart",
) -> str:
    """A horizontal bar chart as an inline ``<svg>`` element (largest bar on top)."""
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    shown = [(_cut(str(lb)), float(v)) for lb, v in zip(labels, values, strict=True)]
    rc: Any = {**_RC, "svg.hashsalt": chart_id}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(6.4, 0.45 + 0.32 * max(len(shown), 1)), dpi=72)
        ax = fig.add_subplot()
        names = [n for n, _ in shown][::-1]
        nums = [v for _, v in shown][::-1]
        bars = ax.barh(range(len(nums)), nums, color=list(colours)[::-1] if colours else "#4a6fa5", height=0.65)
        ax.set_yticks(range(len(names)), names)
        ax.set_title(title, loc="left", fontsize=10, fontweight="bold")
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _fmt(x, unit)))
        top = max(nums, default=0.0)
        ax.set_xlim(0, top * 1.22 if top > 0 else 1)
        for bar, value in zip(bars, nums, strict=True):
            ax.text(bar.get_width() + top * 0.01, bar.get_y() + bar.get_height() / 2, _fmt(value, unit),
                    va="center", fontsize=8)
        if not shown:
            ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center")
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = _METADATA.sub("", _XML_DECL.sub("", buffer.getvalue(), count=1))
    # Several charts share one page: give every id (and reference to it) the chart's prefix.
    svg = _IDS.sub(lambda m: f"{m.group(1)}{chart_id}-", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(title)}" ', 1)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _fmt(value: float, unit: str) -> str:
    if unit == "£":
        if abs(value) >= 1_000_000:
            return f"£{value / 1_000_000:.1f}m"
        if abs(value) >= 1_000:
            return f"£{value / 1_000:.0f}k"
        return f"£{value:.0f}"
    if unit == "%":
        return f"{value:.0f}%"
    return f"{value:g}"


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
