"""The UK Sanctions List (FCDO), in two layouts; the loader detects which.

(a) The FCDO summary sheet as CSV (``Unique ID, OFSI Group ID, Name, Regime Name, Type,
Designation source, Date Designated, Sanctions Imposed``, optionally after preamble
lines): one entity per row, primary names only.

(b) The normalised tables folder: ``subjects.csv`` joined on ``unique_id`` with
``subject_names.csv`` (primary names, variations and aliases), ``subject_countries.csv``
and ``subject_identifiers.csv``. Low-quality aliases (``alias_strength`` =
``low_quality_aka``) are kept in ``attrs.weak_aliases``, not in ``names``: the list
itself says they are too weak to identify anyone. Rows of the joined tables for a
subject the folder does not hold are rejected.

Entities are ``<dataset>:<unique_id>``; individuals are persons, entities and ships
organisations (ships with ``category`` vessel). The regime comes from the unique id's
prefix (``RUS0001`` → Russia), a code the FCDO summary pairs one-to-one with its
regime names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from trgraph.errors import InputError
from trgraph.ingest.base import Item, clean, csv_rows, read_text, require_path
from trgraph.ingest.flags import UK_SANCTIONS_LIST, date_in_name, flags_for_list, truncate
from trgraph.ingest.values import parse_date, to_iso2
from trgraph.model import Entity, EntityKind, JsonDict, Provenance, Rejected, make_id

SUMMARY_COLUMNS = ("unique id", "name", "type")
_KINDS = {"individual": (EntityKind.PERSON, None), "entity": (EntityKind.ORGANISATION, None),
          "ship": (EntityKind.ORGANISATION, "vessel")}
#: Unique-id prefix → regime, as paired in the FCDO summary of 2025-08-11.
REGIMES = {
    "AFG": "Afghanistan", "AQD": "ISIL (Da'esh) and Al-Qaida", "BEL": "Belarus", "BIH": "Bosnia and Herzegovina",
    "CAF": "Central African Republic", "CHW": "Chemical Weapons", "CTD": "Counter-Terrorism (Domestic)",
    "CTI": "Counter-Terrorism (International)", "CYB": "Cyber", "DPR": "Democratic People's Republic of Korea",
    "DRC": "Democratic Republic of the Congo", "GAC": "Global Anti-Corruption", "GHR": "Global Human Rights",
    "GIM": "Global Irregular Migration", "GUB": "Guinea-Bissau", "GUC": "Guinea", "HAI": "Haiti",
    "INU": "Iran (Nuclear)", "IRN": "Iran", "IRQ": "Iraq", "LIB": "Libya", "MAL": "Mali", "MYA": "Myanmar",
    "NIC": "Nicaragua", "RUS": "Russia", "SOM": "Somalia", "SSU": "South Sudan", "SUD": "Sudan", "SYR": "Syria",
    "VEN": "Venezuela", "YEM": "Yemen",
}
# Which kind of country best says where a subject belongs, per subject kind.
_COUNTRY_ORDER = {EntityKind.PERSON: ("nationality", "address", "birth")}
_DEFAULT_COUNTRY_ORDER = ("address", "nationality", "birth")
_PREAMBLE_LINES = 20


def load_uk_sanctions(path: Path, dataset: str = "uk_sanctions") -> Iterator[Item]:
    """Yield entities and rejected rows from the FCDO summary CSV or the normalised tables folder."""
    require_path(path)
    if path.is_dir():
        yield from _load_tables(path, dataset)
    else:
        yield from _load_summary(path, dataset)


# ---------------------------------------------------------------- (a) FCDO summary


def _load_summary(path: Path, dataset: str) -> Iterator[Item]:
    text = read_text(path)
    skip = _header_offset(text, path)
    body = "".join(text.splitlines(keepends=True)[skip:])
    source, retrieved = path.name, date_in_name(path)
    seen: dict[str, int] = {}
    for line, row in csv_rows(path, required=SUMMARY_COLUMNS, text=body):
        line += skip
        uid, name = clean(row.get("unique id")), (row.get("name") or "").strip()
        kind = _KINDS.get((row.get("type") or "").strip().lower())
        problem = row.get("__error__")
        if problem is None and uid is None:
            problem = "row has no Unique ID"
        elif problem is None and not name:
            problem = f"{uid}: row has no name"
        elif problem is None and kind is None:
            problem = f"{uid}: unknown subject type {row.get('type')!r}"
        elif problem is None and uid in seen:
            problem = f"duplicate Unique ID {uid} (first at line {seen[uid]})"
        if problem is not None or uid is None or kind is None:
            yield Rejected(str(path), line, problem or "unusable row", _raw(row))
            continue
        seen[uid] = line
        attrs: JsonDict = {
            "category": kind[1],
            "regime": clean(row.get("regime name")) or REGIMES.get(uid[:3]),
            "designation_source": clean(row.get("designation source")),
            "date_designated": _date(row.get("date designated")),
            "sanctions_imposed": _sanctions(row.get("sanctions imposed")),
            "other_information": truncate(clean(row.get("other information"))),
        }
        identifiers = {"uk_unique_id": uid}
        group = clean(row.get("ofsi group id"))
        if group:
            identifiers["ofsi_group_id"] = group
        yield _entity(uid, kind[0], name, (), None, identifiers, attrs, dataset, source, retrieved)


def _header_offset(text: str, path: Path) -> int:
    """How many preamble lines precede the header row (the one naming Unique ID and Name)."""
    for index, line in enumerate(text.splitlines()[:_PREAMBLE_LINES]):
        cells = [c.strip().strip('"').lower() for c in line.split(",")]
        if "unique id" in cells and "name" in cells:
            return index
    raise InputError(
        "not the FCDO UK Sanctions List summary layout: no header with 'Unique ID' and 'Name' "
        f"in the first {_PREAMBLE_LINES} lines (or give the folder of normalised tables)",
        path=str(path),
    )


def _sanctions(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip() not in ("", "-")]


def _date(value: str | None) -> str | None:
    text = clean(value)
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError:
        return text


# ---------------------------------------------------------------- (b) normalised tables


@dataclass(slots=True)
class _Subject:
    line: int
    row: dict[str, str]
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (type, strength, full name)
    countries: list[tuple[str, str, str]] = field(default_factory=list)  # (type, iso, raw)
    identifiers: list[dict[str, str]] = field(default_factory=list)


#: Joins one row of a subject table into its subject; returns a problem text or None.
_Adder = Callable[[_Subject, dict[str, str]], str | None]


def _load_tables(folder: Path, dataset: str) -> Iterator[Item]:
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    subjects_path = files.get("subjects.csv")
    if subjects_path is None:
        raise InputError("folder holds no subjects.csv (UK sanctions normalised tables)", path=str(folder))
    source, retrieved = folder.name, date_in_name(folder)
    subjects: dict[str, _Subject] = {}
    for line, row in csv_rows(subjects_path, required=("unique_id", "subject_type")):
        uid = clean(row.get("unique_id"))
        problem = row.get("__error__")
        if problem is None and uid is None:
            problem = "subject has no unique_id"
        elif problem is None and (row.get("subject_type") or "").strip().lower() not in _KINDS:
            problem = f"{uid}: unknown subject type {row.get('subject_type')!r}"
        elif problem is None and uid in subjects:
            problem = f"duplicate unique_id {uid} (first at line {subjects[uid].line})"
        if problem is not None or uid is None:
            yield Rejected(str(subjects_path), line, problem or "unusable row", _raw(row))
            continue
        subjects[uid] = _Subject(line, row)
    yield from _join(files.get("subject_names.csv"), subjects, ("full_name",), _add_name)
    yield from _join(files.get("subject_countries.csv"), subjects, ("country_type",), _add_country)
    yield from _join(files.get("subject_identifiers.csv"), subjects, ("identifier_type", "raw_value"), _add_identifier)
    for uid, subject in subjects.items():
        entity = _subject_entity(uid, subject, dataset, f"{source}/{subjects_path.name}", retrieved)
        if entity is None:
            yield Rejected(str(subjects_path), subject.line, f"{uid}: subject has no name", _raw(subject.row))
        else:
            yield entity


def _join(
    path: Path | None, subjects: dict[str, _Subject], required: tuple[str, ...], add: _Adder,
) -> Iterator[Rejected]:
    if path is None:
        return
    for line, row in csv_rows(path, required=("unique_id", *required)):
        uid = clean(row.get("unique_id"))
        subject = subjects.get(uid or "")
        problem = row.get("__error__")
        if problem is None and subject is None:
            problem = f"row for unknown subject {uid!r}"
        if problem is None and subject is not None:
            problem = add(subject, row)
        if problem is not None:
            yield Rejected(str(path), line, problem, _raw(row))


def _add_name(subject: _Subject, row: dict[str, str]) -> str | None:
    name = (row.get("full_name") or "").strip()
    if not name:
        return "name row has no full_name"
    subject.names.append(((row.get("name_type") or "").strip(), (row.get("alias_strength") or "").strip(), name))
    return None


def _add_country(subject: _Subject, row: dict[str, str]) -> str | None:
    raw = (row.get("raw_value") or "").strip()
    iso = clean(row.get("iso")) or to_iso2(raw)
    item = ((row.get("country_type") or "").strip(), (iso or "").upper(), raw)
    if item not in subject.countries:
        subject.countries.append(item)
    return None


def _add_identifier(subject: _Subject, row: dict[str, str]) -> str | None:
    value = clean(row.get("raw_value"))
    if value is None:
        return "identifier row has no value"
    item = {"type": (row.get("identifier_type") or "").strip(), "value": value}
    info = clean(row.get("additional_info"))
    if info:
        item["info"] = info
    if item not in subject.identifiers:
        subject.identifiers.append(item)
    return None


def _subject_entity(uid: str, subject: _Subject, dataset: str, source: str, retrieved: str | None) -> Entity | None:
    primaries = [n for t, _s, n in subject.names if t == "primary"]
    name = primaries[0] if primaries else (subject.names[0][2] if subject.names else None)
    if name is None:
        return None
    names: list[str] = []
    weak: list[str] = []
    for _type, strength, full in subject.names:
        bucket = weak if strength == "low_quality_aka" else names
        if full != name and full not in names and full not in bucket:
            bucket.append(full)
    row = subject.row
    kind, category = _KINDS[row["subject_type"].strip().lower()]
    identifiers = {"uk_unique_id": uid}
    for key, scheme in (("ofsi_group_id", "ofsi_group_id"), ("un_reference_number", "un_ref")):
        value = clean(row.get(key))
        if value:
            identifiers[scheme] = value
    imo = next((i["value"] for i in subject.identifiers if i["type"] == "imo"), None)
    if imo:
        # "IMO9562233" → "9562233", the form other lists use
        identifiers["imo"] = imo.upper().removeprefix("IMO").strip()
    by_type: dict[str, list[str]] = {}
    for ctype, iso, _raw_value in subject.countries:
        if iso and iso not in by_type.setdefault(ctype, []):
            by_type[ctype].append(iso)
    order = _COUNTRY_ORDER.get(kind, _DEFAULT_COUNTRY_ORDER)
    country = next((by_type[t][0] for t in order if by_type.get(t)), None)
    attrs: JsonDict = {
        "category": category,
        "regime": REGIMES.get(uid[:3]),
        "regime_code": uid[:3],
        "date_designated": _date(row.get("date_designated")),
        "last_updated": _date(row.get("last_updated")),
        "weak_aliases": weak,
        "countries": by_type,
        "unresolved_countries": sorted({raw for _t, iso, raw in subject.countries if not iso}),
        "identifiers": subject.identifiers,
    }
    return _entity(uid, kind, name, tuple(names), country, identifiers, attrs, dataset, source, retrieved)


# ---------------------------------------------------------------- shared


def _entity(
    uid: str, kind: EntityKind, name: str, names: tuple[str, ...], country: str | None, identifiers: dict[str, str],
    attrs: JsonDict, dataset: str, source: str, retrieved: str | None,
) -> Entity:
    return Entity(
        id=make_id(dataset, uid),
        kind=kind,
        name=name,
        names=names,
        country=country,
        flags=flags_for_list(UK_SANCTIONS_LIST),
        lists=(UK_SANCTIONS_LIST,),
        identifiers=identifiers,
        attrs={k: v for k, v in attrs.items() if v},
        provenance=Provenance(dataset, uid, source, retrieved),
    )


def _raw(row: dict[str, str]) -> str:
    return orjson.dumps({k: v for k, v in row.items() if v}).decode()[:500]

