"""A list of phone numbers in one cell (a broadcast's recipients): numbers separated by
';', or the name of a CSV file of numbers read beside the input workbook, and never from
outside its folder."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bulkops.validation.cells import LIST_SPLIT, CellError, to_phone, to_text

__all__ = ["INPUT_DIR", "LocalFile", "beside", "to_local_file", "to_phone_list"]

#: The folder relative paths in cells are read from (the input workbook's).
INPUT_DIR: ContextVar[Path | None] = ContextVar("INPUT_DIR", default=None)


@contextmanager
def beside(path: Path) -> Iterator[None]:
    """Within it, a file named in a cell is read from the folder of the input `path`."""
    token = INPUT_DIR.set(path.parent)
    try:
        yield
    finally:
        INPUT_DIR.reset(token)


def to_phone_list(raw: Any) -> list[str]:
    """'4045550101; 4045550102' -> two numbers; 'recipients.csv' -> the numbers in the
    file's first column (a header line is skipped), read beside the input workbook."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return [to_phone(raw)]
    text = to_text(raw)
    if text.lower().endswith((".csv", ".txt")):
        return _phones_from_file(text)
    numbers = []
    for part in LIST_SPLIT.split(text):
        if part.strip():
            try:
                numbers.append(to_phone(part))
            except CellError as error:
                raise CellError(error.code, f"'{part.strip()}': {error.message}") from None
    if not numbers:
        raise CellError("invalid-phone", "no phone number in the list")
    return numbers


@dataclass(frozen=True)
class LocalFile:
    """A file a cell names, found beside the input workbook: the name as typed, where it
    is, and its size when validated (its content is read only when it is sent)."""

    name: str
    path: Path
    size: int

    def __str__(self) -> str:
        return self.name

    def head(self, count: int = 16) -> bytes:
        """Its first bytes (what kind of file it is)."""
        with self.path.open("rb") as handle:
            return handle.read(count)


def _beside(name: str, code: str, what: str) -> Path:
    """`name` resolved in the input workbook's folder; never a file outside it."""
    base = (INPUT_DIR.get() or Path.cwd()).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        # a workbook from elsewhere must not make bulkops read files outside its folder
        raise CellError(
            code,
            f"the {what} '{name}' is outside the workbook's folder: put it beside the "
            "workbook (or in a folder below it) and give its name",
        )
    return path


def to_local_file(raw: Any) -> LocalFile:
    """The name of a file beside the workbook -> the file, checked to be there."""
    name = to_text(raw)
    path = _beside(name, "local-file", "file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CellError(
            "local-file",
            f"cannot read the file {name} ({exc.strerror}): put it beside the workbook, or "
            "check the name",
        ) from None
    if not path.is_file():
        raise CellError("local-file", f"{name} is a folder, not a file: give the file's name")
    return LocalFile(name, path, size)


def _phones_from_file(name: str) -> list[str]:
    path = _beside(name, "recipients-file", "recipients file")
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CellError(
            "recipients-file",
            f"cannot read the recipients file {path} ({exc.strerror}): put it beside the "
            "workbook, or list the numbers separated by ';'",
        ) from None
    numbers: list[str] = []
    with handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            cell = row[0].strip() if row else ""
            if not cell:
                continue
            try:
                numbers.append(to_phone(cell))
            except CellError as error:
                if line == 1 and not any(ch.isdigit() for ch in cell):
                    continue  # a header line
                raise CellError(
                    "recipients-file", f"{path.name} line {line}: {error.message}"
                ) from None
            if len(numbers) > _MAX_RECIPIENTS:
                raise CellError(
                    "recipients-file",
                    f"{path.name} has more than {_MAX_RECIPIENTS:,} numbers: split the broadcast",
                )
    if not numbers:
        raise CellError("recipients-file", f"{path.name} holds no phone number")
    return numbers


_MAX_RECIPIENTS: Final = 100_000
