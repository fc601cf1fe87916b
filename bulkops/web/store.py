"""What the page keeps on disk: each person's uploads, in a private folder under the data
directory, under random names. An upload is checked once, when it arrives: its problems and
its rows are written beside it (rows as JSON lines with an offset every `PAGE` rows), so a
page of the grid is one seek, whatever the size of the sheet, and survives a restart."""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from pydantic_core import to_json

from bulkops.model.problems import CODES
from bulkops.validation.cells import is_blank_row, to_text

__all__ = [
    "PAGE",
    "GridWriter",
    "Store",
    "Upload",
    "data_index",
    "person_id",
    "read_page",
    "safe_name",
]

#: rows on one page of the grid
PAGE: Final = 200
_ID: Final = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def person_id(account: str, email: str) -> str:
    """A person's folder name: the account and the email, hashed (never a path the user
    typed)."""
    return hashlib.sha256(f"{account}\n{email.casefold()}".encode()).hexdigest()[:32]


def safe_name(name: str) -> str:
    """A file name as shown and offered for download: its last part, plain characters."""
    last = re.split(r"[\\/]", name)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", last).strip(" .")
    return cleaned[:120] or "upload"


@dataclass
class Upload:
    """One uploaded file and what its check found."""

    id: str
    name: str
    size: int
    sha256: str
    uploaded: float
    #: (sheet, resource, data rows) of the sheets bulkops runs
    sheets: list[tuple[str, str, int]] = field(default_factory=list)
    #: sheets no resource matches
    ignored: list[str] = field(default_factory=list)
    rows: int = 0
    errors: int = 0
    warnings: int = 0
    invalid_rows: int = 0
    #: rows with any problem
    problem_rows: int = 0
    #: the problems by [code, column, severity, count], errors first, most first
    groups: list[list[Any]] = field(default_factory=list)
    #: the files the workbook names that are not beside it (an audio file, a recipients list)
    missing: list[str] = field(default_factory=list)
    #: valid rows that delete, and that do what cannot be undone (buy numbers, send texts):
    #: the run asks the person to type how many
    deletes: int = 0
    irreversible: int = 0
    #: the file could not be read as a workbook: why (nothing else is kept)
    refused: str = ""

    @property
    def suffix(self) -> str:
        return ".csv" if self.name.lower().endswith(".csv") else ".xlsx"


class Store:
    """The data directory: `people/<person>/uploads/<upload>/`, folders 0700."""

    def __init__(self, root: Path) -> None:
        self.root = root
        _private(root)

    def folder(self, person: str) -> Path:
        folder = self.root / "people" / person / "uploads"
        _private(folder)
        return folder

    def new(self, person: str) -> tuple[str, Path]:
        upload = secrets.token_urlsafe(18)
        place = self.folder(person) / upload
        place.mkdir(mode=0o700)
        return upload, place

    def place(self, person: str, upload: str) -> Path | None:
        """The folder of `person`'s upload `upload`; None when there is none (or the id is
        not one this store makes): another person's upload is never found."""
        if not _ID.match(upload):
            return None
        place = self.folder(person) / upload
        return place if (place / "meta.json").is_file() else None

    def save(self, place: Path, upload: Upload) -> None:
        _write_json(place / "meta.json", asdict(upload))

    def load(self, person: str, upload: str) -> Upload | None:
        place = self.place(person, upload)
        if place is None:
            return None
        data = json.loads((place / "meta.json").read_text())
        data["sheets"] = [tuple(s) for s in data.get("sheets", [])]
        return Upload(**data)

    def uploads(self, person: str) -> list[Upload]:
        found = []
        for place in self.folder(person).iterdir():
            loaded = self.load(person, place.name)
            if loaded is not None:
                found.append(loaded)
        return sorted(found, key=lambda u: u.uploaded, reverse=True)

    def discard(self, place: Path) -> None:
        shutil.rmtree(place, ignore_errors=True)

    def expire(self, person: str, older_than: float) -> None:
        """Uploads older than `older_than` seconds go."""
        limit = time.time() - older_than
        for upload in self.uploads(person):
            if upload.uploaded < limit:
                place = self.place(person, upload.id)
                if place is not None:
                    self.discard(place)


