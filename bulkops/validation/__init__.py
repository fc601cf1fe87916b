"""Validation: every problem in a spreadsheet, located, before anything is sent.

`validate_sheet` streams a sheet's rows through header matching and row validation; each
`RowRecord` is handed to the caller as soon as it is made (rows are not kept), so a run can
plan and execute while it validates, and 100k-row files stay within memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bulkops.io.tables import Sheet
from bulkops.resources.schema import Resource
from bulkops.validation.columns import HeaderMap, locate_header, match_header
from bulkops.validation.problems import CODES, Problem, Severity
from bulkops.validation.record import RowRecord
from bulkops.validation.report import Report, SheetReport
from bulkops.validation.rows import RowValidator

__all__ = [
    "CODES",
    "Problem",
    "Report",
    "RowRecord",
    "Severity",
    "SheetReport",
    "SheetValidation",
    "drain",
    "validate_sheet",
]


@dataclass
class SheetValidation:
    """A sheet being validated: iterate `records()`, then read `report`."""

    resource: Resource
    sheet: Sheet
    header: HeaderMap
    validator: RowValidator
    report: SheetReport

    def records(self) -> Iterator[RowRecord]:
        """Every non-blank data row's record, in sheet order; the report fills as it goes."""
        report = self.report
        validate = self.validator.validate
        blocked = self.validator.blocked
        row_problems: list[Problem] = []
        for number, values in self.sheet.rows:
            record = validate(number, values)
            if record is None:
                continue
            report.actions[record.action or "invalid"] += 1
            if record.problems:
                row_problems.extend(record.problems)
            if not record.valid or (record.action and blocked(record)):
                report.invalid_rows += 1
            yield record
        report.rows = self.validator.rows
        report.problems = [*self.header.problems, *row_problems, *self.validator.finish()]


def validate_sheet(resource: Resource, sheet: Sheet) -> SheetValidation:
    sheet, skipped = locate_header(resource, sheet)
    header = match_header(resource, sheet.name, sheet.header, sheet.header_row, sheet.first_column)
    header.problems[:0] = skipped
    validator = RowValidator(resource, header, sheet.unvalued_formulas, sheet.first_column)
    return SheetValidation(
        resource, sheet, header, validator, SheetReport(sheet.name, resource.name)
    )


def drain(validation: SheetValidation, each: Callable[[RowRecord], None] | None = None) -> None:
    """Validate every row (calling `each` on each record) and complete the report."""
    for record in validation.records():
        if each is not None:
            each(record)
