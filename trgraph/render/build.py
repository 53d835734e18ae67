"""From a store to finished maps and reports: runs the risk layer, then the renderers.

The renderers (:mod:`~trgraph.render.map`, :mod:`~trgraph.render.report`) take only
plain data; this module is the one place that knows which risk and query functions
produce that data. The CLI (``trgraph map``, ``trgraph report``) and the demo call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trgraph.model import Entity, EntityKind, JsonDict, LinkKind
from trgraph.queries.funding import funding_concentration
from trgraph.queries.ownership import Regime, assess_ownership
from trgraph.render import gather
from trgraph.render.map import MAX_NODES, GroupBy, MapDoc, SizeBy, entity_map, portfolio_map
from trgraph.render.report import (
    EXPOSURE_BY,
    CaseFacts,
    PortfolioFacts,
    case_report,
    make_stamp,
    summary_report,
)
from trgraph.risk.changes import monitor
from trgraph.risk.config import RiskConfig
from trgraph.risk.exposure import compute_exposure
from trgraph.risk.score import Portfolio, score_partner, score_portfolio
from trgraph.store import Store


@dataclass
class PortfolioData:
    """The portfolio's risk, computed once and shared by the map and the summary."""

    portfolio: Portfolio
    risk: JsonDict
    agreements: list[Any]
    entities: list[Entity]

    @property
    def home_name(self) -> str:
        """The home institution's name."""
        homes = [e for e in self.entities if e.kind is EntityKind.HOME]
        return homes[0].name if homes else "Home institution"


def now_stamp() -> str:
    """The current UTC time, to the second, for report stamps."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def portfolio_data(store: Store, config: RiskConfig, *, show: int = 0, max_hops: int | None = None) -> PortfolioData:
    """Score every partner (paths for the ``show`` highest; 0 = all) and gather the entities to draw."""
    portfolio = score_portfolio(store, config, show=show, max_hops=max_hops)
    risk = portfolio.to_dict(config)
    agreements = gather.agreements(store)
    return PortfolioData(portfolio, risk, agreements, gather.portfolio_entities(store, risk["partners"], agreements))


def build_portfolio_map(
    data: PortfolioData, *, size_by: SizeBy = "amount", group_by: GroupBy | None = None, max_nodes: int = MAX_NODES
) -> MapDoc:
    """The portfolio map of already-scored data."""
    doc = portfolio_map(data.risk["partners"], data.entities, data.agreements, size_by=size_by, group_by=group_by,
                        max_nodes=max_nodes)
    doc.notes.extend(str(n) for n in data.risk.get("notes") or ())
    return doc


def build_entity_map(
    store: Store, entity: Entity, config: RiskConfig, *, max_hops: int | None = None, max_nodes: int = MAX_NODES,
    partner: JsonDict | None = None,
) -> MapDoc:
    """One entity's link map: its neighbourhood to the hop limit, its risk paths highlighted."""
    hops = config.max_hops if max_hops is None else max_hops
    partner = partner or score_partner(store, entity, config, max_hops=hops).to_dict(config)
    entities, links, cut = gather.neighbourhood(store, entity.id, hops, max_nodes)
    paths = list(partner.get("paths") or ())
    extra = gather.path_node_ids(paths) - {e.id for e in entities}
    entities += list(store.get_entities(sorted(extra)).values())
    doc = entity_map(entity.id, entities, links, paths, tier=partner.get("tier"), score=partner.get("score"),
                     hops=hops, max_nodes=max_nodes)
    if cut:
        doc.notes.append(f"The neighbourhood within {hops} links has more than {max_nodes:,} entities: "
                         f"the walk stopped at {max_nodes:,} (ids in order); risk paths are always drawn.")
    return doc


def build_summary(
    store: Store, config: RiskConfig, data: PortfolioData, *, since: int | None = None,
    generated_at: str | None = None, map_href: str | None = None,
) -> JsonDict:
    """The leaders' summary document (exposure by every view, funding, changes since ``since``)."""
    exposure = {by: compute_exposure(store, config, by, portfolio=data.portfolio).to_dict() for by in EXPOSURE_BY}
    changes = monitor(store, config, since=since, record=False).to_dict()
    facts = PortfolioFacts(
        risk=data.risk, agreements=data.agreements, exposure=exposure,
        funding=funding_concentration(store).to_dict(), changes=changes, home_name=data.home_name,
    )
    return summary_report(facts, stamp(store, config, generated_at), map_href=map_href)


def build_case(
    store: Store, entity: Entity, config: RiskConfig, *, max_hops: int | None = None,
    generated_at: str | None = None, map_href: str | None = None, partner: JsonDict | None = None,
) -> JsonDict:
    """The case report document for one entity."""
    partner = partner or score_partner(store, entity, config, max_hops=max_hops).to_dict(config)
    paths = list(partner.get("paths") or ())
    ownership = []
    if entity.kind is EntityKind.ORGANISATION:
        ownership = [assess_ownership(store, entity, r, rule=config.ownership.get(r)).to_dict() for r in Regime]
    agreements = [lk for lk in store.links_of(entity.id, "in") if lk.kind is LinkKind.COLLABORATES_WITH]
    facts = CaseFacts(
        entity=entity, risk=partner, matches=gather.identity_matches(store, entity), ownership=ownership,
        decisions=store.decisions(), agreements=agreements,
        entities=store.get_entities(sorted(gather.path_node_ids(paths))),
    )
    return case_report(facts, stamp(store, config, generated_at), map_href=map_href)


def stamp(store: Store, config: RiskConfig, generated_at: str | None) -> JsonDict:
    """The reproducibility stamp for this store and configuration."""
    return make_stamp(store.location, store.runs(), config_digest=config.digest, generated_at=generated_at)
