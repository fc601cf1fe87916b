"""The words bulkops itself writes into workbooks, in one place: the Action column every
template has, and the outcome columns a results workbook adds after the input's own.

Outcome columns carry a visible prefix (`Result: Status`), so a person never mistakes them
for input columns of the same name (Groups and Broadcasts have a `Status` of their own),
and bulkops reading a results workbook back skips them by that prefix.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ACTION_LABEL",
    "CHANGES_LABEL",
    "OUTCOME_LABELS",
    "PROBLEMS_LABEL",
    "REQUEST_LABEL",
    "RESULT_PREFIX",
    "SEEN_LABEL",
    "SOURCE_SHEET",
    "VERIFIED_LABEL",
    "is_own_column",
    "outcome_label",
]

#: The column saying what to do with a row (create, update, …).
ACTION_LABEL: Final = "Action"
#: What every outcome column's label starts with.
RESULT_PREFIX: Final = "Result: "
#: The outcome columns of a results workbook, in order (a dry run adds REQUEST_LABEL).
OUTCOME_LABELS: Final = tuple(
    RESULT_PREFIX + name
    for name in (
        "Status",
        "Action",
        "HTTP Status",
        "Request ID",
        "Resource ID",
        "Message",
        "Attempts",
        "Duration (ms)",
    )
)
#: A dry run's request, after the outcome columns, and the fields it would change.
REQUEST_LABEL: Final = RESULT_PREFIX + "Request"
CHANGES_LABEL: Final = RESULT_PREFIX + "Changes"
#: A dry run's fingerprint of each object as it saw it.
SEEN_LABEL: Final = RESULT_PREFIX + "State Seen"
#: What reading back each written object found (a live run that verifies).
VERIFIED_LABEL: Final = RESULT_PREFIX + "Verified"
#: The column of a report or failed-rows workbook that says what is wrong with a row.
PROBLEMS_LABEL: Final = "Problems"
#: the sheet an export writes to say where it came from (a migration reads it back)
SOURCE_SHEET: Final = "Source"

_PREFIX_KEY: Final = RESULT_PREFIX.strip().lower()


def outcome_label(name: str) -> str:
    """`Status` -> `Result: Status`."""
    return RESULT_PREFIX + name


def is_own_column(text: str) -> bool:
    """A header cell bulkops wrote itself into a workbook it produced (an outcome column or
    the Problems column): skipped without a warning when that workbook is read back."""
    folded = text.strip().lower()
    return folded.startswith(_PREFIX_KEY) or folded == PROBLEMS_LABEL.lower()
