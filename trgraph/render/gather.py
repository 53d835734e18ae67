"""Read from a store the plain data that maps and reports are drawn from.

Only the :class:`~trgraph.store.Store` interface is used, so every backend works.
Risk, exposure and funding come from :mod:`trgraph.risk` and :mod:`trgraph.queries`
as JSON objects; this module adds the entities, agreements and identity evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from trgraph.model import Action, Entity, EntityKind, JsonDict, Link, LinkKind
from trgraph.store import Store


def agreements(store: Store) -> list[Link]:
    """Every current ``collaborates_with`` link (one per agreement)."""
    return list(store.iter_links(kinds=[LinkKind.COLLABORATES_WITH]))


def path_node_ids(paths: Iterable[Mapping[str, Any]]) -> set[str]:
    """Ids of every entity on the given paths (targets included)."""
    ids: set[str] = set()
    for path in paths:
        ids.update(str(n["id"]) for n in path.get("nodes") or ())
        target = (path.get("target") or {}).get("id")
        if target:
            ids.add(str(target))
    return ids


def portfolio_entities(
    store: Store, partners: Sequence[Mapping[str, Any]], agreement_links: Sequence[Link]
) -> list[Entity]:
    """The home institution(s), every partner and every entity on a partner's paths."""
    ids = {lk.source for lk in agreement_links} | {lk.target for lk in agreement_links}
    ids |= {str(p["id"]) for p in partners}
    ids |= path_node_ids(path for p in partners for path in p.get("paths") or ())
    found = store.get_entities(sorted(ids))
    if not any(e.kind is EntityKind.HOME for e in found.values()):
        found.update({e.id: e for e in store.iter_entities(kind=EntityKind.HOME.value)})
    return list(found.values())


def neighbourhood(store: Store, entity_id: str, hops: int, max_nodes: int) -> tuple[list[Entity], list[Link], bool]:
    """Entities within ``hops`` links of the entity (either direction) and the links among them.

    The home institution is drawn but not walked through (unless it is the entity
    itself): through it every partner is two links from every other, which says
    nothing about this entity's risk. Returns True as the third item when the walk
    stopped at ``max_nodes`` entities.
    """
    seen: dict[str, Entity] = {}
    start = store.get_entities([entity_id])
    seen.update(start)
    frontier = [e for e in start.values()]
    links: dict[str, Link] = {}
    cut = False
    for _ in range(max(hops, 0)):
        found: set[str] = set()
        for entity in frontier:
            if entity.kind is EntityKind.HOME and entity.id != entity_id:
                continue
            for link in store.links_of(entity.id, "both"):
                links[link.id] = link
                other = link.target if link.source == entity.id else link.source
                if other not in seen:
                    found.add(other)
        room = max_nodes - len(seen)
        if len(found) > room:
            cut = True
            found = set(sorted(found)[:max(room, 0)])
        fresh = store.get_entities(sorted(found))
        seen.update(fresh)
        frontier = list(fresh.values())
        if not frontier:
            break
    kept = [lk for lk in links.values() if lk.source in seen and lk.target in seen]
    return list(seen.values()), kept, cut


def identity_matches(store: Store, entity: Entity) -> list[JsonDict]:
    """The entity's identity evidence in the ``matches --json`` item shape.

    Current ``same_as`` / ``possibly_same_as`` links give the accepted and pending
    matches (score, status and explanation from the link's attributes); the analyst
    ledger gives the rejected candidates (latest decision per match wins).
    """
    out: list[JsonDict] = []
    linked: set[str] = set()
    links = [lk for lk in store.links_of(entity.id) if lk.kind in (LinkKind.SAME_AS, LinkKind.POSSIBLY_SAME_AS)]
    others = store.get_entities({lk.target if lk.source == entity.id else lk.source for lk in links})
    for lk in links:
        other_id = lk.target if lk.source == entity.id else lk.source
        linked.add(other_id)
        default = "pending" if lk.kind is LinkKind.POSSIBLY_SAME_AS else "auto"
        out.append(_match(str(lk.attrs.get("match_id") or lk.id), entity, other_id, others.get(other_id),
                          lk.attrs.get("score"), str(lk.attrs.get("status") or default), lk.attrs.get("explanation")))
    latest: dict[str, Any] = {}
    for d in store.decisions():
        if entity.id in (d.subject, d.candidate):
            latest[d.match_id] = d
    rejected = [d for d in latest.values() if d.action is Action.REJECT]
    cands = store.get_entities({d.candidate if d.subject == entity.id else d.subject for d in rejected})
    for d in rejected:
        other_id = d.candidate if d.subject == entity.id else d.subject
        if other_id not in linked:
            out.append(_match(d.match_id, entity, other_id, cands.get(other_id), None, "rejected",
                              f"rejected by {d.by} on {d.at}: {d.reason}"))
    return out


def _match(match_id: str, subject: Entity, other_id: str, other: Entity | None, score: Any, status: str,
           explanation: Any) -> JsonDict:
    return {
        "id": match_id,
        "subject": {"id": subject.id, "name": subject.name},
        "candidate": {"id": other_id, "name": other.name if other else other_id,
                      "dataset": other.provenance.dataset if other else None},
        "score": score,
        "status": status,
        "explanation": explanation,
    }
