"""bulkops for notebooks: the same work as the command line, with pandas DataFrames in and
out. Each function writes what it is given to a workbook and hands it to the function the
CLI calls (`bulkops.actions`), then reads what that wrote back into frames: there is no
second implementation to drift from the first. pandas is imported by this module only
(`import bulkops` does not load it; the CLI never does).

>>> import bulkops
>>> routes = bulkops.export_frame("routes", sandbox=True)      # the account's routes
>>> routes.loc[routes["Route ID"] == 12001, "Ring To Number"] = "4045550111"
>>> bulkops.validate_frame(routes, "routes")                     # problems, one per row
>>> results = bulkops.run_frames(routes, sandbox=True, dry_run=True)
>>> results[["Route ID", "Result: Status", "Result: Changes"]]
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from bulkops import actions
from bulkops.errors import UsageError
from bulkops.io.tables import open_workbook
from bulkops.labels import is_own_column
from bulkops.output.fastxlsx import FastBook
from bulkops.resources import get_resource

__all__ = ["PROBLEM_COLUMNS", "export_frame", "read_workbook", "run_frames", "validate_frame"]

#: the columns of `validate_frame`'s answer (as the report workbook's Problems sheet)
PROBLEM_COLUMNS = ("sheet", "row", "column", "cell", "severity", "code", "message", "value")


def read_workbook(path: str | Path, *, encoding: str | None = None) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook (a CSV: its one sheet) as bulkops reads it: a frame per
    sheet, its header row as the columns, the Excel row number as the index (`row`).
    Values are as read, not yet typed (a whole number as an int, phone numbers as the
    sheet has them).

    >>> frames = bulkops.read_workbook("samples/routes.xlsx")
    >>> frames["Routes"].loc[7, "Ring To Number"]
    '4045550123'
    """
    workbook = open_workbook(Path(path), encoding=encoding)
    try:
        frames = {}
        for name in workbook.sheet_names:
            sheet = workbook.sheet(name)
            header = _unique([str(h) if h is not None else "" for h in sheet.header])
            numbers, rows = [], []
            for number, values in sheet.rows:
                numbers.append(number)
                rows.append([_read(v) for v in (values + [None] * len(header))[: len(header)]])
            frame = pd.DataFrame(rows, columns=header, index=pd.Index(numbers, name="row"))
            frames[name] = frame
        return frames
    finally:
        workbook.close()


def validate_frame(frame: pd.DataFrame, resource: str) -> pd.DataFrame:
    """Every problem of `frame` read as a sheet of `resource` (its columns named as the
    template's), one row per problem: sheet, row (the frame's index label of that row),
    column, cell, severity, code, message, value. Empty: the frame is valid.

    >>> problems = bulkops.validate_frame(routes, "routes")
    >>> problems.groupby("code").size()
    """
    chosen = get_resource(resource)
    with tempfile.TemporaryDirectory(prefix="bulkops-") as folder:
        path = Path(folder) / "frame.xlsx"
        labels = _write(path, {chosen.sheet: frame})
        report = actions.validate(path, resource=chosen.name, write_report=False)
    rows = [
        (p.sheet, labels[p.sheet].get(p.row, p.row) if p.row is not None else None, p.column,
         p.cell, p.severity.value, p.code, p.message, p.value)
        for p in report.problems
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))


def export_frame(
    resource: str,
    *,
    group: str | None = None,
    sandbox: bool = False,
    settings: Any = None,
    wiring: Any = None,
) -> pd.DataFrame:
    """The account's objects of `resource` as `bulkops export` writes them (update rows in
    template form, references as names), one row each. `sandbox=True`: the in-process demo
    account; else the account the environment (or `bulkops login`) names.

    >>> bulkops.export_frame("groups", sandbox=True)[["Group ID", "Group Name *"]].head(3)
    """
    chosen = get_resource(resource)
    with tempfile.TemporaryDirectory(prefix="bulkops-") as folder:
        path = Path(folder) / "export.xlsx"
        actions.export([chosen.name], path, group=group, sandbox=sandbox, settings=settings,
                       wiring=wiring)  # fmt: skip
        return read_workbook(path)[chosen.sheet]


def run_frames(
    frames: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    resource: str | None = None,
    sandbox: bool = False,
    dry_run: bool = False,
    yes: bool = False,
    folder: str | Path | None = None,
    settings: Any = None,
    wiring: Any = None,
) -> pd.DataFrame:
    """Run frames as `bulkops run` runs a workbook: one frame (a sheet of `resource`, or of
    the resource its columns say), or a sheet name -> frame mapping (a whole account, in
    dependency order). Returns the results as the results workbook has them: every column
    given, then `Result: Status`, `Result: HTTP Status`, `Result: Request ID`, `Result:
    Resource ID`, `Result: Message` … (several sheets: one frame, a `Sheet` column first).
    The workbook, its results and its journal are kept in `folder` when given (so a run
    can be resumed or undone from the command line), else in a temporary folder.

    >>> results = bulkops.run_frames(routes, sandbox=True)
    >>> results["Result: Status"].value_counts()
    """
    if isinstance(frames, pd.DataFrame):
        if resource is None:
            raise UsageError("run_frames of one frame: say which resource it is (resource=)")
        sheets: dict[str, pd.DataFrame] = {get_resource(resource).sheet: frames}
    else:
        sheets = dict(frames)
    with tempfile.TemporaryDirectory(prefix="bulkops-") as scratch:
        where = Path(folder) if folder is not None else Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        path = where / "frames.xlsx"
        labels = _write(path, sheets)
        result = actions.run(path, sandbox=sandbox, dry_run=dry_run, yes=yes, settings=settings,
                             wiring=wiring, resource=resource)  # fmt: skip
        assert result.results_path is not None
        read = read_workbook(result.results_path)
    found = []
    for name, given in sheets.items():  # the frame as given, and the results' columns
        written = read[name]
        written.index = pd.Index([labels[name].get(int(n), n) for n in written.index])
        frame = given.copy()
        for column in written.columns:
            if is_own_column(str(column)):
                frame[column] = written[column].reindex(frame.index)
        found.append(frame)
    if len(found) == 1:
        return found[0]
    return pd.concat(found, keys=list(sheets), names=["Sheet", "row"]).reset_index(level=0)


def _write(path: Path, sheets: Mapping[str, pd.DataFrame]) -> dict[str, dict[int, Any]]:
    """Frames as a workbook's sheets; per sheet, Excel row -> the frame's index label."""
    labels: dict[str, dict[int, Any]] = {}
    with FastBook(path) as book:
        for name, frame in sheets.items():
            columns = [str(c) for c in frame.columns]
            sheet = book.sheet(name, max(1, len(columns)))
            sheet.row(columns, header=True)
            labels[name] = {}
            for number, (label, values) in enumerate(
                zip(frame.index, frame.itertuples(index=False, name=None), strict=True), start=2
            ):
                labels[name][number] = label
                sheet.row([_plain(v) for v in values])
            book.end_sheet()
    return labels


def _read(value: Any) -> Any:
    """A cell as read (Excel keeps every number as a float): 12001.0 -> 12001."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _plain(value: Any) -> Any:
    """A frame's value as a cell holds it: numpy scalars as Python's, NaN/NA as blank."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def _unique(names: list[str]) -> list[str]:
    """Header names, each once (a repeated one gets ' (2)', …), as a frame needs them."""
    seen: dict[str, int] = {}
    found = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        found.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return found
