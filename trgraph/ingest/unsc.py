"""The UN Security Council Consolidated List, official XML (``CONSOLIDATED_LIST``).

``INDIVIDUALS/INDIVIDUAL`` become persons and ``ENTITIES/ENTITY`` organisations, with
id ``<dataset>:<DATAID>`` and the list's reference number as identifier ``un_ref``.
The name joins FIRST_NAME … FOURTH_NAME; aliases come from the ``*_ALIAS`` elements
and NAME_ORIGINAL_SCRIPT. Aliases of quality "Low" go to ``attrs.weak_aliases``, not to
``names`` (the UN itself calls them insufficient to identify anyone). ``retrieved`` is
the date of the list's ``dateGenerated`` attribute.

The file is parsed with expat feeding an ElementTree builder, one record at a time, so
that a rejected record and a truncated file can be reported with their line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from trgraph.errors import InputError
from trgraph.ingest.base import Item, require_path
from trgraph.ingest.flags import UN_SC_LIST, flags_for_list, truncate
from trgraph.ingest.values import to_iso2
from trgraph.model import Entity, EntityKind, JsonDict, Provenance, Rejected, make_id

_RECORDS = {"INDIVIDUAL": EntityKind.PERSON, "ENTITY": EntityKind.ORGANISATION}
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_UN_COUNTRIES = {
    "iran (islamic republic of)": "IR",
    "china, hong kong special administrative region": "HK",
    "syrian arab republic": "SY",
    "democratic people's republic of korea": "KP",
    "former soviet union": None,
}
_CHUNK = 1 << 16


def load_un_sc(path: Path, dataset: str = "un_sc") -> Iterator[Item]:
    """Yield entities and rejected records from the UN SC consolidated list XML."""
    require_path(path)
    source = path.name
    reader = _RecordReader(path)
    seen: dict[str, int] = {}
    for line, elem in reader.records():
        problem, dataid = _check(elem, seen)
        if problem is not None or dataid is None:
            yield Rejected(str(path), line, problem or "record without DATAID", _raw(elem))
            continue
        seen[dataid] = line
        yield _entity(elem, dataid, dataset, source, reader.retrieved)
    if reader.root_tag != "CONSOLIDATED_LIST":
        raise InputError(f"not a UN consolidated list: root element is <{reader.root_tag}>", path=str(path))


class _RecordReader:
    """Streams INDIVIDUAL/ENTITY elements with the line each starts on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root_tag = ""
        self.retrieved: str | None = None
        self._builder: ET.TreeBuilder | None = None
        self._depth = 0
        self._start_line = 0
        self._done: list[tuple[int, ET.Element]] = []
        self._parser = expat.ParserCreate()
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._data

    def records(self) -> Iterator[tuple[int, ET.Element]]:
        try:
            with self.path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    self._feed(chunk, final=False)
                    yield from self._drain()
                self._feed(b"", final=True)
                yield from self._drain()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", path=str(self.path)) from exc

    def _feed(self, data: bytes, *, final: bool) -> None:
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise InputError(
                f"malformed or truncated XML: {expat.ErrorString(exc.code)}", path=str(self.path), line=exc.lineno
            ) from exc

    def _drain(self) -> Iterator[tuple[int, ET.Element]]:
        done, self._done = self._done, []
        yield from done

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        if not self.root_tag:
            self.root_tag = tag
            generated = attrs.get("dateGenerated", "")
            self.retrieved = generated[:10] if len(generated) >= 10 else None
        if self._builder is None and tag in _RECORDS:
            self._builder = ET.TreeBuilder()
            self._depth = 0
            self._start_line = self._parser.CurrentLineNumber
        if self._builder is not None:
            self._builder.start(tag, attrs)
            self._depth += 1

    def _end(self, tag: str) -> None:
        if self._builder is None:
            return
        self._builder.end(tag)
        self._depth -= 1
        if self._depth == 0:
            self._done.append((self._start_line, self._builder.close()))
            self._builder = None

    def _data(self, text: str) -> None:
        if self._builder is not None:
            self._builder.data(text)


