"""GLEIF API v1 JSON: LEI records (Level 1) and relationship records (Level 2).

PATH is one API response file or a folder of them (searched recursively, in sorted
order). The same LEI or relationship record often appears in several responses
(a single record, a parent's children page, a managing LOU…); each becomes one
entity or link, from the copy with the latest ``lastUpdateDate`` (the first one
on ties).

Relationship mapping (child → parent):

- ``IS_DIRECTLY_CONSOLIDATED_BY`` → ``owned_by``. Accounting consolidation means
  control; GLEIF states no percentage, so ``share_pct`` is set only when the record
  carries a percentage quantifier (never an invented 100).
- ``IS_ULTIMATELY_CONSOLIDATED_BY`` → ``part_of`` with ``ultimate: true``, not
  ``owned_by``: the ultimate parent also sits at the top of the direct chain, so an
  ``owned_by`` shortcut would be counted twice when ownership is aggregated along
  paths. When the ultimate parent *is* the direct parent, the two records are one
  link (the ``owned_by``, marked ``ultimate`` with the ultimate record's id) rather
  than two parallel edges.
- ``IS_INTERNATIONAL_BRANCH_OF`` and ``IS_SUBFUND_OF`` → ``part_of``;
  ``IS_FUND-MANAGED_BY`` and ``IS_FEEDER_TO`` → ``related_to``.

GLEIF sends dates as UTC instants of a local midnight (``2023-12-31T23:00:00Z`` is
1 January in Frankfurt); dates are rounded to the nearest day, so they read as the
filer wrote them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from trgraph.errors import InputError
from trgraph.ingest.base import Item, clean, json_files, raw_text, read_json
from trgraph.model import Entity, EntityKind, JsonDict, Link, LinkKind, Provenance, Rejected, link_id, make_id

_KINDS = {
    "IS_DIRECTLY_CONSOLIDATED_BY": LinkKind.OWNED_BY,
    "IS_ULTIMATELY_CONSOLIDATED_BY": LinkKind.PART_OF,
    "IS_INTERNATIONAL_BRANCH_OF": LinkKind.PART_OF,
    "IS_SUBFUND_OF": LinkKind.PART_OF,
    "IS_FUND-MANAGED_BY": LinkKind.RELATED_TO,
    "IS_FEEDER_TO": LinkKind.RELATED_TO,
}
_CATEGORY = {"RESIDENT_GOVERNMENT_ENTITY": "government", "INTERNATIONAL_ORGANIZATION": "other", "FUND": "fund"}


@dataclass(slots=True)
class _Record:
    """One API record with where it was found."""

    data: JsonDict
    source: str
    path: str
    line: int
    retrieved: str | None
    updated: str


def load_gleif(path: Path, dataset: str = "gleif") -> Iterator[Item]:
    """Yield organisations, ownership/parent links and rejected records from GLEIF API JSON."""
    leis: dict[str, _Record] = {}
    rels: dict[str, _Record] = {}
    for file in json_files(path):
        yield from _collect(file, leis, rels)

    for lei, rec in leis.items():
        yield _entity(rec, lei, dataset)

    links: dict[str, Link] = {}
    stubs: dict[str, _Record] = {}
    direct = {_ends(r.data) for r in rels.values() if _rel(r.data).get("type") == "IS_DIRECTLY_CONSOLIDATED_BY"}
    for rid, rec in rels.items():
        try:
            link = _link(rec, rid, dataset, direct)
        except ValueError as exc:
            yield Rejected(rec.path, rec.line, str(exc), raw_text(rec.data))
            continue
        if link is None:
            continue
        links[link.id] = link
        for end in _ends(rec.data):
            if end not in leis:
                stubs.setdefault(end, rec)
    _fold_ultimate(links, rels, dataset)
    for lei, rec in stubs.items():
        yield Entity(
            id=make_id(dataset, lei),
            kind=EntityKind.ORGANISATION,
            name=lei,
            identifiers={"lei": lei},
            attrs={"unresolved": True},
            provenance=Provenance(dataset, lei, rec.source, rec.retrieved),
        )
    yield from links.values()


def _collect(file: Path, leis: dict[str, _Record], rels: dict[str, _Record]) -> Iterator[Rejected]:
    """Read one response, keep its records, yield the records it cannot use."""
    doc = read_json(file)
    if isinstance(doc, dict) and "errors" in doc and "data" not in doc:
        yield Rejected(str(file), 1, f"GLEIF API error response: {raw_text(doc['errors'])[:200]}", raw_text(doc))
        return
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), (dict, list)):
        raise InputError("not a GLEIF API response (no 'data' object or array)", path=str(file))
    published = ((doc.get("meta") or {}).get("goldenCopy") or {}).get("publishDate")
    retrieved = published[:10] if isinstance(published, str) and len(published) >= 10 else None
    data = doc["data"]
    for line, rec in enumerate(data if isinstance(data, list) else [data], start=1):
        problem, key = _check(rec)
        if problem:
            yield Rejected(str(file), line, problem, raw_text(rec))
            continue
        target = leis if rec["type"] == "lei-records" else rels
        updated = str(((rec.get("attributes") or {}).get("registration") or {}).get("lastUpdateDate") or "")
        old = target.get(key)
        if old is None or updated > old.updated:
            target[key] = _Record(rec, file.name, str(file), line, retrieved, updated)


def _check(rec: object) -> tuple[str | None, str]:
    """(problem, key) for one record of a response."""
    if not isinstance(rec, dict):
        return f"record is a JSON {type(rec).__name__}, not an object", ""
    kind = rec.get("type")
    attrs = rec.get("attributes")
    if kind not in ("lei-records", "relationship-records"):
        return f"unsupported GLEIF record type {kind!r}", ""
    if not isinstance(attrs, dict):
        return f"{kind} record without attributes", ""
    if kind == "lei-records":
        lei = clean(attrs.get("lei") or rec.get("id"))
        if not lei:
            return "LEI record without an LEI", ""
        if not _legal_name(attrs):
            return f"LEI record {lei} has no legal name", ""
        return None, lei.upper()
    rel = attrs.get("relationship")
    if not isinstance(rel, dict):
        return "relationship record without a relationship", ""
    for end in ("startNode", "endNode"):
        node = rel.get(end)
        if not isinstance(node, dict) or not clean(node.get("id")):
            return f"relationship record without {end}", ""
        if node.get("type") not in (None, "LEI"):
            return f"relationship {end} is a {node.get('type')!r}, not an LEI", ""
    if rel.get("type") not in _KINDS:
        return f"unsupported relationship type {rel.get('type')!r}", ""
    return None, str(rec.get("id") or "|".join((rel["startNode"]["id"], rel["type"], rel["endNode"]["id"])))


def _legal_name(attrs: JsonDict) -> str | None:
    legal = (attrs.get("entity") or {}).get("legalName")
    return _text(legal.get("name") if isinstance(legal, dict) else legal)


def _text(value: object) -> str | None:
    # Names stay byte-for-byte apart from surrounding whitespace.
    return (value.strip() or None) if isinstance(value, str) else None


def _entity(rec: _Record, lei: str, dataset: str) -> Entity:
    attrs = rec.data["attributes"]
    ent: JsonDict = attrs.get("entity") or {}
    reg: JsonDict = attrs.get("registration") or {}
    name = _legal_name(attrs) or lei
    names: list[str] = []
    name_types: dict[str, str] = {}
    for other in [*(ent.get("otherNames") or ()), *(ent.get("transliteratedOtherNames") or ())]:
        value = _text(other.get("name")) if isinstance(other, dict) else None
        if value and value != name and value not in names:
            names.append(value)
            if other.get("type"):
                name_types[value] = str(other["type"])
    legal_address = ent.get("legalAddress") or {}
    hq = ent.get("headquartersAddress") or {}
    country = clean(legal_address.get("country"))
    legal_form = ent.get("legalForm") or {}
    expiration = ent.get("expiration") or {}
    out: JsonDict = {
        "category": _CATEGORY.get(str(ent.get("category")), "company"),
        "lei_category": ent.get("category"),
        "lei_subcategory": ent.get("subCategory"),
        "legal_form": legal_form.get("id"),
        "legal_form_other": legal_form.get("other"),
        "status": ent.get("status"),
        "registration_status": reg.get("status"),
        "jurisdiction": ent.get("jurisdiction"),
        "registered_as": ent.get("registeredAs"),
        "creation_date": _day(ent.get("creationDate")),
        "expiration_date": _day(expiration.get("date")),
        "expiration_reason": expiration.get("reason"),
        "city": clean(legal_address.get("city")),
        "address": _address(legal_address),
        "headquarters_address": _address(hq) if hq != legal_address else None,
        "name_types": name_types,
        "managing_lou": reg.get("managingLou"),
        "last_update": _day(reg.get("lastUpdateDate")),
    }
    identifiers = {"lei": lei}
    bic = attrs.get("bic")
    if isinstance(bic, list) and bic:
        identifiers["bic"] = str(bic[0])
    elif isinstance(bic, str) and bic:
        identifiers["bic"] = bic
    return Entity(
        id=make_id(dataset, lei),
        kind=EntityKind.ORGANISATION,
        name=name,
        names=tuple(names),
        country=country.upper() if country and len(country) == 2 else None,
        identifiers=identifiers,
        attrs={k: v for k, v in out.items() if v not in (None, "", {}, [])},
        provenance=Provenance(dataset, lei, rec.source, rec.retrieved),
    )


def _address(addr: JsonDict) -> str | None:
    parts = [*(addr.get("addressLines") or ()), addr.get("city"), addr.get("region"), addr.get("postalCode"),
             addr.get("country")]
    text = ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return text or None


def _rel(data: JsonDict) -> JsonDict:
    rel: JsonDict = data["attributes"]["relationship"]
    return rel


def _ends(data: JsonDict) -> tuple[str, str]:
    rel = _rel(data)
    return str(rel["startNode"]["id"]).strip().upper(), str(rel["endNode"]["id"]).strip().upper()


def _link(rec: _Record, rid: str, dataset: str, direct: set[tuple[str, str]]) -> Link | None:
    """The link for one relationship record; None when it folds into the direct link."""
    rel = _rel(rec.data)
    rtype = str(rel["type"])
    child, parent = _ends(rec.data)
    if child == parent:
        raise ValueError(f"relationship {rtype} of {child} points to itself; not linked")
    if rtype == "IS_ULTIMATELY_CONSOLIDATED_BY" and (child, parent) in direct:
        return None
    kind = _KINDS[rtype]
    attrs: JsonDict = {"relationship_type": rtype, "status": rel.get("status")}
    if rtype == "IS_ULTIMATELY_CONSOLIDATED_BY":
        attrs["ultimate"] = True
    for period in rel.get("periods") or ():
        if not isinstance(period, dict):
            continue
        start, end = _day(period.get("startDate")), _day(period.get("endDate"))
        if period.get("type") == "RELATIONSHIP_PERIOD":
            attrs["start_date"], attrs["end_date"] = start, end
        else:
            prefix = str(period.get("type") or "period").lower()
            attrs[f"{prefix}_start"], attrs[f"{prefix}_end"] = start, end
    if rel.get("status") == "INACTIVE":
        attrs["ended"] = True
    share = _share_pct(rel.get("quantifiers") or rel.get("relationshipQuantifiers")
                       or rec.data["attributes"].get("quantifiers"))
    if share is not None:
        attrs["share_pct"] = share
    reg = rec.data["attributes"].get("registration") or {}
    attrs["registration_status"] = reg.get("status")
    attrs["corroboration_level"] = reg.get("corroborationLevel")
    attrs["corroboration_documents"] = reg.get("corroborationDocuments")
    src, dst = make_id(dataset, child), make_id(dataset, parent)
    return Link(
        id=link_id(kind, src, dst),
        kind=kind,
        source=src,
        target=dst,
        attrs={k: v for k, v in attrs.items() if v is not None},
        provenance=Provenance(dataset, rid, rec.source, rec.retrieved),
    )


def _fold_ultimate(links: dict[str, Link], rels: dict[str, _Record], dataset: str) -> None:
    """Mark direct links whose parent is also the ultimate parent (one edge, both facts)."""
    for rid, rec in rels.items():
        if _rel(rec.data).get("type") != "IS_ULTIMATELY_CONSOLIDATED_BY":
            continue
        child, parent = _ends(rec.data)
        lid = link_id(LinkKind.OWNED_BY, make_id(dataset, child), make_id(dataset, parent))
        link = links.get(lid)
        if link is not None:
            links[lid] = Link(link.id, link.kind, link.source, link.target, link.provenance,
                              {**link.attrs, "ultimate": True, "ultimate_record_id": rid})


def _share_pct(quantifiers: Any) -> float | None:
    """A percentage stated by the record's quantifiers, else None."""
    for q in quantifiers if isinstance(quantifiers, list) else ():
        if not isinstance(q, dict):
            continue
        units = str(q.get("quantityUnits") or q.get("units") or "").upper()
        amount = q.get("quantityAmount", q.get("amount"))
        if units in ("PERCENTAGE", "PERCENT", "%") and amount is not None:
            try:
                pct = float(amount)
            except (TypeError, ValueError):
                continue
            if 0.0 <= pct <= 100.0:
                return pct
    return None


def _day(value: object) -> str | None:
    """The calendar day of a GLEIF timestamp, rounded to the nearest day (see module doc)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) <= 10:
        return text
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text[:10]
    if moment.hour >= 12:
        moment += timedelta(days=1)
    return moment.date().isoformat()

