"""The validation report workbook: a `Problems` sheet with a link to each problem cell, then
each validated sheet mirrored with its problem cells filled red (error) or amber (warning)
and a note holding the messages, plus a `Problems` column per row."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from bulkops.io.tables import open_workbook
from bulkops.labels import PROBLEMS_LABEL
from bulkops.model.problems import Problem
from bulkops.output.xlsxout import (
    COMMENT_LIMIT,
    Formats,
    atomic,
    marks_from,
    mirror,
    new_book,
    problems_sheet,
)
from bulkops.validation.report import Report

__all__ = ["write_report_workbook"]


def write_report_workbook(report: Report, out: Path, *, encoding: str | None = None) -> Path:
    """Write the report for `report.path` to `out`; returns `out`."""
    return atomic(out, lambda temp: _write(report, temp, encoding))


def _write(report: Report, target: Path, encoding: str | None) -> None:
    book = new_book(target)
    formats = Formats.of(book)
    problems_sheet(book, formats, report.problems)
    workbook = open_workbook(report.path, encoding=encoding)
    try:
        for sheet_report in report.sheets:
            by_row: dict[int, list[Problem]] = defaultdict(list)
            for problem in sheet_report.problems:
                if problem.row is not None:
                    by_row[problem.row].append(problem)

            def notes(row: int, by_row: dict[int, list[Problem]] = by_row) -> list[tuple[Any, Any]]:
                found = by_row.get(row)
                if not found:
                    return []
                text = "; ".join(f"{p.cell or 'row'}: {p.message}" for p in found)
                return [(text[:COMMENT_LIMIT], None)]

            sheet = workbook.sheet(sheet_report.sheet)
            mirror(book, formats, sheet, marks_from(sheet_report.problems), [PROBLEMS_LABEL], notes)
    finally:
        workbook.close()
    book.close()
