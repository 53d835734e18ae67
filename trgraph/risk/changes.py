"""Monitoring: what changed on the lists since a run, and which partners' risk changed because of it.

The "before" side is recomputed from the store itself as it stood after the chosen run
(:class:`trgraph.queries.source.AsOfFacts` replays the change log backwards), so no
earlier result is ever trusted blindly: a body listed after that run is reported the
first time ``changes`` looks, whatever was concluded before.

Every look is also recorded: a *risk snapshot* run (kind ``risk``, dataset
``risk_snapshot``, ``replace=True``) stores one entity per partner,
``risk_snapshot:<partner id>``, whose ``attrs`` hold the tier, score, flags, hop count
and targets reached (the entity itself carries no flags and no links, so it never
enters the graph). Because the store keeps every version of a fact, the snapshots'
own change log is the full history of each partner's outcomes. Without ``--since``,
``changes`` compares with the latest snapshot (or, before the first one, with the state
just before the latest list update).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from trgraph.model import Entity, JsonDict, Provenance
from trgraph.model.records import canonical
from trgraph.queries.reach import reach_pairs
from trgraph.queries.source import SNAPSHOT_DATASET, AsOfFacts
from trgraph.risk.config import RiskConfig
from trgraph.risk.score import PartnerRisk, Portfolio, score_portfolio
from trgraph.store import Store

SNAPSHOT_KIND = "risk"
LIST_KINDS = frozenset({"csl", "ofac", "uk-sanctions", "un-sc", "ftm", "aspi"})
SCORE_STEP = 0.01


@dataclass(slots=True)
class PartnerChange:
    """One partner whose tier, flags, targets or hop count changed."""

    id: str
    name: str
    changed: list[str]
    before: JsonDict | None
    after: JsonDict | None
    paths: list[JsonDict] = field(default_factory=list)

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        before_t = set((self.before or {}).get("targets", []))
        after_t = set((self.after or {}).get("targets", []))
        before_f = set((self.before or {}).get("flags", []))
        after_f = set((self.after or {}).get("flags", []))
        return {
            "id": self.id,
            "name": self.name,
            "changed": self.changed,
            "before": self.before,
            "after": self.after,
            "flags_added": sorted(after_f - before_f),
            "flags_removed": sorted(before_f - after_f),
            "targets_added": sorted(after_t - before_t),
            "targets_removed": sorted(before_t - after_t),
            "paths": self.paths,
        }


@dataclass(slots=True)
class ChangeReport:
    """The monitoring view: list changes since a run, partner changes, the snapshot recorded."""

    since: int
    latest_run: int
    list_changes: list[JsonDict]
    link_changes: dict[str, dict[str, int]]
    partners: list[PartnerChange]
    snapshot_run: int | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> JsonDict:
        """The ``changes --json`` shape."""
        counts = {"added": 0, "removed": 0, "altered": 0}
        for row in self.list_changes:
            counts[row["change"]] += 1
        return {
            "since": self.since,
            "latest_run": self.latest_run,
            "list_changes": {"counts": counts, "entries": self.list_changes},
            "link_changes": self.link_changes,
            "partners": [p.to_dict() for p in self.partners],
            "snapshot_run": self.snapshot_run,
            "notes": self.notes,
        }


def default_since(store: Store) -> int:
    """The latest risk snapshot run; before any, the run just before the latest list update."""
    runs = [r for r in store.runs() if r.status == "ok"]
    snaps = [r for r in runs if r.kind == SNAPSHOT_KIND]
    if snaps:
        return snaps[-1].id
    lists = [r for r in runs if r.kind in LIST_KINDS]
    return lists[-1].id - 1 if lists else 0


def summary_of(risk: PartnerRisk, targets: list[str]) -> JsonDict:
    """What is compared and stored for one partner."""
    return {"tier": risk.tier.value, "score": round(risk.score, 6), "flags": risk.flags,
            "min_hops": risk.min_hops, "targets": targets}


def targets_by_partner(portfolio: Portfolio, config: RiskConfig) -> dict[str, list[str]]:
    """The flagged entities each partner reaches (one bulk computation for all partners)."""
    index, exposed = portfolio.index, [p for p in portfolio.partners if p.base > 0]
    exposed = [p for p in exposed if index.node(p.entity.id) is not None]
    out: dict[str, list[str]] = {p.entity.id: [] for p in portfolio.partners}
    if not exposed:
        return out
    nodes = np.array([index.node(p.entity.id) for p in exposed], dtype=np.int32)
    pairs = reach_pairs(index, config.weights, nodes, portfolio.reach)
    ent_w = index.entity_weight(config.weights)
    reps: dict[int, str] = {}
    for src, tgt in zip(pairs.source.tolist(), pairs.target.tolist(), strict=True):
        if tgt not in reps:
            reps[tgt] = index.representative(tgt, ent_w)
        out[exposed[src].entity.id].append(reps[tgt])
    return {k: sorted(set(v)) for k, v in out.items()}


def monitor(store: Store, config: RiskConfig, *, since: int | None = None, record: bool = True,
            top_paths: int | None = None) -> ChangeReport:
    """Compare the portfolio now with the portfolio as it stood after run ``since``."""
    runs = store.runs()
    latest = runs[-1].id if runs else 0
    since = default_since(store) if since is None else since
    before = score_portfolio(AsOfFacts(store, since), config, store=store, with_paths=False)
    after = score_portfolio(store, config, with_paths=False)
    before_t, after_t = targets_by_partner(before, config), targets_by_partner(after, config)
    old = {p.entity.id: summary_of(p, before_t[p.entity.id]) for p in before.partners}
    new = {p.entity.id: summary_of(p, after_t[p.entity.id]) for p in after.partners}
    changed: list[PartnerChange] = []
    by_id = {p.entity.id: p for p in after.partners}
    names = {p.entity.id: p.entity.name for p in (*before.partners, *after.partners)}
    for pid in sorted(set(old) | set(new), key=lambda i: (-(new.get(i) or {"score": 0})["score"], i)):
        diff = _differences(old.get(pid), new.get(pid))
        if diff:
            changed.append(PartnerChange(pid, names[pid], diff, old.get(pid), new.get(pid)))
    from trgraph.queries.paths import find_paths

    for change in changed:
        risk = by_id.get(change.id)
        if risk is not None and risk.base > 0:
            search = find_paths(store, risk.entity, config.weights, max_hops=config.max_hops,
                                limit=max(top_paths or config.top_paths, 1), cap=config.path_cap,
                                index=after.index, reach=after.reach)
            change.paths = [p.to_dict(search.entities) for p in search.paths]
    report = ChangeReport(since, latest, list_changes(store, since), link_changes(store, since), changed)
    if record:
        report.snapshot_run = record_snapshot(store, after.partners, new, config)
        report.notes.append(f"risk snapshot recorded as run {report.snapshot_run}; the next `changes` compares "
                            "with it")
    return report


def _differences(before: JsonDict | None, after: JsonDict | None) -> list[str]:
    if before is None:
        return ["new_partner"] if after and after["score"] > 0 else []
    if after is None:
        return ["partner_removed"]
    out = [k for k in ("tier", "flags", "targets", "min_hops") if before[k] != after[k]]
    if abs(before["score"] - after["score"]) >= SCORE_STEP:
        out.append("score")
    return out


def list_changes(store: Store, since: int) -> list[JsonDict]:
    """Entries added, removed or altered on the lists (and flag changes anywhere) since run ``since``."""
    runs = {r.id: r for r in store.runs()}
    rows: list[JsonDict] = []
    added_ids: list[str] = []
    for ch in store.changes(since_run=since, what="entity"):
        run = runs.get(ch.run_id)
        if run is None or run.kind == SNAPSHOT_KIND or ch.dataset == SNAPSHOT_DATASET:
            continue
        old_flags = list((ch.old or {}).get("flags") or [])
        new_doc = ch.new
        fields = _altered_fields(ch.old, new_doc) if ch.change.value == "altered" else []
        if ch.change.value == "altered" and not fields:
            continue  # restated by a newer file with the same facts (only the provenance moved)
        rows.append({"run": ch.run_id, "kind": run.kind, "dataset": ch.dataset, "id": ch.id, "name": ch.name,
                     "change": ch.change.value, "flags_before": old_flags,
                     "flags_after": list((new_doc or {}).get("flags") or []),
                     "lists": list((new_doc or ch.old or {}).get("lists") or []), "fields": fields})
        if ch.change.value == "added":
            added_ids.append(ch.id)
    current = store.get_entities(added_ids)
    for row in rows:
        entity = current.get(row["id"])
        if row["change"] == "added" and entity is not None:
            row["flags_after"] = sorted(f.value for f in entity.flags)
            row["lists"] = list(entity.lists)
    return [r for r in rows if r["kind"] in LIST_KINDS or r["flags_before"] or r["flags_after"]]


def _altered_fields(old: JsonDict | None, new: JsonDict | None) -> list[str]:
    """Top-level fields that differ, provenance aside."""
    old, new = old or {}, new or {}
    return sorted(k for k in set(old) | set(new) if k != "provenance" and old.get(k) != new.get(k))


def link_changes(store: Store, since: int) -> dict[str, dict[str, int]]:
    """Counts of links added/removed/altered since run ``since``, by dataset."""
    out: dict[str, dict[str, int]] = {}
    for ch in store.changes(since_run=since, what="link"):
        counts = out.setdefault(ch.dataset, {"added": 0, "removed": 0, "altered": 0})
        counts[ch.change.value] += 1
    return dict(sorted(out.items()))


def record_snapshot(store: Store, partners: list[PartnerRisk], summaries: dict[str, JsonDict],
                    config: RiskConfig) -> int:
    """Store one snapshot entity per partner in a ``risk`` run; returns the run id."""
    entities = []
    for p in partners:
        attrs = {"snapshot_of": p.entity.id, "config": config.digest, **summaries[p.entity.id]}
        entities.append(Entity(
            id=f"{SNAPSHOT_DATASET}:{p.entity.id}",
            kind=p.entity.kind,
            name=f"risk snapshot of {p.entity.name}",
            provenance=Provenance(SNAPSHOT_DATASET, p.entity.id, "trgraph risk snapshot"),
            attrs=attrs,
        ))
    digest = canonical({"snapshots": [e.to_dict() for e in entities]})[1]
    with store.begin(kind=SNAPSHOT_KIND, dataset=SNAPSHOT_DATASET, source="trgraph changes", file_hash=digest,
                     replace=True) as writer:
        writer.put_entities(entities)
        summary = writer.commit(accepted=len(entities), rejected=0)
    return summary.run.id


def snapshot_history(store: Store, partner_id: str) -> list[JsonDict]:
    """Every recorded outcome of one partner, oldest first (from the snapshots' change log).

    The store keeps no copy of a document when it is first added; that version is the
    ``old`` side of the next change, or the current document when nothing came after.
    """
    snap_id = f"{SNAPSHOT_DATASET}:{partner_id}"
    changes = [ch for ch in store.changes(what="entity") if ch.id == snap_id]
    out: list[JsonDict] = []
    for i, ch in enumerate(changes):
        doc = ch.new
        if ch.change.value == "added":
            later = changes[i + 1].old if i + 1 < len(changes) else None
            current = store.get_entity(snap_id) if later is None else None
            doc = later if later is not None else (current.to_dict() if current else None)
        out.append({"run": ch.run_id, "change": ch.change.value, "outcome": (doc or {}).get("attrs")})
    return out
