"""The validation report workbook: a `Problems` sheet with a link to each problem cell, then
each validated sheet mirrored with its problem cells filled red (error) or amber (warning)
and a comment holding the messages.

Written with xlsxwriter in constant-memory mode (rows in order, flat memory) and atomically
(temp file + rename). Nothing read from the input is ever written as a formula or a link.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter

from bulkops.io.tables import open_workbook
from bulkops.validation.problems import Problem, column_index
from bulkops.validation.report import Report

__all__ = ["write_report_workbook"]

_RED = "#F8CBAD"
_AMBER = "#FFE699"
_PROBLEM_COLUMNS = ("Severity", "Code", "Sheet", "Row", "Column", "Cell", "Value", "Message")
_WIDTHS = (9, 24, 12, 6, 22, 7, 24, 100)
_COMMENT_LIMIT = 2000  # Excel shows at most ~32k; long comments are unreadable anyway


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return value


def write_report_workbook(report: Report, out: Path, *, encoding: str | None = None) -> Path:
    """Write the report for `report.path` to `out`; returns `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".xlsx", prefix=".bulkops-", dir=out.parent)
    os.close(handle)
    try:
        _write(report, Path(temp), encoding)
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return out


def _write(report: Report, target: Path, encoding: str | None) -> None:
    book = xlsxwriter.Workbook(
        str(target),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    fills = {
        True: book.add_format({"bg_color": _RED, "border": 1, "border_color": "#C00000"}),
        False: book.add_format({"bg_color": _AMBER, "border": 1, "border_color": "#BF8F00"}),
    }
    link = book.add_format({"font_color": "blue", "underline": 1})
    wrap = book.add_format({"text_wrap": False})

    summary = book.add_worksheet("Problems")
    summary.freeze_panes(1, 0)
    for index, (title, width) in enumerate(zip(_PROBLEM_COLUMNS, _WIDTHS, strict=True)):
        summary.write_string(0, index, title, bold)
        summary.set_column(index, index, width)
    for line, problem in enumerate(report.problems, start=1):
        summary.write_string(line, 0, problem.severity.value, fills[problem.is_error])
        summary.write_string(line, 1, problem.code)
        summary.write_string(line, 2, problem.sheet)
        if problem.row is not None:
            summary.write_number(line, 3, problem.row)
        summary.write_string(line, 4, problem.column or "")
        if problem.cell:
            target_ref = f"internal:'{problem.sheet}'!{problem.cell}"
            summary.write_url(line, 5, target_ref, link, problem.cell)
        summary.write_string(line, 6, problem.value or "")
        summary.write_string(line, 7, problem.message, wrap)
    if report.problems:
        summary.autofilter(0, 0, len(report.problems), len(_PROBLEM_COLUMNS) - 1)

    workbook = open_workbook(report.path, encoding=encoding)
    try:
        for sheet_report in report.sheets:
            by_cell: dict[tuple[int, int], list[Problem]] = defaultdict(list)
            by_row: dict[int, list[Problem]] = defaultdict(list)
            for problem in sheet_report.problems:
                if problem.row is None:
                    continue
                by_row[problem.row].append(problem)
                if problem.cell:
                    letters = problem.cell.rstrip("0123456789")
                    by_cell[(problem.row, column_index(letters))].append(problem)
            sheet = workbook.sheet(sheet_report.sheet)
            mirror = book.add_worksheet(sheet_report.sheet[:31])
            mirror.freeze_panes(sheet.header_row, 0)
            offset = sheet.first_column
            width = len(sheet.header)
            notes_column = offset + width
            rows = [(sheet.header_row, sheet.header)]
            for number, values in _chain(rows, sheet.rows):
                is_header = number == sheet.header_row
                for index, value in enumerate(values):
                    column = offset + index
                    value = _cell_value(value)
                    problems = by_cell.get((number, column))
                    cell_format = (
                        fills[any(p.is_error for p in problems)]
                        if problems
                        else (bold if is_header else None)
                    )
                    if value == "" or value is None:
                        if cell_format is not None:
                            mirror.write_blank(number - 1, column, None, cell_format)
                    elif isinstance(value, str):
                        mirror.write_string(number - 1, column, value, cell_format)
                    elif isinstance(value, bool):
                        mirror.write_boolean(number - 1, column, value, cell_format)
                    else:
                        mirror.write_number(number - 1, column, value, cell_format)
                    if problems:
                        text = "\n".join(f"{p.severity.value}: {p.message}" for p in problems)
                        mirror.write_comment(
                            number - 1, column, text[:_COMMENT_LIMIT], {"x_scale": 3, "y_scale": 2}
                        )
                if is_header:
                    mirror.write_string(number - 1, notes_column, "Problems", bold)
                elif number in by_row:
                    mirror.write_string(
                        number - 1,
                        notes_column,
                        "; ".join(f"{p.cell or 'row'}: {p.message}" for p in by_row[number])[
                            :_COMMENT_LIMIT
                        ],
                    )
            mirror.set_column(offset, notes_column - 1, 18)
            mirror.set_column(notes_column, notes_column, 80)
    finally:
        workbook.close()
    book.close()


def _chain(first: list[tuple[int, list[Any]]], rest: Any) -> Any:
    yield from first
    yield from rest
