"""One sheet of an input file as every reader hands it over: header, raw rows with their
Excel row numbers, and what Excel hides from view."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Sheet"]


@dataclass
class Sheet:
    """One sheet: its header row and an iterator over the data rows below it.

    `rows` yields `(excel_row_number, values)` where `values[i]` is the cell in column
    `first_column + i`. `unvalued_formulas` holds (row, column index) of formulas saved
    without a result (the reader sees them as blank).
    """

    name: str
    header: list[Any]
    header_row: int
    first_column: int
    rows: Iterator[tuple[int, list[Any]]]
    unvalued_formulas: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    #: Excel rows hidden in the sheet; merged ranges ((row, col), (row, col)), Excel rows
    #: and 0-based columns; whether the sheet itself is hidden
    hidden_rows: frozenset[int] = field(default_factory=frozenset)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden: bool = False
