"""A signed-off plan (the results workbook of a dry run) read back, so a live run applies
exactly it: the input it was made from (SHA-256), the account (target), its own digest
(an edited plan is refused), and per row what it would do and the state it saw."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bulkops.engine.existing import Existing
from bulkops.engine.plan import Operation
from bulkops.engine.preview import changes, fingerprint
from bulkops.errors import InputError, UsageError
from bulkops.io.tables import open_workbook
from bulkops.labels import CHANGES_LABEL, OUTCOME_LABELS, REQUEST_LABEL, SEEN_LABEL
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.record import RowRecord

__all__ = ["KINDS", "Plan", "PlannedRow", "digest", "drifted_from", "kind_of", "read_plan"]

_STATUS = OUTCOME_LABELS[0]
_MESSAGE = OUTCOME_LABELS[5]
#: what a plan calls a row its dry run found would fail
WOULD_FAIL = "would fail"
_DIGEST = "Plan SHA-256"


@dataclass(frozen=True)
class PlannedRow:
    """One row as the plan has it: what it would do, the fingerprint of the object it
    saw, and the fields it would change ('Label: old → new')."""

    kind: str
    seen: str = ""
    changes: tuple[str, ...] = ()
    #: why it would fail, as the plan said it (shown again, not part of the digest)
    reason: str = ""

    def line(self, sheet: str, row: int) -> str:
        return f"{sheet}|{row}|{self.kind}|{self.seen}|{chr(10).join(self.changes)}"


@dataclass
class Plan:
    path: Path
    input_sha256: str
    target: str
    rows: dict[tuple[str, int], PlannedRow] = field(default_factory=dict)


def digest(lines: Iterable[str]) -> str:
    """The plan's own fingerprint, over its rows in order (an edit changes it)."""
    hashed = hashlib.sha256()
    for line in lines:
        hashed.update(line.encode())
        hashed.update(b"\n")
    return hashed.hexdigest()


#: what a request does, as a plan names it
KINDS = {"POST": "create", "PATCH": "update", "PUT": "replace", "DELETE": "delete"}


def kind_of(status: str, request: str) -> str:
    """What a row of the plan would do, from its status and its request text."""
    if status == "planned":
        return KINDS.get(request.split(" ", 1)[0], "send")
    return WOULD_FAIL if status == "failed" else status


def read_plan(path: Path) -> Plan:
    """The plan at `path`; UsageError (one line) when it is not a plan, or was edited."""
    try:
        workbook = open_workbook(path)
    except InputError as exc:
        raise UsageError(f"--plan {path}: {exc}") from None
    try:
        if "Summary" not in workbook.sheet_names:
            raise UsageError(f"--plan {path}: not a plan (no Summary sheet): make one with "
                             "bulkops run FILE --dry-run")  # fmt: skip
        summary: dict[str, str] = {}
        for _, values in workbook.sheet("Summary").rows:
            if len(values) >= 2 and values[0] not in (None, ""):
                summary[str(values[0])] = "" if values[1] is None else str(values[1])
        summary_header = workbook.sheet("Summary").header
        if summary_header and summary_header[0] not in (None, ""):
            summary[str(summary_header[0])] = str(summary_header[1] or "")
        if _DIGEST not in summary or "Input SHA-256" not in summary:
            raise UsageError(f"--plan {path}: not a plan (its Summary has no {_DIGEST}): make "
                             "one with bulkops run FILE --dry-run")  # fmt: skip
        plan = Plan(path, summary["Input SHA-256"], summary.get("Target", ""))
        for name in workbook.sheet_names:
            sheet = workbook.sheet(name)
            header = [str(h) if h is not None else "" for h in sheet.header]
            if _STATUS not in header or REQUEST_LABEL not in header:
                continue
            at = {label: header.index(label) for label in (_STATUS, REQUEST_LABEL)}
            message_at = header.index(_MESSAGE) if _MESSAGE in header else None
            changes_at = header.index(CHANGES_LABEL) if CHANGES_LABEL in header else None
            seen_at = header.index(SEEN_LABEL) if SEEN_LABEL in header else None
            for number, values in sheet.rows:

                def cell(index: int | None, values: list[object] = values) -> str:
                    if index is None or index >= len(values) or values[index] is None:
                        return ""
                    return str(values[index])

                status = cell(at[_STATUS])
                if not status:
                    continue
                changes = tuple(line for line in cell(changes_at).split("\n") if line)
                kind = kind_of(status, cell(at[REQUEST_LABEL]))
                reason = cell(message_at) if kind == WOULD_FAIL else ""
                plan.rows[(name, number)] = PlannedRow(kind, cell(seen_at), changes, reason)
    finally:
        workbook.close()
    lines = (row.line(sheet, number) for (sheet, number), row in sorted(plan.rows.items()))
    if digest(lines) != summary[_DIGEST]:
        raise UsageError(
            f"--plan {path}: the plan was edited after it was made (its rows no longer match "
            "its Plan SHA-256): make it again with --dry-run, and sign that one off"
        )
    return plan


def drifted_from(
    plan: dict[tuple[str, int], PlannedRow],
    existing: Existing,
    record: RowRecord,
    operation: Operation,
) -> RowOutcome | None:
    """Applying a plan: None when the row is as the plan saw it, else why it is not sent
    (`drifted`): the plan does not hold it, planned something else, or saw the object
    otherwise (naming the fields no longer as planned)."""
    planned = plan.get((record.sheet, record.row))
    kind = KINDS.get(operation.method, "send")
    why = ""
    if planned is not None and planned.kind == WOULD_FAIL:  # what was signed off: not sent
        reason = planned.reason.removeprefix("would fail: ") or "see the preview"
        message = (f"not sent: the preview found it would fail ({reason}): fix the row, then "
                   "preview it again")  # fmt: skip
        return RowOutcome(record.sheet, record.row, record.action, Status.FAILED,
                          message=message, resource_id=record.resource_id)  # fmt: skip
    if planned is None:
        why = "the plan does not hold this row"
    elif planned.kind != kind:
        why = f"the plan said {planned.kind}; now it would {kind}"
    elif planned.seen and operation.path is not None:
        resource = existing.resource
        current = existing.get(operation.path.rsplit("/", 1)[-1])
        if isinstance(current, dict) and fingerprint(resource, current) != planned.seen:
            now = changes(resource, operation.body or {}, current)
            moved = [c.split(":", 1)[0] for c in planned.changes if c not in now]
            why = "the object changed since the plan"
            why += f" ({', '.join(moved)} no longer as planned)" if moved else ""
    if not why:
        return None
    return RowOutcome(record.sheet, record.row, record.action, Status.DRIFTED,
                      message=f"not sent: {why}; make the plan again (--dry-run), or "
                      "--allow-drift to send it anyway",
                      resource_id=record.resource_id)  # fmt: skip
