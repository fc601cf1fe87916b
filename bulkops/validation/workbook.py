"""A whole workbook validated in one pass, before anything is sent: every resource sheet's
rows and header, then the references between them. `bulkops validate` reports it; a run
does it first, so a problem in row 90,000 is known before row 1 is sent, and carries the
reference problems over to the rows it then sends (they are not sent, with the same
message `validate` gives)."""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulkops.io.tables import Workbook
from bulkops.model.problems import Problem, shown
from bulkops.model.record import RowRecord
from bulkops.model.refs import Named
from bulkops.model.schema import Column, Finder, Resource
from bulkops.validation import Report, validate_sheet
from bulkops.validation.crossfield import Locator
from bulkops.validation.references import ReferenceCheck

__all__ = ["Clashes", "WorkbookCheck", "check_workbook", "collector_paused"]


@dataclass
class WorkbookCheck:
    """What the validation pass found: the report, the figures a run is gated on, and the
    problems that only the whole workbook shows (references), by row."""

    report: Report
    #: data rows of each sheet, in sheet order (rows a stopped run never reached)
    rows: dict[str, array[int]] = field(default_factory=dict)
    #: valid rows that delete, and that do what cannot be undone
    deletes: int = 0
    irreversible: int = 0
    #: (sheet, row) -> the problems found across sheets, to add to the row's own
    across: dict[tuple[str, int], list[Problem]] = field(default_factory=dict)
    #: the kinds of object rows name by text (a group's name path), by finder kind
    named: dict[str, Finder] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(numbers) for numbers in self.rows.values())

    def carry(self, record: RowRecord) -> RowRecord:
        """The record with the workbook-wide problems of its row added."""
        found = self.across.get((record.sheet, record.row))
        if found:
            record.problems.extend(found)
        return record


@contextmanager
def collector_paused() -> Iterator[None]:
    """Validation makes many short-lived objects; the cyclic GC walking them costs 2-3x
    (perf-notes.md). Nothing here makes reference cycles worth collecting mid-batch."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_workbook(
    path: Path,
    workbook: Workbook,
    sheets: list[tuple[str, Resource]],
    *,
    include_hidden: bool = False,
    allow_unknown: bool = False,
) -> WorkbookCheck:
    """Validate every sheet of `sheets` (in the order given), then the references."""
    checked = WorkbookCheck(Report(path=path, sheets=[]))
    references = ReferenceCheck(sheets)
    clashes = Clashes()
    with collector_paused():
        for name, chosen in sheets:
            validation = validate_sheet(chosen, workbook.sheet(name), include_hidden=include_hidden,
                                        allow_unknown=allow_unknown)  # fmt: skip
            numbers = checked.rows[name] = array("i")
            naming = [c for c in chosen.columns if c.finder is not None]
            for record in validation.records():
                numbers.append(record.row)
                for column in naming:
                    if isinstance(record.values.get(column), Named):
                        assert column.finder is not None
                        checked.named.setdefault(column.finder.kind, column.finder)
                references.add(chosen, record, validation.validator)
                clashes.add(chosen, record, validation.validator.locate)
                if record.valid and not validation.validator.blocked(record):
                    checked.deletes += record.action == "delete"
                    checked.irreversible += chosen.is_irreversible(record.action, record.values)
            checked.report.sheets.append(validation.report)
    by_sheet = {report.sheet: report for report in checked.report.sheets}
    for problem in [*references.problems(), *clashes.problems]:
        sheet_report = by_sheet[problem.sheet]
        assert problem.row is not None
        place = (problem.sheet, problem.row)
        if place not in checked.across and not any(
            p.row == problem.row and p.is_error for p in sheet_report.problems
        ):
            sheet_report.invalid_rows += 1
        sheet_report.problems.append(problem)
        checked.across.setdefault(place, []).append(problem)
    return checked


class Clashes:
    """What the account would refuse between rows of the workbook: one object in two
    sheets (by id or by name), or one value that only one object may hold (a tracking
    number) given by two rows, in one sheet or two."""

    def __init__(self) -> None:
        self._owners: dict[tuple[Any, ...], tuple[str, int]] = {}
        self.problems: list[Problem] = []
        self._locate: Locator | None = None

    def add(self, resource: Resource, record: RowRecord, locate: Locator) -> None:
        if record.action in ("", "skip") or not record.valid:
            return
        self._locate = locate
        if record.resource_id is not None:
            self._once(resource, record, ("id", str(record.resource_id)), resource.id_column,
                       record.resource_id, across_only=True)  # fmt: skip
        elif record.key is not None:
            column = resource.by_path[resource.key_paths[0]]
            self._once(resource, record, ("key", record.key), column,
                       record.values.get(column), across_only=True)  # fmt: skip
        if record.action in ("delete", "release"):
            return
        for path in resource.unique_values:
            column = resource.by_path[path]
            value = record.values.get(column)
            if isinstance(value, str | int) and value != "":
                self._once(resource, record, ("value", path, str(value)), column, value)

    def _once(self, resource: Resource, record: RowRecord, what: tuple[Any, ...],
              column: Column, value: Any, across_only: bool = False) -> None:  # fmt: skip
        assert self._locate is not None
        sheet, row = self._owners.setdefault((resource.name, *what), (record.sheet, record.row))
        if (sheet, row) == (record.sheet, record.row) or (across_only and sheet == record.sheet):
            return  # the first row to give it; or a clash in one sheet, which it reports
        where = f"row {row}" if sheet == record.sheet else f"sheet '{sheet}' row {row}"
        if what[0] == "value":
            message = (f"{where} already gives {column.label} {shown(value)}: one "
                       f"{resource.name[:-1]} only may have it; keep it on one row")  # fmt: skip
            code = "duplicate-value"
        else:
            message = (f"{where} already acts on this {resource.name[:-1]} ({column.label} "
                       f"{shown(value)}): keep one row per object")  # fmt: skip
            code = "duplicate-id" if what[0] == "id" else "duplicate-key"
        self.problems.append(self._locate(code, message, record.row, column, value))
