"""The ROR registry, official v2 dump (a ``.zip`` holding one JSON array, or the ``.json``).

Each record becomes an organisation ``ror:<short id>``. Relationships become links,
each stated once whichever side of the pair states it (ROR usually states both):
``parent``/``child`` → ``part_of`` (child → parent), ``related`` → ``related_to``
(one link per unordered pair), ``successor``/``predecessor`` → ``succeeded_by``
(predecessor → successor). Targets that are not in the file become stub entities
(``attrs.unresolved``), so no link dangles. The whole array is read first: a
relationship target may appear later in the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trgraph.errors import InputError
from trgraph.ingest.base import Item, clean, open_json_source, parse_json, raw_text
from trgraph.model import Entity, EntityKind, JsonDict, Link, LinkKind, Provenance, Rejected, link_id, make_id

_ROR_RE = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}\d{2})$")
_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_EXTERNAL = ("grid", "isni", "fundref", "wikidata")
# ROR types in the order that decides our single ``category`` (a university that is
# also a funder is a university first).
_CATEGORY = {
    "education": "university",
    "government": "government",
    "company": "company",
    "facility": "research_institute",
    "funder": "funder",
    "healthcare": "other",
    "nonprofit": "other",
    "archive": "other",
    "other": "other",
}


def ror_short_id(value: object) -> str | None:
    """The short ROR id (``01yqg2h08``) of an id or ``https://ror.org/…`` URL, else None."""
    text = clean(value)
    if text is None:
        return None
    m = _ROR_RE.match(text.lower())
    return m.group(1) if m else None


@dataclass(slots=True)
class _Pending:
    """A link waiting for the whole file: who stated it decides its provenance."""

    kind: LinkKind
    source: str
    target: str
    stated_by: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Stub:
    """A relationship target that is not in the file."""

    labels: list[str]
    mentioned_by: str


def load_ror(path: Path, dataset: str = "ror") -> Iterator[Item]:
    """Yield organisations, links and rejected records from a ROR v2 dump (.zip or .json)."""
    records, source, retrieved = _read_dump(path)
    parsed: list[tuple[int, str, str, JsonDict]] = []
    first_line: dict[str, int] = {}
    for line, rec in enumerate(records, start=1):
        short, name, problem = _check(rec)
        if short is not None and short in first_line:
            problem = f"duplicate ROR id {short} (first at record {first_line[short]})"
        if problem or short is None or name is None:
            yield Rejected(str(path), line, problem or "record without a valid id", raw_text(rec))
            continue
        first_line[short] = line
        parsed.append((line, short, name, rec))

    pending: dict[tuple[LinkKind, str, str], _Pending] = {}
    stubs: dict[str, _Stub] = {}
    for line, short, name, rec in parsed:
        yield _entity(rec, short, name, dataset, source, retrieved)
        for rel in rec.get("relationships") or ():
            problem = _add_relationship(rel, short, pending)
            if problem:
                yield Rejected(str(path), line, problem, raw_text(rel))
                continue
            other = ror_short_id(rel.get("id")) or ""
            if other not in first_line:
                stub = stubs.setdefault(other, _Stub([], short))
                label = clean(rel.get("label"))
                if label and label not in stub.labels:
                    stub.labels.append(label)

    for other, stub in stubs.items():
        yield Entity(
            id=make_id(dataset, other),
            kind=EntityKind.ORGANISATION,
            name=stub.labels[0] if stub.labels else other,
            names=tuple(stub.labels[1:]),
            identifiers={"ror": other},
            attrs={"unresolved": True},
            provenance=Provenance(dataset, stub.mentioned_by, source, retrieved),
        )
    for p in pending.values():
        # Order-independent provenance: the link's source record when it states the
        # link, else the other end (only the two ends can state it).
        record = p.source if p.source in p.stated_by else p.target
        src, dst = make_id(dataset, p.source), make_id(dataset, p.target)
        yield Link(
            id=link_id(p.kind, src, dst),
            kind=p.kind,
            source=src,
            target=dst,
            provenance=Provenance(dataset, record, source, retrieved),
        )


def _read_dump(path: Path) -> tuple[list[Any], str, str | None]:
    """The record array, the provenance source name and the release date it states."""
    data = open_json_source(path)
    source = path.name
    if path.suffix.lower() == ".zip":
        member = _zip_member(path)
        source = f"{path.name}/{member}"
    records = parse_json(data, path)
    if not isinstance(records, list):
        raise InputError("expected a JSON array of ROR records (the official dump layout)", path=str(path))
    dates = _DATE_RE.findall(source)
    return records, source, dates[-1] if dates else None


def _zip_member(path: Path) -> str:
    # Same choice as base.open_json_source: the largest .json member.
    with zipfile.ZipFile(path) as zf:
        members = [m for m in zf.namelist() if m.lower().endswith(".json")]
        return sorted(members, key=lambda m: -zf.getinfo(m).file_size)[0]


