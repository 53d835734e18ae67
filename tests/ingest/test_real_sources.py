"""Every source kind ingests its real file(s) from ../shared/data through the CLI.

One store holds them all (as a user would build it); counts are checked against the
files themselves. Skips visibly when ../shared/data is absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SHARED
from trgraph.cli import cli
from trgraph.store import Store, open_store

# (kind, path under ../shared/data, dataset); the same table as benchmarks/screening.py, kept apart so
# that the tests do not import the benchmarks.
SOURCES = [
    ("ror", "registries/ror-data-subset-2026-06-23.zip", "ror"),
    ("csl", "lists/us_csl_el_meu_2026-07.csv", "csl_el_meu"),
    ("csl", "lists/us_csl_official_sample_2025.csv", "csl_2025"),
    ("csl", "lists/us_csl_official_sample_2019.csv", "csl_2019"),
    ("ofac", "lists/ofac_sdn_2023-01", "ofac"),
    ("uk-sanctions", "lists/uk_sanctions_list_fcdo_summary_2025-08-11.csv", "uk_fcdo_summary"),
    ("uk-sanctions", "lists/uk_sanctions_list_2026-04", "uk_sanctions"),
    ("un-sc", "lists/un_sc_consolidated_2026-02-27.xml", "un_sc"),
    ("ftm", "lists/us_dod_1260h_2026.ftm.json", "us_dod_1260h"),
    ("ftm", "lists/us_dod_1286_fy24.ftm.json", "us_dod_1286"),
    ("ftm", "ownership/zala_group.ftm.json", "zala"),
    ("aspi", "lists/aspi_china_defence_universities_misp_2020.json", "aspi"),
    ("gleif", "ownership/gleif_api_responses", "gleif"),
    ("openalex", "publications/openalex_api_responses", "openalex"),
]

KNOWN_MALFORMED = {"ror": 3, "openalex": 1, "uk_fcdo_summary": 2}

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is absent (fresh clone without it)")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, dict[str, object]]]]:
    db = tmp_path_factory.mktemp("real") / "all.db"
    results: dict[str, dict[str, object]] = {}
    runner = CliRunner()
    for kind, rel, dataset in SOURCES:
        res = runner.invoke(cli, ["--store", str(db), "ingest", kind, str(SHARED / rel), "--dataset", dataset,
                                  "--json"])
        assert res.exit_code == 0, (kind, rel, res.stderr)
        results[dataset] = json.loads(res.stdout)
    yield db, results


@pytest.fixture
def store(loaded: tuple[Path, dict[str, dict[str, object]]]) -> Iterator[Store]:
    with open_store(loaded[0]) as s:
        yield s


def test_counts_match_the_files(store: Store) -> None:
    ror = [e for e in store.iter_entities(dataset="ror") if not e.attrs.get("unresolved")]
    assert len(ror) == 35_990
    csl = list(store.iter_entities(dataset="csl_el_meu"))
    assert len(csl) == 3_469  # distinct _id values
    assert sum(e.attrs.get("source_rows", 1) for e in csl) == 3_479  # every row accounted for
    aspi = [e for e in store.iter_entities(dataset="aspi") if "ASPI China Defence Universities Tracker" in e.lists]
    assert len(aspi) == 159
    un = list(store.iter_entities(dataset="un_sc"))
    assert len(un) == 1_003 and sum(e.kind.value == "person" for e in un) == 730


def test_no_real_row_is_rejected_except_known_malformed(loaded: tuple[Path, dict[str, dict[str, object]]]) -> None:
    rejected = {ds: r["rejected"] for ds, r in loaded[1].items() if r["rejected"]}
    # Genuinely malformed: three ROR records name themselves as their own child/predecessor
    # (02ek9wp67, 038mj2660, 03r781319); OpenAlex's "Deleted Author" placeholder record; two
    # FCDO summary rows (BEL0174, RUS1467) whose name cell is blank.
    assert rejected == KNOWN_MALFORMED, rejected
    reasons = {(ds, row["line"]): row["reason"] for ds, r in loaded[1].items() for row in r["rejections"]}
    assert all(reason for reason in reasons.values())


def test_stats_report_what_was_loaded(loaded: tuple[Path, dict[str, dict[str, object]]]) -> None:
    res = CliRunner().invoke(cli, ["--store", str(loaded[0]), "stats", "--json"])
    assert res.exit_code == 0
    stats = json.loads(res.stdout)
    for _kind, _rel, dataset in SOURCES:
        assert stats["by_dataset"][dataset]["entities"] > 0, dataset
    assert stats["by_flag"]["export_control"] >= 3_479
    assert stats["by_link_kind"]["part_of"] > 13_000


def test_reingesting_every_source_is_a_no_op(loaded: tuple[Path, dict[str, dict[str, object]]]) -> None:
    db = loaded[0]
    before = CliRunner().invoke(cli, ["--store", str(db), "stats", "--json"]).stdout
    for kind, rel, dataset in SOURCES[:4]:
        res = CliRunner().invoke(cli, ["--store", str(db), "ingest", kind, str(SHARED / rel), "--dataset", dataset,
                                       "--json"])
        assert json.loads(res.stdout)["unchanged"] is True
    assert CliRunner().invoke(cli, ["--store", str(db), "stats", "--json"]).stdout == before
