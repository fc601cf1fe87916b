"""XLSX input through python-calamine (about 6x faster than openpyxl read-only).

calamine reads a formula's cached value; a formula saved without one (files written by
scripts, never opened in Excel) reads as blank, so the sheet's XML is scanned for them
(cheaply: only when the sheet holds a formula at all).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import python_calamine as calamine
from defusedxml import ElementTree

from bulkops.errors import EmptyInput, InputError, UnsupportedFormat
from bulkops.io.a1 import column_index
from bulkops.io.sheet import Sheet

__all__ = ["XlsxReader", "in_words", "scan_sheet", "unvalued_formulas"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


class XlsxReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.book = calamine.CalamineWorkbook.from_path(str(path))
        except calamine.PasswordError:
            raise UnsupportedFormat(
                f"{path}: the workbook is password-protected; remove the password and save it "
                "as .xlsx"
            ) from None
        except (calamine.CalamineError, calamine.ZipError, calamine.XmlError) as exc:
            raise InputError(
                f"{path}: the workbook is damaged and cannot be read ({in_words(exc)}); "
                "open it in Excel and save it again as .xlsx"
            ) from None
        self.sheet_names = [
            m.name for m in self.book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet
        ]
        self.hidden_sheets = [
            m.name
            for m in self.book.sheets_metadata
            if m.visible != calamine.SheetVisibleEnum.Visible
        ]
        if not self.sheet_names:
            raise EmptyInput(f"{path}: the workbook has no worksheet")

    def close(self) -> None:
        self.book.close()

    def sheet(self, name: str) -> Sheet:
        # The formula scan inflates the sheet's XML a second time; zlib and calamine both
        # release the GIL, so it runs beside calamine's load and costs no wall time.
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(scan_sheet, self.path, name)
            try:
                sheet = self.book.get_sheet_by_name(name)
            except calamine.CalamineError as exc:
                raise _unreadable(self.path, name, exc) from None
            try:
                formulas, hidden_rows, errors = scan.result()
            except (zipfile.BadZipFile, ElementTree.ParseError, ValueError) as exc:
                raise _unreadable(self.path, name, exc) from None
        start = sheet.start
        if start is None:
            raise EmptyInput(f"{self.path}: sheet '{name}' is empty (no header row)")
        first_column = start[1]
        rows = _numbered(sheet.iter_rows())
        if errors:  # calamine reads an error cell as blank: put Excel's words back
            rows = _with_errors(rows, errors, first_column)
        for number, values in rows:
            if any(v != "" for v in values):
                return Sheet(
                    name=name,
                    header=values,
                    header_row=number,
                    first_column=first_column,
                    rows=rows,
                    unvalued_formulas=formulas,
                    hidden_rows=hidden_rows,
                    merged=[
                        ((a[0] + 1, a[1]), (b[0] + 1, b[1]))
                        for a, b in (sheet.merged_cell_ranges or [])
                    ],
                    hidden=name in self.hidden_sheets,
                )
        raise EmptyInput(f"{self.path}: sheet '{name}' is empty (no header row)")


#: what a reader library's words mean, for a person (the first that a message holds)
_WORDS = (
    ("entity", "it declares its own XML entities, which bulkops refuses"),
    ("relationship", "a part it refers to is missing"),
    ("file not found", "a part it refers to is missing"),
    ("larger than its declared", "a part is larger than the zip says"),
    ("sheet:state", "a sheet's visibility is not one Excel writes"),
    ("range is missing", "a sheet's size is written wrongly"),
    ("dimension", "a sheet's size is written wrongly"),
)


def in_words(error: BaseException) -> str:
    """A reader library's error, said as what is wrong with the file."""
    text = str(error).lower()
    return next((words for mark, words in _WORDS if mark in text), "its parts do not fit together")


def _unreadable(path: Path, name: str, error: Exception) -> InputError:
    text = str(error)
    if "entit" in text.lower():  # calamine: "unrecognized entity"; defusedxml: Entities…
        return InputError(
            f"{path}: sheet '{name}' declares its own XML entities (an 'XML bomb' or an "
            "external entity), which bulkops refuses: open the file in Excel and save it "
            "again as .xlsx"
        )
    return InputError(
        f"{path}: sheet '{name}' is damaged and cannot be read ({in_words(error)}); open it in "
        "Excel and save it again as .xlsx"
    )


