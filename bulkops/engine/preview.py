"""The dry run of one row, after convergence has found its object: GETs only. It checks
that the objects the row refers to exist, says which fields a PUT would reset, and answers
`planned` with the request it would send, or `failed` with why applying it would fail."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from bulkops.engine.existing import same
from bulkops.engine.failures import Failed
from bulkops.engine.links import Pending
from bulkops.engine.plan import Operation
from bulkops.errors import Forbidden, NotFound
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.payload import CLEARED
from bulkops.model.problems import shown
from bulkops.model.record import RowRecord
from bulkops.model.schema import MISSING, Column, Resource

if TYPE_CHECKING:
    from bulkops.engine.context import SheetWork

__all__ = ["changes", "fingerprint", "preview", "resets"]

_RESETS_SHOWN = 8


async def preview(
    work: SheetWork, record: RowRecord, operation: Operation
) -> tuple[RowOutcome, int]:
    assert operation.path is not None
    attempts = 0
    current: Any = None
    if operation.method != "POST":  # the object, as convergence found it in the account
        current = work.existing.get(operation.path.rsplit("/", 1)[-1])
    problems: list[str] = []
    # a DELETE sends none of the row's other cells: what they name need not exist
    named = {} if operation.method == "DELETE" else record.values
    for column, value in named.items():
        if column.ref is None or value is None or value is CLEARED:
            continue
        if isinstance(value, Pending):
            continue
        for ident in value if isinstance(value, list) else [value]:
            if isinstance(ident, Pending):  # one of a list that a row would create
                continue
            path = column.ref.format(ident)
            found = work.exists.get(path)
            if found is None:
                try:
                    _, used = await work.call("GET", path)
                    found = True
                except Failed as failed:
                    if not isinstance(failed.error, NotFound | Forbidden):
                        raise
                    used, found = failed.attempts, False
                attempts += used
                work.exists[path] = found
            if not found:
                problems.append(f"{column.label} {ident} does not exist in the account")
    if work.resource.vet is not None:
        problems += await work.resource.vet(work, record)
    request = (operation.method, operation.path, operation.body)
    outcome = RowOutcome(record.sheet, record.row, operation.action, Status.PLANNED,
                         resource_id=record.resource_id, request=request)  # fmt: skip
    if isinstance(current, dict):
        outcome.resource_id = current.get(work.resource.id_key, outcome.resource_id)
    if problems:
        outcome.status = Status.FAILED
        outcome.message = "would fail: " + "; ".join(problems)
        return outcome, attempts
    message = f"would {operation.method} {operation.path}"
    if work.resource.describe is not None and isinstance(operation.body, dict):
        described = work.resource.describe(operation.body)
        message += f": {described}" if described else ""
    if operation.irreversible:
        message += " (cannot be undone: the run asks first)"
    if isinstance(current, dict):
        outcome.seen = fingerprint(work.resource, current)
    if operation.method in ("PATCH", "PUT") and isinstance(current, dict):
        outcome.changes = tuple(changes(work.resource, operation.body or {}, current))
        if outcome.changes:
            shown_changes = "; ".join(outcome.changes[:_RESETS_SHOWN])
            left = len(outcome.changes) - _RESETS_SHOWN
            message += f"; {shown_changes}" + (f" and {left} more" if left > 0 else "")
    if operation.method == "DELETE" and isinstance(current, dict):  # what goes, by name
        name_column = work.resource.by_path[work.resource.key_paths[0]]
        name = name_column.value_in(current)
        if name not in (None, ""):
            outcome.changes = (f"{name_column.label}: {_short(_cell(name))} → (deleted)",)
            message += f": deletes the {work.resource.name[:-1]} '{_short(name)}'"
    if operation.action == "replace" and isinstance(current, dict):
        reset = resets(work.resource, record.values, current)
        if reset:
            listed = ", ".join(reset[:_RESETS_SHOWN])
            more = f" and {len(reset) - _RESETS_SHOWN} more" if len(reset) > _RESETS_SHOWN else ""
            message += f"; resets to defaults: {listed}{more}"
    outcome.message = message
    return outcome, attempts


def fingerprint(resource: Resource, state: dict[str, Any]) -> str:
    """A short, stable fingerprint of what a sheet can say of an object (every column's
    value; not the server's timestamps): it moves when a field a row describes moves."""
    fields = {c.path: c.value_in(state, MISSING) for c in resource.columns}
    described = {k: v for k, v in fields.items() if v is not MISSING}
    text = json.dumps(described, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def changes(resource: Resource, body: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Each field `body` would change on the object as it is, 'Label: old → new' (the
    plan a person reads and signs off)."""
    found = []
    for column in resource.columns:
        new = column.value_in(body, MISSING)
        if new is MISSING:
            continue
        old = column.value_in(current, MISSING)
        if old is not MISSING and same(old, new):
            continue
        before = "(empty)" if old is MISSING or old in (None, "", []) else _short(_cell(old))
        after = "(empty)" if new in (None, "", []) else _short(_cell(new))
        found.append(f"{column.label}: {before} → {after}")
    return found


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def resets(resource: Resource, values: dict[Column, Any], current: dict[str, Any]) -> list[str]:
    """Fields a PUT of `values` would put back to their default though they now differ."""
    changed = []
    for column in resource.columns:
        if column in values or column.create_only or column.default is MISSING:
            continue
        if resource.group_of(column) is not None:
            continue
        now = column.value_in(current, MISSING)
        if now is not MISSING and now != column.default:
            default = "empty" if column.default in ("", [], None) else shown(column.default)
            changed.append(f"{column.label} ({_short(now)} → {default})")
    for group in resource.groups:
        columns = [c for c in resource.columns if (resource.group_of(c) or (None,))[0] is group]
        if any(c in values for c in columns):
            continue
        node: Any = current
        for name in group.path.split("."):
            node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, list) and node:
            changed.append(f"{group.label or group.path} ({len(node)} → none)")
    return changed


def _short(value: Any) -> str:
    text = shown(value) if not isinstance(value, list) else "; ".join(map(str, value))
    return text if len(text) <= 30 else text[:29] + "…"
