"""Interactive link maps (pyvis / vis-network), offline and safe with untrusted names.

Two maps, built from plain data so they do not depend on how risk was computed:

* :func:`portfolio_map` — the home institution, its partners (sized by money or by
  number of agreements, coloured by tier), and the intermediate bodies and flagged
  entities on the partners' risk paths (``risk --json`` partner objects);
* :func:`entity_map` — one entity's neighbourhood (model :class:`Entity` and
  :class:`Link` lists, e.g. from ``Store.subgraph``) with its risk paths highlighted.

Both return a :class:`MapDoc`; :meth:`MapDoc.render` gives one self-contained HTML
page (vis-network inlined, no request, strict CSP). pyvis assembles the node and
edge records; the page template is ours, because pyvis's own template loads
bootstrap (and, in its default mode, vis-network) from CDNs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pyvis.network import Network

from trgraph import __version__
from trgraph.model import Entity, Flag, JsonDict, Link, Tier
from trgraph.render import mapparts as parts
from trgraph.render.page import Page, asset, csp, json_for_script, markup, render_template, script_hash
from trgraph.render.style import (
    FLAG_COLOURS,
    HOME_COLOUR,
    INTERMEDIATE_COLOUR,
    OTHER_COLOUR,
    PLAIN_EDGE_COLOUR,
    TIER_COLOURS,
    esc,
    flag_label,
    flags_of,
    tier_label,
    tier_of,
)

SizeBy = Literal["amount", "agreements"]
GroupBy = Literal["country", "department"]
MAX_NODES = 1500


@dataclass
class MapDoc:
    """A map ready to render: vis-network node and edge records plus what the page says."""

    kind: Literal["portfolio", "entity"]
    title: str
    subtitle: str
    nodes: list[JsonDict]
    edges: list[JsonDict]
    notes: list[str] = field(default_factory=list)
    size_by: SizeBy | None = None
    groupable: bool = False

    def options(self) -> JsonDict:
        """vis-network options: a layout that settles within a bounded number of iterations."""
        return vis_options(len(self.nodes), len(self.edges), labels=self.kind == "entity")

    def render(self) -> Page:
        """The self-contained HTML page."""
        return render_map_page(self)

    def write(self, path: Path) -> Path:
        """Render and write to ``path``."""
        return self.render().write(path)


def portfolio_map(
    partners: Sequence[Mapping[str, Any]],
    entities: Iterable[Entity],
    agreements: Iterable[Link],
    *,
    size_by: SizeBy = "amount",
    group_by: GroupBy | None = None,
    max_nodes: int = MAX_NODES,
    title: str | None = None,
) -> MapDoc:
    """The portfolio map.

    ``partners`` are ``risk --json`` partner objects (``id``, ``name``, ``score``,
    ``tier``, ``flags``, ``paths``); ``entities`` supply the home institution and the
    facts shown in tooltips (any entity may be missing); ``agreements`` are the
    ``collaborates_with`` links, which give each partner its money, agreement count
    and departments. Partners with agreements but no risk object are drawn as clean.
    ``group_by`` collapses clean partners into one node per country or department;
    when the map would exceed ``max_nodes`` clean partners are grouped by country
    anyway, and if that is not enough the lowest-scoring flagged partners are left
    out. Either is said in the map's notes.
    """
    if max_nodes < 2:
        raise ValueError("max_nodes must be at least 2")
    ents = {e.id: e for e in entities}
    facts = parts.partner_facts(partners, ents, agreements)
    home = parts.home_entity(ents, agreements)
    notes: list[str] = []
    flagged = sorted((f for f in facts.values() if not f.clean), key=lambda f: (-f.tier.rank, -f.score, f.name))
    clean = sorted((f for f in facts.values() if f.clean), key=lambda f: f.name)

    path_nodes_of = {f.id: parts.path_node_ids(f.risk) for f in flagged}
    full = 1 + len(clean) + len(set().union(*path_nodes_of.values(), {f.id for f in flagged}))
    if group_by is None and full > max_nodes:
        group_by = "country"
        notes.append(
            f"The full map would have {full:,} nodes, over the cap of {max_nodes:,}: the {len(clean):,} partners "
            "with no finding are grouped by country (hover a group for its members)."
        )
    clean_nodes = len({parts.group_key(f, group_by) for f in clean}) if group_by else len(clean)
    budget = max_nodes - 1 - clean_nodes
    drawn: list[parts.PartnerFacts] = []
    used: set[str] = set()
    for f in flagged:
        extra = ({f.id} | path_nodes_of[f.id]) - used
        if len(used) + len(extra) > budget:
            break
        drawn.append(f)
        used |= extra
    if len(drawn) < len(flagged):
        left = len(flagged) - len(drawn)
        notes.append(
            f"{left:,} of {len(flagged):,} partners with findings are not drawn (lowest tiers and scores first) "
            f"to stay under {max_nodes:,} nodes; `trgraph risk --json` lists them all."
        )

    graph = parts.MapGraph()
    graph.add_home(home, len(facts), sum(f.amount for f in facts.values()))
    for f in drawn:
        graph.add_partner(f, home.id, size_by)
        for path in f.paths:
            graph.add_path(path, f, ents)
    if group_by:
        groups: dict[str, list[parts.PartnerFacts]] = {}
        for f in clean:
            groups.setdefault(parts.group_key(f, group_by), []).append(f)
        for key, members in sorted(groups.items()):
            graph.add_group(group_by, key, members, home.id, size_by)
    else:
        for f in clean:
            graph.add_partner(f, home.id, size_by)

    tiers = Counter(f.tier for f in facts.values())
    subtitle = (
        f"{len(facts):,} partners, {sum(f.agreements for f in facts.values()):,} agreements; "
        + ", ".join(f"{tiers[t]} {tier_label(t)}" for t in Tier if tiers[t])
    )
    nodes, edges = graph.finish()
    return MapDoc(
        kind="portfolio",
        title=title or f"{home.name}: partner portfolio",
        subtitle=subtitle,
        nodes=nodes,
        edges=edges,
        notes=notes,
        size_by=size_by,
        groupable=group_by is None and bool(clean),
    )


def entity_map(
    center: str,
    entities: Iterable[Entity],
    links: Iterable[Link],
    paths: Sequence[Mapping[str, Any]] = (),
    *,
    tier: str | None = None,
    score: float | None = None,
    hops: int | None = None,
    max_nodes: int = MAX_NODES,
    as_of: date | None = None,
    title: str | None = None,
) -> MapDoc:
    """The link map of one entity.

    ``entities`` and ``links`` are its neighbourhood (``center`` must be among the
    entities or named by a path); ``paths`` are its risk paths (``paths --json``
    shape) and are drawn thick, coloured by the flag they reach. ``possibly_same_as``
    and ended links (``end_date`` before ``as_of``, default today) are dashed; edge
    labels give the link's reading and share. Beyond ``max_nodes`` the entities
    nearest the centre are kept (path nodes always) and a note says so.
    """
    ents = {e.id: e for e in entities}
    link_list = list(links)
    on_path = parts.path_members(paths)
    if center not in ents and center not in on_path.nodes:
        raise ValueError(f"centre {center!r} is neither among the entities nor on a path")
    order = parts.bfs_order(center, ents.keys() | on_path.nodes.keys(), link_list)
    keep_ids = [center, *[i for i in on_path.nodes if i != center]]
    keep_ids += [i for i in order if i not in on_path.nodes and i != center]
    total = len(keep_ids)
    notes: list[str] = []
    if total > max_nodes:
        keep_ids = keep_ids[:max(max_nodes, len(on_path.nodes) + 1)]
        notes.append(
            f"The neighbourhood has {total:,} entities, over the cap of {max_nodes:,}: the {len(keep_ids):,} "
            "nearest the centre are drawn (every entity on a risk path is kept)."
        )
    graph = parts.MapGraph(as_of=as_of)
    kept = set(keep_ids)
    center_tier = tier_of(tier) if tier is not None else None
    for node_id in keep_ids:
        graph.add_entity(node_id, ents.get(node_id), on_path.nodes.get(node_id), center=node_id == center,
                         tier=center_tier, score=score, path_flags=on_path.flags.get(node_id, set()))
    for link in link_list:
        if link.source in kept and link.target in kept:
            graph.add_link(link, on_path.links)
    for path in paths:
        graph.add_path_links(path, kept, on_path.links)
    nodes, edges = graph.finish()
    name = (ents[center].name if center in ents else str(on_path.nodes[center].get("name") or center))
    reach = Counter(f for p in paths for f in flags_of((p.get("target") or {}).get("flags")))
    subtitle = (f"{len(nodes):,} entities within {hops if hops is not None else '?'} links; "
                f"{len(paths)} risk path{'' if len(paths) == 1 else 's'}")
    if reach:
        subtitle += " reaching " + ", ".join(f"{flag_label(f)} ({n})" for f, n in reach.items())
    return MapDoc("entity", title or f"Link map: {name}", subtitle, nodes, edges, notes)


def render_map_page(doc: MapDoc) -> Page:
    """One HTML page: vis-network and our script inline, data as inert JSON, CSP by hash."""
    vis_js, map_js = asset("vis-network.min.js"), asset("map.js")
    net = Network(directed=True)
    for node in doc.nodes:
        net.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for edge in doc.edges:
        net.add_edge(edge["from"], edge["to"], **{k: v for k, v in edge.items() if k not in ("from", "to")})
    nodes, edges, *_ = net.get_network_data()
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": doc.options(),
        "notes": doc.notes,
        "groupColour": TIER_COLOURS[Tier.NONE],
    }
    hashes = (script_hash(vis_js), script_hash(map_js))
    html = render_template(
        "map.html.j2",
        policy=csp(hashes),
        version=__version__,
        title=doc.title,
        subtitle=doc.subtitle,
        legend=markup(legend_html(doc.kind, doc.size_by)),
        flags=[(f.value, flag_label(f)) for f in Flag],
        tiers=[(t.value, tier_label(t)) for t in Tier] if doc.kind == "portfolio" else [],
        groupable=doc.groupable,
        notes=doc.notes,
        data=markup(json_for_script(data)),
        vis_css=markup(asset("vis-network.css")),
        map_css=markup(asset("map.css")),
        vis_js=markup(vis_js),
        map_js=markup(map_js),
    )
    return Page(html, hashes)


def vis_options(n_nodes: int, n_edges: int, *, labels: bool) -> JsonDict:
    """Options for vis-network: a bounded stabilisation (then physics stops), a fixed seed.

    Large maps get fewer iterations, straight edges and no edges while dragging, so a
    500-partner portfolio settles in seconds on a laptop.
    """
    big = n_nodes + n_edges > 600
    return {
        "autoResize": True,
        "nodes": {
            "font": {"size": 13, "face": "sans-serif", "multi": False},
            "scaling": {"min": 8, "max": 44, "label": {"enabled": False}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "font": {"size": 10 if labels else 0, "align": "middle", "multi": False},
            "color": {"inherit": False},
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -45, "centralGravity": 0.01, "springLength": 110,
                                 "springConstant": 0.08, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 200 if big else 600, "updateInterval": 25, "fit": True},
            "minVelocity": 1.5,
            "timestep": 0.5,
        },
        "layout": {"improvedLayout": n_nodes <= 150, "randomSeed": 42},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "keyboard": False},
    }


_SHAPES = {
    "dot": '<circle cx="7" cy="7" r="5.5" fill="{c}" stroke="#444"/>',
    "square": '<rect x="1.5" y="1.5" width="11" height="11" fill="{c}" stroke="#444"/>',
    "diamond": '<polygon points="7,0.8 13.2,7 7,13.2 0.8,7" fill="{c}" stroke="#444"/>',
    "triangle": '<polygon points="7,1 13,13 1,13" fill="{c}" stroke="#444"/>',
    "hexagon": '<polygon points="3.5,1 10.5,1 13.5,7 10.5,13 3.5,13 0.5,7" fill="{c}" stroke="#444"/>',
    "star": '<polygon points="7,0.5 8.8,5 13.5,5.2 9.8,8.2 11.1,13 7,10.3 2.9,13 4.2,8.2 0.5,5.2 5.2,5" fill="{c}"/>',
}


def legend_html(kind: str, size_by: SizeBy | None) -> str:
    """The legend: node roles, tier and flag colours, link styles; derived from the enums."""

    def item(swatch: str, label: str) -> str:
        return f"<li>{swatch}<span>{esc(label)}</span></li>"

    def sw(shape: str, colour: str) -> str:
        return (f'<svg class="trg-sw" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
                f'{_SHAPES[shape].format(c=esc(colour))}</svg>')

    def line(style: str, colour: str) -> str:
        return f'<span class="trg-line {esc(style)}" style="border-top-color:{esc(colour)}"></span>'

    nodes = [item(sw("star", HOME_COLOUR), "home institution")]
    if kind == "portfolio":
        nodes.append(item(sw("dot", TIER_COLOURS[Tier.MEDIUM]), "partner (colour: tier; thick border: listed itself)"))
        nodes.append(item(sw("square", TIER_COLOURS[Tier.NONE]), "group of partners with no finding"))
    else:
        nodes.append(item(sw("hexagon", TIER_COLOURS[Tier.HIGH]), "the entity mapped (colour: its tier)"))
        nodes.append(item(sw("dot", OTHER_COLOUR), "other entity in the neighbourhood"))
    nodes.append(item(sw("diamond", INTERMEDIATE_COLOUR), "intermediate body on a risk path"))
    nodes.append(item(sw("triangle", FLAG_COLOURS[Flag.SANCTION]), "flagged entity (colour: flag)"))
    tiers = [item(sw("dot", TIER_COLOURS[t]), tier_label(t)) for t in Tier]
    flags = [item(sw("triangle", FLAG_COLOURS[f]), flag_label(f)) for f in Flag]
    path_colour = "tier of the partner" if kind == "portfolio" else "flag reached"
    links = [
        item(line("thick", TIER_COLOURS[Tier.VERY_HIGH]), f"risk path (colour: {path_colour})"),
        item(line("", PLAIN_EDGE_COLOUR), "other link" if kind == "entity" else "agreement(s) with the partner"),
        item(line("dashed", PLAIN_EDGE_COLOUR), "dashed: possible match (unconfirmed) or ended link"),
    ]
    out = [f"<h3>Nodes</h3><ul>{''.join(nodes)}</ul>"]
    if kind == "portfolio":
        out.append(f"<h3>Partner tier</h3><ul>{''.join(tiers)}</ul>")
    out.append(f"<h3>Flag reached</h3><ul>{''.join(flags)}</ul>")
    out.append(f"<h3>Links</h3><ul>{''.join(links)}</ul>")
    if size_by:
        what = "total value of agreements (£)" if size_by == "amount" else "number of agreements"
        out.append(f'<p class="trg-hint">Partner size: {esc(what)}.</p>')
    return "".join(out)


__all__ = ["MAX_NODES", "GroupBy", "MapDoc", "SizeBy", "entity_map", "legend_html", "portfolio_map",
           "render_map_page", "vis_options"]
