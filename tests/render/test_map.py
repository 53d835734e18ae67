"""Portfolio and entity maps: what is drawn, how it looks, caps, and a page that is safe offline."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

from trgraph.model import Entity, EntityKind, Flag, Link, LinkKind, Provenance, Tier, link_id
from trgraph.render.map import MapDoc, entity_map, portfolio_map
from trgraph.render.page import script_hash
from trgraph.render.style import FLAG_COLOURS, TIER_COLOURS

from .conftest import ASPI_CETC, CSL_CAEP, HOSTILE_IMG, HOSTILE_SCRIPT, PROBE_IMG, ROR_CAEP, Portfolio

HOSTILE = "register:partner:hostile"
ALPHA = "register:partner:alpha-university"


def nodes_by_id(doc: MapDoc) -> dict[str, dict[str, Any]]:
    return {n["id"]: n for n in doc.nodes}


def edge(doc: MapDoc, source: str, target: str) -> dict[str, Any]:
    found = [e for e in doc.edges if e["from"] == source and e["to"] == target]
    assert len(found) == 1, (source, target, found)
    return found[0]


@pytest.fixture(scope="module")
def pmap(portfolio: Portfolio) -> MapDoc:
    return portfolio_map(portfolio.risk["partners"], portfolio.entities, portfolio.agreements)


def test_portfolio_map_draws_home_partners_paths_and_targets(pmap: MapDoc, portfolio: Portfolio) -> None:
    nodes = nodes_by_id(pmap)
    assert nodes["register:home"]["role"] == "home" and nodes["register:home"]["keep"] is True
    partners = {lk.target for lk in portfolio.agreements}
    assert {i for i, n in nodes.items() if n["role"] == "partner"} == partners
    assert nodes[CSL_CAEP]["role"] == "target"
    assert nodes[PROBE_IMG]["role"] == "target"
    assert nodes[ROR_CAEP]["role"] == "intermediate"
    # a body on paths of two partners carries both partners' tiers and the flags reached
    assert nodes[CSL_CAEP]["tiers"] == ["high"]
    assert nodes[CSL_CAEP]["flags"] == ["export_control"]
    # partners are coloured by tier; targets by their first flag in vocabulary order
    assert nodes[HOSTILE]["color"]["background"] == TIER_COLOURS[Tier.VERY_HIGH]
    assert nodes["register:partner:gamma-gmbh"]["color"]["background"] == TIER_COLOURS[Tier.NONE]
    assert nodes[CSL_CAEP]["color"] == FLAG_COLOURS[Flag.EXPORT_CONTROL]
    assert nodes["register:partner:gamma-gmbh"]["clean"] is True and nodes[ALPHA]["clean"] is False
    # path edges carry the worst tier of the partners using them; agreement edges are plain
    assert edge(pmap, "ror:0alpha0001", ROR_CAEP)["color"] == TIER_COLOURS[Tier.HIGH]
    assert edge(pmap, HOSTILE, PROBE_IMG)["width"] > edge(pmap, ALPHA, "ror:0alpha0001")["width"]
    assert edge(pmap, "register:partner:epsilon-institute", ASPI_CETC)["dashes"] is True
    assert edge(pmap, "register:home", ALPHA)["onpath"] is not True


def test_partner_size_follows_money_or_agreements(portfolio: Portfolio) -> None:
    by_money = nodes_by_id(portfolio_map(portfolio.risk["partners"], portfolio.entities, portfolio.agreements))
    assert by_money[ALPHA]["value"] == 200000.0
    assert by_money["register:partner:gamma-gmbh"]["value"] == 200000.0
    by_count = nodes_by_id(portfolio_map(portfolio.risk["partners"], portfolio.entities, portfolio.agreements,
                                         size_by="agreements"))
    assert by_count[ALPHA]["value"] == 2 and by_count["register:partner:gamma-gmbh"]["value"] == 1
    assert by_money[ALPHA]["department"] == "Aeronautics"  # the department with the most money


@pytest.mark.parametrize(("by", "groups"), [("country", {"DE", "GB"}), ("department", {"Computer Science", "Physics"})])
def test_clean_partners_collapse_into_groups(portfolio: Portfolio, by: str, groups: set[str]) -> None:
    doc = portfolio_map(portfolio.risk["partners"], portfolio.entities, portfolio.agreements, group_by=by)  # type: ignore[arg-type]
    nodes = nodes_by_id(doc)
    assert "register:partner:gamma-gmbh" not in nodes and "register:partner:delta-ltd" not in nodes
    assert {n["id"].split(":", 2)[2] for n in doc.nodes if n["role"] == "group"} == groups
    assert ALPHA in nodes  # partners with findings are never grouped away
    assert doc.groupable is False


def _big(n_clean: int, n_flagged: int) -> tuple[list[dict[str, Any]], list[Entity], list[Link]]:
    prov = Provenance("register", "x", "register.csv")
    home = Entity("register:home", EntityKind.HOME, "Home", prov)
    entities, links, partners = [home], [], []
    for i in range(n_clean + n_flagged):
        pid = f"register:partner:p{i}"
        entities.append(Entity(pid, EntityKind.ORGANISATION, f"Partner {i}", prov, country=("CN", "DE", "GB")[i % 3]))
        links.append(Link(link_id(LinkKind.COLLABORATES_WITH, home.id, pid, str(i)), LinkKind.COLLABORATES_WITH,
                          home.id, pid, prov, {"amount_gbp": 1000 + i, "department": f"D{i % 4}"}))
        if i >= n_clean:
            target = {"id": f"list:t{i}", "name": f"Target {i}", "kind": "organisation", "flags": ["military"]}
            path = {"hops": 1, "score": 0.5, "target": {**target, "lists": ["L"]},
                    "nodes": [{"id": pid, "name": f"Partner {i}", "kind": "organisation", "flags": []}, target],
                    "links": [{"kind": "part_of", "source": pid, "target": target["id"], "provenance": None}]}
            partners.append({"id": pid, "name": f"Partner {i}", "tier": "high", "score": i / 1000,
                             "flags": ["military"], "min_hops": 1, "paths": [path]})
    return partners, entities, links


def test_cap_groups_clean_partners_then_drops_the_lowest_scores_and_says_so() -> None:
    partners, entities, links = _big(n_clean=300, n_flagged=20)
    doc = portfolio_map(partners, entities, links, max_nodes=100)
    assert len(doc.nodes) <= 100
    assert sum(1 for n in doc.nodes if n["role"] == "group") == 3
    assert "grouped by country" in doc.notes[0]
    assert len([n for n in doc.nodes if n["role"] == "partner"]) == 20
    partners, entities, links = _big(n_clean=10, n_flagged=100)
    doc = portfolio_map(partners, entities, links, max_nodes=50)
    assert len(doc.nodes) <= 50
    drawn = {n["id"] for n in doc.nodes if n["role"] == "partner"}
    assert "register:partner:p109" in drawn and "register:partner:p10" not in drawn  # highest scores kept
    assert any("are not drawn" in n and "trgraph risk --json" in n for n in doc.notes)


def test_entity_map_highlights_paths_and_dashes_possible_and_ended_links(portfolio: Portfolio) -> None:
    alpha = portfolio.partner(ALPHA)
    doc = entity_map(ALPHA, portfolio.entities, portfolio.links, alpha["paths"], tier="high", score=0.72, hops=4,
                     as_of=date(2025, 1, 1))
    nodes = nodes_by_id(doc)
    assert nodes[ALPHA]["role"] == "center" and nodes[ALPHA]["color"] == TIER_COLOURS[Tier.HIGH]
    on_path = edge(doc, "ror:0alpha0001", ROR_CAEP)
    assert on_path["onpath"] is True and on_path["width"] == 4
    assert on_path["color"] == FLAG_COLOURS[Flag.EXPORT_CONTROL]
    assert on_path["label"] == "is supervised by"
    ended = edge(doc, "ror:0alpha0001", "ror:0old000003")
    assert ended["dashes"] is True and ended["label"] == "is part of (ended)" and ended["onpath"] is False
    assert edge(doc, "register:partner:epsilon-institute", ASPI_CETC)["dashes"] is True
    assert edge(doc, HOSTILE, PROBE_IMG)["label"] == "is owned by 30%"
    assert edge(doc, "register:home", "register:partner:gamma-gmbh")["dashes"] is False  # runs to 2026
    assert nodes[PROBE_IMG]["role"] == "target" and nodes[ROR_CAEP]["role"] == "intermediate"


def test_entity_map_cap_keeps_path_nodes_and_the_nearest(portfolio: Portfolio) -> None:
    alpha = portfolio.partner(ALPHA)
    doc = entity_map(ALPHA, portfolio.entities, portfolio.links, alpha["paths"], max_nodes=6)
    ids = {n["id"] for n in doc.nodes}
    assert {"ror:0alpha0001", ROR_CAEP, CSL_CAEP, ALPHA} <= ids
    assert len(ids) == 6 and "over the cap of 6" in doc.notes[0]
    with pytest.raises(ValueError, match="centre"):
        entity_map("nowhere", portfolio.entities, portfolio.links)


def _page_parts(html: str) -> tuple[str, list[str], dict[str, Any]]:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    data = re.search(r'<script type="application/json" id="trgraph-data">(.*?)</script>', html, re.S)
    assert data is not None
    return policy.group(1).replace("&#39;", "'"), scripts, json.loads(data.group(1))


def test_page_is_self_contained_and_allows_only_its_own_scripts(pmap: MapDoc) -> None:
    page = pmap.render()
    html = page.html
    policy, scripts, data = _page_parts(html)
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert len(scripts) == 2 and all(script_hash(s) in policy for s in scripts)
    assert "vis.js is dual licensed" in scripts[0]  # the vendored licence notice travels with the code
    assert "sourceMappingURL" not in html
    assert not re.search(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']?(?:https?:)?//""", html, re.I)
    assert 'id="trg-legend"' in html and "very high" in html and "export control" in html
    assert len(data["nodes"]) == len(pmap.nodes) and data["options"]["physics"]["stabilization"]["enabled"]


def test_hostile_names_never_reach_the_page_as_markup(pmap: MapDoc) -> None:
    html = pmap.render().html
    assert HOSTILE_SCRIPT not in html and HOSTILE_IMG not in html
    assert "<img src=x" not in html
    _, _, data = _page_parts(html)
    node = next(n for n in data["nodes"] if n["id"] == HOSTILE)
    assert node["label"] == HOSTILE_SCRIPT  # labels are canvas text: kept as typed
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in node["title"]
    target = next(n for n in data["nodes"] if n["id"] == PROBE_IMG)
    assert "&quot;&gt;&lt;img src=x onerror=window.__pwned=1&gt;" in target["title"]
    assert "<img" not in target["title"]
