"""Validation: every problem in a spreadsheet, located, before anything is sent.

`validate_sheet` streams a sheet's rows through header matching and row validation; each
`RowRecord` is handed to the caller as soon as it is made (rows are not kept), so a run can
plan and execute while it validates, and 100k-row files stay within memory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bulkops.config import MAX_COLUMNS, MAX_ROWS
from bulkops.errors import InputError
from bulkops.io.tables import Sheet
from bulkops.model.problems import CODES, Problem, Severity, column_letter
from bulkops.model.record import RowRecord
from bulkops.model.schema import Resource
from bulkops.validation.columns import HeaderMap, locate_header, match_header
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
            if self.validator.rows > MAX_ROWS:
                raise InputError(
                    f"sheet '{self.sheet.name}' has more than {MAX_ROWS:,} data rows: "
                    "split it into several files"
                )
            report.actions[record.action or "invalid"] += 1
            if record.problems:
                row_problems.extend(record.problems)
            if not record.valid or (record.action and blocked(record)):
                report.invalid_rows += 1
            yield record
        report.rows = self.validator.rows
        report.problems = [*self.header.problems, *row_problems, *self.validator.finish()]


def validate_sheet(
    resource: Resource,
    sheet: Sheet,
    *,
    include_hidden: bool = False,
    allow_unknown: bool = False,
) -> SheetValidation:
    """Validate `sheet` as `resource`. Rows nobody can see (a hidden sheet, hidden rows,
    merged cells) are errors unless `include_hidden` says to use them (one warning then).
    A header that looks like a misspelt column blocks every row, unless `allow_unknown`
    says to ignore it (a warning then)."""
    if len(sheet.header) > MAX_COLUMNS:
        raise InputError(
            f"sheet '{sheet.name}' has {len(sheet.header):,} columns (at most "
            f"{MAX_COLUMNS:,} are read): delete the columns that are not data"
        )
    sheet, skipped = locate_header(resource, sheet)
    header = match_header(resource, sheet.name, sheet.header, sheet.header_row, sheet.first_column)
    header.problems[:0] = skipped
    header.problems += _unseen(sheet, include_hidden)
    if allow_unknown:
        header.problems = [_ignored(p) for p in header.problems]
    validator = RowValidator(resource, header, sheet.unvalued_formulas, sheet.first_column)
    validator.misspelt = any(p.code == "misspelt-column" for p in header.problems)
    if not include_hidden:
        validator.hidden_rows = sheet.hidden_rows
        validator.sheet_hidden = sheet.hidden
        for (top, left), (bottom, right) in sheet.merged:
            first = f"{column_letter(left)}{top}"
            for row in range(max(top, sheet.header_row + 1), bottom + 1):
                validator.merged[row] = (first, f"{first}:{column_letter(right)}{bottom}")
    return SheetValidation(
        resource, sheet, header, validator, SheetReport(sheet.name, resource.name)
    )


def _ignored(problem: Problem) -> Problem:
    """A misspelt header, ignored as asked (--allow-unknown-columns): a warning."""
    if problem.code != "misspelt-column":
        return problem
    message = problem.message.split("? Rename", 1)[0] + "? It is ignored (--allow-unknown-columns)"
    return dataclasses.replace(problem, code="unknown-column", message=message)


def _unseen(sheet: Sheet, include: bool) -> list[Problem]:
    merged = [(a, b) for a, b in sheet.merged if b[0] >= sheet.header_row]
    hidden_rows = [r for r in sheet.hidden_rows if r > sheet.header_row]
    if include:
        if sheet.hidden or merged or hidden_rows:
            return [
                Problem(
                    "hidden-included",
                    "hidden or merged content is used as asked "
                    "(--include-hidden): check it before sending",
                    sheet.name,
                )
            ]
        return []
    found = []
    if sheet.hidden:
        found.append(
            Problem(
                "hidden-sheet",
                f"sheet '{sheet.name}' is hidden in Excel: its rows would be sent though nobody "
                "sees them; unhide it (right-click a sheet tab > Unhide) or pass --include-hidden",
                sheet.name,
            )
        )
    for (top, left), (bottom, right) in merged:
        if top > sheet.header_row:
            continue  # merged data cells are reported on their rows
        first = f"{column_letter(left)}{top}"
        span = f"{first}:{column_letter(right)}{bottom}"
        found.append(
            Problem(
                "merged-cells",
                f"cells {span} are merged across the header: unmerge them (Home > Merge & "
                "Center) so each column has its own header and cells",
                sheet.name,
                top,
                None,
                first,
            )
        )
    return found


def drain(validation: SheetValidation, each: Callable[[RowRecord], None] | None = None) -> None:
    """Validate every row (calling `each` on each record) and complete the report."""
    for record in validation.records():
        if each is not None:
            each(record)
