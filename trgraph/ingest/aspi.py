"""ASPI China Defence Universities Tracker, as the MISP galaxy cluster JSON.

Each institution in ``values`` becomes an organisation ``aspi:<uuid>`` on the list
:data:`LIST_NAME`: the English name (the value without its Chinese part), the Chinese
name and ASPI's aliases (acronyms such as HIT, BUAA, NUDT), country CN, flags from its
category (:data:`CATEGORY_FLAGS`) and ASPI's text, topics and address in ``attrs``.
``attrs.category`` is ASPI's category verbatim (also Civilian: risk scoring weighs it)
and is set on tracked institutions only; the organisation subtype (university,
company…) is ``attrs.org_type`` on every entity of this loader.

``supervising agencies`` become organisations ``aspi:agency:<slug>`` (flags from
:data:`AGENCY_RULES`) and ``supervised_by`` links; an agency that is itself a tracked
institution (AVIC, CASC, the Academy of Military Science…) is linked to that
institution instead of being duplicated.

Agency flags say what the agency *is*, never what it oversees. A supervising
government agency is a state body: ``state``, and nothing more unless it is itself a
military body (the PLA services, the Central Military Commission, the People's Armed
Police: ``military``), a security body (public or state security, the PAP:
``security``) or a defence-industry group (AVIC, CASC, CETC…: ``defence_industry``).
In particular SASTIND (the State Administration for Science, Technology and Industry
for National Defence) is ``state`` only: it co-supervises many civilian universities
(Nanjing, Zhejiang…), and ASPI states its judgement of each institution through the
institution's own category (Civilian, Military, Seven Sons…), which the risk
configuration weighs; inferring ``defence_industry`` from an agency's name would
give every university it co-supervises a defence-industry flag ASPI did not give. ``subsidiaries`` and ``major defence
laboratories`` become organisations ``aspi:sub:<institution slug>:<slug>`` linked
``part_of`` the institution (``attrs.role`` ``subsidiary`` or ``defence_laboratory``).
Laboratories are flagged ``defence_industry``: ASPI lists them as defence research
labs. The MISP copy splits ASPI's comments on a laboratory into list items of their
own ("Jointly run with AVIC"); those are kept as ``attrs.notes`` of the laboratory
before them, not made into entities. The risk tier itself is not in this copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trgraph.errors import InputError
from trgraph.ingest.base import Item, clean, raw_text, read_json
from trgraph.ingest.values import to_iso2
from trgraph.model import (
    Entity,
    EntityKind,
    Flag,
    JsonDict,
    Link,
    LinkKind,
    Provenance,
    Rejected,
    link_id,
    make_id,
    slug,
)

LIST_NAME = "ASPI China Defence Universities Tracker"

#: ASPI category (case-insensitive) → flags. Civilian gives none but stays in attrs.
CATEGORY_FLAGS: dict[str, frozenset[Flag]] = {
    "military": frozenset({Flag.MILITARY}),
    "seven sons of national defence": frozenset({Flag.MILITARY, Flag.DEFENCE_INDUSTRY}),
    "defence industry conglomerate": frozenset({Flag.DEFENCE_INDUSTRY, Flag.STATE}),
    "security": frozenset({Flag.SECURITY}),
    "civilian": frozenset(),
}
#: Every supervising agency is ``state``; these patterns on its name add what the agency
#: itself is (a military, security or defence-industry body), never what it supervises:
#: "… for National Defence" in SASTIND's name is its remit, so it stays ``state`` only.
AGENCY_RULES: tuple[tuple[re.Pattern[str], frozenset[Flag]], ...] = (
    (re.compile(r"^PLA\b|\bMilitary\b|People's Armed Police"), frozenset({Flag.MILITARY})),
    (re.compile(r"Public Security|State Security|People's Armed Police"), frozenset({Flag.SECURITY})),
    (re.compile(r"\b(?:AVIC|CASC|CASIC|CETC|CNNC|CSGC|CSIC|CSSC|Norinco)\b"), frozenset({Flag.DEFENCE_INDUSTRY})),
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_AKA = re.compile(r",?\s+(?:a\.k\.a\.?|aka)\s+", re.I)
# A laboratory list item that is ASPI's comment on the laboratory before it.
_NOTE_LEAD = re.compile(
    r"^(?:Jointly|Aka\b|May\b|Under\b|Originally|Hosts\b|In \d{4}|Literally|Based in|Possibly|It is|Established|"
    r"Linked to|A defence|Not included|This\b|One of|Previously|Does not|Located|The lab|Also referred|Unspecified)"
)
_LAB_WORD = re.compile(r"Laborator|\bLab\b|Cent(?:er|re)|Institute|Academy|Base\b")
_COMPANY = re.compile(r"\b(?:Co\.|Ltd|Limited|Corp\.?|Corporation|Group|PLC|AG|Company|Holdings?)\b")
_UNIVERSITY = re.compile(r"University|College|School|Academy|Institute of Technology")
_OPEN, _CLOSE = "(（", ")）"


@dataclass(slots=True)
class _Part:
    """A subsidiary or laboratory of one institution (merged when listed twice)."""

    name: str
    names: list[str]
    roles: list[str]
    location: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Agency:
    name: str
    names: list[str]
    stated: str
    mentioned_by: str


def load_aspi(path: Path, dataset: str = "aspi") -> Iterator[Item]:
    """Yield institutions, agencies, subsidiaries/laboratories, links and rejected records."""
    doc = read_json(path)
    values = doc.get("values") if isinstance(doc, dict) else None
    if not isinstance(values, list):
        raise InputError("expected a MISP galaxy cluster (an object with a 'values' list)", path=str(path))
    source = path.name
    valid: list[tuple[str, str, JsonDict]] = []
    seen: dict[str, int] = {}
    for n, rec in enumerate(values, start=1):
        problem = _check(rec, seen, n)
        if problem:
            yield Rejected(str(path), n, f"record {n}: {problem}", raw_text(rec))
            continue
        valid.append((str(rec["uuid"]).strip(), str(rec["value"]).strip(), rec))
    by_name = {_split(value)[0].casefold(): uuid for uuid, value, _ in valid}
    agencies: dict[str, _Agency] = {}
    for uuid, value, rec in valid:
        yield from _institution(uuid, value, rec, dataset, source, by_name, agencies)
    for key, agency in agencies.items():
        flags = {Flag.STATE}.union(*(f for pattern, f in AGENCY_RULES if pattern.search(agency.stated)))
        org_type = "military" if Flag.MILITARY in flags else "company" if _COMPANY.search(agency.name) else "government"
        yield Entity(
            id=key, kind=EntityKind.ORGANISATION, name=agency.name, names=tuple(agency.names), country="CN",
            flags=frozenset(flags), provenance=Provenance(dataset, agency.mentioned_by, source),
            attrs={"org_type": org_type, "role": "supervising_agency", "as_stated": agency.stated},
        )


def _check(rec: Any, seen: dict[str, int], n: int) -> str | None:
    if not isinstance(rec, dict):
        return f"a JSON {type(rec).__name__}, not an object"
    uuid, value = clean(rec.get("uuid")), clean(rec.get("value"))
    if not uuid or not value:
        return "no uuid" if not uuid else f"{uuid} has no value (name)"
    if uuid in seen:
        return f"duplicate uuid {uuid} (first at record {seen[uuid]})"
    if not isinstance(rec.get("meta", {}), dict):
        return f"{uuid} has a meta that is not an object"
    seen[uuid] = n
    return None


def _institution(
    uuid: str, value: str, rec: JsonDict, dataset: str, source: str, by_name: dict[str, str],
    agencies: dict[str, _Agency],
) -> Iterator[Item]:
    meta: JsonDict = rec.get("meta") or {}
    inst_id = make_id(dataset, uuid)
    prov = Provenance(dataset, uuid, source)
    name, chinese = _split(value)
    aliases = _texts(meta.get("aliases"))
    categories = _texts(meta.get("categories"))
    flags: set[Flag] = set()
    for category in categories:
        flags |= CATEGORY_FLAGS.get(category.casefold(), frozenset())
    refs = _texts(meta.get("refs"))
    inst_slug = refs[0].rstrip("/").rsplit("/", 1)[-1] if refs else slug(name)
    attrs: JsonDict = {
        "category": categories[0] if categories else None,
        "categories": categories if len(categories) > 1 else None,
        "org_type": _subtype(name, categories),
        "chinese_name": chinese[0] if chinese else None,
        "description": clean(rec.get("description")),
        "topics": _texts(meta.get("topics")),
        "address": clean(meta.get("address")),
        "refs": refs,
        "lat": _float(meta.get("lat")),
        "lon": _float(meta.get("long")),
    }
    parts, lab_notes = _parts(meta)
    if lab_notes:
        attrs["laboratory_notes"] = lab_notes
    yield Entity(
        id=inst_id, kind=EntityKind.ORGANISATION, name=name, names=_names(name, chinese + aliases), country="CN",
        flags=frozenset(flags), lists=(LIST_NAME,), attrs={k: v for k, v in attrs.items() if v not in (None, [], "")},
        provenance=prov,
    )
    for stated in _texts(meta.get("supervising agencies")):
        agency_name, tail = _split_tail(stated)
        target = by_name.get(agency_name.casefold())
        target_id = make_id(dataset, target) if target else make_id(dataset, f"agency:{slug(agency_name)}")
        if target is None and target_id not in agencies:
            agencies[target_id] = _Agency(agency_name, [tail] if tail else [], stated, uuid)
        if target_id != inst_id:
            kind = LinkKind.SUPERVISED_BY
            yield Link(link_id(kind, inst_id, target_id), kind, inst_id, target_id, prov, {"as_stated": stated})
    for key, part in parts.items():
        part_id = make_id(dataset, f"sub:{inst_slug}:{key}")
        country = (to_iso2(part.location) if part.location and not part.location.isupper() else None) or "CN"
        lab = "defence_laboratory" in part.roles
        part_attrs: JsonDict = {"org_type": "research_institute" if lab else _subtype(part.name, []),
                                "role": part.roles[0], "roles": part.roles, "location": part.location,
                                "notes": part.notes, "host": inst_id}
        yield Entity(
            id=part_id, kind=EntityKind.ORGANISATION, name=part.name, names=_names(part.name, part.names),
            country=country, flags=frozenset({Flag.DEFENCE_INDUSTRY}) if lab else frozenset(),
            attrs={k: v for k, v in part_attrs.items() if v}, provenance=prov,
        )
        kind = LinkKind.PART_OF
        yield Link(link_id(kind, part_id, inst_id), kind, part_id, inst_id, prov, {"role": part.roles[0]})


def _parts(meta: JsonDict) -> tuple[dict[str, _Part], list[str]]:
    """Subsidiaries and laboratories by slug; and comments that precede every laboratory."""
    parts: dict[str, _Part] = {}
    orphan_notes: list[str] = []
    for key, role in (("subsidiaries", "subsidiary"), ("major defence laboratories", "defence_laboratory")):
        last: _Part | None = None
        for text in _texts(meta.get(key)):
            if role == "defence_laboratory" and _is_note(text):
                (last.notes if last else orphan_notes).append(text)
                continue
            first, *akas = _AKA.split(text)
            name, tail = _split_tail(first)
            names = _chinese(tail) if tail and _CJK.search(tail) else []
            location = tail if tail and not names else None
            for aka in akas:
                aka_name, aka_tail = _split_tail(aka)
                names += [aka_name, *(_chinese(aka_tail) if aka_tail and _CJK.search(aka_tail) else [])]
            last = parts.setdefault(slug(name), _Part(name, [], [], location))
            last.names += [n for n in names if n not in last.names]
            if role not in last.roles:
                last.roles.append(role)
    return parts, orphan_notes


def _is_note(text: str) -> bool:
    return bool(_NOTE_LEAD.match(text)) or not (_CJK.search(text) or _LAB_WORD.search(text))


def _split(value: str) -> tuple[str, list[str]]:
    """English name and Chinese names of ``Name (中文名/别名)``."""
    head, tail = _split_tail(value)
    if tail and _CJK.search(tail):
        return head, _chinese(tail)
    return value, []


def _split_tail(text: str) -> tuple[str, str | None]:
    """``("Name", "tail")`` for ``Name (tail)`` (nested and full-width brackets allowed)."""
    text = text.strip()
    if not text or text[-1] not in _CLOSE:
        return text, None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += (text[i] in _CLOSE) - (text[i] in _OPEN)
        if depth == 0:
            head, tail = text[:i].strip(), text[i + 1 : -1].strip()
            return (head, tail or None) if head else (text, None)
    return text, None


def _chinese(tail: str) -> list[str]:
    return [p.strip() for p in tail.split("/") if p.strip()]


def _names(name: str, others: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in others if n and n != name))


def _subtype(name: str, categories: list[str]) -> str:
    if any(c.casefold() == "defence industry conglomerate" for c in categories) or _COMPANY.search(name):
        return "company"
    if _UNIVERSITY.search(name):
        return "university"
    if any(c.casefold() == "military" for c in categories):
        return "military"
    return "research_institute" if _LAB_WORD.search(name) else "other"


def _texts(value: Any) -> list[str]:
    """The non-empty strings of a list (or of a single string), stripped, in order."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return list(dict.fromkeys(t for t in (clean(v) for v in items if isinstance(v, str)) if t))


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None

