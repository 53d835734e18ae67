"""The OFAC SDN list in its legacy CSV layout: ``sdn.csv`` plus ``add.csv`` (addresses).

Neither file has a header; ``-0-`` means empty; both end with a ``\\x1a`` (DOS end-of-
file) line, which is skipped. Each ``sdn.csv`` row becomes ``ofac:<ent_num>``: a person
for ``individual``, else an organisation (``category`` vessel or aircraft where so
typed). Aliases are the quoted ``a.k.a.``/``f.k.a.``/``n.k.a.`` clauses of the remarks.
``add.csv`` rows are joined to their entity (addresses, countries); an address for an
entity the list does not hold is rejected. "Linked To: NAME" remarks become
``related_to`` links when NAME is exactly one entity's primary name in the file.

Country names are read with :func:`trgraph.ingest.values.to_iso2` (pycountry) plus
the handful of OFAC spellings it does not know (``_OFAC_COUNTRIES``). "Region: Kafia
Kingi", "Netherlands Antilles", "Commonwealth of Independent States" and
"undetermined" stay unresolved (None).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from trgraph.errors import InputError
from trgraph.ingest.base import Item, clean, csv_cells, require_path
from trgraph.ingest.flags import OFAC_SDN_LIST, date_in_name, flags_for_list, flags_for_programs, truncate
from trgraph.ingest.values import to_iso2
from trgraph.model import Entity, EntityKind, JsonDict, Link, LinkKind, Provenance, Rejected, link_id, make_id

SDN_COLUMNS = (
    "ent_num", "name", "type", "program", "title", "call_sign", "vessel_type", "tonnage", "grt", "vessel_flag",
    "vessel_owner", "remarks",
)
ADD_COLUMNS = ("ent_num", "add_num", "address", "city", "country", "add_remarks")
_KINDS = {"individual": None, "vessel": "vessel", "aircraft": "aircraft"}
_OFAC_COUNTRIES = {
    "bahamas, the": "BS",
    "congo, republic of the": "CG",
    "cote d ivoire": "CI",
    "north macedonia, the republic of": "MK",
    "palestinian": "PS",
    "region: crimea": "UA",
    "region: gaza": "PS",
    "region: northern mali": "ML",
}
_UNRESOLVED = frozenset({
    "region: kafia kingi", "region: commonwealth of independent states", "netherlands antilles", "undetermined",
})
_ALIAS_RE = re.compile(r"\b(?P<how>[afn])\.k\.a\.,?\s*'(?P<alias>.*?)'(?=\s*[;.,)]|\s*$)")
_NATIONALITY_RE = re.compile(r"\bnationality ([^;]+?)\s*(?:;|\.$|$)")
_LINKED_RE = re.compile(r"\bLinked To: ([^;]+?)\s*(?:;|$)")


@dataclass(slots=True)
class _Record:
    """One SDN entry while its addresses are joined."""

    line: int
    row: dict[str, str]
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


def load_ofac(path: Path, dataset: str = "ofac") -> Iterator[Item]:
    """Yield entities, ``related_to`` links and rejected rows from an SDN legacy CSV (folder or sdn.csv)."""
    sdn, add = _locate(path)
    retrieved = date_in_name(path if path.is_dir() else path.parent) or date_in_name(sdn)
    source = sdn.name
    records: dict[str, _Record] = {}
    for line, cells, raw in _rows(sdn, len(SDN_COLUMNS), "sdn.csv"):
        row = dict(zip(SDN_COLUMNS, (c.strip() for c in cells), strict=False))
        problem = _check_sdn(cells, row, records)
        if problem:
            yield Rejected(str(sdn), line, problem, raw)
            continue
        records[row["ent_num"]] = _Record(line, row)
    if add is not None:
        yield from _join_addresses(add, records)
    by_name: dict[str, list[str]] = {}
    for ent_num, rec in records.items():
        by_name.setdefault(rec.row["name"], []).append(ent_num)
    linked: dict[frozenset[str], tuple[str, str, str]] = {}
    for ent_num, rec in records.items():
        yield _entity(ent_num, rec, dataset, source, retrieved)
        for other in _linked_to(rec.row.get("remarks") or "", by_name):
            if other != ent_num:
                linked.setdefault(frozenset((ent_num, other)), (ent_num, other, ent_num))
    for src, dst, stated_by in linked.values():
        s, t = make_id(dataset, src), make_id(dataset, dst)
        yield Link(
            id=link_id(LinkKind.RELATED_TO, s, t),
            kind=LinkKind.RELATED_TO,
            source=s,
            target=t,
            attrs={"basis": "Linked To"},
            provenance=Provenance(dataset, stated_by, source, retrieved),
        )


def _locate(path: Path) -> tuple[Path, Path | None]:
    """(sdn.csv, add.csv or None) for a folder or an sdn.csv path (names matched case-insensitively)."""
    require_path(path)
    folder = path if path.is_dir() else path.parent
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    if path.is_dir():
        sdn = files.get("sdn.csv")
        if sdn is None:
            raise InputError("folder holds no sdn.csv (OFAC legacy SDN layout)", path=str(path))
    else:
        sdn = path
        if path.name.lower() == "add.csv":
            raise InputError("this is the address file; give the folder or sdn.csv", path=str(path))
    return sdn, files.get("add.csv")


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Treasury downloads are Windows-1252, not UTF-8.
        return data.decode("cp1252", errors="replace")


def _rows(path: Path, width: int, label: str) -> Iterator[tuple[int, list[str], str]]:
    """(line, cells, raw text) of each data row; the ``\\x1a`` end-of-file line is skipped."""
    text = _decode(path)
    if not text.strip(" \r\n\x1a"):
        raise InputError(f"{label} is empty", path=str(path))
    checked = False
    for start, cells in csv_cells(path, text):
        if not checked:
            checked = True
            if len(cells) != width:
                raise InputError(
                    f"not the OFAC legacy {label} layout: {len(cells)} columns, expected {width} (no header)",
                    path=str(path), line=start,
                )
        yield start, cells, ",".join(cells)[:500]


def _check_sdn(cells: list[str], row: dict[str, str], records: dict[str, _Record]) -> str | None:
    if len(cells) != len(SDN_COLUMNS):
        return f"expected {len(SDN_COLUMNS)} cells, found {len(cells)}"
    if not row["ent_num"].isdigit():
        return f"ent_num {row['ent_num']!r} is not a number"
    if not row["name"]:
        return "entry has no name"
    if row["ent_num"] in records:
        return f"duplicate ent_num {row['ent_num']} (first at line {records[row['ent_num']].line})"
    kind = (clean(row["type"]) or "").lower()
    if kind and kind not in _KINDS:
        return f"unknown SDN type {row['type']!r}"
    return None


def _join_addresses(add: Path, records: dict[str, _Record]) -> Iterator[Rejected]:
    for line, cells, raw in _rows(add, len(ADD_COLUMNS), "add.csv"):
        row = dict(zip(ADD_COLUMNS, (c.strip() for c in cells), strict=False))
        if len(cells) != len(ADD_COLUMNS):
            yield Rejected(str(add), line, f"expected {len(ADD_COLUMNS)} cells, found {len(cells)}", raw)
            continue
        rec = records.get(row["ent_num"])
        if rec is None:
            yield Rejected(str(add), line, f"address for unknown entity {row['ent_num']!r}", raw)
            continue
        parts = [p for p in (clean(row[k]) for k in ("address", "city", "country")) if p]
        if parts:
            text = ", ".join(parts)
            if text not in rec.addresses:
                rec.addresses.append(text)
        code = ofac_country(row["country"])
        if code and code not in rec.countries:
            rec.countries.append(code)


def ofac_country(value: str | None) -> str | None:
    """ISO-2 code of an OFAC country spelling (``Korea, North`` → KP), None when not a country."""
    text = clean(value)
    if text is None or text.casefold() in _UNRESOLVED:
        return None
    key = text.casefold()
    if key in _OFAC_COUNTRIES:
        return _OFAC_COUNTRIES[key]
    return to_iso2(text.removeprefix("Region: "))


def _entity(ent_num: str, rec: _Record, dataset: str, source: str, retrieved: str | None) -> Entity:
    row = rec.row
    name = row["name"]
    kind_text = (clean(row["type"]) or "").lower()
    programs = [p.strip("[] ") for p in re.split(r"\]\s*\[", clean(row["program"]) or "") if p.strip("[] ")]
    remarks = clean(row["remarks"]) or ""
    aliases: list[str] = []
    former: list[str] = []
    for m in _ALIAS_RE.finditer(remarks):
        alias = m.group("alias").strip()
        if alias and alias != name and alias not in aliases:
            aliases.append(alias)
        if m.group("how") == "f" and alias:
            former.append(alias)
    nationality = [n.strip() for n in _NATIONALITY_RE.findall(remarks)]
    nat_codes = [c for c in (to_iso2(n) for n in nationality) if c]
    flag_code = ofac_country(row["vessel_flag"])
    countries = list(rec.countries)
    fallback = nat_codes + ([flag_code] if flag_code else [])
    attrs: JsonDict = {
        "category": _KINDS.get(kind_text),
        "sdn_type": kind_text or "entity",
        "programs": programs,
        "title": truncate(clean(row["title"])),
        "call_sign": clean(row["call_sign"]),
        "vessel_type": clean(row["vessel_type"]),
        "tonnage": clean(row["tonnage"]),
        "grt": clean(row["grt"]),
        "vessel_flag": clean(row["vessel_flag"]),
        "vessel_owner": clean(row["vessel_owner"]),
        "remarks": truncate(remarks or None),
        "former_names": former,
        "nationality": nationality,
        "addresses": rec.addresses,
        "countries": countries,
        "linked_to": [n.strip() for n in _LINKED_RE.findall(remarks)],
    }
    return Entity(
        id=make_id(dataset, ent_num),
        kind=EntityKind.PERSON if kind_text == "individual" else EntityKind.ORGANISATION,
        name=name,
        names=tuple(aliases),
        country=next(iter(countries + fallback), None),
        flags=flags_for_list(OFAC_SDN_LIST) | flags_for_programs(programs),
        lists=(OFAC_SDN_LIST,),
        identifiers={"ofac_ent_num": ent_num},
        attrs={k: v for k, v in attrs.items() if v},
        provenance=Provenance(dataset, ent_num, source, retrieved),
    )


def _linked_to(remarks: str, by_name: dict[str, list[str]]) -> list[str]:
    """Entity numbers named by the remarks' "Linked To:" clauses, when the name is unambiguous."""
    out: list[str] = []
    for name in _LINKED_RE.findall(remarks):
        name = name.strip()
        # The clause ends with the sentence's full stop, which may follow a name's own one ("CO., LTD..").
        variants = (name, name.removesuffix("."), name.rstrip("."), name + ".")
        hits = next((by_name[v] for v in variants if v in by_name), [])
        if len(hits) == 1 and hits[0] not in out:
            out.append(hits[0])
    return out