class GridWriter:
    """A sheet's rows (the values as read), a line of JSON per page of `PAGE` rows; at
    `close`, the header, and each page's problems in a line of their own. (Written with
    pydantic-core's encoder: a tenth of the check's time went on `json.dumps` here. Dates
    come out in ISO form, as `to_text` shows them.)"""

    def __init__(self, place: Path, number: int) -> None:
        self.path = place / f"grid-{number}.jsonl"
        self._file = self.path.open("wb")
        self._batch: list[Any] = []
        #: each kept row's Excel row number, in order; where each page's line starts
        self.rows = array("i")
        self.lines = array("q")
        self._at = 0

    def add(self, row: int, values: list[Any]) -> None:
        if is_blank_row(values):  # (as validation: a blank row is no row)
            return
        self.rows.append(row)
        self._batch.append([row, values])
        if len(self._batch) == PAGE:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            line = to_json(self._batch, fallback=str) + b"\n"
            self._file.write(line)
            self.lines.append(self._at)
            self._at += len(line)
            self._batch = []

    def close(
        self, header: list[str], first: int, header_row: int, marks: dict[int, list[Any]]
    ) -> int:
        """Done: the (located) header, the 0-based column of the first column, the header's
        row (rows at or above it are not data), each row's problems. The data rows."""
        self._flush()
        self._file.close()
        problems: list[int] = []
        pages: list[dict[int, Any]] = [{} for _ in self.lines]
        data = above = 0
        for index, row in enumerate(self.rows):
            if row <= header_row:
                above += 1
            else:
                data += 1
                found = marks.get(row)
                if found is not None:
                    problems.append(index)
                    pages[index // PAGE][row] = found
        at = array("q")
        with self.path.with_suffix(".marks").open("wb") as out:
            written = 0
            for page in pages:  # a line of marks per page of rows
                at.append(written)
                line = to_json(page) + b"\n"
                out.write(line)
                written += len(line)
        self.path.with_suffix(".rows").write_bytes(self.rows.tobytes())
        _write_json(self.path.with_suffix(".json"),
                    {"header": header, "lines": list(self.lines), "count": data,
                     "problems": problems, "first": first, "header_row": header_row,
                     "marks": list(at), "above": above})  # fmt: skip
        return data


def read_page(
    place: Path,
    number: int,
    page: int,
    keep: Callable[[list[Any]], bool] | None = None,
    everywhere: bool = False,
) -> tuple[list[str], int, list[Any], int]:
    """One page of a sheet's grid: its header, how many rows the view has, the page's
    rows ([row, values, marks]), and the 0-based column of its first column. `keep`: only
    rows with a problem, those it keeps (read from the pages holding rows with problems,
    however large the sheet; with `everywhere`, from every page)."""
    meta = json.loads((place / f"grid-{number}.json").read_text())
    header_row: int = meta["header_row"]
    width = len(meta["header"])
    lines: list[int] = meta["lines"]

    def laid_out(entries: list[Any] | None) -> list[Any]:
        """A row's problems as the grid shows them: [on each cell, on the row], each
        [severity, message, code, column]."""
        cells: list[Any] = [None] * width
        loose: list[Any] = []
        for entry in entries or ():
            index, code, message = entry[:3]
            column = entry[3] if len(entry) > 3 else meta["header"][index].rstrip(" *")
            mark = [CODES[code][0].value if code in CODES else "error", message, code, column]
            if index >= 0 and cells[index] is None:
                cells[index] = mark
            else:
                loose.append(mark)
        return [cells, loose]

    with (
        (place / f"grid-{number}.jsonl").open("rb") as rows_file,
        (place / f"grid-{number}.marks").open("rb") as marks_file,
    ):

        def page_of(index: int) -> list[Any]:
            rows_file.seek(lines[index])
            marks_file.seek(meta["marks"][index])
            marks = json.loads(marks_file.readline())
            found = []
            for row, values in json.loads(rows_file.readline()):
                if row > header_row:
                    shown = [to_text(v) if v is not None and v != "" else ""
                             for v in values[:width]]  # fmt: skip
                    shown += [""] * (width - len(shown))
                    found.append([row, shown, laid_out(marks.get(str(row)))])
            return found

        if keep is None:  # (the rows at or above the header come first: pages are of data)
            above = meta.get("above", 0)
            begin, end = above + page * PAGE, above + (page + 1) * PAGE
            if page < 0 or begin >= above + meta["count"]:
                return meta["header"], meta["count"], [], meta["first"]
            first_line = begin // PAGE
            rows = [row for index in range(first_line, min(len(lines), (end - 1) // PAGE + 1))
                    for row in page_of(index)]  # fmt: skip
            skip = begin - max(first_line * PAGE, above)
            return meta["header"], meta["count"], rows[skip : skip + PAGE], meta["first"]
        wanted = range(len(lines)) if everywhere else sorted({i // PAGE for i in meta["problems"]})
        kept = [row for index in wanted for row in page_of(index) if keep(row)]
        window = kept[page * PAGE : (page + 1) * PAGE]
        return meta["header"], len(kept), window, meta["first"]


def data_index(place: Path, number: int, row: int) -> int | None:
    """Where Excel row `row` is among a sheet's data rows (None: it is blank, the header,
    or past the end): the grid's page of a row is this over `PAGE`."""
    meta = json.loads((place / f"grid-{number}.json").read_text())
    path = place / f"grid-{number}.rows"
    if row <= meta["header_row"] or not path.exists():
        return None
    rows = array("i")
    rows.frombytes(path.read_bytes())
    at = bisect_left(rows, row)
    return at - meta.get("above", 0) if at < len(rows) and rows[at] == row else None


def _private(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)


def _write_json(path: Path, data: Any) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(to_json(data))
    temporary.replace(path)