def _check(rec: object) -> tuple[str | None, str | None, str | None]:
    """(short id, primary name, problem) for one record; problem is None when it is usable."""
    if not isinstance(rec, dict):
        return None, None, f"record is a JSON {type(rec).__name__}, not an object"
    short = ror_short_id(rec.get("id"))
    if short is None:
        return None, None, f"record has no valid ROR id (id={rec.get('id')!r})"
    name = _primary_name(rec)
    if name is None:
        return short, None, f"record {short} has no ror_display or label name"
    return short, name, None


def _primary_name(rec: JsonDict) -> str | None:
    names = [n for n in rec.get("names") or () if isinstance(n, dict) and _text(n.get("value"))]
    for wanted in ("ror_display", "label"):
        for n in names:
            if wanted in (n.get("types") or ()):
                return _text(n["value"])
    return None


def _text(value: object) -> str | None:
    # Names are kept byte-for-byte apart from surrounding whitespace; no placeholder
    # words are dropped (an organisation may really be called "None").
    if isinstance(value, str):
        return value.strip() or None
    return None


def _entity(rec: JsonDict, short: str, name: str, dataset: str, source: str, retrieved: str | None) -> Entity:
    others: list[str] = []
    acronyms: list[str] = []
    langs: dict[str, str] = {}
    for n in rec.get("names") or ():
        value = _text(n.get("value")) if isinstance(n, dict) else None
        if value is None:
            continue
        if "acronym" in (n.get("types") or ()) and value not in acronyms:
            acronyms.append(value)
        if value != name and value not in others:
            others.append(value)
        lang = n.get("lang")
        if lang and value not in langs:
            langs[value] = str(lang)
    identifiers, all_ids = _identifiers(rec, short)
    location = _first_location(rec)
    types = [str(t) for t in rec.get("types") or ()]
    attrs: JsonDict = {
        "types": types,
        "category": next((_CATEGORY[t] for t in _CATEGORY if t in types), "other"),
        "status": rec.get("status"),
        "established": rec.get("established"),
        "acronyms": acronyms,
        "city": clean(location.get("name")),
        "website": _link(rec, "website"),
        "wikipedia": _link(rec, "wikipedia"),
        "domains": list(rec.get("domains") or ()),
        "name_langs": langs,
        "external_ids": all_ids,
    }
    country = clean(location.get("country_code"))
    return Entity(
        id=make_id(dataset, short),
        kind=EntityKind.ORGANISATION,
        name=name,
        names=tuple(others),
        country=country.upper() if country and len(country) == 2 else None,
        identifiers=identifiers,
        attrs={k: v for k, v in attrs.items() if v is not None and (v or not isinstance(v, (list, dict, str)))},
        provenance=Provenance(dataset, short, source, retrieved),
    )


def _identifiers(rec: JsonDict, short: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Scheme → preferred (else first) value; and every value where a scheme has several."""
    identifiers = {"ror": short}
    several: dict[str, list[str]] = {}
    for ext in rec.get("external_ids") or ():
        if not isinstance(ext, dict) or ext.get("type") not in _EXTERNAL:
            continue
        values = [v for v in (clean(a) for a in ext.get("all") or ()) if v]
        best = clean(ext.get("preferred")) or (values[0] if values else None)
        if best:
            identifiers[str(ext["type"])] = best
        if len(values) > 1:
            several[str(ext["type"])] = values
    return identifiers, several


def _first_location(rec: JsonDict) -> JsonDict:
    locations = rec.get("locations") or []
    if locations and isinstance(locations[0], dict):
        details = locations[0].get("geonames_details")
        if isinstance(details, dict):
            return details
    return {}


def _link(rec: JsonDict, kind: str) -> str | None:
    for link in rec.get("links") or ():
        if isinstance(link, dict) and link.get("type") == kind:
            return clean(link.get("value"))
    return None


def _add_relationship(rel: object, this: str, pending: dict[tuple[LinkKind, str, str], _Pending]) -> str | None:
    """Record one stated relationship; return a problem text when it cannot be linked."""
    if not isinstance(rel, dict):
        return f"relationship of {this} is not an object"
    other = ror_short_id(rel.get("id"))
    kind = rel.get("type")
    if other is None:
        return f"relationship {kind!r} of {this} has no valid ROR id ({rel.get('id')!r}); not linked"
    if other == this:
        return f"relationship {kind!r} of {this} points to the record itself; not linked"
    if kind == "parent":
        key = (LinkKind.PART_OF, this, other)
    elif kind == "child":
        key = (LinkKind.PART_OF, other, this)
    elif kind == "related":
        a, b = sorted((this, other))
        key = (LinkKind.RELATED_TO, a, b)
    elif kind == "successor":
        key = (LinkKind.SUCCEEDED_BY, this, other)
    elif kind == "predecessor":
        key = (LinkKind.SUCCEEDED_BY, other, this)
    else:
        return f"unknown relationship type {kind!r} of {this} (to {other}); not linked"
    pending.setdefault(key, _Pending(*key)).stated_by.add(this)
    return None

