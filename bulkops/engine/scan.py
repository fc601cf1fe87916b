"""What the input holds, read directly (not validated): before a run, how many rows and
how many that delete or cannot be undone (the progress total and the confirmation gate);
after a run stopped early, the rows it never reached."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bulkops.engine.outcome import RowOutcome, Status
from bulkops.io.tables import open_workbook
from bulkops.validation.cells import is_blank_row

__all__ = ["scan_input", "unreached"]


def unreached(
    path: Path, sheets: list[tuple[str, Any]], encoding: str | None, known: list[RowOutcome]
) -> list[RowOutcome]:
    """The data rows a stopped run never reached, as `not_attempted` outcomes."""
    seen = {(o.sheet, o.row) for o in known}
    book = open_workbook(path, encoding=encoding)
    try:
        missing = []
        for name, _ in sheets:
            sheet = book.sheet(name)
            for number, values in sheet.rows:
                if not is_blank_row(values) and (name, number) not in seen:
                    missing.append(
                        RowOutcome(
                            name,
                            number,
                            "",
                            Status.NOT_ATTEMPTED,
                            "not attempted: the run stopped before this row; --resume continues it",
                        )
                    )
        return missing
    finally:
        book.close()


def scan_input(
    path: Path, sheets: list[tuple[str, Any]], encoding: str | None
) -> tuple[int, int, int]:
    """Data rows (not blank) of the sheets to run, how many delete, and how many do what
    cannot be undone (the resource's `irreversible` actions): the progress bar's total,
    and whether the run needs a confirmation."""
    from bulkops.resources.schema import ACTION_ALIASES, header_key
    from bulkops.validation.columns import ACTION_LABEL

    book = open_workbook(path, encoding=encoding)
    try:
        total = deletes = irreversible = 0
        for name, chosen in sheets:
            sheet = book.sheet(name)
            keys = [header_key(str(h)) for h in sheet.header]
            action = (
                keys.index(header_key(ACTION_LABEL)) if header_key(ACTION_LABEL) in keys else None
            )
            condition = _condition(chosen, keys)
            for _, values in sheet.rows:
                if not is_blank_row(values):
                    total += 1
                    word = chosen.default_action
                    if action is not None and action < len(values):
                        word = str(values[action]).strip().lower() or chosen.default_action
                        word = ACTION_ALIASES.get(word, word)
                    deletes += word == "delete"
                    if word in chosen.irreversible:
                        irreversible += 1
                    elif condition is not None and word not in ("delete", "skip"):
                        index, wanted = condition
                        cell = values[index] if index < len(values) else ""
                        irreversible += str(cell).strip().lower() == wanted
        return total, deletes, irreversible
    finally:
        book.close()


def _condition(resource: Any, keys: list[str]) -> tuple[int, str] | None:
    """(column index, value) of the resource's `irreversible_if` in this header."""
    from bulkops.resources.schema import header_key

    if resource.irreversible_if is None:
        return None
    path, wanted = resource.irreversible_if
    column = resource.by_path[path]
    for name in (column.label, column.path):
        if header_key(name) in keys:
            return keys.index(header_key(name)), str(wanted).lower()
    return None
