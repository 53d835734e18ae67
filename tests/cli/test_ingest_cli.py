"""`trgraph ingest` and `trgraph stats` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from trgraph.cli import cli

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "register"


def run(store: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--store", str(store), *args])
    return result.exit_code, result.stdout, result.stderr


def test_ingest_then_reingest_is_a_no_op(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    code, out, _ = run(db, "ingest", "partners", str(FIX / "good.csv"), "--json")
    assert code == 0
    first = json.loads(out)
    assert first["accepted"] == {"entities": 6, "links": 7} and first["rejected"] == 0
    code, _, _ = run(db, "stats", "--json")
    stats_before = json.loads(run(db, "stats", "--json")[1])
    code, out, _ = run(db, "ingest", "partners", str(FIX / "good.csv"))
    assert code == 0 and "unchanged" in out
    code, out, _ = run(db, "ingest", "partners", str(FIX / "good.csv"), "--force", "--json")
    assert code == 0 and json.loads(out)["changes"] == {"added": 0, "altered": 0, "removed": 0}
    stats_after = json.loads(run(db, "stats", "--json")[1])
    assert stats_after["entities"] == stats_before["entities"] == 6
    assert stats_after["by_link_kind"] == {"collaborates_with": 4, "funded_by": 3}


def test_strict_ingest_of_a_file_with_bad_rows_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    code, _, err = run(db, "ingest", "partners", str(FIX / "bad_middle.csv"), "--strict")
    assert code == 1
    assert err.startswith("Error: 6 row(s) rejected under --strict; nothing was written.")
    assert "bad_middle.csv:3:" in err and "Traceback" not in err
    assert json.loads(run(db, "stats", "--json")[1])["entities"] == 0
    quarantine = tmp_path / "t.partners.register.quarantine.jsonl"
    rows = [json.loads(line) for line in quarantine.read_text().splitlines()]
    assert [r["line"] for r in rows] == [3, 4, 5, 6, 7, 8]


def test_non_strict_ingest_keeps_good_rows_and_quarantines_bad_ones(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    code, out, err = run(db, "ingest", "partners", str(FIX / "bad_middle.csv"))
    assert code == 0
    assert "rejected 6 rows" in out
    assert "bad_middle.csv:4: partner_name is empty" in err
    assert (tmp_path / "t.partners.register.quarantine.jsonl").exists()


def test_garbled_and_missing_files_give_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    for path, expected in (
        (FIX / "garbled.csv", "garbled.csv:2: malformed CSV"),
        (FIX / "no_name_column.csv", "missing required column"),
        (tmp_path / "nope.csv", "no such file"),
    ):
        code, out, err = run(db, "ingest", "partners", str(path))
        assert code == 1, (path, err)
        assert err.count("\n") == 1 and err.startswith("Error: ") and expected in err, err
        assert out == ""


def test_unknown_kind_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "t.db", "ingest", "nonsense", "x.csv")
    assert code == 2 and "Invalid value" in err and "nonsense" in err


def test_hostile_names_survive_ingest_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run(db, "ingest", "partners", str(FIX / "good.csv"))[0] == 0
    from trgraph.store import open_store

    with open_store(db) as store:
        names = {e.name for e in store.iter_entities()}
    assert '=HYPERLINK("http://x")' in names and "<script>alert(1)</script>" in names


def test_links_resolve_names_against_the_store(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    run(db, "ingest", "partners", str(FIX / "good.csv"))
    code, out, _ = run(db, "ingest", "links", str(FIX / "links.csv"), "--json")
    assert code == 0
    assert json.loads(out)["dataset"] == "links:links"
    from trgraph.store import open_store

    with open_store(db) as store:
        targets = {lk.target for lk in store.links_of("register:partner:alpha-university", "out")}
    assert "links:links:alpha-holdings" in targets


def test_store_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "no" / "t.db", "stats")
    assert code == 1 and "does not exist" in err
