"""Fixtures for the render tests: the hand-made portfolio in tests/fixtures/render."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from trgraph.model import Action, Decision, Entity, Link, LinkKind, Run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "render"
HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_IMG = '"><img src=x onerror=window.__pwned=1>'


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
