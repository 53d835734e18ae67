"""The US Consolidated Screening List (trade.gov CSV), in both official layouts.

The 2025 layout has an ``_id`` column (the entity is ``<dataset>:<_id>``); the 2019
layout has none, so the id is a content hash of (source, name, entity_number,
addresses), widened to every cell when two different rows share that key. A row
that repeats an earlier row cell for cell is counted into the same entity
(``attrs.duplicate_lines``), so every row is accounted for and none is lost. Rows that
share an ``_id`` but differ (the Entity List repeats a party under each country it
has addresses in) are one entity: their aliases, addresses and lists are merged.

Each row's ``source`` names its list; :mod:`trgraph.ingest.flags` maps it to flags.
Aliases come from ``alt_names`` (``; ``-separated) and from the name itself, where
the Entity List writes them: ``X (a.k.a. Y)``, ``X (f.k.a., Y)`` and a trailing
acronym ``X (BUAA)``. The primary name is always kept exactly as written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pycountry

from trgraph.ingest.base import Item, clean, csv_rows, read_text
from trgraph.ingest.flags import date_in_name, flags_for_list, flags_for_programs, list_code, truncate
from trgraph.ingest.values import parse_date, to_iso2
from trgraph.model import Entity, EntityKind, Flag, JsonDict, Provenance, Rejected, make_id

#: Treasury lists: their ``entity_number`` is the OFAC entity number.
_TREASURY = frozenset({"SDN", "SSI", "FSE", "PLC", "CAP", "NS-MBS", "CMIC", "NS-CMIC"})
_TEXT_ATTRS = (
    "federal_register_notice", "license_requirement", "license_policy", "standard_order", "remarks", "title",
    "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag", "vessel_owner",
    "dates_of_birth", "places_of_birth", "nationalities", "citizenships", "ids", "source_list_url",
    "source_information_url",
)
_AKA_RE = re.compile(
    r"\(\s*(?P<how>a\.k\.a\.|f\.k\.a\.|n\.k\.a\.|also known as|formerly known as),?\s*(?P<alias>[^()]*?)\s*(?:\)|$)",
    re.IGNORECASE,
)
_AKA_LIST_RE = re.compile(r",?\s+a\.k\.a\.,?\s+(?:the following[^:]*:\s*)?(?P<rest>.+)$", re.IGNORECASE)
_TRUNCATED_AKA_RE = re.compile(r"\((?:a\.k\.a\.|f\.k\.a\.),?\s*$", re.IGNORECASE)
_ADDRESS_ALIAS_RE = re.compile(r"^(?P<alias>[^()]{2,120}?)\),\s")
_TRAILING_PAREN_RE = re.compile(r"^(?P<base>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")
_ACRONYM_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9&./-]*")
_LEGAL_FORMS = frozenset({
    "LLC", "LTD", "JSC", "OJSC", "CJSC", "PJSC", "OAO", "ZAO", "OOO", "PAO", "AO", "FZE", "FZCO", "FZC", "FZ-LLC",
    "PVT", "GMBH", "SA", "AG", "AB", "BV", "NV", "PLC", "INC", "CO", "CORP", "SPA", "SRL", "SARL", "OY", "AS", "KFT",
})
_QUOTES = frozenset({"'", '"', "’", "”"})
_STOPWORDS = frozenset({"of", "and", "the", "for", "&", "de", "du", "des", "la", "le"})
_COUNTRY_CODE_RE = re.compile(r"(?:^|,\s*)([A-Z]{2})\s*$")
_SHORT_COUNTRIES = {
    "russia": "RU", "iran": "IR", "syria": "SY", "crimea": "UA", "taiwan": "TW", "vietnam": "VN", "turkey": "TR",
    "uk": "GB", "uae": "AE", "burma": "MM", "laos": "LA", "prc": "CN", "usa": "US", "dprk": "KP",
}
_SEE_NOTE_RE = re.compile(r"\s*\.?\s*\((?:see|address)\b[^)]*\)?\s*\.?\s*$", re.IGNORECASE)


@dataclass(slots=True)
class _Group:
    """The rows that make one entity (usually one row)."""

    key: str
    line: int
    rows: list[dict[str, str]] = field(default_factory=list)
    duplicate_lines: list[int] = field(default_factory=list)


def load_csl(path: Path, dataset: str = "csl") -> Iterator[Item]:
    """Yield entities and rejected rows from a Consolidated Screening List CSV (2019 or 2025 layout)."""
    text = read_text(path)
    source, retrieved = path.name, date_in_name(path)
    groups: dict[str, _Group] = {}
    first_seen: dict[tuple[str, ...], str] = {}
    hashed: set[str] = set()
    for line, row in csv_rows(path, required=("source", "name"), text=text):
        problem = row.get("__error__")
        name = _name(row)
        if problem is None and name is None:
            problem = "row has no name"
        if problem is None and clean(row.get("source")) is None:
            problem = "row has no source list"
        if problem is not None:
            yield Rejected(str(path), line, problem, _raw(row))
            continue
        content = tuple(row.get(k, "") for k in sorted(row))
        if content in first_seen:
            # The official files repeat some rows verbatim; the entity records it.
            groups[first_seen[content]].duplicate_lines.append(line)
            continue
        key = clean(row.get("_id"))
        if key is None:
            key = _hash_key(row, hashed)
            hashed.add(key)
        first_seen[content] = key
        groups.setdefault(key, _Group(key, line)).rows.append(row)
    for group in groups.values():
        yield _entity(group, dataset, source, retrieved)


def _name(row: dict[str, str]) -> str | None:
    # Names are kept byte-for-byte apart from surrounding whitespace (no placeholder words dropped).
    value = row.get("name", "").strip()
    return value or None


def _hash_key(row: dict[str, str], taken: set[str]) -> str:
    """A content hash of the row's identity cells; of every cell when that key is already taken."""
    cells = [row.get(k, "") for k in ("source", "name", "entity_number", "addresses")]
    key = _digest(cells)
    if key in taken:
        key = _digest([f"{k}={row[k]}" for k in sorted(row)])
    return key


