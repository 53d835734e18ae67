"""The bundled demo: a fictional UK university's register against real list extracts.

``run_demo`` builds a fresh embedded store from the files in ``demo/data`` and runs
the whole chain that exists: ingest, screening, risk, map and reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

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

    out.mkdir(parents=True, exist_ok=True)
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
    finally:
        store.close()
    return result
