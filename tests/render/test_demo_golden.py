"""Golden tests for the report's JSON form on the bundled demo data, through `trgraph report`.

The store is built as ``trgraph demo`` builds it: the demo sources ingested in the
demo's order, then the real screening. Only genuinely volatile fields are normalised
(see :func:`normalise`); everything else must match tests/fixtures/render/golden_demo_*.json.
Rewrite the goldens with ``TRGRAPH_UPDATE_GOLDEN=1`` (see tests/fixtures/render/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ingest_demo_sources
from trgraph.cli import cli
from trgraph.demo import data_dir
from trgraph.resolve.screen import screen
from trgraph.store import EmbeddedStore

from .conftest import check_golden

CASE_PARTNER = "Meridian Avionics Ltd"
#: Keys whose values are clock readings, whatever their depth in the document.
CLOCK_KEYS = frozenset({"generated_at", "ingested"})


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built as the demo builds it: the demo sources, then screening."""
    db = tmp_path_factory.mktemp("demo-golden") / "demo.db"
    ingest_demo_sources(db)
    store = EmbeddedStore(db)
    try:
        screen(store)
    finally:
        store.close()
    return db


def report_json(db: Path, *entity: str) -> dict[str, Any]:
    """`trgraph report [ENTITY] -o - --format json`, parsed."""
    result = CliRunner().invoke(cli, ["--store", str(db), "report", *entity, "-o", "-", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def normalise(doc: Any, db: Path) -> Any:
    """The document with its volatile fields replaced by placeholders: the clock readings
    (generation and ingest times), the store path, the trgraph version, and the folder the
    demo files live in (it depends on where the package is installed)."""
    folder = str(data_dir())

    def walk(node: Any, key: str | None) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, None) for v in node]
        if key in CLOCK_KEYS and node is not None:
            return f"<{key}>"
        if isinstance(node, str) and node == str(db):
            return "<store>"
        if isinstance(node, str) and node.startswith(folder):
            return "<demo-data>" + node[len(folder):]
        return node

    out = walk(doc, None)
    out["stamp"]["trgraph"] = "<version>"
    return out


def golden_text(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def test_normalise_touches_only_the_volatile_fields(demo_store: Path) -> None:
    doc = report_json(demo_store, CASE_PARTNER)
    norm = normalise(doc, demo_store)
    stamp = norm["stamp"]
    assert (stamp["store"], stamp["generated_at"], stamp["trgraph"]) == ("<store>", "<generated_at>", "<version>")
    assert all(d["ingested"] == "<ingested>" for d in stamp["datasets"])
    assert any(d["source"] == "<demo-data>/register.csv" for d in stamp["datasets"])
    # the rest is left alone: identical once the stamp and the hits' ingest times are set aside
    strip = ("stamp",)
    assert {k: v for k, v in norm.items() if k not in strip and k != "list_hits"} == \
        {k: v for k, v in doc.items() if k not in strip and k != "list_hits"}
    assert [{**h, "ingested": None} for h in norm["list_hits"]] == [{**h, "ingested": None} for h in doc["list_hits"]]


def test_demo_summary_json_golden(demo_store: Path) -> None:
    doc = report_json(demo_store)
    assert doc["report"] == "summary" and doc["headline"]["partners"] > 0
    check_golden("golden_demo_summary.json", golden_text(normalise(doc, demo_store)))


def test_demo_case_json_golden(demo_store: Path) -> None:
    doc = report_json(demo_store, CASE_PARTNER)
    assert doc["report"] == "case" and doc["entity"]["name"] == CASE_PARTNER
    check_golden("golden_demo_case.json", golden_text(normalise(doc, demo_store)))