def _digest(cells: list[str]) -> str:
    return hashlib.blake2b("\x1f".join(cells).encode(), digest_size=10).hexdigest()


def _entity(group: _Group, dataset: str, source: str, retrieved: str | None) -> Entity:
    first = group.rows[0]
    name = _name(first) or ""
    lists: list[str] = []
    programs: list[str] = []
    addresses: list[str] = []
    aliases: list[str] = []
    stray: list[str] = []
    flags: set[Flag] = set()
    person = False
    for row in group.rows:
        lst = clean(row.get("source")) or ""
        _add(lists, lst)
        row_programs = [p.strip() for p in (row.get("programs") or "").split(";") if p.strip()]
        for p in row_programs:
            _add(programs, p)
        flags |= flags_for_list(lst) | flags_for_programs(row_programs)
        person = person or (row.get("type") or "").strip().lower() == "individual"
        address = clean(row.get("addresses"))
        if address:
            _add(addresses, address)
        for alias in _name_aliases(_name(row) or "", address, person):
            _add(aliases, alias)
        for alias in _alt_names(row.get("alt_names") or "", stray):
            _add(aliases, alias)
    kind = EntityKind.PERSON if person else EntityKind.ORGANISATION
    countries = _countries(addresses)
    for fragment in stray:
        code = _tail_country(fragment)
        if code:
            _add(countries, code)
    people_countries = _code_list(first.get("nationalities")) + _code_list(first.get("citizenships"))
    ordered = people_countries + countries if person else countries + people_countries
    attrs = _attrs(first, lists, programs, addresses, countries, stray, len(group.rows) + len(group.duplicate_lines))
    if group.duplicate_lines:
        attrs["duplicate_lines"] = group.duplicate_lines
    if not flags:
        attrs["unmapped_list"] = True
    return Entity(
        id=make_id(dataset, group.key),
        kind=kind,
        name=name,
        names=tuple(a for a in aliases if a != name),
        country=ordered[0] if ordered else None,
        flags=frozenset(flags),
        lists=tuple(lists),
        identifiers=_identifiers(first, lists),
        attrs=attrs,
        provenance=Provenance(dataset, group.key, source, retrieved),
    )


