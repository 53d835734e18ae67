"""Monitoring acceptance: a newer list adds a partner's parent body; `changes` reports the entry and the new tier.

Everything is real except the register: ROR records copied from the v2.9 dump (Harbin
Institute of Technology and its child laboratory), and Entity List rows copied unchanged
from ``../shared/data/lists/us_csl_el_meu_2026-07.csv``; list v2 is v1 plus the real row
of Harbin Institute of Technology. The run goes through the CLI, as a user would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.risk.stores import FIX
from trgraph.cli import cli
from trgraph.queries.source import SNAPSHOT_DATASET
from trgraph.resolve.screen import OUTCOME_DATASETS
from trgraph.risk.changes import snapshot_history
from trgraph.store import EmbeddedStore

ROR = FIX.parent / "ror" / "real_extract_v2.9-2026-06-23.json"
HIT_EL = "csl:17b6450cb5e171143b56b639"
LAB = "register:partner:state-key-laboratory-of-urban-water-resources-and-water-environment"
BRADFORD = "register:partner:university-of-bradford"


def run(db: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--store", str(db), *args])
    assert result.exit_code == 0, result.output + result.stderr
    return result


def as_json(db: Path, *args: str) -> Any:
    return json.loads(run(db, *args, "--json").stdout)


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any], dict[str, Any]]]:
    db = tmp_path_factory.mktemp("changes") / "m.db"
    run(db, "ingest", "ror", str(ROR))
    run(db, "ingest", "csl", str(FIX / "list_v1.csv"))
    run(db, "ingest", "partners", str(FIX / "monitor_register.csv"))
    run(db, "screen")
    first = as_json(db, "changes")
    run(db, "ingest", "csl", str(FIX / "list_v2.csv"))
    run(db, "screen")
    second = as_json(db, "changes")
    yield db, first, second


def test_the_first_look_records_a_clean_partner(monitored: tuple[Path, dict[str, Any], dict[str, Any]]) -> None:
    _db, first, _second = monitored
    assert first["partners"] == []  # nothing reaches a flagged body yet: no partner changed
    assert HIT_EL not in {e["id"] for e in first["list_changes"]["entries"]}
    assert first["snapshot_run"] is not None


def test_changes_reports_the_added_entry_and_the_partners_new_tier(
    monitored: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    _db, first, second = monitored
    assert second["since"] == first["snapshot_run"]
    assert second["list_changes"]["counts"] == {"added": 1, "removed": 0, "altered": 0}
    [entry] = second["list_changes"]["entries"]
    assert (entry["id"], entry["name"], entry["change"]) == (HIT_EL, "Harbin Institute of Technology", "added")
    assert entry["flags_after"] == ["export_control"]
    assert entry["lists"] == ["Entity List (EL) - Bureau of Industry and Security"]
    [lab] = second["partners"]
    assert lab["id"] == LAB
    assert lab["before"]["tier"] == "none" and lab["after"]["tier"] in ("high", "very_high")
    assert {"tier", "flags", "targets"} <= set(lab["changed"])
    assert lab["flags_added"] == ["export_control"] and lab["targets_added"] == [HIT_EL]
    [path] = lab["paths"]
    assert [n["id"] for n in path["nodes"]] == [LAB, "ror:05s6mpv98", "ror:01yqg2h08", HIT_EL]
    assert [(lk["kind"], lk["provenance"]["dataset"]) for lk in path["links"]] == [
        ("same_as", "screen"), ("part_of", "ror"), ("same_as", "screen")]


def test_a_third_look_with_nothing_new_reports_nothing_and_history_keeps_every_outcome(
    monitored: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    db, _first, _second = monitored
    third = as_json(db, "changes")
    assert third["partners"] == [] and third["list_changes"]["counts"]["added"] == 0
    store = EmbeddedStore(db)
    try:
        tiers = [h["outcome"]["tier"] for h in snapshot_history(store, LAB)]
        assert tiers[0] == "none" and tiers[-1] in ("high", "very_high")
        assert [h["outcome"]["tier"] for h in snapshot_history(store, BRADFORD)][-1] == "none"
    finally:
        store.close()


def test_screening_never_matches_a_partner_to_its_own_risk_snapshot(
    monitored: tuple[Path, dict[str, Any], dict[str, Any]],
) -> None:
    db, _first, _second = monitored
    assert SNAPSHOT_DATASET in OUTCOME_DATASETS
    matches = as_json(db, "matches")["matches"]
    assert matches and all(m["candidate"]["dataset"] != SNAPSHOT_DATASET for m in matches)


def test_the_text_view_names_the_entry_and_the_tier_change(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    run(db, "ingest", "ror", str(ROR))
    run(db, "ingest", "csl", str(FIX / "list_v1.csv"))
    run(db, "ingest", "partners", str(FIX / "monitor_register.csv"))
    run(db, "screen")
    run(db, "changes")
    run(db, "ingest", "csl", str(FIX / "list_v2.csv"))
    run(db, "screen")
    out = run(db, "changes", "--no-record").stdout
    assert "1 added" in out and "added    Harbin Institute of Technology" in out
    assert "tier none → " in out and "now reaches: " + HIT_EL in out
