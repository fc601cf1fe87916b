"""An upload checked: the same reader, guards and validation as `bulkops validate`, with
what the page shows written beside the file (its problems, its rows page by page)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any

from bulkops.errors import BulkopsError
from bulkops.io.a1 import column_index
from bulkops.io.tables import open_workbook
from bulkops.sheets import select_sheets
from bulkops.validation.cells import is_blank, to_text
from bulkops.validation.recipients import beside
from bulkops.validation.workbook import check_workbook
from bulkops.web.store import GridWriter, Upload

__all__ = ["SIDE_FILES", "check_upload", "missing_files", "problems_of"]

#: the problems of a file the workbook names and its folder lacks (an audio file, a
#: recipients list): the page asks for those files
SIDE_FILES = frozenset({"local-file", "recipients-file"})

_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def check_upload(place: Path, path: Path, upload_id: str, name: str) -> Upload:
    """Check the file at `path` (in its upload folder `place`); the upload it makes. A file
    bulkops cannot read ends `refused`, saying why, and nothing of it is kept."""
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
        with beside(path):
            checked = check_workbook(path, workbook, sheets)
        report = checked.report
        upload.deletes, upload.irreversible = checked.deletes, checked.irreversible
        chosen = {sheet for sheet, _ in sheets}
        upload.ignored = [s for s in workbook.sheet_names if s not in chosen]

        def said(message: str) -> str:  # the server's folders are nobody's business
            return message.replace(f"{place}{os.sep}", "")

        problems = [
            {"sheet": p.sheet, "row": p.row, "column": p.column, "cell": p.cell,
             "severity": p.severity.value, "code": p.code, "message": said(p.message),
             "value": p.value}
            for p in report.problems
        ]  # fmt: skip
        (place / "problems.json").write_text(json.dumps(problems, ensure_ascii=False))
        by_cell: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for p in report.problems:
            if p.row is not None:
                by_cell.setdefault((p.sheet, p.row), []).append(
                    {
                        "cell": p.cell,
                        "severity": p.severity.value,
                        "message": said(p.message),
                        "code": p.code,
                        "column": p.column,
                    }
                )
        for number, (sheet_name, resource) in enumerate(sheets):
            rows = _grid(place, number, workbook.sheet(sheet_name), sheet_name, by_cell)
            upload.sheets.append((sheet_name, resource.name, rows))
        upload.rows = report.rows
        upload.errors, upload.warnings = report.errors, report.warnings
        upload.invalid_rows = report.invalid_rows
        upload.problem_rows = len(by_cell)
        return upload
    finally:
        workbook.close()


def _grid(
    place: Path,
    number: int,
    sheet: Any,
    name: str,
    by_cell: dict[tuple[str, int], list[dict[str, Any]]],
) -> int:
    """The sheet's rows for the grid, each cell's problem beside it; its data rows."""
    header = [to_text(h) if not is_blank(h) else "" for h in sheet.header]
    writer = GridWriter(place, number)
    try:
        for row, values in sheet.rows:
            if all(is_blank(v) for v in values):
                continue
            cells = [to_text(v) if not is_blank(v) else "" for v in values[: len(header)]]
            cells += [""] * (len(header) - len(cells))
            marks: list[Any] = [None] * len(header)
            loose = []
            for problem in by_cell.get((name, row), ()):
                found = _CELL.match(problem["cell"] or "")
                index = column_index(found.group(1)) - sheet.first_column if found else -1
                mark = [problem["severity"], problem["message"], problem["code"],
                        problem["column"] or ""]  # fmt: skip
                if 0 <= index < len(marks) and marks[index] is None:
                    marks[index] = mark
                else:
                    loose.append(mark)
            writer.add(row, cells, [marks, loose])
    finally:
        writer.close(header, sheet.first_column)
    return writer.count


def missing_files(place: Path) -> list[str]:
    """The files the workbook names that its folder lacks (as the cells name them)."""
    names = [p["value"] for p in problems_of(place) if p["code"] in SIDE_FILES and p["value"]]
    return list(dict.fromkeys(str(n) for n in names))


def problems_of(place: Path) -> list[dict[str, Any]]:
    path = place / "problems.json"
    found: list[dict[str, Any]] = json.loads(path.read_text()) if path.exists() else []
    return found


def _plain(message: str, path: Path, name: str) -> str:
    """A refusal as the person knows the file: by the name they gave it."""
    return message.replace(str(path), name).replace(path.name, name)
