"""Excel's A1 notation: column letters and cell references."""

from __future__ import annotations

__all__ = ["cell_ref", "column_index", "column_letter"]


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters -> 0-based column index (A -> 0, AA -> 26)."""
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def cell_ref(row: int, column_index: int) -> str:
    """A1 reference of a 1-based Excel row and a 0-based column index."""
    return f"{column_letter(column_index)}{row}"
