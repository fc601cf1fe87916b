"""Rows nobody sees in Excel: a hidden row, or one inside a merged range."""

from __future__ import annotations

from bulkops.model.problems import Problem

__all__ = ["unseen"]


def unseen(sheet: str, row: int, merged: tuple[str, str] | None, hidden: bool) -> list[Problem]:
    """The problems of a row that is hidden, or crosses merged cells ((first cell, range))."""
    problems = []
    if merged is not None:
        first, span = merged
        problems.append(
            Problem(
                "merged-cells",
                f"cells {span} are merged: only {first} keeps a value and the others read "
                "as blank; unmerge them (Home > Merge & Center) and fill each cell",
                sheet,
                row,
                None,
                first,
            )
        )
    if hidden:
        problems.append(
            Problem(
                "hidden-row",
                f"row {row} is hidden in Excel: unhide or delete it, or pass "
                "--include-hidden to send it anyway",
                sheet,
                row,
            )
        )
    return problems
