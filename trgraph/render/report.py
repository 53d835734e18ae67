"""Reports as data: the leaders' summary and the analyst's case report.

:func:`summary_report` and :func:`case_report` turn plain inputs (``risk``,
``exposure``, ``funding``, ``matches`` and ``ownership`` JSON objects as PRODUCT.md
shapes them, plus model records) into one JSON document each. That document *is*
the ``--format json`` output and the only thing the HTML and Markdown forms are
rendered from (:func:`render_report`), so the three never disagree.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson

from trgraph import __version__
from trgraph.ingest.flags import date_in_name
from trgraph.model import Decision, Entity, Flag, JsonDict, Link, LinkKind, Run, Tier
from trgraph.render.checklist import checklist
from trgraph.render.style import flags_of, tier_of

Format = Literal["html", "md", "json"]
FORMATS: tuple[str, ...] = ("html", "md", "json")
TOP_N = 10
EXPOSURE_BY = ("target", "country", "department", "funder")
CHANGE_EXAMPLES = 8


def config_hash(config: Mapping[str, Any] | None) -> str | None:
    """A short hash of the risk configuration (canonical JSON), or None without one."""
    if config is None:
        return None
    raw = orjson.dumps(config, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def make_stamp(
    store: str, runs: Sequence[Run], *, config_digest: str | None = None, generated_at: str | None = None
) -> JsonDict:
    """The reproducibility stamp: trgraph version, store, each dataset's latest list version
    and ingest date (from the store's runs) and the configuration hash (e.g. the risk
    configuration's digest, or :func:`config_hash` of a mapping)."""
    latest: dict[str, Run] = {}
    for run in runs:
        if run.status == "ok":
            latest[run.dataset] = run
    datasets = [
        {
            "dataset": r.dataset,
            "kind": r.kind,
            "source": r.source,
            "version": date_in_name(Path(r.source)),
            "file_hash": r.file_hash[:16],
            "run": r.id,
            "ingested": r.finished_at or r.started_at,
        }
        for r in sorted(latest.values(), key=lambda r: r.id)
    ]
    return {
        "trgraph": __version__,
        "store": store,
        "generated_at": generated_at,
        "config_hash": config_digest,
        "datasets": datasets,
        "last_run": max((r.id for r in runs), default=None),
    }


@dataclass(frozen=True)
class PortfolioFacts:
    """What the leaders' summary is made from (all plain data).

    ``risk``: ``risk --json``; ``agreements``: the register's ``collaborates_with``
    links; ``exposure``: ``exposure --json`` by view name; ``funding``: ``funding
    --json``; ``changes``: ``changes --json``.
    """

    risk: Mapping[str, Any]
    agreements: Sequence[Link]
    exposure: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    funding: Mapping[str, Any] | None = None
    changes: Mapping[str, Any] | None = None
    home_name: str = "Home institution"


def summary_report(facts: PortfolioFacts, stamp: JsonDict, *, map_href: str | None = None) -> JsonDict:
    """The leaders' summary as one JSON document."""
    partners = list(facts.risk.get("partners") or ())
    money: dict[str, float] = {}
    count: Counter[str] = Counter()
    for lk in facts.agreements:
        if lk.kind is LinkKind.COLLABORATES_WITH:
            money[lk.target] = money.get(lk.target, 0.0) + _num(lk.attrs.get("amount_gbp"))
            count[lk.target] += 1
    ids = set(money) | {str(p["id"]) for p in partners}
    tiers = Counter(tier_of(p.get("tier")) for p in partners)
    tiers[Tier.NONE] += len(ids - {str(p["id"]) for p in partners})
    reach = Counter(f for p in partners for f in flags_of(p.get("flags")))
    flagged = [p for p in partners if tier_of(p.get("tier")) is not Tier.NONE or p.get("flags")]
    ranked = sorted(partners, key=lambda p: (-tier_of(p.get("tier")).rank, -_num(p.get("score")), str(p.get("name"))))
    headline = {
        "partners": len(ids),
        "agreements": sum(count.values()),
        "amount_gbp": round(sum(money.values()), 2),
        "partners_with_findings": len(flagged),
        "amount_with_findings_gbp": round(sum(money.get(str(p["id"]), 0.0) for p in flagged), 2),
        "partners_by_tier": {t.value: tiers[t] for t in Tier},
        "partners_reaching_flag": {f.value: reach[f] for f in Flag},
    }
    top = [
        {
            "id": p["id"],
            "name": p.get("name"),
            "tier": tier_of(p.get("tier")).value,
            "score": p.get("score"),
            "flags": [f.value for f in flags_of(p.get("flags"))],
            "min_hops": p.get("min_hops"),
            "agreements": count[str(p["id"])],
            "amount_gbp": round(money.get(str(p["id"]), 0.0), 2),
            "top_path": _path_text(p["paths"][0]) if p.get("paths") else None,
        }
        for p in ranked
        if p in flagged
    ][:TOP_N]
    exposure = {
        by: {"rows": list((facts.exposure.get(by) or {}).get("rows") or ())[:TOP_N],
             "total_rows": len((facts.exposure.get(by) or {}).get("rows") or ())}
        for by in EXPOSURE_BY
        if by in facts.exposure
    }
    return {
        "report": "summary",
        "title": f"{facts.home_name}: Trusted Research portfolio summary",
        "stamp": stamp,
        "headline": headline,
        "top_partners": top,
        "exposure": exposure,
        "funding": _funding(facts.funding),
        "changes": _changes(facts.changes),
        "map": {"href": map_href},
    }


@dataclass(frozen=True)
class CaseFacts:
    """What a case report is made from (all plain data)."""

    entity: Entity
    risk: Mapping[str, Any] | None = None
    matches: Sequence[Mapping[str, Any]] = ()
    ownership: Sequence[Mapping[str, Any]] = ()
    decisions: Sequence[Decision] = ()
    agreements: Sequence[Link] = ()
    entities: Mapping[str, Entity] = field(default_factory=dict)


def case_report(facts: CaseFacts, stamp: JsonDict, *, map_href: str | None = None) -> JsonDict:
    """The case report for one entity as one JSON document."""
    e = facts.entity
    risk = facts.risk or {}
    paths = list(risk.get("paths") or ())
    agreements = [_agreement(lk) for lk in facts.agreements
                  if lk.kind is LinkKind.COLLABORATES_WITH and lk.target == e.id]
    reached = set(flags_of(risk.get("flags")))
    reached |= {f for p in paths for f in flags_of((p.get("target") or {}).get("flags"))}
    mine = [m for m in facts.matches
            if e.id in ((m.get("subject") or {}).get("id"), (m.get("candidate") or {}).get("id"))]
    rejected = [m for m in mine if m.get("status") == "rejected"]
    accepted = [m for m in mine if m.get("status") != "rejected"]
    match_ids = {str(m.get("id")) for m in mine}
    ownership = [dict(o) for o in facts.ownership if (o.get("entity") or {}).get("id", e.id) == e.id]
    decisions = [d.to_dict() for d in facts.decisions
                 if d.subject == e.id or d.candidate == e.id or d.match_id in match_ids]
    return {
        "report": "case",
        "title": f"Case report: {e.name}",
        "stamp": stamp,
        "entity": {
            "id": e.id, "name": e.name, "kind": e.kind.value, "category": e.attrs.get("category"),
            "country": e.country, "aliases": list(e.names[:10]), "identifiers": dict(sorted(e.identifiers.items())),
            "flags": [f.value for f in flags_of(e.flags)], "lists": list(e.lists),
            "provenance": e.provenance.to_dict(),
        },
        "risk": {k: risk.get(k) for k in ("tier", "score", "flags", "min_hops")} if facts.risk else None,
        "identity": {"matches": [_match(m) for m in accepted], "rejected": [_match(m) for m in rejected]},
        "list_hits": _list_hits(e, paths, facts.entities, stamp),
        "paths": [_path(p, facts.entities) for p in paths],
        "ownership": ownership,
        "decisions": decisions,
        "agreements": agreements,
        "checklist": [q.to_dict() for q in checklist(e, reached, agreements, ownership)],
        "map": {"href": map_href},
    }


def render_report(doc: JsonDict, fmt: Format, *, embed_map: Any = None) -> str:
    """The document in ``html``, ``md`` or ``json``; ``embed_map`` is a rendered map page
    (:class:`~trgraph.render.page.Page`) placed in the HTML summary."""
    if fmt == "json":
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "md":
        from trgraph.render.markdown import report_markdown

        return report_markdown(doc)
    if fmt == "html":
        from trgraph.render.html import report_html

        return report_html(doc, embed_map=embed_map)
    raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


# -- pieces -----------------------------------------------------------------------
def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _path_text(path: Mapping[str, Any]) -> str:
    names = [str(n.get("name") or n.get("id")) for n in path.get("nodes") or ()]
    return " → ".join(names)


def _funding(funding: Mapping[str, Any] | None) -> JsonDict | None:
    if funding is None:
        return None
    out: JsonDict = {
        "by_funder": list(funding.get("by_funder") or ())[:TOP_N],
        "by_country": list(funding.get("by_country") or ())[:TOP_N],
    }
    for key in ("hhi_funder", "hhi_country"):
        value = funding.get(key)
        out[key] = value
        out[key.replace("hhi", "concentration")] = concentration(value)
    return out


def concentration(hhi: object) -> str | None:
    """Reading of a Herfindahl-Hirschman index (0-1 or 0-10,000 scale), per the 2023 US
    merger guidelines' bands: above 1,800 highly, 1,000-1,800 moderately concentrated."""
    if not isinstance(hhi, int | float) or isinstance(hhi, bool):
        return None
    points = hhi * 10_000 if hhi <= 1 else hhi
    return "high" if points > 1800 else "moderate" if points >= 1000 else "low"


def _changes(report: Mapping[str, Any] | None) -> JsonDict:
    """List entries added/removed/altered per dataset, and the partners whose risk changed."""
    if report is None:
        return {"since_run": None, "latest_run": None, "lists": [], "partners": []}
    by_dataset: dict[str, dict[str, list[str]]] = {}
    for row in (report.get("list_changes") or {}).get("entries") or ():
        kinds = by_dataset.setdefault(str(row.get("dataset")), {"added": [], "removed": [], "altered": []})
        kinds.setdefault(str(row.get("change")), []).append(str(row.get("name") or row.get("id")))
    lists = [
        {"dataset": ds, **{k: len(v) for k, v in kinds.items()},
         "examples": {k: sorted(v)[:CHANGE_EXAMPLES] for k, v in kinds.items() if v}}
        for ds, kinds in sorted(by_dataset.items())
    ]
    partners = [
        {"id": p.get("id"), "name": p.get("name"), "changed": list(p.get("changed") or ()),
         "tier_before": (p.get("before") or {}).get("tier"), "tier_after": (p.get("after") or {}).get("tier"),
         **{k: list(p.get(k) or ()) for k in ("flags_added", "flags_removed", "targets_added", "targets_removed")}}
        for p in report.get("partners") or ()
    ]
    return {"since_run": report.get("since"), "latest_run": report.get("latest_run"), "lists": lists,
            "partners": partners}


def _agreement(link: Link) -> JsonDict:
    keys = ("agreement_id", "department", "project", "research_area", "sensitivity", "amount_gbp", "start_date",
            "end_date", "funder_name")
    return {k: link.attrs.get(k) for k in keys}


def _match(m: Mapping[str, Any]) -> JsonDict:
    cand = m.get("candidate") or {}
    return {"id": m.get("id"), "candidate": {k: cand.get(k) for k in ("id", "name", "dataset")},
            "score": m.get("score"), "status": m.get("status"), "explanation": m.get("explanation")}


def _list_hits(e: Entity, paths: Sequence[Mapping[str, Any]], ents: Mapping[str, Entity], stamp: JsonDict,
               ) -> list[JsonDict]:
    """The entity's own listings first, then each flagged entity its paths reach (once)."""
    ingested = {d["dataset"]: d["ingested"] for d in stamp.get("datasets") or ()}
    hits: list[JsonDict] = []
    seen: set[str] = set()
    found: list[tuple[Entity | None, Mapping[str, Any], str, int]] = [(e, {}, "direct", 0)]
    found += [(ents.get(str((p.get("target") or {}).get("id"))), p.get("target") or {}, "path", int(p.get("hops") or 0))
              for p in paths]
    for ent, target, via, hops in found:
        key = ent.id if ent is not None else str(target.get("id") or "")
        if not key or key in seen or (ent is not None and not (ent.lists or ent.flags)):
            continue
        seen.add(key)
        if ent is None:  # known only from the path: no dates or source to show
            hits.append({"entity": {"id": key, "name": target.get("name")}, "lists": list(target.get("lists") or ()),
                         "flags": [f.value for f in flags_of(target.get("flags"))], "via": via, "hops": hops,
                         "listed_since": None, "list_version": None, "ingested": None, "dataset": None,
                         "source": None})
            continue
        prov = ent.provenance
        hits.append({
            "entity": {"id": ent.id, "name": ent.name}, "lists": list(ent.lists),
            "flags": [f.value for f in flags_of(ent.flags)], "via": via, "hops": hops,
            "listed_since": _listed_since(ent), "list_version": prov.retrieved,
            "ingested": ingested.get(prov.dataset), "dataset": prov.dataset, "source": prov.source,
        })
    return hits


def _listed_since(ent: Entity) -> str | None:
    for key in ("listed_on", "start_date", "first_seen"):
        value = ent.attrs.get(key)
        if isinstance(value, str) and value:
            return value
    dates = sorted(str(s.get(k)) for s in ent.attrs.get("sanctions") or () if isinstance(s, dict)
                   for k in ("listingDate", "startDate") if s.get(k))
    return dates[0] if dates else None


def _path(p: Mapping[str, Any], ents: Mapping[str, Entity]) -> JsonDict:
    names = {str(n["id"]): str(n.get("name") or n["id"]) for n in p.get("nodes") or ()}
    steps = []
    for lk in p.get("links") or ():
        kind = LinkKind(str(lk["kind"]))
        src, dst = str(lk["source"]), str(lk["target"])
        steps.append({
            "source": {"id": src, "name": names.get(src) or (ents[src].name if src in ents else src)},
            "link": kind.value, "reading": kind.spec.reading, "share_pct": lk.get("share_pct"),
            "possible": kind.spec.possible, "end_date": lk.get("end_date"), "ended": bool(lk.get("ended")),
            "target": {"id": dst, "name": names.get(dst) or (ents[dst].name if dst in ents else dst)},
            "provenance": lk.get("provenance"),
        })
    target = p.get("target") or {}
    return {"hops": p.get("hops"), "score": p.get("score"),
            "target": {"id": target.get("id"), "name": target.get("name"),
                       "flags": [f.value for f in flags_of(target.get("flags"))],
                       "lists": list(target.get("lists") or ())},
            "steps": steps}
