"""A lean streaming .xlsx writer for large plain sheets (exports): rows go straight into
the sheet's zip entry as XML, one string per cell, so 100,000 rows take seconds, not the
half-minute xlsxwriter's per-cell calls cost (perf-notes.md), in constant memory.

It writes what an export needs and nothing more: text, numbers and booleans (text never
becomes a formula: every string is an inline string), a bold shaded header row, the
header and first column frozen, an autofilter, column widths. Sheets are written one
after another; each is finished before the next starts.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from bulkops.io.a1 import column_letter

__all__ = ["FastBook", "FastSheet"]

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: characters XML 1.0 does not allow (written as Excel's _xHHHH_ escapes)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_MAX_ROWS = 1_048_576


def _text(value: str) -> str:
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value.translate(_ESCAPES)


class FastSheet:
    """One sheet being written: `row(values)` appends a row (None and '' are blank)."""

    def __init__(self, stream: IO[bytes], columns: int) -> None:
        self._stream = stream
        self._letters = [column_letter(i) for i in range(max(columns, 1))]
        self.rows = 0
        self._buffer: list[str] = []
        self._size = 0

    def row(self, values: Iterable[Any], header: bool = False) -> None:
        if self.rows >= _MAX_ROWS:
            raise ValueError(f"a sheet holds at most {_MAX_ROWS:,} rows")
        self.rows += 1
        number = str(self.rows)
        style = ' s="1"' if header else ""
        cells = [f'<row r="{number}">']
        letters = self._letters
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = letters[index] + number if index < len(letters) else column_letter(index) + number
            if isinstance(value, str):
                space = (
                    ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
                )
                cells.append(
                    f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
                )
            elif isinstance(value, bool):
                cells.append(f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
            else:
                text = _text(str(value))
                cells.append(f'<c r="{ref}"{style} t="inlineStr"><is><t>{text}</t></is></c>')
        cells.append("</row>")
        chunk = "".join(cells)
        self._buffer.append(chunk)
        self._size += len(chunk)
        if self._size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            self._stream.write("".join(self._buffer).encode("utf-8"))
            self._buffer.clear()
            self._size = 0


class FastBook:
    """`with FastBook(path) as book:` then `book.sheet(name, columns, widths)` per sheet,
    `sheet.row(...)`, and `book.end_sheet()`; the workbook parts are written on exit."""

    def __init__(self, path: Path) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._names: list[str] = []
        self._filters: list[tuple[int, str]] = []
        self._open: tuple[IO[bytes], FastSheet, int, bool] | None = None

    def __enter__(self) -> FastBook:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self.end_sheet()
                self._parts()
        finally:
            if self._open is not None:
                self._open[0].close()
            self._zip.close()

    def sheet(
        self,
        name: str,
        columns: int,
        widths: Iterable[float] = (),
        freeze: bool = True,
        autofilter: bool = True,
    ) -> FastSheet:
        """Start a sheet of `columns` columns (the one before it is finished first)."""
        self.end_sheet()
        self._names.append(name)
        number = len(self._names)
        stream = self._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True)
        head = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                f'xmlns="{_NS}" xmlns:r="{_REL}">']  # fmt: skip
        if freeze:
            head.append(
                '<sheetViews><sheetView workbookViewId="0"><pane xSplit="1" ySplit="1" '
                'topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
                '<selection pane="bottomRight"/></sheetView></sheetViews>'
            )
        sized = list(widths)
        if sized:
            head.append("<cols>")
            head += [f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                     for i, w in enumerate(sized, start=1)]  # fmt: skip
            head.append("</cols>")
        head.append("<sheetData>")
        stream.write("".join(head).encode("utf-8"))
        written = FastSheet(stream, columns)
        self._open = (stream, written, columns, autofilter)
        return written

    def end_sheet(self) -> None:
        if self._open is None:
            return
        stream, written, columns, autofilter = self._open
        self._open = None
        written.flush()
        tail = "</sheetData>"
        if autofilter and written.rows:
            ref = f"A1:{column_letter(max(columns, 1) - 1)}{max(written.rows, 2)}"
            tail += f'<autoFilter ref="{ref}"/>'
            self._filters.append((len(self._names) - 1, ref))
        tail += "</worksheet>"
        stream.write(tail.encode("utf-8"))
        stream.close()

    def _parts(self) -> None:
        count = len(self._names)
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self._names, start=1)
        )
        defined = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
            f"{escape(_quoted(self._names[index]))}!{_absolute(ref)}</definedName>"
            for index, ref in self._filters
        )
        if defined:
            defined = f"<definedNames>{defined}</definedNames>"
        workbook = (
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{sheets}</sheets>{defined}</workbook>"
        )
        self._put("xl/workbook.xml", workbook)
        relations = [
            _relation(i, "worksheet", f"worksheets/sheet{i}.xml") for i in range(1, count + 1)
        ]
        relations.append(_relation(count + 1, "styles", "styles.xml"))
        self._put("xl/_rels/workbook.xml.rels", _rels("".join(relations)))
        self._put("_rels/.rels", _rels(_relation(1, "officeDocument", "xl/workbook.xml")))
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in range(1, count + 1)
        )
        self._put("[Content_Types].xml", _CONTENT_TYPES.format(overrides=overrides))
        self._put("xl/styles.xml", _STYLES)

    def _put(self, name: str, xml: str) -> None:
        declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        self._zip.writestr(name, declaration + xml)


_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{overrides}</Types>"
)
#: style 0 plain; style 1 the header (bold, shaded)
_STYLES = (
    f'<styleSheet xmlns="{_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="2">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def _relation(number: int, kind: str, target: str) -> str:
    return f'<Relationship Id="rId{number}" Type="{_REL}/{kind}" Target="{target}"/>'


def _rels(body: str) -> str:
    return ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{body}</Relationships>')  # fmt: skip


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    start, end = ref.split(":")
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in (start, end))
