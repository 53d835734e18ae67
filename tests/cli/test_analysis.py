"""The analysis commands through the CLI: paths, risk, exposure, ownership, funding, changes.

The store is built from ``tests/fixtures/risk`` (fictional register and relationships, real
list rows). Expected numbers are computed by hand from ``register.csv`` in the tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.risk.stores import FIX, fixture_store
from trgraph.cli import cli

PATH_KEYS = {"hops", "nodes", "links", "target", "score"}
NODE_KEYS = {"id", "name", "kind", "flags"}
LINK_KEYS = {"kind", "source", "target", "provenance"}
TARGET_KEYS = {"id", "name", "flags", "lists"}
PARTNER_KEYS = {"id", "name", "score", "tier", "flags", "min_hops", "paths"}
BUAA = "csl:8bb21e4c75231b5aafc44205"
NUDT = "csl:8770e5a46d64cf5fe72e983a"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("analysis") / "s.db"
    fixture_store(path).close()
    yield path


def invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", str(db), *args])


def ok_json(db: Path, *args: str) -> Any:
    result = invoke(db, *args, "--json")
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def assert_user_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    line = result.stderr.strip()
    assert line.startswith("Error:") and "\n" not in line, line
    for word in words:
        assert word in line, line


def assert_path_shape(path: dict[str, Any]) -> None:
    assert set(path) >= PATH_KEYS and isinstance(path["hops"], int) and 0 <= path["score"] <= 1
    assert all(set(n) >= NODE_KEYS for n in path["nodes"])
    assert all(set(lk) >= LINK_KEYS and lk["provenance"]["dataset"] for lk in path["links"])
    assert set(path["target"]) >= TARGET_KEYS
    assert path["nodes"][-1]["id"] == path["target"]["id"]


# -- paths ---------------------------------------------------------------------------------
def test_paths_json_has_the_product_shape(db: Path) -> None:
    data = ok_json(db, "paths", "Tianmushan Laboratory")
    assert data["source"]["id"] == "register:partner:tianmushan-laboratory"
    [path] = data["paths"]
    assert_path_shape(path)
    assert path["target"]["id"] == BUAA and path["hops"] == 1


def test_paths_text_shows_each_link_with_its_provenance(db: Path) -> None:
    result = invoke(db, "paths", "register:partner:tianmushan-laboratory")
    assert result.exit_code == 0
    buaa = "Beijing University of Aeronautics and Astronautics (BUAA)"
    assert f"Tianmushan Laboratory —is part of→ {buaa}" in result.stdout
    assert "[links:relationships line-2, relationships.csv]" in result.stdout


def test_paths_hop_limit(db: Path) -> None:
    assert ok_json(db, "paths", "Tianmushan Laboratory", "--max-hops", "0")["paths"] == []
    assert invoke(db, "paths", "Tianmushan Laboratory", "--max-hops", "99").exit_code == 2


def test_paths_of_an_unknown_entity_is_a_clean_error(db: Path) -> None:
    assert_user_error(invoke(db, "paths", "Nobody Ltd"), "Nobody Ltd")


# -- risk -------------------------------------------------------------------------------------
def test_risk_portfolio_json(db: Path) -> None:
    data = ok_json(db, "risk")
    partners = data["partners"]
    assert len(partners) == 10 and all(set(p) >= PARTNER_KEYS for p in partners)
    assert [p["score"] for p in partners] == sorted((p["score"] for p in partners), reverse=True)
    by_name = {p["name"]: p for p in partners}
    assert by_name["Clean University"]["tier"] == "none" and by_name["Clean University"]["flags"] == []
    assert by_name["Tianmushan Laboratory"]["tier"] == "very_high"
    for p in partners:
        for path in p["paths"]:
            assert_path_shape(path)
    assert data["summary"]["by_tier"]["none"] == 4 and data["rules"]


def test_risk_of_one_entity_is_one_partner_object_with_its_explanation(db: Path) -> None:
    one = ok_json(db, "risk", "Dr Wang Lei")
    assert set(one) >= PARTNER_KEYS and one["flags"] == ["export_control"] and one["min_hops"] == 1
    assert one["paths"][0]["target"]["id"] == NUDT
    assert one["explanation"]["channels"][0]["channel"] == "export_control"
    text = invoke(db, "risk", "Dr Wang Lei")
    assert text.exit_code == 0 and "rules:" in text.stdout and "channel export_control" in text.stdout


def test_risk_max_hops_zero_gives_none(db: Path) -> None:
    one = ok_json(db, "risk", "Tianmushan Laboratory", "--max-hops", "0")
    assert (one["tier"], one["flags"], one["min_hops"], one["score"]) == ("none", [], None, 0.0)


def test_risk_of_an_unknown_entity_is_a_clean_error(db: Path) -> None:
    assert_user_error(invoke(db, "risk", "Nobody Ltd"), "Nobody Ltd")


@pytest.mark.parametrize(("content", "words"), [
    ("[tiers\nhigh = ", ("not valid TOML",)),
    ("[tiers]\nhihg = 0.5\n", ("unknown setting", "hihg")),
    ("[link_weights]\npart_of = 2.0\n", ("part_of", "between 0")),
    ('[combine]\nmethod = "sum"\n', ("combine.method",)),
])
def test_a_bad_config_file_is_a_clean_error(db: Path, tmp_path: Path, content: str, words: tuple[str, ...]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(content)
    for command in (["risk"], ["paths", "Tianmushan Laboratory"], ["exposure", "--by", "target"]):
        assert_user_error(invoke(db, *command, "--config", str(bad)), *words)


def test_a_missing_config_file_is_a_clean_error(db: Path, tmp_path: Path) -> None:
    assert_user_error(invoke(db, "risk", "--config", str(tmp_path / "nope.toml")), "does not exist")


def test_a_config_file_changes_the_score(db: Path, tmp_path: Path) -> None:
    user = tmp_path / "c.toml"
    user.write_text("[country.multipliers]\nCN = 1.0\n")
    one = ok_json(db, "risk", "Dr Wang Lei", "--config", str(user))
    assert one["score"] == pytest.approx(0.9 * 0.7 * 0.85, abs=1e-6)
    assert one["explanation"]["config"]["source"] == str(user)


# -- exposure -----------------------------------------------------------------------------------
def rows(db: Path, by: str) -> dict[str, dict[str, Any]]:
    data = ok_json(db, "exposure", "--by", by)
    assert data["by"] == by
    assert all({"key", "partners", "amount_gbp", "score"} <= set(r) for r in data["rows"])
    return {r["key"]: r for r in data["rows"]}


def test_exposure_by_target(db: Path) -> None:
    got = rows(db, "target")
    assert (got[BUAA]["partners"], got[BUAA]["agreements"], got[BUAA]["amount_gbp"]) == (1, 2, 100000 + 25000)
    assert got[BUAA]["departments"] == ["Aeronautics", "Physics"]
    assert (got[NUDT]["partners"], got[NUDT]["amount_gbp"]) == (2, 0 + 20000)  # Dr Wang Lei, Harbin Partner Co
    gefest = next(r for r in got.values() if r["name"] == "GEFEST-M LLC")
    assert gefest["partners"] == 3 and gefest["amount_gbp"] == 5000 + 30000 + 15000  # R9 possible, R6, R11 ended


def test_exposure_by_country_department_funder(db: Path) -> None:
    country = rows(db, "country")
    assert country["CN"]["amount_gbp"] == 125000 + 0 + 20000 and country["CN"]["partners"] == 3
    assert country["GB"]["amount_gbp"] == 30000 + 5000 + 15000 and country["GB"]["partners"] == 3
    department = rows(db, "department")
    assert department["Aeronautics"]["amount_gbp"] == 100000 + 30000 and department["Aeronautics"]["partners"] == 2
    assert department["Chemistry"]["partners"] == 0 and department["Chemistry"]["score"] == 0
    funder = rows(db, "funder")
    assert funder["Funder A"]["amount_gbp"] == 100000 + 30000 + 5000 and funder["Funder C"]["partners"] == 0


def test_exposure_text_and_bad_by(db: Path) -> None:
    text = invoke(db, "exposure", "--by", "department")
    assert text.exit_code == 0 and "Aeronautics" in text.stdout and "6 of 10 partners exposed" in text.stdout
    assert invoke(db, "exposure", "--by", "planet").exit_code == 2
    assert invoke(db, "exposure").exit_code == 2


# -- ownership ------------------------------------------------------------------------------------
def test_ownership_ofac_blocked_and_uk_not(db: Path) -> None:
    ofac = ok_json(db, "ownership", "Meridian Avionics Ltd", "--regime", "ofac")
    assert set(ofac) >= {"entity", "regime", "status", "aggregate_pct", "contributors"}
    assert (ofac["regime"], ofac["status"], ofac["aggregate_pct"]) == ("ofac", "blocked", 60.0)
    assert sorted(c["owner"]["name"] for c in ofac["contributors"]) == ["7TH OF TIR", "GEFEST-M LLC"]
    assert all({"owner", "pct", "path"} <= set(c) for c in ofac["contributors"])
    assert "control" not in ofac["finding"]
    bis = ok_json(db, "ownership", "Meridian Avionics Ltd", "--regime", "bis")
    assert bis["status"] == "not_blocked"  # SDN owners are not Entity List parties
    uk = ok_json(db, "ownership", "Meridian Avionics Ltd", "--regime", "uk")
    assert uk["status"] == "not_blocked"


def test_ownership_errors(db: Path) -> None:
    assert_user_error(invoke(db, "ownership", "Nobody Ltd", "--regime", "ofac"), "Nobody Ltd")
    assert invoke(db, "ownership", "Meridian Avionics Ltd", "--regime", "eu").exit_code == 2
    assert invoke(db, "ownership", "Meridian Avionics Ltd").exit_code == 2
    text = invoke(db, "ownership", "Old Ventures Ltd", "--regime", "ofac")
    assert text.exit_code == 0 and "not_blocked" in text.stdout


# -- funding -----------------------------------------------------------------------------------------
def test_funding_shares_and_hhi_equal_the_hand_computation(db: Path) -> None:
    data = ok_json(db, "funding")
    a, b, c = 100000 + 40000 + 30000 + 5000, 60000 + 20000 + 25000 + 15000, 50000 + 10000
    total = a + b + c
    shares = {r["name"]: r["share"] for r in data["by_funder"]}
    assert shares == pytest.approx({"Funder A": a / total, "Funder B": b / total, "Funder C": c / total})
    assert {r["name"]: r["amount_gbp"] for r in data["by_funder"]} == {"Funder A": a, "Funder B": b, "Funder C": c}
    assert data["hhi_funder"] == pytest.approx((a / total) ** 2 + (b / total) ** 2 + (c / total) ** 2)
    gb, cn = (a + b) / total, c / total
    assert data["hhi_country"] == pytest.approx(gb**2 + cn**2)
    assert {r["name"] for r in data["by_country"]} == {"GB", "CN"}


def test_funding_date_range_and_bad_date(db: Path) -> None:
    data = ok_json(db, "funding", "--from", "2025-06-01")
    assert data["agreements"] < ok_json(db, "funding")["agreements"]
    assert invoke(db, "funding", "--from", "June").exit_code == 2


# -- changes ----------------------------------------------------------------------------------------------
def test_changes_json_shape_and_a_run_that_does_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    fixture_store(path).close()
    data = ok_json(path, "changes", "--no-record")
    assert {"since", "latest_run", "list_changes", "partners"} <= set(data)
    assert set(data["list_changes"]["counts"]) == {"added", "removed", "altered"}
    assert data["snapshot_run"] is None
    assert_user_error(invoke(path, "changes", "--since", "999"), "no run 999")
    assert invoke(path, "changes", "--since", "-1").exit_code == 2


def test_changes_after_a_newer_list(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    fixture_store(path).close()
    ok_json(path, "changes")  # the first look: a snapshot to compare with
    result = invoke(path, "ingest", "csl", str(FIX / "list_v2.csv"))
    assert result.exit_code == 0, result.stderr
    data = ok_json(path, "changes")
    assert [(e["name"], e["change"]) for e in data["list_changes"]["entries"]] == [
        ("Harbin Institute of Technology", "added")]
    assert data["partners"] == []  # no fixture partner is linked to it: nothing else changed
