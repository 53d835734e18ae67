"""Rendering: offline interactive maps (pyvis / vis-network), HTML/Markdown/JSON reports, CSV tables.

Renderers take plain data (``risk``/``exposure``/``funding``/``changes`` JSON objects as
PRODUCT.md shapes them, and model :class:`~trgraph.model.Entity` / :class:`~trgraph.model.Link`
lists); :mod:`trgraph.render.build` is the one module that calls the risk layer to get them.
"""

from trgraph.render.map import MapDoc, entity_map, portfolio_map
from trgraph.render.page import Page
from trgraph.render.report import CaseFacts, PortfolioFacts, case_report, make_stamp, render_report, summary_report
from trgraph.render.table import csv_text, guard_cell, write_csv

__all__ = [
    "CaseFacts",
    "MapDoc",
    "Page",
    "PortfolioFacts",
    "case_report",
    "csv_text",
    "entity_map",
    "guard_cell",
    "make_stamp",
    "portfolio_map",
    "render_report",
    "summary_report",
    "write_csv",
]
