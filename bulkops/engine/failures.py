"""What a row that did not go through ends as: held back before any request (skipped, or
invalid naming its first problem), or, when its request failed, the status (failed,
unknown, or not done yet) and a message that says what went wrong and what to do."""

from __future__ import annotations

from dataclasses import dataclass

from bulkops.engine.plan import Operation
from bulkops.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    NotSent,
    OutcomeUnknown,
    ServerError,
    TransportError,
    Unauthorized,
    UnexpectedAnswer,
)
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.record import RowRecord
from bulkops.model.schema import Resource
from bulkops.model.seam import Failed

__all__ = ["Failed", "SentFailed", "explain", "failure_outcome", "held_back", "systemic",
           "text_of"]  # fmt: skip


@dataclass
class SentFailed(Failed):
    """A failure of a row's write itself (or its preview), with the operation it was."""

    operation: Operation


def failure_outcome(
    resource: Resource,
    record: RowRecord,
    operation: Operation,
    error: Exception,
    sent: bool,
    dry_run: bool,
) -> tuple[RowOutcome, str | None]:
    """The outcome of a row whose request failed. `sent`: the write itself went out
    (a failure while finding the object sends nothing)."""
    outcome = RowOutcome(
        record.sheet,
        record.row,
        operation.action,
        Status.FAILED,
        resource_id=record.resource_id,
        request=(operation.method, operation.path or "", operation.body),
    )
    if isinstance(error, ApiError):
        outcome.http_status = error.status if error.status else None
        outcome.request_id = error.request_id
        outcome.fields = dict(error.fields)
    ambiguous = isinstance(error, OutcomeUnknown | ServerError)
    if operation.method == "POST" and ambiguous and sent and not dry_run:
        outcome.status = Status.UNKNOWN
        name = operation.key[0] if operation.key else "it"
        outcome.message = (
            f"the API may have created it ({text_of(error)}); look for "
            f"'{name}' before sending this row again"
        )
        return outcome, None
    transient = isinstance(error, ServerError | NotSent) or (
        isinstance(error, OutcomeUnknown) and (operation.method != "POST" or not sent)
    )
    if transient and not dry_run:
        # nothing is known to have changed, and running it again is safe: not done yet
        outcome.status = Status.NOT_ATTEMPTED
        reason = explain(resource, error)
        outcome.message = f"not done: the API kept failing ({reason}); --resume sends it again"
        return outcome, None
    stop = None
    if isinstance(error, Unauthorized):
        stop = (
            "not attempted: the API refused the credentials "
            f"({text_of(error)}); log in again and re-run"
        )
    outcome.message = explain(resource, error)
    return outcome, stop


def systemic(error: Exception) -> bool:
    """Failures that say the API (or the way to it) is unwell, not that the row is wrong."""
    return isinstance(error, ServerError | TransportError | Forbidden | UnexpectedAnswer)


def text_of(error: BaseException) -> str:
    return str(error) or type(error).__name__


def explain(resource: Resource, error: Exception) -> str:
    """What went wrong and what to do, for the Message column."""
    text = text_of(error)
    if isinstance(error, BadRequest) and error.fields:
        parts = []
        for field, message in list(error.fields.items())[:5]:
            column = resource.column_for_field(field)
            parts.append(f"{column.label if column else field}: {message}")
        return f"the API refused the row: {'; '.join(parts)}"
    if isinstance(error, Conflict):
        return f"already exists: {text}"
    if isinstance(error, NotFound):
        return text if "no " in text else f"not found: {text}"
    if isinstance(error, ApiError):
        return f"HTTP {error.status}: {text}"
    return f"no answer from the API: {text}"


def held_back(record: RowRecord, blocked: bool) -> RowOutcome | None:
    """The outcome of a row that is not sent as it stands: skipped as its Action says, or
    invalid (naming the first of its problems); None when it may go. `blocked`: its sheet
    is hidden, or a column its action needs is missing."""
    if record.action == "skip":
        return RowOutcome(record.sheet, record.row, "skip", Status.SKIPPED,
                          "skipped as the Action column says")  # fmt: skip
    errors = [p for p in record.problems if p.is_error]
    if not errors and record.action and not blocked:
        return None
    if errors:
        first = errors[0]
        place = f"{first.column} ({first.cell}): " if first.column and first.cell else ""
        reason = place + first.message
    else:
        reason = (
            "its sheet is hidden, a column its action needs is missing, or a header "
            "looks misspelt (see the Problems sheet)"
        )
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return RowOutcome(record.sheet, record.row, record.action or "", Status.INVALID,
                      f"not sent: {reason}{more}")  # fmt: skip
