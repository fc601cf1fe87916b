"""Writing workbooks safely and fast: xlsxwriter in constant-memory mode (rows in order,
flat memory), written to a temporary file and renamed, nothing ever a formula or a link.
Shared by the validation report and the results workbook."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter

from bulkops.io.tables import Sheet
from bulkops.model.problems import Problem, column_index, shown

__all__ = [
    "COMMENT_LIMIT",
    "Formats",
    "Mark",
    "atomic",
    "marks_from",
    "mirror",
    "new_book",
    "problems_sheet",
    "text_of",
    "write_cell",
]

COMMENT_LIMIT = 2000  # Excel shows at most ~32k characters; long notes are unreadable anyway
_PROBLEM_COLUMNS = ("Severity", "Code", "Sheet", "Row", "Column", "Cell", "Value", "Message")
_WIDTHS = (9, 24, 12, 6, 22, 7, 24, 100)
_STATUS_COLOURS = {
    "succeeded": "#C6EFCE",
    "unchanged": "#DDEBF7",
    "planned": "#DDEBF7",
    "skipped": "#EDEDED",
    "invalid": "#F8CBAD",
    "failed": "#F8CBAD",
    "unknown": "#F4B183",
    "not_attempted": "#FFE699",
    "drifted": "#F4B183",
}


def new_book(path: Path) -> Any:
    return xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def atomic(out: Path, write: Callable[[Path], None]) -> Path:
    """Run `write(temp)` and rename the temp file to `out` only when it succeeded."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(suffix=".xlsx", prefix=".bulkops-", dir=out.parent)
    os.close(handle)
    try:
        write(Path(temp))
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return out


@dataclass
class Formats:
    header: Any
    error: Any
    warning: Any
    link: Any
    status: dict[str, Any]

    @classmethod
    def of(cls, book: Any) -> Formats:
        return cls(
            header=book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1}),
            error=book.add_format({"bg_color": "#F8CBAD", "border": 1, "border_color": "#C00000"}),
            warning=book.add_format(
                {"bg_color": "#FFE699", "border": 1, "border_color": "#BF8F00"}
            ),
            link=book.add_format({"font_color": "blue", "underline": 1}),
            status={k: book.add_format({"bg_color": v}) for k, v in _STATUS_COLOURS.items()},
        )


def text_of(value: Any) -> Any:
    """A cell value as bulkops writes it: dates as ISO text, everything else as it was."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return value


def write_cell(sheet: Any, row: int, column: int, value: Any, cell_format: Any = None) -> None:
    """Write one value by its type, never as a formula, URL or number parsed from text."""
    value = text_of(value)
    if value == "" or value is None:
        if cell_format is not None:
            sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, str):
        sheet.write_string(row, column, value, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, cell_format)
    else:
        sheet.write_string(row, column, str(value), cell_format)


#: the links Excel keeps in one sheet (xlsxwriter drops more, with a warning each)
MAX_LINKS = 65_530


def problems_sheet(book: Any, formats: Formats, problems: Iterable[Problem]) -> None:
    """A `Problems` sheet: one line a problem, with a link to its cell."""
    sheet = book.add_worksheet("Problems")
    sheet.freeze_panes(1, 0)
    for index, (title, width) in enumerate(zip(_PROBLEM_COLUMNS, _WIDTHS, strict=True)):
        sheet.write_string(0, index, title, formats.header)
        sheet.set_column(index, index, width)
    line = 0
    for line, problem in enumerate(problems, start=1):
        severity = formats.error if problem.is_error else formats.warning
        sheet.write_string(line, 0, problem.severity.value, severity)
        sheet.write_string(line, 1, problem.code)
        sheet.write_string(line, 2, problem.sheet)
        if problem.row is not None:
            sheet.write_number(line, 3, problem.row)
        sheet.write_string(line, 4, problem.column or "")
        if problem.cell and line <= MAX_LINKS:
            target = f"internal:'{problem.sheet[:31]}'!{problem.cell}"
            sheet.write_url(line, 5, target, formats.link, problem.cell)
        elif problem.cell:  # (Excel keeps no more links in a sheet: the cell, as text)
            sheet.write_string(line, 5, problem.cell)
        sheet.write_string(line, 6, problem.value or "")
        sheet.write_string(line, 7, problem.message)
    if line:
        sheet.autofilter(0, 0, line, len(_PROBLEM_COLUMNS) - 1)


#: (is an error, note text) for one cell
Mark = tuple[bool, str]


def marks_from(problems: Iterable[Problem]) -> dict[tuple[int, int], Mark]:
    """(row, 0-based column) -> mark, from the problems that name a cell."""
    marks: dict[tuple[int, int], Mark] = {}
    for problem in problems:
        if problem.row is None or not problem.cell:
            continue
        key = (problem.row, column_index(problem.cell.rstrip("0123456789")))
        error, text = marks.get(key, (False, ""))
        note = f"{problem.severity.value}: {problem.message}"
        marks[key] = (error or problem.is_error, f"{text}\n{note}" if text else note)
    return marks


def _rows(sheet: Sheet) -> Iterator[tuple[int, list[Any]]]:
    yield sheet.header_row, sheet.header
    yield from sheet.rows


def mirror(
    book: Any,
    formats: Formats,
    sheet: Sheet,
    marks: dict[tuple[int, int], Mark],
    extra_header: list[str],
    extra: Callable[[int], list[tuple[Any, Any]] | None],
) -> None:
    """The input sheet cell for cell at the same addresses, its values as text (as the
    user sees them: 4045550100, not 4.05E+09), marked cells filled with a note, then
    `extra_header` columns filled from `extra(row)` -> [(value, format)]."""
    out = book.add_worksheet(sheet.name[:31])
    offset = sheet.first_column
    tail = offset + len(sheet.header)
    # the header and the first column (the Action, in a template) stay in view
    out.freeze_panes(sheet.header_row, offset + 1)
    last = sheet.header_row
    for number, values in _rows(sheet):
        last = number
        is_header = number == sheet.header_row
        for index, value in enumerate(values):
            column = offset + index
            mark = marks.get((number, column))
            cell_format = (
                (formats.error if mark[0] else formats.warning)
                if mark
                else (formats.header if is_header else None)
            )
            write_cell(out, number - 1, column, shown(text_of(value)), cell_format)
            if mark:
                out.write_comment(number - 1, column, mark[1][:COMMENT_LIMIT],
                                  {"x_scale": 3, "y_scale": 2})  # fmt: skip
        if is_header:
            for index, title in enumerate(extra_header):
                out.write_string(number - 1, tail + index, title, formats.header)
            continue
        for index, (value, cell_format) in enumerate(extra(number) or []):
            write_cell(out, number - 1, tail + index, value, cell_format)
    out.set_column(offset, tail - 1, 18)
    out.set_column(tail, tail + len(extra_header) - 1, 16)
    out.autofilter(sheet.header_row - 1, offset, last - 1, tail + len(extra_header) - 1)
