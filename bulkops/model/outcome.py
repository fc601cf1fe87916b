"""What became of each row: a status from DESIGN.md and everything the results record."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["RowOutcome", "Status"]


class Status(StrEnum):
    PLANNED = "planned"
    SUCCEEDED = "succeeded"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    INVALID = "invalid"
    FAILED = "failed"
    UNKNOWN = "unknown"
    NOT_ATTEMPTED = "not_attempted"
    #: applying a plan: the object changed since the plan saw it, so the row was not sent
    DRIFTED = "drifted"

    @property
    def ok(self) -> bool:
        """Statuses that leave the exit code at 0."""
        return self in (Status.PLANNED, Status.SUCCEEDED, Status.UNCHANGED, Status.SKIPPED)


@dataclass
class RowOutcome:
    """One row's result. `fields` maps API field paths the server refused to its messages;
    `request` is (method, path, body) of what was (or, in a dry run, would be) sent."""

    sheet: str
    row: int
    action: str
    status: Status
    message: str = ""
    http_status: int | None = None
    request_id: str | None = None
    resource_id: Any = None
    attempts: int = 0
    duration_ms: int = 0
    fields: dict[str, str] = field(default_factory=dict)
    request: tuple[str, str, Any] | None = None
    reconciled: bool = False
    #: a dry run's changed fields, each 'Label: old → new'
    changes: tuple[str, ...] = ()
    #: read back after the run: 'verified', or 'drifted: …' ('' when not read back)
    verified: str = ""
    #: a dry run: the fingerprint (SHA-256, 16 hex) of the object as the plan saw it
    seen: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The row of `bulkops run --json`."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "action": self.action,
            "status": self.status.value,
            "http_status": self.http_status,
            "request_id": self.request_id,
            "resource_id": self.resource_id,
            "message": self.message,
            "attempts": self.attempts,
            "verified": self.verified or None,
        }