def _check(elem: ET.Element, seen: dict[str, int]) -> tuple[str | None, str | None]:
    dataid = _text(elem.find("DATAID"))
    if dataid is None:
        return "record has no DATAID", None
    if dataid in seen:
        return f"duplicate DATAID {dataid} (first at line {seen[dataid]})", dataid
    if not _name(elem):
        return f"record {dataid} has no name", dataid
    return None, dataid


def _text(elem: ET.Element | None) -> str | None:
    if elem is None or elem.text is None:
        return None
    return elem.text.strip() or None


def _name(elem: ET.Element) -> str:
    return " ".join(p for p in (_text(elem.find(tag)) for tag in _NAME_PARTS) if p)


def un_country(value: str | None) -> str | None:
    """ISO-2 code of a UN country spelling, None when unknown."""
    if not value:
        return None
    key = value.strip().casefold()
    if key in _UN_COUNTRIES:
        return _UN_COUNTRIES[key]
    return to_iso2(value)


def _entity(elem: ET.Element, dataid: str, dataset: str, source: str, retrieved: str | None) -> Entity:
    kind = _RECORDS[elem.tag]
    name = _name(elem)
    names: list[str] = []
    weak: list[str] = []
    for alias in elem.findall(f"{elem.tag}_ALIAS"):
        value = _text(alias.find("ALIAS_NAME"))
        if value is None or value == name:
            continue
        bucket = weak if (_text(alias.find("QUALITY")) or "").casefold() == "low" else names
        if value not in bucket and value not in names:
            bucket.append(value)
    original = _text(elem.find("NAME_ORIGINAL_SCRIPT"))
    if original and original != name and original not in names:
        names.append(original)
    nationalities = [v for v in (_text(x) for x in elem.findall("NATIONALITY/VALUE")) if v]
    addresses = [_address(a) for a in elem.findall(f"{elem.tag}_ADDRESS")]
    address_countries = [un_country(_text(a.find("COUNTRY"))) for a in elem.findall(f"{elem.tag}_ADDRESS")]
    codes = [un_country(n) for n in nationalities] if kind is EntityKind.PERSON else []
    countries = [c for c in (*codes, *address_countries) if c]
    ref = _text(elem.find("REFERENCE_NUMBER"))
    attrs: JsonDict = {
        "un_list_type": _text(elem.find("UN_LIST_TYPE")),
        "listed_on": _text(elem.find("LISTED_ON")),
        "comments": truncate(_text(elem.find("COMMENTS1"))),
        "designation": [v for v in (_text(x) for x in elem.findall("DESIGNATION/VALUE")) if v],
        "title": [v for v in (_text(x) for x in elem.findall("TITLE/VALUE")) if v],
        "nationality": nationalities,
        "addresses": [a for a in addresses if a],
        "original_script": original,
        "weak_aliases": weak,
        "last_updated": [v for v in (_text(x) for x in elem.findall("LAST_DAY_UPDATED/VALUE")) if v],
        "version": _text(elem.find("VERSIONNUM")),
    }
    return Entity(
        id=make_id(dataset, dataid),
        kind=kind,
        name=name,
        names=tuple(names),
        country=countries[0] if countries else None,
        flags=flags_for_list(UN_SC_LIST),
        lists=(UN_SC_LIST,),
        identifiers={"un_ref": ref} if ref else {},
        attrs={k: v for k, v in attrs.items() if v},
        provenance=Provenance(dataset, dataid, source, retrieved),
    )


def _address(elem: ET.Element) -> str:
    parts = (_text(elem.find(t)) for t in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE"))
    return ", ".join(p for p in parts if p)


def _raw(elem: ET.Element) -> str:
    return ET.tostring(elem, encoding="unicode")[:500]
