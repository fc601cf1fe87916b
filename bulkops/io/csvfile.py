"""CSV input: UTF-8 with or without BOM (UTF-16 with BOM too); ',', ';' or tab detected."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bulkops.errors import EmptyInput, InputError
from bulkops.io.sheet import Sheet

__all__ = ["CsvReader", "sniff_delimiter"]

_DELIMITERS = (",", ";", "\t")


def sniff_delimiter(first_line: str) -> str:
    """The delimiter that splits the header line into the most fields (outside quotes)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise InputError(f"--encoding {encoding}: no such encoding (try cp1252)") from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: not valid {encoding} at byte {exc.start} "
                f"(0x{data[exc.start]:02X}); check the file's encoding"
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        raise InputError(
            f"{path}: not UTF-8 at byte {exc.start} (line {line}, byte 0x{data[exc.start]:02X}); "
            "save it from Excel as 'CSV UTF-8 (Comma delimited)', "
            "or pass --encoding cp1252 if it came from Excel on Windows"
        ) from None


#: a line ends with CRLF, LF, or a lone CR (old Mac files)
_FIRST_LINE = re.compile(r"\r\n|\r|\n")


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line of byte `offset`, counting CRLF, LF and a lone CR as line ends."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


class CsvReader:
    """A CSV file as one sheet, named after the file (its stem)."""

    def __init__(self, path: Path, *, encoding: str | None = None) -> None:
        self.path = path
        self.text = _decode(path, path.read_bytes(), encoding)
        self.sheet_names = [path.stem]
        self.hidden_sheets: list[str] = []

    def sheet(self, name: str) -> Sheet:
        first_line = _FIRST_LINE.split(self.text, maxsplit=1)[0]
        delimiter = sniff_delimiter(first_line)
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=delimiter)
        rows = _numbered(self.path, reader)
        for number, values in rows:
            if any(v.strip() for v in values):
                return Sheet(
                    name=name,
                    header=list(values),
                    header_row=number,
                    first_column=0,
                    rows=rows,
                )
        raise EmptyInput(f"{self.path}: the file has no header row (it is blank)")


def _numbered(path: Path, reader: Any) -> Iterator[tuple[int, list[Any]]]:
    # csv records, numbered as a spreadsheet shows them (a quoted newline stays in one row)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            yield number, values
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV after row {number}: {exc}") from None
