"""The bundled demo: a fictional UK university's register against real list extracts.

``run_demo`` builds a fresh embedded store from the files in ``demo/data`` and runs
the whole chain that exists: ingest, screening, risk, map and reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from trgraph.errors import TrgraphError
from trgraph.ingest.job import IngestResult
from trgraph.model import JsonDict
from trgraph.store import EmbeddedStore, Store

HOME_NAME = "University of Wessex"
STORE_NAME = "trgraph-demo.db"

#: (kind, file, dataset) in load order: registries, then lists, then the register and its links.
DEMO_SOURCES: tuple[tuple[str, str, str], ...] = (
    ("ror", "ror-demo-extract.json", "ror"),
    ("csl", "csl-demo-extract.csv", "csl"),
    ("aspi", "aspi-demo-extract.json", "aspi"),
    ("ftm", "dod-1260h-demo-extract.ftm.json", "us_dod_1260h"),
    ("partners", "register.csv", "register"),
    ("links", "links.csv", "links:demo"),
)


@dataclass
class DemoResult:
    """What the demo produced."""

    folder: Path
    store: Path
    ingested: list[IngestResult] = field(default_factory=list)
    stats: JsonDict = field(default_factory=dict)
    outputs: dict[str, Path] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def data_dir() -> Path:
    """The folder of bundled demo files."""
    return Path(str(resources.files("trgraph.demo") / "data"))


def run_demo(out: Path, echo: Callable[[str], None] = print) -> DemoResult:
    """Build the demo store in ``out`` (re-created each run) and run every stage."""
    from trgraph.cli.data import ingest_source

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TrgraphError(f"cannot create {out}: {exc.strerror or exc}") from exc
    db = out / STORE_NAME
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    result = DemoResult(out, db)
    store: Store = EmbeddedStore(db)
    try:
        for kind, name, dataset in DEMO_SOURCES:
            res = ingest_source(store, kind, data_dir() / name, dataset=dataset, home=HOME_NAME)
            result.ingested.append(res)
            echo(f"ingested {kind:<9} {name:<34} {res.entities:>5} entities {res.links:>5} links"
                 f" {res.rejected:>3} rejected")
        result.stats = store.stats()
        _analyse(store, out, result, echo)
    finally:
        store.close()
    return result


def _analyse(store: Store, out: Path, result: DemoResult, echo: Callable[[str], None]) -> None:
    """Screen, score, and write the portfolio map, the leaders' summary and one case report."""
    from trgraph.render.build import (
        build_case,
        build_entity_map,
        build_portfolio_map,
        build_summary,
        now_stamp,
        portfolio_data,
    )
    from trgraph.render.report import render_report
    from trgraph.resolve.screen import screen
    from trgraph.risk.config import load_config
    from trgraph.risk.score import score_partner

    screened = screen(store)
    counts = screened.counts()
    echo("screened the register: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    config = load_config(None)
    when = now_stamp()
    data = portfolio_data(store, config, show=0)
    partners = data.risk["partners"]
    result.lines.append("partner risk (tier, score, flags reached, shortest hops):")
    for p in partners:
        hops = "-" if p["min_hops"] is None else str(p["min_hops"])
        result.lines.append(f"  {p['tier']:<10}{p['score']:>6.3f}  {', '.join(p['flags']) or '-':<40}{hops:>3}  "
                            f"{p['name']}")
    flagged = [p for p in partners if p["paths"]]
    result.lines.append("paths (top path of each flagged partner):")
    for p in flagged:
        result.lines.extend("  " + line for line in path_text(p["name"], p["paths"][0]))
    portfolio_map = out / "portfolio-map.html"
    build_portfolio_map(data).write(portfolio_map)
    result.outputs["portfolio map"] = portfolio_map
    summary = out / "summary.html"
    doc = build_summary(store, config, data, generated_at=when, map_href=portfolio_map.name)
    summary.write_text(render_report(doc, "html", embed_map=build_portfolio_map(data).render()), encoding="utf-8")
    result.outputs["leaders' summary"] = summary
    (out / "summary.json").write_text(render_report(doc, "json"), encoding="utf-8")
    if flagged:
        case_entity = store.resolve_entity(flagged[0]["id"])
        partner = score_partner(store, case_entity, config).to_dict(config)
        case = out / "case-report.html"
        case_doc = build_case(store, case_entity, config, generated_at=when, partner=partner)
        page = build_entity_map(store, case_entity, config, partner=partner).render()
        case.write_text(render_report(case_doc, "html", embed_map=page), encoding="utf-8")
        result.outputs[f"case report ({case_entity.name})"] = case


def path_text(start: str, path: JsonDict) -> list[str]:
    """A path as one readable line: ``A —is part of→ B —is supervised by→ C [flags]``."""
    from trgraph.model import LinkKind

    nodes = path["nodes"]
    steps = [nodes[0]["name"] if nodes else start]
    for i, link in enumerate(path["links"]):
        spec = LinkKind(link["kind"]).spec
        forward = i >= len(nodes) - 1 or link["source"] == nodes[i]["id"]
        marks = [m for m in ("possible", "ended") if link.get(m)]
        mark = f" ({', '.join(marks)})" if marks else ""
        after = nodes[i + 1]["name"] if i + 1 < len(nodes) else link["target"]
        steps.append(f"—{spec.reading if forward else spec.reverse}{mark}→ {after}")
    target = path["target"]
    return [" ".join(steps) + f"  [{', '.join(target['flags'])}; {path['hops']} hop(s), score {path['score']:.2f}]"]
