"""Fixtures for the render tests: the hand-made portfolio in tests/fixtures/render."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from trgraph.model import Action, Decision, Entity, Link, LinkKind, Run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "render"
HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_IMG = '"><img src=x onerror=window.__pwned=1>'
# Real list entries and registry records (ids as the loaders make them from ../shared/data):
CSL_CAEP = "csl:d6f9199b72d917829a5518c6"  # Chinese Academy of Engineering Physics, BIS Entity List
ROR_CAEP = "ror:039vqpp67"  # China Academy of Engineering Physics, ROR
ASPI_CAEP = "aspi:5615fe86-7305-4115-abc0-4e66c30e436b"  # the same body in the ASPI tracker (Military)
ASPI_CETC = "aspi:d1276f79-45cf-48cc-b2f7-0ebfd9c911fe"  # China Electronics Technology Group Corporation, ASPI
PROBE_IMG = "probe:img"  # the synthetic injection probe named HOSTILE_IMG: not an entry of any list


#: ``TRGRAPH_UPDATE_GOLDEN=1`` makes the golden tests rewrite their files (and fail, saying so).
UPDATE_GOLDEN = os.environ.get("TRGRAPH_UPDATE_GOLDEN") == "1"


def differences(got: Any, want: Any, where: str = "$") -> list[str]:
    """The JSON paths at which two parsed documents differ (a readable golden failure)."""
    if isinstance(got, dict) and isinstance(want, dict):
        return [d for k in sorted(set(got) | set(want), key=str)
                for d in (differences(got.get(k), want.get(k), f"{where}.{k}") if k in got and k in want
                          else [f"{where}.{k}: {'added' if k in got else 'missing'}"])]
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [d for i, (g, w) in enumerate(zip(got, want, strict=True)) for d in differences(g, w, f"{where}[{i}]")]
    return [] if got == want else [f"{where}: {json.dumps(got, ensure_ascii=False)[:120]} != "
                                   f"{json.dumps(want, ensure_ascii=False)[:120]}"]


def check_golden(name: str, text: str) -> None:
    """Compare a JSON text with tests/fixtures/render/<name>; ``TRGRAPH_UPDATE_GOLDEN=1`` rewrites the file
    and then fails, so a rewrite is never mistaken for a pass."""
    path = FIXTURES / name
    if UPDATE_GOLDEN:
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        pytest.fail(f"rewrote {path} (TRGRAPH_UPDATE_GOLDEN=1): review `git diff`, then rerun without it")
    assert path.exists(), f"{path} is missing: write it with TRGRAPH_UPDATE_GOLDEN=1 and review the diff"
    diff = differences(json.loads(text), json.loads(path.read_text(encoding="utf-8")))
    assert not diff, f"{name} differs from the golden file at:\n  " + "\n  ".join(diff[:20])


def load(name: str) -> Any:
    """One fixture file, parsed."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Portfolio:
    """The fixture portfolio as the renderers receive it."""

    entities: list[Entity]
    links: list[Link]
    risk: dict[str, Any]
    exposure: dict[str, Any]
    funding: dict[str, Any]
    matches: list[dict[str, Any]]
    ownership: list[dict[str, Any]]
    decisions: list[Decision]
    runs: list[Run]
    changes: dict[str, Any]

    @property
    def agreements(self) -> list[Link]:
        return [lk for lk in self.links if lk.kind is LinkKind.COLLABORATES_WITH]

    @property
    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def partner(self, pid: str) -> dict[str, Any]:
        return next(p for p in self.risk["partners"] if p["id"] == pid)


@pytest.fixture(scope="session")
def portfolio() -> Portfolio:
    """Everything in tests/fixtures/render."""
    ledger = load("ledger.json")
    return Portfolio(
        entities=[Entity.from_dict(d) for d in load("entities.json")],
        links=[Link.from_dict(d) for d in load("links.json")],
        risk=load("risk.json"),
        exposure=load("exposure.json"),
        funding=load("funding.json"),
        matches=load("matches.json")["matches"],
        ownership=load("ownership.json"),
        decisions=[Decision(**{**d, "action": Action(d["action"])}) for d in ledger["decisions"]],
        runs=[Run(**r) for r in ledger["runs"]],
        changes=ledger["changes_report"],
    )
