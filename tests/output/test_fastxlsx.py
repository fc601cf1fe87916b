"""The lean export writer: what it writes reads back the same in openpyxl and calamine
(the reader bulkops runs on), text stays text, and the sheet is ready to edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from bulkops.output.fastxlsx import FastBook

ROWS = [
    ["Action", "Name", "Count", "On"],
    ["update", "=SUM(A1:A2)", 3, True],
    ["update", "a & b < c > d", 2.5, False],
    ["update", " padded ", None, None],
    ["update", "bell\x07 and tab\tand é ☎", -7, True],
]


def test_values_read_back_as_written(tmp_path: Path, recwarn: pytest.WarningsRecorder) -> None:
    path = tmp_path / "x.xlsx"
    with FastBook(path) as book:
        sheet = book.sheet("Routes", 4, (12, 30, 10, 8))
        sheet.row(ROWS[0], header=True)
        for row in ROWS[1:]:
            sheet.row(row)
        book.end_sheet()
        other = book.sheet("Source's", 2, freeze=False, autofilter=False)
        other.row(["Item", "Value"], header=True)
    opened = load_workbook(path)
    assert opened.sheetnames == ["Routes", "Source's"]
    routes = opened["Routes"]
    read = [list(r) for r in routes.iter_rows(values_only=True)]
    assert read[1] == ["update", "=SUM(A1:A2)", 3, True]
    assert routes["B2"].data_type == "s"  # text, never a formula
    assert read[2] == ["update", "a & b < c > d", 2.5, False]
    assert read[3] == ["update", " padded ", None, None]
    assert read[4] == ["update", "bell_x0007_ and tab\tand é ☎", -7, True]
    assert routes.freeze_panes == "B2"
    assert routes.auto_filter.ref == "A1:D5"
    assert routes["A1"].font.b is True
    calamine = CalamineWorkbook.from_path(str(path))
    values = calamine.get_sheet_by_name("Routes").to_python()
    assert values[2][1] == "a & b < c > d"
    assert values[1][2] == 3
    assert calamine.sheet_names == ["Routes", "Source's"]
    assert [str(w.message) for w in recwarn] == []  # openpyxl finds nothing to repair


def test_an_empty_sheet_and_a_wide_row(tmp_path: Path) -> None:
    path = tmp_path / "y.xlsx"
    with FastBook(path) as book:
        book.sheet("Empty", 3)
        wide = book.sheet("Wide", 30)
        wide.row([f"c{i}" for i in range(30)])
    opened = load_workbook(path)
    assert opened["Empty"].max_row == 1
    assert opened["Wide"]["AD1"].value == "c29"
