"""Shared fixtures: paths to the real data in ../shared/data, skipping visibly when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_file(relative: str) -> Path:
    """A file under ../shared/data, or a visible skip when the folder is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"../shared/data/{relative} is absent (fresh clone without shared data)")
    return path


@pytest.fixture
def shared() -> Path:
    """The ../shared/data folder (skip with a reason when absent)."""
    if not SHARED.exists():
        pytest.skip("../shared/data is absent (fresh clone without shared data)")
    return SHARED


@pytest.fixture
def fixtures() -> Path:
    """tests/fixtures."""
    return FIXTURES


def ingest_demo_sources(db: Path) -> None:
    """Ingest the bundled demo sources through the CLI, with the demo's datasets and home name."""
    from click.testing import CliRunner

    from trgraph.cli import cli
    from trgraph.demo import DEMO_SOURCES, HOME_NAME, data_dir

    for kind, name, dataset in DEMO_SOURCES:
        args = ["--store", str(db), "ingest", kind, str(data_dir() / name), "--dataset", dataset]
        if kind == "partners":
            args += ["--home", HOME_NAME]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.stderr
