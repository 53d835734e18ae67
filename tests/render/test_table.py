"""CSV export guards formula-like cells."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from trgraph.render.table import csv_text, guard_cell, write_csv


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx",
                                  '=HYPERLINK("http://example.invalid","click")'])
def test_formula_like_text_is_prefixed(text: str) -> None:
    assert guard_cell(text) == "'" + text


@pytest.mark.parametrize(("value", "out"), [("Alpha", "Alpha"), ("a=b", "a=b"), (-3, -3), (2.5, 2.5), (None, ""),
                                            (True, "true"), (["-x", "y"], "'-x; y")])
def test_other_values_pass(value: object, out: object) -> None:
    assert guard_cell(value) == out


def test_csv_round_trip_keeps_text_and_columns(tmp_path: Path) -> None:
    rows = [{"name": "=cmd|' /C calc'!A0", "amount": -5, "note": 'say "hi", ok'}, {"name": "Plain"}]
    text = csv_text(rows, ["name", "amount", "note"])
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == ["name", "amount", "note"]
    assert parsed[1] == ["'=cmd|' /C calc'!A0", "-5", 'say "hi", ok']
    assert parsed[2] == ["Plain", "", ""]
    out = write_csv(tmp_path / "x.csv", rows, ["name"])
    assert out.read_bytes().startswith(b"\xef\xbb\xbfname\r\n'=cmd")


def test_every_csv_writer_in_the_package_goes_through_the_guard() -> None:
    """A CSV writer anywhere else in trgraph/ would bypass :func:`guard_cell`: route it through
    :mod:`trgraph.render.table` (csv_text / write_csv) instead."""
    package = Path(__file__).resolve().parents[2] / "trgraph"
    writer = re.compile(r"\bcsv\.(?:writer|DictWriter)\b|\bto_csv\(|\.writerows?\(")
    offenders = [f"{path.relative_to(package.parent)}:{n}" for path in sorted(package.rglob("*.py"))
                 if path.name != "table.py" or path.parent.name != "render"
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if writer.search(line)]
    assert offenders == []
    table = (package / "render" / "table.py").read_text(encoding="utf-8")
    assert len(writer.findall(table)) == 3 and table.count("guard_cell(") >= 3  # header and rows, both guarded
