"""`trgraph map` and `trgraph report` through click's CliRunner, on the bundled demo sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ingest_demo_sources
from trgraph.cli import cli


def run(store: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--store", str(store), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("out") / "demo.db"
    ingest_demo_sources(db)
    return db


def test_portfolio_map(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    code, stdout, _ = run(store, "map", "-o", str(out), "--json")
    assert code == 0
    info = json.loads(stdout)
    assert info["map"] == "portfolio" and info["nodes"] > 20 and out.stat().st_size > 400_000
    html = out.read_text(encoding="utf-8")
    assert "Meridian Avionics Ltd" in html and 'id="trg-legend"' in html
    code, stdout, _ = run(store, "map", "-o", str(out), "--group-by", "country", "--size-by", "agreements")
    assert code == 0 and "portfolio map" in stdout


def test_entity_map_by_name(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "li.html"
    code, stdout, _ = run(store, "map", "Dr Li Wei", "-o", str(out), "--json")
    assert code == 0
    info = json.loads(stdout)
    assert info["map"] == "entity" and info["title"] == "Link map: Dr Li Wei" and 2 < info["nodes"] < 60


def test_summary_report_in_three_formats(store: Path, tmp_path: Path) -> None:
    code, stdout, _ = run(store, "report", "-o", str(tmp_path / "s.json"))
    assert code == 0 and "summary report (json)" in stdout
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert doc["report"] == "summary" and doc["headline"]["partners"] == 25
    assert {d["dataset"] for d in doc["stamp"]["datasets"]} >= {"ror", "csl", "register"}
    assert doc["stamp"]["config_hash"] and doc["stamp"]["generated_at"]
    code, _, _ = run(store, "report", "-o", str(tmp_path / "s.md"))
    assert code == 0 and (tmp_path / "s.md").read_text(encoding="utf-8").startswith("# ")
    code, _, _ = run(store, "report", "-o", str(tmp_path / "s.html"), "--no-map")
    html = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert code == 0 and "<svg " in html and "<iframe" not in html


def test_case_report_to_stdout(store: Path) -> None:
    code, stdout, _ = run(store, "report", "Meridian Avionics Ltd", "-o", "-", "--format", "json")
    assert code == 0
    doc = json.loads(stdout)
    assert doc["report"] == "case" and doc["risk"]["tier"] != "none"
    assert doc["paths"] and doc["paths"][0]["steps"][0]["link"] == "owned_by"
    assert {o["regime"] for o in doc["ownership"]} == {"ofac", "bis", "uk"}


def test_user_mistakes_are_one_line_errors(store: Path, tmp_path: Path) -> None:
    code, _, err = run(store, "report", "No Such Partner", "-o", str(tmp_path / "x.html"))
    assert code == 1 and err.startswith("Error: no entity") and "Traceback" not in err
    code, _, err = run(store, "map", "-o", str(tmp_path / "missing-dir" / "x.html"))
    assert code == 1 and err.startswith("Error: cannot write")
    code, _, err = run(store, "map")
    assert code == 2 and "--output" in err
    code, _, err = run(store, "report", "-o", str(tmp_path / "x"), "--format", "pdf")
    assert code == 2
