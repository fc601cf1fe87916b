"""The mapping's parts: its rules (where each template column's cells come from), the
sheet it is written in, and the foreign file's first rows, looked at to judge a column."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from bulkops.errors import BulkopsError
from bulkops.io.tables import Sheet, open_workbook
from bulkops.model.schema import Column, Resource
from bulkops.validation.cells import is_blank, to_text

__all__ = [
    "ARROW",
    "IGNORED",
    "MAPPING_HEADER",
    "MAPPING_SHEET",
    "SAMPLED",
    "Mapped",
    "Mapping",
    "MappingProblems",
    "Rule",
    "foreign_sheet",
    "sampled",
]

MAPPING_SHEET: Final = "Mapping"
MAPPING_HEADER: Final = ("Column", "From", "Constant", "Values", "Score", "Note")
IGNORED: Final = "(ignored)"
#: the foreign rows looked at to judge whether a column fits, and to suggest value maps
SAMPLED: Final = 500
#: how a value map pairs a foreign value with the template's (Paused → inactive)
ARROW: Final = re.compile(r"\s*(?:→|->|=>|=)\s*")


class MappingProblems(BulkopsError):
    """A mapping that cannot be used: one line per mistake, each naming its row."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[0] if len(lines) == 1 else f"{len(lines)} problems in the mapping")
        self.lines = lines


@dataclass
class Rule:
    """Where one template column's cells come from."""

    label: str
    column: Column | None  # None: the Action column
    line: int = 0  # its row in the mapping sheet (0: suggested, not read)
    source: str | None = None
    index: int | None = None
    constant: Any = None
    values: dict[str, str] = field(default_factory=dict)
    score: float | None = None
    note: str = ""


@dataclass
class Mapping:
    resource: Resource
    rules: list[Rule]
    ignored: list[str]
    path: Path | None = None
    #: foreign columns the mapping does not mention (ignored, said as a warning)
    unmentioned: list[str] = field(default_factory=list)


@dataclass
class Mapped:
    """What `apply` wrote: the rows, and which foreign row each output row came from."""

    path: Path
    rows: int
    foreign_rows: dict[int, int]


def foreign_sheet(path: Path, encoding: str | None = None) -> tuple[Any, Sheet]:
    """The foreign file's first sheet (a CSV's only one); the workbook to close after."""
    workbook = open_workbook(path, encoding=encoding)
    return workbook, workbook.sheet(workbook.sheet_names[0])


def sampled(
    sheet: Sheet,
) -> tuple[list[str], dict[int, list[Any]], Iterator[tuple[int, list[Any]]]]:
    """The header, the first values of each column, and the rows (those looked at first)."""
    header = [to_text(h) if not is_blank(h) else "" for h in sheet.header]
    seen: list[tuple[int, list[Any]]] = []
    for row in sheet.rows:
        seen.append(row)
        if len(seen) >= SAMPLED:
            break
    samples = {
        i: [values[i] for _, values in seen if i < len(values) and not is_blank(values[i])]
        for i in range(len(header))
    }

    def rows() -> Iterator[tuple[int, list[Any]]]:
        yield from seen
        yield from sheet.rows

    return header, samples, rows()
