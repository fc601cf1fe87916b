"""The CSV form of an export: one UTF-8 file per sheet in a folder (`routes.csv`,
`voice-agents.csv`, `source.csv`), with the same interface as `FastBook`, so the export
writes either the same way. Each file is named after its sheet as `bulkops run` finds a
resource by a CSV's name."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

__all__ = ["CsvBook", "CsvSheet", "file_name"]


def file_name(sheet: str) -> str:
    """'Voice Agents' -> 'voice-agents.csv'."""
    return "-".join(sheet.lower().split()) + ".csv"


class CsvSheet:
    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle, lineterminator="\r\n")
        self.rows = 0

    def row(self, values: Iterable[Any], header: bool = False) -> None:
        self.rows += 1
        self._writer.writerow(["" if v is None else _text(v) for v in values])


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value


class CsvBook:
    """`with CsvBook(folder) as book:` then `book.sheet(name, ...)` and rows, as FastBook."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._handle: IO[str] | None = None

    def __enter__(self) -> CsvBook:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.end_sheet()

    def sheet(
        self,
        name: str,
        columns: int,
        widths: Iterable[float] = (),
        freeze: bool = True,
        autofilter: bool = True,
    ) -> CsvSheet:
        self.end_sheet()
        self._handle = (self.folder / file_name(name)).open("w", encoding="utf-8", newline="")
        return CsvSheet(self._handle)

    def end_sheet(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
