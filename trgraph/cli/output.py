"""Output commands: ``map`` (interactive link maps) and ``report`` (summary and case reports)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

from trgraph.model import JsonDict
from trgraph.render.build import (
    build_case,
    build_entity_map,
    build_portfolio_map,
    build_summary,
    now_stamp,
    portfolio_data,
)
from trgraph.render.map import MAX_NODES, GroupBy, SizeBy
from trgraph.render.page import write_text
from trgraph.render.report import FORMATS, Format, render_report
from trgraph.risk.config import load_config

from .analysis import config_option, hops_option
from .common import AppContext, emit, json_option, note, pass_app

_SUFFIX_FORMAT = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


@click.command("map")
@click.argument("entity", required=False)
@click.option("-o", "--output", "output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="HTML file to write (one self-contained file; opens offline).")
@click.option("--size-by", type=click.Choice(["amount", "agreements"]), default="amount", show_default=True,
              help="Portfolio map: partner size by money or by number of agreements.")
@click.option("--group-by", type=click.Choice(["country", "department", "none"]), default="none",
              show_default=True, help="Portfolio map: collapse partners with no finding into groups.")
@click.option("--max-nodes", type=click.IntRange(10), default=MAX_NODES, show_default=True,
              help="Cap on drawn nodes; beyond it the map says what it left out.")
@hops_option
@config_option
@json_option
@pass_app
def map_command(
    app: AppContext, entity: str | None, output: Path, size_by: str, group_by: str, max_nodes: int,
    max_hops: int | None, config_path: Path | None, as_json: bool,
) -> None:
    """Write an interactive map: the whole portfolio, or ENTITY's links with its risk paths.

    The file is self-contained (no network request): open it in any browser.
    Hover a node for its kind, country, lists, tier and sources; filter by flag or tier.
    """
    config = load_config(config_path)
    store = app.store()
    if entity:
        target = store.resolve_entity(entity)
        doc = build_entity_map(store, target, config, max_hops=max_hops, max_nodes=max_nodes)
    else:
        data = portfolio_data(store, config, show=0, max_hops=max_hops)
        if not data.agreements:
            note("note: no agreements: ingest a collaboration register first (trgraph ingest partners FILE)")
        doc = build_portfolio_map(data, size_by=cast(SizeBy, size_by),
                                  group_by=None if group_by == "none" else cast(GroupBy, group_by),
                                  max_nodes=max_nodes)
    doc.write(output)
    result: JsonDict = {"output": str(output), "map": doc.kind, "title": doc.title, "nodes": len(doc.nodes),
                        "edges": len(doc.edges), "notes": doc.notes}

    def text() -> None:
        click.echo(f"{doc.kind} map: {len(doc.nodes)} nodes, {len(doc.edges)} links → {output}")
        for n in doc.notes:
            note(f"note: {n}")

    emit(result, as_json, text)


@click.command("report")
@click.argument("entity", required=False)
@click.option("-o", "--output", "output", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              required=True, help="File to write, or - for standard output.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="html, md or json [default: from the file's suffix, else html].")
@click.option("--map/--no-map", "with_map", default=True, show_default=True,
              help="HTML: embed the interactive map (portfolio, or the entity's link map).")
@click.option("--since", type=click.IntRange(0), default=None,
              help="Summary: changes since this run [default: as `trgraph changes`].")
@hops_option
@config_option
@pass_app
def report_command(
    app: AppContext, entity: str | None, output: Path, fmt: str | None, with_map: bool, since: int | None,
    max_hops: int | None, config_path: Path | None,
) -> None:
    """Write the leaders' summary, or the case report of ENTITY.

    The summary gives headline figures, top exposures by target, country,
    department and funder, funding concentration, what changed since the last list
    versions, charts and the portfolio map. The case report gives identity
    evidence, list hits, every path with provenance, ownership results, analyst
    decisions, agreements and the questions to settle. Both end with a
    reproducibility stamp (version, store, list versions, configuration hash).
    """
    chosen = cast(Format, fmt or _SUFFIX_FORMAT.get(output.suffix.lower(), "html"))
    config = load_config(config_path)
    store = app.store()
    when = now_stamp()
    page = None
    if entity:
        target = store.resolve_entity(entity)
        from trgraph.risk.score import score_partner

        partner = score_partner(store, target, config, max_hops=max_hops).to_dict(config)
        doc = build_case(store, target, config, max_hops=max_hops, generated_at=when, partner=partner)
        if with_map and chosen == "html":
            page = build_entity_map(store, target, config, max_hops=max_hops, partner=partner).render()
    else:
        data = portfolio_data(store, config, show=0, max_hops=max_hops)
        doc = build_summary(store, config, data, since=since, generated_at=when)
        if with_map and chosen == "html":
            page = build_portfolio_map(data).render()
    text = render_report(doc, chosen, embed_map=page)
    if str(output) == "-":
        sys.stdout.write(text)
        return
    write_text(output, text)
    click.echo(f"{doc['report']} report ({chosen}) → {output}")


#: ``map`` and ``report``; registered by ``trgraph.cli``.
COMMANDS: list[click.Command] = [map_command, report_command]
