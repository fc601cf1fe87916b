"""Shared helpers: build small workbooks and CSV files for the tests."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

MakeFile = Callable[..., Path]


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Routes") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


@pytest.fixture
def xlsx(tmp_path: Path) -> MakeFile:
    """xlsx(rows, name='routes.xlsx', sheet='Routes') -> path of a new workbook."""

    def make(
        rows: Sequence[Sequence[Any]], name: str = "routes.xlsx", sheet: str = "Routes"
    ) -> Path:
        return write_xlsx(tmp_path / name, rows, sheet)

    return make


@pytest.fixture
def csvfile(tmp_path: Path) -> MakeFile:
    """csvfile(rows, name='routes.csv', delimiter=',') -> path of a new CSV file."""

    def make(rows: Sequence[Sequence[Any]], name: str = "routes.csv", delimiter: str = ",") -> Path:
        return write_csv(tmp_path / name, rows, delimiter)

    return make


def as_given(values: dict[Any, Any]) -> dict[Any, Any]:
    """A record's values with the names a run would look up stood in by the text given:
    what a prompt named by its id (the samples' and the seed's way) resolves to."""
    from bulkops.model.refs import Named

    return {c: v.text if isinstance(v, Named) else v for c, v in values.items()}


def wire_differences(got: Any, want: Any, path: str = "") -> list[str]:
    """Where `got` differs from `want` as JSON on the wire: by value and by type (`True`
    is not `1`, `"3"` is not `3`, `1.0` is not `1`, null is not an integer). Empty when
    they are the same."""
    if type(got) is not type(want):
        return [f"{path or 'body'}: {type(got).__name__} {got!r}, want "
                f"{type(want).__name__} {want!r}"]  # fmt: skip
    if isinstance(want, dict):
        found = [f"{path}.{k}: missing" for k in want if k not in got]
        found += [f"{path}.{k}: not wanted" for k in got if k not in want]
        for key in want.keys() & got.keys():
            found += wire_differences(got[key], want[key], f"{path}.{key}")
        return found
    if isinstance(want, list):
        if len(got) != len(want):
            return [f"{path}: {len(got)} items, want {len(want)}"]
        return [d for i, (g, w) in enumerate(zip(got, want, strict=True))
                for d in wire_differences(g, w, f"{path}[{i}]")]  # fmt: skip
    return [] if got == want else [f"{path}: {got!r}, want {want!r}"]
