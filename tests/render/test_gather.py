"""Reading map and report inputs from a store (the embedded backend, through the Store interface)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trgraph.model import Action, Decision, LinkKind
from trgraph.render import gather
from trgraph.store import EmbeddedStore, Store

from .conftest import CSL_CAEP, PROBE_IMG, ROR_CAEP, Portfolio

ALPHA = "register:partner:alpha-university"


@pytest.fixture
def store(tmp_path: Path, portfolio: Portfolio) -> Store:
    s = EmbeddedStore(tmp_path / "g.db")
    with s.begin(kind="test", dataset="test", source="fixtures", file_hash="x", replace=False) as w:
        w.put_entities(portfolio.entities)
        w.put_links(portfolio.links)
        w.commit(accepted=len(portfolio.entities), rejected=0)
    s.add_decision(Decision("m4", ALPHA, ROR_CAEP, Action.REJECT, "different body", "ana", "2025-04-01"))
    return s


def test_neighbourhood_does_not_walk_through_the_home_institution(store: Store) -> None:
    entities, links, cut = gather.neighbourhood(store, ALPHA, hops=4, max_nodes=100)
    ids = {e.id for e in entities}
    assert {"register:home", ROR_CAEP, CSL_CAEP, "register:funder:csc"} <= ids
    assert "register:partner:gamma-gmbh" not in ids  # only reachable through the home
    assert not cut and all(lk.source in ids and lk.target in ids for lk in links)
    home_ids = {e.id for e in gather.neighbourhood(store, "register:home", hops=1, max_nodes=100)[0]}
    assert "register:partner:gamma-gmbh" in home_ids  # the home itself is walked from


def test_neighbourhood_stops_at_the_cap(store: Store) -> None:
    entities, _, cut = gather.neighbourhood(store, "register:home", hops=3, max_nodes=4)
    assert len(entities) == 4 and cut


def test_portfolio_entities_and_agreements(store: Store, portfolio: Portfolio) -> None:
    agreements = gather.agreements(store)
    assert len(agreements) == 7 and all(lk.kind is LinkKind.COLLABORATES_WITH for lk in agreements)
    ids = {e.id for e in gather.portfolio_entities(store, portfolio.risk["partners"], agreements)}
    assert {"register:home", ALPHA, ROR_CAEP, CSL_CAEP, PROBE_IMG} <= ids
    assert "ror:0old000003" not in ids  # not on any path


def test_identity_matches_from_links_and_the_ledger(store: Store) -> None:
    alpha = store.resolve_entity(ALPHA)
    matches = {m["candidate"]["id"]: m for m in gather.identity_matches(store, alpha)}
    assert matches["ror:0alpha0001"]["status"] == "auto" and matches["ror:0alpha0001"]["score"] == 0.97
    assert matches["ror:0alpha0001"]["candidate"]["dataset"] == "ror"
    assert matches[ROR_CAEP]["status"] == "rejected"
    assert "different body" in matches[ROR_CAEP]["explanation"]
    eps = store.resolve_entity("Epsilon Institute")
    assert [m["status"] for m in gather.identity_matches(store, eps)] == ["pending"]
