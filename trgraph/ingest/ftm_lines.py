"""Reading FollowTheMoney records: JSON lines (or one JSON array), nested entities flattened.

Each record comes with the line it is on (the record number in an array) and the raw
line, for rejection reports; a line that is not JSON comes as :class:`Bad`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from trgraph.errors import InputError
from trgraph.model import JsonDict


@dataclass(slots=True)
class Bad:
    """A line that is not valid JSON, and why."""

    reason: str


def read_records(path: Path, wanted: Callable[[bytes], object] | None = None) -> Iterator[tuple[int, Any, bytes]]:
    """``(line, record or Bad, raw line)`` for the non-blank lines (those ``wanted``, when
    given); nested entities come out as records of their own, on their parent's line."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    with fh:
        first = True
        for line, raw in enumerate(fh, start=1):
            if first:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
                if not raw.strip():
                    continue
                first = False
                if raw.lstrip().startswith(b"["):
                    yield from _array_rows(path, raw + fh.read())
                    return
                if not _is_object(raw):  # e.g. a pretty-printed JSON document: not JSON lines at all
                    raise InputError("not FollowTheMoney JSON lines: the first record is not a JSON object",
                                     path=str(path), line=line)
            if (wanted is not None and not wanted(raw)) or not raw.strip():
                continue
            yield from line_records(line, raw)


def line_records(line: int, raw: bytes) -> list[tuple[int, Any, bytes]]:
    """``(line, record or Bad, raw)`` of one non-blank line: its record and the entities nested in it."""
    try:
        rec = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return [(line, Bad(f"invalid JSON ({exc})"), raw)]
    if raw.count(b'"schema"') > 1 and isinstance(rec, dict):
        return [(line, nested, raw) for nested in _flatten(rec)]
    return [(line, rec, raw)]


def is_json_lines(path: Path) -> bool:
    """Whether the file's first non-blank line (after a byte-order mark) is one JSON object."""
    try:
        with path.open("rb") as fh:
            for raw in fh:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
                if raw.strip():
                    return _is_object(raw)
    except OSError:
        return False
    return False


def _is_object(raw: bytes) -> bool:
    try:
        return isinstance(orjson.loads(raw), dict)
    except orjson.JSONDecodeError:
        return False


def _array_rows(path: Path, data: bytes) -> Iterator[tuple[int, Any, bytes]]:
    """A file holding one JSON array: the record number stands in for the line."""
    try:
        records = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"invalid or truncated JSON array ({exc})", path=str(path)) from exc
    if not isinstance(records, list):
        raise InputError("expected JSON lines or one JSON array of FtM entities", path=str(path))
    for n, rec in enumerate(records, start=1):
        for nested in _flatten(rec) if isinstance(rec, dict) else [rec]:
            yield n, nested, b""


def _flatten(rec: JsonDict) -> list[JsonDict]:
    """The record and every entity nested in its properties (replaced there by its id)."""
    out = [rec]
    for current in out:  # grows while we walk it: nested entities may nest further
        props = props_of(current)
        for key, values in props.items():
            if isinstance(values, list) and any(isinstance(v, dict) for v in values):
                nested = [v for v in values if isinstance(v, dict) and isinstance(v.get("id"), str)]
                out.extend(nested)
                props[key] = [v["id"] if any(v is n for n in nested) else v for v in values]
    return out


def check_record(rec: Any) -> str | None:
    """Why a record cannot be read (not an object, no id, no schema), or None."""
    if not isinstance(rec, dict):
        return f"record is a JSON {type(rec).__name__}, not an object"
    rid, schema = rec.get("id"), rec.get("schema")
    if not isinstance(rid, str) or not rid.strip():
        return "record has no id"
    if not isinstance(schema, str) or not schema.strip():
        return f"record {rid} has no schema"
    return None


def props_of(rec: JsonDict) -> JsonDict:
    """The record's properties (an empty dict when it has none)."""
    return rec["properties"] if isinstance(rec.get("properties"), dict) else {}
