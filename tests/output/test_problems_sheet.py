"""The report's Problems sheet: a link to each problem's cell, as many as Excel keeps in a
sheet; past that the cell is named as text (xlsxwriter would drop the link with a warning
on every one)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

from bulkops.model.problems import Problem
from bulkops.output import xlsxout


def test_links_stop_where_excel_stops_and_the_cell_stays_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsxout, "MAX_LINKS", 2)
    path = tmp_path / "report.xlsx"
    book = xlsxwriter.Workbook(str(path))
    problems = [Problem("invalid-phone", "bad", "Routes", row, "Ring To Number", f"E{row}")
                for row in range(2, 6)]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xlsxout.problems_sheet(book, xlsxout.Formats.of(book), problems)
        book.close()
    sheet = load_workbook(path)["Problems"]
    assert [sheet.cell(line, 6).value for line in range(2, 6)] == ["E2", "E3", "E4", "E5"]
    assert [sheet.cell(line, 6).hyperlink is not None for line in range(2, 6)] == [
        True, True, False, False
    ]  # fmt: skip