def _with_errors(
    rows: Iterator[tuple[int, list[Any]]], errors: dict[tuple[int, int], str], first: int
) -> Iterator[tuple[int, list[Any]]]:
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, column), text in errors.items():
        by_row.setdefault(row, []).append((column - first, text))
    for number, values in rows:
        for index, text in by_row.get(number, ()):
            if index >= 0:
                values = [*values, *([""] * (index + 1 - len(values)))]
                values[index] = text
        yield number, values


def _numbered(rows: Iterator[list[Any]]) -> Iterator[tuple[int, list[Any]]]:
    # calamine yields rows from row 1, columns from the first used column
    return enumerate(rows, start=1)


def _sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip entry of sheet `name`; None in a package laid out otherwise than Excel
    does (calamine reads those itself; only the scan of `scan_sheet` is skipped)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = None
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        if sheet.get("name") == name:
            rel_id = sheet.get(f"{_REL}id")
    if rel_id is None:
        return None
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = str(rel.get("Target", ""))
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def scan_sheet(
    path: Path, sheet_name: str
) -> tuple[frozenset[tuple[int, int]], frozenset[int], dict[tuple[int, int], str]]:
    """What calamine does not tell: (Excel row, 0-based column) of every formula saved
    without a result, the Excel rows hidden in the sheet, and the cells holding an Excel
    error (#N/A, #REF! …: calamine reads them as blank) with its text. A byte scan
    first: the XML is parsed only when the sheet has any of them at all."""
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, sheet_name)
        if part is None or part not in archive.namelist():
            return frozenset(), frozenset(), {}
        formulas, hidden, errors = _worth_parsing(archive, part)
        if not (formulas or hidden or errors):
            return frozenset(), frozenset(), {}
        found: set[tuple[int, int]] = set()
        rows: set[int] = set()
        failed: dict[tuple[int, int], str] = {}
        with archive.open(part) as stream:
            for _, element in ElementTree.iterparse(stream, events=("end",)):
                if element.tag == f"{_MAIN}row":
                    if element.get("hidden") in ("1", "true") and element.get("r", "").isdigit():
                        rows.add(int(element.get("r")))
                    element.clear()
                    continue
                if element.tag != f"{_MAIN}c":
                    continue
                value = element.find(f"{_MAIN}v")
                if element.get("t") == "e":
                    match = _CELL_REF.match(element.get("r", ""))
                    if match:
                        at = (int(match.group(2)), column_index(match.group(1)))
                        failed[at] = (value.text if value is not None else "") or "#VALUE!"
                    continue
                formula = element.find(f"{_MAIN}f")
                if formula is not None:
                    inline = element.find(f"{_MAIN}is")
                    if (value is None or not (value.text or "")) and inline is None:
                        match = _CELL_REF.match(element.get("r", ""))
                        if match:
                            found.add((int(match.group(2)), column_index(match.group(1))))
        return frozenset(found), frozenset(rows), failed


def unvalued_formulas(path: Path, sheet_name: str) -> frozenset[tuple[int, int]]:
    """(Excel row, 0-based column) of every formula cell saved without a cached value."""
    return scan_sheet(path, sheet_name)[0]


def _worth_parsing(archive: zipfile.ZipFile, part: str) -> tuple[bool, bool, bool]:
    # a byte scan is far cheaper than parsing: '<f>' or '<f ' (any prefix) marks a formula,
    # ' hidden="1"' (or "true") a hidden row or column, ' t="e"' a cell holding an error
    tail = b""
    formulas = hidden = errors = False
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            formulas = formulas or any(m in data for m in (b"<f>", b"<f ", b":f>", b":f "))
            hidden = hidden or b'hidden="1"' in data or b'hidden="true"' in data
            errors = errors or b't="e"' in data
            if formulas and hidden and errors:
                break
            tail = data[-16:]
    return formulas, hidden, errors
