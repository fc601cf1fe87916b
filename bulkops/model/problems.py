"""Validation problems: data with stable codes, never exceptions.

Each code is documented once in `CODES` (the docs and the invalid sample are checked against
it); a `Problem` points at one place in the spreadsheet: sheet, Excel row, column, A1 cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bulkops.io.a1 import cell_ref, column_index, column_letter

__all__ = [
    "CODES",
    "Problem",
    "Severity",
    "cell_ref",
    "column_index",
    "column_letter",
    "shown",
    "unique",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


#: code -> (severity, scope, what it means). Codes are part of the user-facing contract:
#: never rename one; add new ones instead.
CODES: dict[str, tuple[Severity, str, str]] = {
    # file
    "no-data-rows": (Severity.ERROR, "file", "The sheet has a header but no data rows."),
    "duplicate-id": (Severity.ERROR, "file", "Two rows act on the same id."),
    "duplicate-value": (Severity.ERROR, "cell", "A value only one object may hold, on two rows."),
    "duplicate-key": (Severity.ERROR, "file", "Two rows would create or act on the same object."),
    "hidden-sheet": (Severity.ERROR, "file", "The sheet is hidden in Excel."),
    "hidden-included": (Severity.WARNING, "file", "Hidden or merged content used by choice."),
    # header
    "missing-column": (Severity.ERROR, "header", "A column the sheet's actions need is absent."),
    "unknown-column": (Severity.WARNING, "header", "A header matches no column; it is ignored."),
    "misspelt-column": (Severity.ERROR, "header", "A header close to a column's name: a typo?"),
    "duplicate-column": (Severity.ERROR, "header", "Two headers name the same column."),
    "blank-header": (Severity.WARNING, "header", "A column has data but no header."),
    "rows-above-header": (Severity.WARNING, "header", "Title rows above the header, ignored."),
    # cell
    "invalid-action": (Severity.ERROR, "cell", "The Action is not one this resource knows."),
    "required-value": (Severity.ERROR, "cell", "The row's action needs this cell filled."),
    "invalid-type": (Severity.ERROR, "cell", "The value is not of the column's type."),
    "invalid-choice": (Severity.ERROR, "cell", "The value is not one of the allowed values."),
    "invalid-phone": (Severity.ERROR, "cell", "The value is not a 10-digit phone number."),
    "undialable-phone": (Severity.WARNING, "cell", "10 digits, but not a dialable NANP number."),
    "out-of-range": (Severity.ERROR, "cell", "The number is outside the allowed range."),
    "too-long": (Severity.ERROR, "cell", "The text is longer than the API accepts."),
    "invalid-clear": (Severity.ERROR, "cell", "#CLEAR on a field that cannot be empty."),
    "formula-without-value": (Severity.ERROR, "cell", "A formula with no saved result."),
    "excel-error": (Severity.ERROR, "cell", "The cell holds an Excel error (#N/A, #REF! …)."),
    "merged-cells": (Severity.ERROR, "cell", "Merged cells inside the data."),
    "ignored-value": (Severity.WARNING, "cell", "The value is not used by the row's action."),
    "invalid-reference": (Severity.ERROR, "cell", "A ref: cell that is not ref:<Sheet>!<key>."),
    "invalid-email": (Severity.ERROR, "cell", "The value is not an email address."),
    "invalid-timezone": (Severity.ERROR, "cell", "Not a time zone of the IANA database."),
    "invalid-datetime": (Severity.ERROR, "cell", "Not a date and time with a time zone."),
    "past-datetime": (Severity.ERROR, "cell", "A time that must be in the future is not."),
    "recipients-file": (Severity.ERROR, "cell", "A recipients file missing, or with a bad number."),
    "local-file": (Severity.ERROR, "cell", "A file named in a cell is missing or not beside."),
    "audio-file": (Severity.ERROR, "cell", "An audio file too large, or not wav or mp3."),
    # row
    "missing-key": (Severity.ERROR, "row", "An update or delete names neither id nor name."),
    "hidden-row": (Severity.ERROR, "row", "The row is hidden in Excel."),
    "list-gap": (Severity.ERROR, "row", "A numbered column group skips a position."),
    "list-item-incomplete": (Severity.ERROR, "row", "A list item is filled only partly."),
    "whisper-without-message": (Severity.ERROR, "row", "Whisper is on but has no message."),
    "ftc-whisper-without-message": (Severity.ERROR, "row", "FTC whisper is on, no message."),
    "message-without-content": (Severity.ERROR, "row", "The caller message is on but empty."),
    "hold-message-without-content": (Severity.ERROR, "row", "Hold message on but empty."),
    "voice-agent-without-id": (Severity.ERROR, "row", "A voice agent is on but not named."),
    "missing-search": (Severity.ERROR, "row", "A number order has neither number nor search."),
    "scheduled-without-time": (Severity.ERROR, "row", "A scheduled broadcast has no time."),
}


def shown(value: Any) -> str:
    """A cell value as the user would recognise it in a message or report."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake, located. `row` is the Excel row number; `column` the column's label."""

    code: str
    message: str
    sheet: str
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    value: str | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def where(self) -> str:
        """'Routes!C7 (Ring To Number)' or 'Routes row 7' or 'Routes header'."""
        if self.cell:
            place = f"{self.sheet}!{self.cell}"
            return f"{place} ({self.column})" if self.column else place
        if self.row is not None:
            return f"{self.sheet} row {self.row}"
        return f"{self.sheet}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "value": self.value,
            "message": self.message,
        }


def unique(problems: list[Problem]) -> list[Problem]:
    """Each (code, column) once: the first of the problems that repeat one."""
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for problem in problems:
        marker = (problem.code, problem.column)
        if marker not in seen:
            seen.add(marker)
            kept.append(problem)
    return kept
