"""CSV export that spreadsheet programs cannot turn into formulas.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula (or as DDE) by Excel, LibreOffice and Google Sheets, so a list entry
named ``=HYPERLINK(...)`` could run when an analyst opens an export. Such cells are
prefixed with a single quote (OWASP's advice), which spreadsheets show as text.
Numbers stay numbers: only strings are guarded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from trgraph.render.page import write_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(value: Any) -> Any:
    """The value, with a leading ``'`` if it is text a spreadsheet would read as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV text with a header row; every cell guarded; missing keys are empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([guard_cell(c) for c in columns])
    for row in rows:
        writer.writerow([guard_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def write_csv(path: Path, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Path:
    """Write rows to ``path`` as guarded CSV (UTF-8 with BOM, so Excel reads the accents)."""
    return write_text(path, "\ufeff" + csv_text(rows, columns))