def _add(items: list[str], value: str) -> None:
    if value and value not in items:
        items.append(value)


def _identifiers(row: dict[str, str], lists: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    csl_id = clean(row.get("_id"))
    if csl_id:
        out["csl_id"] = csl_id
    number = clean(row.get("entity_number"))
    if number and number.isdigit() and any(list_code(lst) in _TREASURY for lst in lists):
        out["ofac_ent_num"] = number
    return out


def _attrs(
    row: dict[str, str], lists: list[str], programs: list[str], addresses: list[str], countries: list[str],
    stray: list[str], rows: int,
) -> JsonDict:
    attrs: JsonDict = {"source": clean(row.get("source"))}
    kind = (row.get("type") or "").strip().lower()
    if kind in ("vessel", "aircraft"):
        attrs["category"] = kind
    if kind:
        attrs["type"] = row["type"].strip()
    if programs:
        attrs["programs"] = programs
    for key in ("start_date", "end_date"):
        value = clean(row.get(key))
        if value:
            try:
                attrs[key] = parse_date(value)
            except ValueError:
                attrs[key] = value
    if addresses:
        attrs["addresses"] = [truncate(a) for a in addresses]
    if countries:
        attrs["countries"] = countries
    for key in _TEXT_ATTRS:
        value = clean(row.get(key))
        if value:
            attrs[key] = truncate(value)
    if stray:
        # Address text the source put inside alt_names: kept, but not matched as names.
        attrs["alt_name_addresses"] = stray
    if rows > 1:
        attrs["source_rows"] = rows
    return attrs


def _alt_names(cell: str, stray: list[str]) -> list[str]:
    """The aliases of an ``alt_names`` cell; address text found in it goes to ``stray``."""
    out: list[str] = []
    for raw in cell.split(";"):
        if not any(c.isalnum() for c in raw):
            if out and raw.strip() in _QUOTES and out[-1].count(raw.strip()) % 2 == 1:
                # A ";" inside a quoted name ("… 'Zvezdochka;'"): glue the split back.
                out[-1] = f"{out[-1]};{raw.rstrip()}"
            continue  # punctuation between separators is not a name
        alias, fragment = _split_alt_name(raw.strip())
        if alias:
            out.append(alias)
        if fragment:
            _add(stray, fragment)
    return out


def _name_aliases(name: str, address: str | None, person: bool) -> list[str]:
    """Aliases written into the name itself (a.k.a./f.k.a. clauses, a trailing acronym)."""
    out: list[str] = []
    for match in _AKA_RE.finditer(name):
        alias = _unquote(match.group("alias"))
        if alias:
            out.append(alias)
    if _TRUNCATED_AKA_RE.search(name) and address:
        # "Sabanican Company (a.k.a." with the alias spilled into the address cell: "Sabanican Pad Co.), …"
        m = _ADDRESS_ALIAS_RE.match(address)
        if m:
            out.append(m.group("alias").strip())
    m = _AKA_LIST_RE.search(name)
    if m:
        out.extend(p for p in (_unquote(x.strip(" -")) for x in re.split(r";|\s-(?=\S)", m.group("rest"))) if p)
    if not person:
        acronym = _trailing_acronym(name)
        if acronym:
            out.append(acronym)
    return out


def _unquote(text: str) -> str:
    text = text.strip().rstrip(",;").strip()
    pairs = (("“", "”"), ('"', '"'), ("'", "'"), ("‘", "’"))
    for left, right in pairs:
        if len(text) > 2 and text.startswith(left) and text.endswith(right):
            return text[1:-1].strip()
    return text


def _trailing_acronym(name: str) -> str | None:
    """``Beijing University of Aeronautics and Astronautics (BUAA)`` → ``BUAA``; ``AVS (Armored Vehicle
    Spares)`` → ``Armored Vehicle Spares``. Only when the name has that one bracket and it is clearly
    an alias (not a place, a legal form or a note)."""
    m = _TRAILING_PAREN_RE.match(name)
    if not m:
        return None
    base, inner = m.group("base").strip(), m.group("inner").strip()
    if _is_acronym(inner):
        return inner
    if _is_acronym(base) and " " not in base:
        initials = "".join(w[0] for w in re.split(r"[\s-]+", inner) if w and w.lower() not in _STOPWORDS)
        if initials.upper() == re.sub(r"[^A-Za-z]", "", base).upper():
            return inner
    return None


def _is_acronym(text: str) -> bool:
    if not _ACRONYM_RE.fullmatch(text) or sum(c.isupper() for c in text) < 2:
        return False
    if text.upper().strip(".") in _LEGAL_FORMS:
        return False
    # "(UAE)", "(HK)", "(PAK)" name a place, not the entity.
    bare = text.replace(".", "").upper()
    if bare.casefold() in _SHORT_COUNTRIES:
        return False
    if len(bare) == 2:
        return pycountry.countries.get(alpha_2=bare) is None
    return len(bare) != 3 or pycountry.countries.get(alpha_3=bare) is None


def _split_alt_name(part: str) -> tuple[str | None, str | None]:
    """(alias, address fragment) of one ``alt_names`` item.

    The Entity List text sometimes runs an address into the alias list: ``and 26 Generala
    Belova Street, …, Russia`` or ``Zaliv Shipyard LLC. 4 Tankistov Street, Kerch, …, Ukraine``.
    Text is split off only when it starts with "and " or when what follows the alias ends
    in a country (and, after a comma, holds a house or postal number).
    """
    if not part:
        return None, None
    if part.startswith("and "):
        return None, part
    for m in re.finditer(r"\.\s+(?=\S)|,\s+(?=\S)", part):
        head, tail = part[: m.start()].strip(), part[m.end():].strip()
        if len(head) < 2:
            continue
        if m.group(0).startswith("."):
            if not _sentence_end(head.rsplit(" ", 1)[-1].strip("'\"")):
                continue
        elif not any(c.isdigit() for c in tail):
            continue
        if _tail_country(tail):
            return head, tail
    return part, None


def _sentence_end(word: str) -> bool:
    # "Ltd." or "LLC." before an address, or a word long enough not to be an abbreviation (St., No., Pr.).
    return word.upper() in _LEGAL_FORMS or (len(word) >= 4 and "." not in word)


def _tail_country(text: str) -> str | None:
    """The ISO-2 code of the country an address fragment ends with (postcodes and notes ignored)."""
    text = _SEE_NOTE_RE.sub("", text).rstrip(" .")
    chunks = [c.strip() for c in text.split(",")]
    while chunks and not any(ch.isalpha() for ch in chunks[-1]):
        chunks.pop()
    if not chunks:
        return None
    words = [w for w in chunks[-1].split() if not any(c.isdigit() for c in w)]
    for n in range(1, min(len(words), 4) + 1):
        code = _strict_country(" ".join(words[-n:]))
        if code:
            return code
    return None


def _strict_country(text: str) -> str | None:
    """A country name or a well-known short form, without fuzzy matching on city names."""
    text = text.replace(".", "")
    if not text.replace(" ", "").isalpha():
        return None
    if text.casefold() in _SHORT_COUNTRIES:
        return _SHORT_COUNTRIES[text.casefold()]
    if len(text) < 4:  # "Co", "AS", "IN" are legal forms or words before they are country codes
        return None
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None


def _countries(addresses: list[str]) -> list[str]:
    """ISO-2 codes appended to each address (``…, Yerevan, Armenia, AM``), in order."""
    out: list[str] = []
    for address in addresses:
        for segment in address.split("; "):
            m = _COUNTRY_CODE_RE.search(segment)
            code = to_iso2(m.group(1)) if m else None
            if code:
                _add(out, code)
    return out


def _code_list(value: str | None) -> list[str]:
    out: list[str] = []
    for part in re.split(r";|,", value or ""):
        code = to_iso2(part.strip()) if part.strip() else None
        if code:
            _add(out, code)
    return out


def _raw(row: dict[str, str]) -> str:
    return orjson.dumps({k: v for k, v in row.items() if v}).decode()[:500]
