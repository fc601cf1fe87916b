"""A validated row: what the rest of the pipeline (plan, run) works from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bulkops.model.columns import Column
from bulkops.model.problems import Problem

__all__ = ["RowRecord"]


@dataclass(slots=True)
class RowRecord:
    """A validated row. `values` holds the typed value of every filled cell (CLEARED for
    #CLEAR); the id is in `resource_id`, not in `values`."""

    sheet: str
    row: int
    action: str
    values: dict[Column, Any]
    problems: list[Problem] = field(default_factory=list)
    resource_id: int | str | None = None
    key: tuple[Any, ...] | None = None

    @property
    def valid(self) -> bool:
        return not any(p.is_error for p in self.problems)
