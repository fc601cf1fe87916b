"""The outcome of validating a file: problems as data, counts, and whether it is valid."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulkops.model.problems import Problem

__all__ = ["Report", "SheetReport"]


@dataclass
class SheetReport:
    """One resource sheet: its data rows, how many are invalid, and its problems."""

    sheet: str
    resource: str
    rows: int = 0
    invalid_rows: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Report:
    """A validated file. `valid` is False as soon as one problem is an error."""

    path: Path
    sheets: list[SheetReport]
    report_path: Path | None = None

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.sheets for p in s.problems]

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.sheets)

    @property
    def invalid_rows(self) -> int:
        return sum(s.invalid_rows for s in self.sheets)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def counts(self) -> Counter[str]:
        """Problems by code."""
        return Counter(p.code for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        """The `--json` document: {"valid", "rows", "problems"} (plus report_path)."""
        return {
            "valid": self.valid,
            "rows": self.rows,
            "problems": [p.as_dict() for p in self.problems],
            "report_path": str(self.report_path) if self.report_path else None,
        }
