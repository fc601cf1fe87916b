"""Spreadsheets in: an .xlsx or .csv file -> sheets of raw rows that keep their provenance.

The format is decided by the file's content, not its name. Values are handed over raw
(calamine's floats, csv's strings); `bulkops.validation.cells` normalises them, once.
Row numbers are the Excel row numbers the user sees; column indexes are 0-based from A.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bulkops.errors import EmptyInput, InputError, UnsupportedFormat
from bulkops.io import csvfile, xlsx
from bulkops.io.sheet import Sheet

__all__ = ["Sheet", "Workbook", "detect_format", "open_workbook"]

Format = Literal["xlsx", "csv"]

_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: the first record of an Excel 2.x, 3.x or 4.x worksheet (BIFF2-4, before OLE2 files)
_BIFF_OLD = frozenset({b"\x09\x00\x04\x00", b"\x09\x02\x06\x00", b"\x09\x04\x06\x00"})
_SAVE_AS = "open it in Excel and use File > Save As > 'Excel Workbook (.xlsx)'"
#: Limits checked on a workbook's zip before anything is inflated.
MAX_ZIP_ENTRIES = 10_000
MAX_INFLATED_BYTES = 2 * 2**30  # a 100,000-row x 80-column sheet is about 300 MB
MAX_COMPRESSION_RATIO = 200  # sheet XML compresses ~10-30x; bombs compress 1000x+


@dataclass
class Workbook:
    """An opened input file: its format and sheet names; `sheet()` reads one sheet."""

    path: Path
    format: Format
    sheet_names: list[str]
    hidden_sheets: frozenset[str]
    _reader: Any

    def sheet(self, name: str) -> Sheet:
        result: Sheet = self._reader.sheet(name)
        return result

    def close(self) -> None:
        close = getattr(self._reader, "close", None)
        if close is not None:
            close()


def detect_format(path: Path) -> Format:
    """'xlsx' or 'csv' from the first bytes; a clear InputError for everything else."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a spreadsheet") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; check the file's permissions") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not head:
        raise EmptyInput(f"{path}: the file is empty (0 bytes)")
    if head.startswith(_ZIP):
        return _check_zip(path)
    if head.startswith(_EMPTY_ZIP):
        raise InputError(f"{path}: the workbook is damaged (an empty zip); {_SAVE_AS} again")
    if head[:4] in _BIFF_OLD:
        raise UnsupportedFormat(
            f"{path}: this is an old Excel 2.x-4.x worksheet (.xls); {_SAVE_AS}"
        )
    if head.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in _read_all(path):
            raise UnsupportedFormat(
                f"{path}: the workbook is password-protected; remove the password "
                "(File > Info > Protect Workbook) and save it as .xlsx"
            )
        raise UnsupportedFormat(f"{path}: this is a legacy Excel 97-2003 (.xls) file; {_SAVE_AS}")
    if _looks_like_text(head):
        named = _text_format(head)
        if named is not None:
            raise UnsupportedFormat(f"{path}: this is {named}, not a CSV file; {_SAVE_AS}")
        return "csv"
    nul = head.find(b"\x00")
    if head.count(b"\x00") <= max(2, len(head) // 20) and _utf8(head.replace(b"\x00", b"")):
        raise UnsupportedFormat(
            f"{path}: a text file with a NUL byte (byte {nul}): a CSV file holds none; "
            "save it again as 'CSV UTF-8 (Comma delimited)'"
        )
    raise UnsupportedFormat(
        f"{path}: not a spreadsheet (neither an .xlsx workbook nor a CSV text file)"
    )


#: what a text file is when it is not a CSV, by how it starts (lowercased)
_TEXT_FORMATS = (
    ((b"<!doctype html", b"<html", b"<table"), "an HTML page saved with a spreadsheet's name"),
    ((b"id;p",), "a SYLK file (.slk)"),
    ((b"table\r\n0,1", b"table\n0,1"), "a DIF file (.dif)"),
)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:  # (a character cut at the end of the head is fine)
        return error.start >= len(data) - 3
    return True


def _text_format(head: bytes) -> str | None:
    """The format a text file really has when it is not a CSV (HTML, XML spreadsheets …)."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for marks, name in _TEXT_FORMATS:
        if start.startswith(marks):
            return name
    if start.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            return "an Excel 2003 XML spreadsheet (SpreadsheetML)"
        if b"opendocument" in head:
            return "a flat OpenDocument spreadsheet (.fods)"
        if b"<html" in start or b"<table" in start:
            return "an HTML page saved with a spreadsheet's name"
        return "an XML file"
    return None


def _read_all(path: Path) -> bytes:
    return path.read_bytes()


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte-order mark
    return b"\x00" not in head


def _check_zip(path: Path) -> Format:
    try:
        with zipfile.ZipFile(path) as archive:
            _check_bounds(path, archive)
            names = {name.replace("\\", "/") for name in archive.namelist()}
            types = b""
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as stream:
                    types = stream.read(1 << 20)
            main_part = b"spreadsheetml.sheet.main" in types and "workbook.xml" in names
            if "xl/workbook.xml" not in names and not main_part:
                if "xl/workbook.bin" in names:
                    raise UnsupportedFormat(
                        f"{path}: this is an Excel Binary Workbook (.xlsb); {_SAVE_AS}"
                    )
                if "Index/Document.iwa" in names or any(n.endswith("/Index.zip") for n in names):
                    raise UnsupportedFormat(
                        f"{path}: this is an Apple Numbers file; in Numbers use File > Export "
                        "To > Excel, then give bulkops the .xlsx"
                    )
                inner = [n for n in names if not n.endswith("/")]
                if len(inner) == 1:
                    raise UnsupportedFormat(
                        f"{path}: a zip archive holding one file ({inner[0]}): unzip it, then "
                        "give bulkops that file"
                    )
                if "content.xml" in names:
                    raise UnsupportedFormat(
                        f"{path}: this is an OpenDocument spreadsheet; {_SAVE_AS}"
                    )
                if "word/document.xml" in names:
                    raise UnsupportedFormat(f"{path}: this is a Word document, not a workbook")
                raise UnsupportedFormat(f"{path}: a zip file, but not an Excel workbook")
    except zipfile.BadZipFile:
        raise InputError(
            f"{path}: the workbook is damaged (not a readable zip); {_SAVE_AS} again"
        ) from None
    if "xl/vbaProject.bin" in names or b"macroEnabled" in types:
        raise UnsupportedFormat(
            f"{path}: this is a macro-enabled workbook (.xlsm), which bulkops does not open; "
            f"{_SAVE_AS} (macros are dropped)"
        )
    return "xlsx"


def _check_bounds(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose zip would inflate beyond reason, before anything inflates:
    too many entries, too much in all, or one part compressed past any real sheet's ratio
    (a zip bomb). Declared sizes are what a reader trusts, so they are what is checked."""
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise InputError(
            f"{path}: the workbook holds {len(entries):,} parts (at most "
            f"{MAX_ZIP_ENTRIES:,} are read): it is not an ordinary workbook"
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_INFLATED_BYTES:
        raise InputError(
            f"{path}: the workbook would unpack to {total / 2**20:,.0f} MB (at most "
            f"{MAX_INFLATED_BYTES / 2**20:,.0f} MB are read); split it into smaller files"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 10 * 2**20 and ratio > MAX_COMPRESSION_RATIO:
            raise InputError(
                f"{path}: part {entry.filename} would unpack {ratio:,.0f} times its size "
                f"(at most {MAX_COMPRESSION_RATIO}x): refused as a likely zip bomb"
            )


def open_workbook(path: str | Path, *, encoding: str | None = None) -> Workbook:
    """Open an input file by its content; `encoding` applies to CSV files only."""

    path = Path(path)
    kind = detect_format(path)
    if kind == "xlsx":
        reader: Any = xlsx.XlsxReader(path)
    else:
        reader = csvfile.CsvReader(path, encoding=encoding)
    return Workbook(
        path=path,
        format=kind,
        sheet_names=reader.sheet_names,
        hidden_sheets=frozenset(reader.hidden_sheets),
        _reader=reader,
    )
