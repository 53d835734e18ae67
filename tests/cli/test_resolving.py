"""`trgraph screen`, `matches` and `decide` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES
from trgraph.cli import cli
from trgraph.resolve.screen import match_id

HERE = FIXTURES / "resolve"
PAIR = match_id("register:partner:fudan-microelectronics-group", "csl:466dd5ad6b27f575b7ed1d78")


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    runner = CliRunner()
    for kind, name in (("ror", "ror_extract.json"), ("csl", "csl_v1.csv"), ("partners", "register.csv")):
        res = runner.invoke(cli, ["--store", path, "ingest", kind, str(HERE / name)])
        assert res.exit_code == 0, res.output
    return path


def run(db: str, *args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, ["--store", db, *args])
    return res.exit_code, res.stdout, res.stderr


def test_screen_json_shape(db: str) -> None:
    code, out, _ = run(db, "screen", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["counts"]["auto"] > 0 and doc["counts"]["pending"] > 0
    first = doc["matches"][0]
    assert {"id", "subject", "candidate", "score", "status", "explanation"} <= set(first)
    assert set(first["subject"]) == {"id", "name"} and {"id", "name", "dataset"} <= set(first["candidate"])
    assert first["status"] in ("auto", "pending", "confirmed", "rejected")
    assert doc["config"]["lists"] is True and doc["list_entries"] == 4


def test_screen_text_and_no_lists(db: str) -> None:
    code, out, _ = run(db, "screen", "--no-lists")
    assert code == 0 and out.startswith("screened 10 register subjects against")
    assert "Beijing University of Aeronautics and Astronautics (BUAA) [csl:" in out
    code, out, _ = run(db, "screen", "--json")
    assert json.loads(out)["new"] > 0  # the list links are new now


def test_matches_and_decide_round_trip(db: str) -> None:
    code, out, _ = run(db, "matches")
    assert code == 0 and "run `trgraph screen` first" in out
    run(db, "screen")
    code, out, _ = run(db, "matches", "--status", "pending", "--json")
    pending = json.loads(out)["matches"]
    assert PAIR in {m["id"] for m in pending} and all(m["status"] == "pending" for m in pending)

    code, out, _ = run(db, "decide", PAIR, "reject", "--reason", "a different company", "--by", "alice")
    assert code == 0 and out.startswith(f"reject {PAIR} by alice") and "now rejected" in out
    code, out, _ = run(db, "matches", "--status", "rejected")
    assert PAIR in out and "reject by alice" in out and "a different company" in out

    code, out, _ = run(db, "decide", PAIR, "undo", "--reason", "second look", "--by", "bob", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["match"]["status"] == "pending" and doc["decision"]["by"] == "bob"

    code, out, _ = run(db, "decide", PAIR, "confirm", "--reason", "same company")
    assert code == 0 and "now confirmed" in out
    code, out, _ = run(db, "matches", "--status", "confirmed", "--json")
    assert [m["id"] for m in json.loads(out)["matches"]] == [PAIR]


def test_user_errors_are_one_clean_line(db: str) -> None:
    run(db, "screen")
    code, _, err = run(db, "decide", "m-000000000000", "confirm", "--reason", "x")
    assert code == 1 and err.startswith("Error: no match with id") and "Traceback" not in err
    code, _, err = run(db, "decide", PAIR, "undo", "--reason", "x")
    assert code == 1 and "no decision to undo" in err
    code, _, err = run(db, "screen", "--auto", "0.6", "--review", "0.8")
    assert code == 1 and err.startswith("Error: thresholds must satisfy")


@pytest.mark.parametrize(
    "args",
    [
        ("decide", PAIR, "confirm"),  # no --reason
        ("decide", PAIR, "confirm", "--reason", "  "),
        ("decide", PAIR, "maybe", "--reason", "x"),
        ("matches", "--status", "unsure"),
        ("screen", "--auto", "1.5"),
    ],
)
def test_usage_errors_exit_2(db: str, args: tuple[str, ...]) -> None:
    code, _, _ = run(db, *args)
    assert code == 2
