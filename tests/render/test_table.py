"""CSV export guards formula-like cells."""

from __future__ import annotations

import csv
import io
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
