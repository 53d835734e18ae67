"""What every loader shares: the item stream, the spec in the registry, file helpers.

A loader never touches the store. It reads one source and yields :class:`Entity`,
:class:`Link` and :class:`Rejected` items; the store's writer batches them into one
transaction. A problem with the whole file (missing, truncated, wrong layout) raises
:class:`InputError`; a problem with one row yields :class:`Rejected` and goes on.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from trgraph.errors import InputError
from trgraph.gcpause import gc_paused
from trgraph.model import Entity, Link, Rejected
from trgraph.store.base import Prepared, Preparer

Item = Entity | Link | Rejected
LoaderFn = Callable[[Path, str], Iterator[Item]]
#: A loader that can hand over entities and links as a writer's prepared rows (made with
#: the writer's :data:`~trgraph.store.base.Preparer`, in worker processes for big files).
PreparedLoaderFn = Callable[[Path, str, Preparer], Iterator[Item | Prepared]]


@dataclass(frozen=True, slots=True)
class LoaderSpec:
    """A source kind: its CLI name, default dataset (replacement scope) and loader."""

    kind: str
    dataset: str
    load: LoaderFn
    summary: str
    #: True for lists and registries whose newer version replaces the older one
    #: (entries missing from the new file are marked removed, never deleted).
    replaces: bool = True
    #: The same loader handing over prepared rows, used when the writer can take them.
    load_prepared: PreparedLoaderFn | None = None


def require_path(path: Path) -> Path:
    """Fail with a clear error when the source does not exist."""
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    return path


def read_text(path: Path) -> str:
    """Read a UTF-8 (optionally BOM-prefixed) text file, with a clear error otherwise."""
    require_path(path)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc


def csv_rows(
    path: Path, *, required: tuple[str, ...] = (), text: str | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for a CSV with a header; keys are lower-cased.

    ``line_number`` is the physical line where the row starts (header is line 1), so
    that quarantine reports point at the right place even with multi-line cells.
    Rows whose cell count differs from the header come back with the key
    ``"__error__"`` set, for the loader to reject.
    """
    content = read_text(path) if text is None else text
    rows = csv_cells(path, content)
    first = next(rows, None)
    if first is None:
        raise InputError("file is empty", path=str(path))
    header = first[1]
    keys = [h.strip().lower() for h in header]
    missing = [r for r in required if r not in keys]
    if missing:
        raise InputError(f"missing required column(s): {', '.join(missing)}; found: {', '.join(keys)}", path=str(path))
    for line, cells in rows:
        row = dict(zip(keys, (c.strip() for c in cells), strict=False))
        if len(cells) != len(keys):
            row["__error__"] = f"expected {len(keys)} cells, found {len(cells)}"
        yield line, row


def csv_cells(path: Path, content: str) -> Iterator[tuple[int, list[str]]]:
    """``(line where the row starts, cells)`` of every row of CSV text that is not blank (a
    DOS end-of-file mark counts as blank); malformed CSV is an :class:`InputError` at its line."""
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", path=str(path), line=line) from exc
        start, line = line, reader.line_num + 1
        if any(c.replace("\x1a", "").strip() for c in cells):
            yield start, cells


def json_files(path: Path) -> list[Path]:
    """The file itself, or every ``.json`` file under a folder in a stable (relative path) order."""
    require_path(path)
    if path.is_dir():
        files = sorted((p for p in path.rglob("*.json") if p.is_file()), key=lambda p: p.relative_to(path).as_posix())
        if not files:
            raise InputError("folder holds no .json files", path=str(path))
        return files
    return [path]


def open_json_source(path: Path) -> bytes:
    """The bytes of a JSON file, or of the single ``.json`` member of a ``.zip``."""
    require_path(path)
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.namelist() if m.lower().endswith(".json")]
                if not members:
                    raise InputError("zip holds no .json file", path=str(path))
                return zf.read(sorted(members, key=lambda m: -zf.getinfo(m).file_size)[0])
        except zipfile.BadZipFile as exc:
            raise InputError(f"not a valid zip file ({exc})", path=str(path)) from exc
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=str(path)) from exc


def parse_json(data: bytes, path: Path) -> Any:
    """Parse JSON bytes, raising :class:`InputError` for invalid JSON.

    The cyclic garbage collector is paused while parsing: the millions of fresh
    containers of a large dump otherwise trigger collections that treble the time.
    """
    with gc_paused():
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"invalid JSON ({exc})", path=str(path)) from exc


def read_json(path: Path) -> Any:
    """The parsed JSON of a file (or of the ``.json`` member of a ``.zip``); :class:`InputError` if unreadable."""
    return parse_json(open_json_source(path), path)


def raw_text(value: object) -> str:
    """A rejected record as text for the quarantine file: its JSON (or repr), at most 500 characters."""
    try:
        return orjson.dumps(value).decode()[:500]
    except TypeError:
        return repr(value)[:500]


def clean(value: object) -> str | None:
    """Strip a cell; empty and placeholder values become None."""
    if value is None:
        return None
    text = str(value).strip()
    if text in ("", "-0-", "nan", "NaN", "None", "null"):
        return None
    return text
