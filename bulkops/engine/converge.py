"""Convergence: a row describes the state it wants, not a command. Before anything is
sent, the object the row is about is found among what the account already holds, and:

- create: absent -> POST; present and already as described -> `unchanged`; present and
  different -> failed, naming the fields that differ (use update, replace or upsert);
- upsert: absent -> POST; present -> PATCH only the fields that differ, or `unchanged`;
- update: PATCH only the fields that differ, or `unchanged`;
- replace: PUT the whole object when anything differs, else `unchanged`;
- delete: DELETE, or `unchanged` when it is already gone.

So running a finished sheet again sends no write at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bulkops.engine.existing import differences
from bulkops.engine.failures import Failed
from bulkops.engine.plan import Operation
from bulkops.errors import ApiError, NotFound
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.payload import build_body
from bulkops.model.record import RowRecord
from bulkops.model.schema import Resource

if TYPE_CHECKING:
    from bulkops.engine.context import SheetWork

__all__ = ["changed_labels", "decide"]

_LISTED = 4


def changed_labels(resource: Resource, diff: Any, prefix: str = "") -> list[str]:
    """The columns behind the fields of a difference, as the user knows them."""
    labels: list[str] = []
    if isinstance(diff, dict):
        for key, value in diff.items():
            labels += changed_labels(resource, value, f"{prefix}{key}.")
        return labels
    column = resource.column_for_field(prefix.rstrip("."))
    group = resource.group_of(column) if column is not None else None
    if group is not None and group[0].label:
        return [group[0].label]
    return [column.label if column is not None else prefix.rstrip(".")]


def _unchanged(record: RowRecord, action: str, ident: Any, why: str) -> RowOutcome:
    return RowOutcome(
        record.sheet,
        record.row,
        action,
        Status.UNCHANGED,
        message=f"unchanged: {why}",
        resource_id=ident,
    )


def _alternates(resource: Resource, record: RowRecord) -> list[tuple[str, Any]]:
    """The row's filled alternate keys (external ids), as (path, value)."""
    found = []
    for path in resource.alt_keys:
        value = record.values.get(resource.by_path[path])
        if isinstance(value, str) and value:
            found.append((path, value))
    return found


def _matching(
    work: SheetWork, key: tuple[Any, ...] | None, alternates: list[tuple[str, Any]]
) -> list[str]:
    """Ids of the existing objects the row is about: by the first of its keys that finds
    any (alternate keys first where the resource says so)."""
    existing = work.existing
    by_alternate = [existing.find_alt(path, value) for path, value in alternates]
    by_key = [existing.find(key)] if key is not None else []
    found = by_alternate + by_key if work.resource.alt_first else by_key + by_alternate
    return next((ids for ids in found if ids), [])


async def decide(
    work: SheetWork, record: RowRecord, operation: Operation
) -> tuple[Operation | RowOutcome, int]:
    """The request this row still needs, or its outcome when it needs none."""
    await work.ensure_existing()  # run-level work: not counted as this row's attempts
    attempts = 0
    resource, existing, action = work.resource, work.existing, operation.action
    ident: Any = record.resource_id
    alternates = _alternates(resource, record)
    if ident is None and (operation.key is not None or alternates):
        ids = _matching(work, operation.key, alternates)
        if action in ("create", "upsert") and not ids:
            # a create row's planned body is already the create body: build it once
            body = operation.body if action == "create" else None
            body = body or build_body(resource, "create", record.values)
            created = Operation(
                action, "POST", resource.base_path, body, operation.key, operation.irreversible
            )
            return created, attempts
        named = operation.key[0] if operation.key else alternates[0][1]
        if action == "delete" and not ids:
            why = f"no {resource.name[:-1]} named '{named}' is left: already deleted"
            return _unchanged(record, action, None, why + " (or check the name)"), attempts
        try:
            ident = work.lookup.outcome(operation.key or (str(named).casefold(), None), ids)
        except ApiError as missing:
            raise Failed(missing, attempts) from None
    current = existing.get(ident)
    if current is None:
        try:
            answer, used = await work.call("GET", f"{resource.base_path}/{ident}")
            attempts += used
            current = answer.data if isinstance(answer.data, dict) else None
        except Failed as failed:
            attempts += failed.attempts
            if not isinstance(failed.error, NotFound):
                raise Failed(failed.error, attempts) from None
            if action == "delete":
                return _unchanged(record, action, ident, "already deleted"), attempts
            if action == "upsert":
                body = build_body(resource, "create", record.values)
                created = Operation(
                    action, "POST", resource.base_path, body, operation.key, operation.irreversible
                )
                return created, attempts
            raise Failed(failed.error, attempts) from None
    assert current is not None
    path = f"{resource.base_path}/{ident}"
    if action == "delete":
        return Operation(action, "DELETE", path, None, operation.key), attempts
    if action == "create":
        diff = differences(operation.body, current)
        if diff is None:
            return _unchanged(record, action, ident, f"it exists as described (id {ident})"), (
                attempts
            )
        fields = list(dict.fromkeys(changed_labels(resource, diff)))
        shown = ", ".join(fields[:_LISTED]) + (" …" if len(fields) > _LISTED else "")
        error = ApiError(
            409,
            f"it already exists (id {ident}) with other values ({shown}): "
            "use update, replace or upsert to change it",
        )
        raise Failed(error, attempts)
    desired = operation.body
    if action == "upsert":  # what differs among the filled cells (never create-only ones)
        desired = build_body(resource, "update", record.values)
    diff = differences(desired, current)
    if diff is None:
        return _unchanged(record, action, ident, f"already as the row describes (id {ident})"), (
            attempts
        )
    if action == "replace":
        return Operation(
            action, "PUT", path, operation.body, operation.key, operation.irreversible
        ), attempts
    return Operation(action, "PATCH", path, diff, operation.key, operation.irreversible), attempts
