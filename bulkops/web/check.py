"""An upload checked: the same reader, guards and validation as `bulkops validate`, with
what the page shows written beside the file (its problems, its rows page by page)."""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from bulkops.errors import BulkopsError
from bulkops.io.a1 import column_index
from bulkops.io.tables import Sheet, open_workbook
from bulkops.model.problems import CODES, Problem
from bulkops.model.schema import Resource
from bulkops.sheets import select_sheets
from bulkops.validation.cells import is_blank, to_text
from bulkops.validation.columns import HEADER_SEARCH_ROWS, locate_header
from bulkops.validation.recipients import beside
from bulkops.validation.workbook import check_workbook, collector_paused
from bulkops.web.store import GridWriter, Upload

__all__ = ["SIDE_FILES", "check_upload"]

#: the problems of a file the workbook names and its folder lacks (an audio file, a
#: recipients list): the page asks for those files
SIDE_FILES = frozenset({"local-file", "recipients-file"})


class _Teeing:
    """The workbook's reader, as validation reads it: each sheet's rows also go to the
    grid on the way (one read of the file, not two)."""

    def __init__(self, reader: Any, place: Path, numbers: dict[str, int]) -> None:
        self.reader = reader
        self.place = place
        self.numbers = numbers
        self.read: dict[str, tuple[GridWriter, Sheet, list[tuple[int, list[Any]]]]] = {}

    def sheet(self, name: str) -> Sheet:
        sheet: Sheet = self.reader.sheet(name)
        if name not in self.numbers:
            return sheet
        writer = GridWriter(self.place, self.numbers[name])
        first: list[tuple[int, list[Any]]] = []
        self.read[name] = (writer, sheet, first)
        return replace(sheet, rows=self._rows(sheet, writer, first))

    @staticmethod
    def _rows(
        sheet: Sheet, writer: GridWriter, first: list[tuple[int, list[Any]]]
    ) -> Iterator[tuple[int, list[Any]]]:
        rows, add = iter(sheet.rows), writer.add
        for row, values in rows:  # the rows the header is looked for in, kept
            add(row, values)
            first.append((row, values))
            yield row, values
            if len(first) == HEADER_SEARCH_ROWS:
                break
        for row, values in rows:
            add(row, values)
            yield row, values

    def close(self) -> None:
        close = getattr(self.reader, "close", None)
        if close is not None:
            close()


def check_upload(place: Path, path: Path, upload_id: str, name: str) -> Upload:
    """Check the file at `path` (in its upload folder `place`); the upload it makes. A file
    bulkops cannot read ends `refused`, saying why, and nothing of it is kept. The rows go
    to the grid as validation reads them."""
    data = path.read_bytes()
    upload = Upload(upload_id, name, len(data), hashlib.sha256(data).hexdigest(), time.time())
    del data
    try:
        workbook = open_workbook(path)
    except BulkopsError as refused:
        upload.refused = _plain(str(refused), path, name)
        return upload
    try:
        try:
            sheets = select_sheets(workbook)
        except BulkopsError as refused:
            upload.refused = _plain(str(refused), path, name)
            return upload
        numbers = {sheet: number for number, (sheet, _) in enumerate(sheets)}
        teeing = _Teeing(workbook._reader, place, numbers)
        with beside(path):
            checked = check_workbook(path, replace(workbook, _reader=teeing), sheets)
        report = checked.report
        upload.deletes, upload.irreversible = checked.deletes, checked.irreversible
        chosen = {sheet for sheet, _ in sheets}
        upload.ignored = [s for s in workbook.sheet_names if s not in chosen]

        folder = f"{place}{os.sep}"

        def said(message: str) -> str:  # the server's folders are nobody's business
            return message.replace(folder, "") if folder in message else message

        groups = Counter((p.code, p.column or "") for p in report.problems)
        severity = {code: CODES[code][0].value for code, _ in groups}
        upload.groups = sorted(
            ([code, column, severity[code], count] for (code, column), count in groups.items()),
            key=lambda g: (g[2] != "error", -g[3], g[0]),
        )
        upload.missing = list(dict.fromkeys(
            str(p.value) for p in report.problems if p.code in SIDE_FILES and p.value))  # fmt: skip
        with collector_paused():  # (as validation: many small objects, no cycles)
            upload.problem_rows = _grids(upload, sheets, teeing, report.problems, said)
        upload.rows = report.rows
        upload.errors = sum(g[3] for g in upload.groups if g[2] == "error")
        upload.warnings = sum(g[3] for g in upload.groups if g[2] != "error")
        upload.invalid_rows = report.invalid_rows
        return upload
    finally:
        workbook.close()


def _grids(
    upload: Upload,
    sheets: list[tuple[str, Resource]],
    teeing: _Teeing,
    problems: list[Problem],
    said: Callable[[str], str],
) -> int:
    """Each sheet's grid closed: its located header, and its rows' problems. The rows
    with a problem."""
    by_sheet: dict[str, list[Problem]] = {}
    for problem in problems:
        by_sheet.setdefault(problem.sheet, []).append(problem)
    marked = 0
    for sheet_name, resource in sheets:
        writer, sheet, first = teeing.read[sheet_name]
        located, _ = locate_header(resource, replace(sheet, rows=iter(first)))
        header = [to_text(h) if not is_blank(h) else "" for h in located.header]
        marks = _marks(by_sheet.get(sheet_name, []), header, sheet.first_column, said)
        rows = writer.close(header, sheet.first_column, located.header_row, marks)
        upload.sheets.append((sheet_name, resource.name, rows))
        marked += len(marks)
    return marked


def _marks(
    problems: list[Problem], header: list[str], first: int, said: Callable[[str], str]
) -> dict[int, Any]:
    """Each row's problems, compactly: [column index (-1: the row's), code, message,
    the column when not on a cell] (`bulkops.web.store.read_page` lays them out on the row's
    cells; only the messages about files can hold the server's folders)."""
    found: dict[int, list[Any]] = {}
    index_of: dict[str, int] = {}
    width = len(header)
    labels = [h.rstrip(" *") for h in header]
    for problem in problems:
        if problem.row is None:
            continue
        cell = problem.cell or ""
        letters = cell.rstrip("0123456789")
        index = index_of.get(letters)
        if index is None:
            index = column_index(letters) - first if letters else -1
            index_of[letters] = index = index if 0 <= index < width else -1
        code = problem.code
        message = said(problem.message) if code in SIDE_FILES else problem.message
        column = problem.column or ""
        if index >= 0 and labels[index] == column:  # (the header names it: kept once)
            entry = [index, code, message]
        else:
            entry = [index, code, message, column]
        marks = found.get(problem.row)
        if marks is None:
            found[problem.row] = [entry]
        else:
            marks.append(entry)
    return found


def _plain(message: str, path: Path, name: str) -> str:
    """A refusal as the person knows the file: by the name they gave it."""
    return message.replace(str(path), name).replace(path.name, name)
