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

from bulkops.engine.existing import deleted, differences
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
    work: SheetWork,
    key: tuple[Any, ...] | None,
    alternates: list[tuple[str, Any]],
    body: dict[str, Any] | None,
) -> list[str]:
    """Ids of the existing objects the row is about: by the first of its keys that finds
    any (alternate keys first where the resource says so), then among objects listed
    without a name, by the resource's fingerprint."""
    existing = work.existing
    by_alternate = [existing.find_alt(path, value) for path, value in alternates]
    by_key = [existing.find(key)] if key is not None else []
    found = by_alternate + by_key if work.resource.alt_first else by_key + by_alternate
    return next((ids for ids in found if ids), None) or existing.find_unnamed(body)


async def decide(
    work: SheetWork, record: RowRecord, operation: Operation
) -> tuple[Operation | RowOutcome, int]:
    """The request this row still needs, or its outcome when it needs none."""
    await work.ensure_existing()  # run-level work: not counted as this row's attempts
    attempts = 0
    resource, existing, action = work.resource, work.existing, operation.action
    ident: Any = record.resource_id
    alternates = _alternates(resource, record)
    described: dict[str, Any] | None = None  # what the row describes, for a fingerprint
    if ident is None and (operation.key is not None or alternates):
        if resource.fingerprint:
            described = operation.body if action == "create" else None
            described = described or build_body(resource, "create", record.values)
        ids = _matching(work, operation.key, alternates, described)
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
    name_path = resource.key_paths[0] if resource.key_paths else ""
    if current is not None and described is not None and current.get(name_path) is None:
        # found by its fingerprint, listed without a name: its name is the row's
        current[name_path] = described.get(name_path)
    if current is None:
        try:
            current, used = await _read(work, ident)
            attempts += used
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
    else:
        current, used = await _complete(work, record, operation, ident, current)
        attempts += used
    path = f"{resource.base_path}/{ident}"
    if action == "delete" and deleted(current):
        return _unchanged(record, action, ident, "already deleted"), attempts
    if action == "delete":
        return Operation(action, "DELETE", path, None, operation.key, before=current), attempts
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
    body = _kept(resource, record, operation.body, current) if action == "replace" else diff
    if action != "replace":
        # a nested object goes whole, completed from the object as it is: whether the
        # API's PATCH merges nested objects or replaces them, nothing else in them moves
        body = _whole_objects(diff, current)
    refusal = resource.guard(action, current, body or {}) if resource.guard else None
    if refusal:
        raise Failed(ApiError(409, refusal), attempts)
    method = "PUT" if action == "replace" else "PATCH"
    before = current if action == "replace" else _at(diff, current)
    return Operation(action, method, path, body, operation.key, operation.irreversible,
                     before), attempts  # fmt: skip


async def _read(work: SheetWork, ident: Any) -> tuple[dict[str, Any], int]:
    """The object itself (GET), in body shape."""
    path = f"{work.resource.base_path}/{ident}"
    answer, used = await work.call("GET", path)
    if not isinstance(answer.data, dict) or not answer.data:
        raise Failed(
            ApiError(
                answer.status,
                f"the answer to GET {path} holds no object (expected the "
                f"{work.resource.name[:-1]}'s fields under data; request "
                f"{answer.request_id or 'without id'})",
                request_id=answer.request_id,
            ),
            used,
        )
    return work.resource.shaped(answer.data), used


async def _complete(
    work: SheetWork,
    record: RowRecord,
    operation: Operation,
    ident: Any,
    listed: dict[str, Any],
) -> tuple[dict[str, Any], int]:
    """The listed object, completed from the object itself when the row sets fields the
    listing does not show (the users list leaves out time zone and agent code): without
    it, such a row would be sent on every run. Before a live delete or replace, the
    whole object: the journal keeps it for `bulkops undo`."""
    whole = operation.action in ("delete", "replace") and not work.dry_run
    if whole and any(name not in listed for name in work.resource.unlisted):
        detail, used = await _read(work, ident)
        return {**listed, **detail}, used
    if operation.action == "delete":
        return listed, 0
    kind = "create" if operation.action == "create" else "update"
    desired = operation.body if kind == "create" else None
    desired = desired or build_body(work.resource, kind, record.values)
    if not any(key not in listed for key in desired):
        return listed, 0
    detail, used = await _read(work, ident)
    return {**listed, **detail}, used


def _at(diff: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """What `current` holds where `diff` changes it (objects followed key by key, lists
    whole; None where it holds nothing): an update's old values, for `bulkops undo`."""
    found: dict[str, Any] = {}
    for key, value in diff.items():
        now = current.get(key)
        found[key] = _at(value, now) if isinstance(value, dict) and isinstance(now, dict) else now
    return found


def _whole_objects(diff: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """A PATCH body: each top-level object the difference touches, whole (the current
    object with the changes over it); other fields as they differ."""
    body = {}
    for key, value in diff.items():
        now = current.get(key)
        body[key] = (
            _over(now, value) if isinstance(value, dict) and isinstance(now, dict) else value
        )
    return body


def _over(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` over `current`, nested objects key by key. A null the object holds is
    left out (the API may type the field as a plain integer: not sending it keeps it)."""
    merged = {key: value for key, value in current.items() if value is not None}
    for key, value in changes.items():
        now = merged.get(key)
        merged[key] = (
            _over(now, value) if isinstance(value, dict) and isinstance(now, dict) else value
        )
    return merged


def _kept(
    resource: Resource, record: RowRecord, body: dict[str, Any] | None, current: dict[str, Any]
) -> dict[str, Any]:
    """A replace body, with what a blank cell keeps (a column's `kept_blank`) taken from
    the object as it is: a PUT would otherwise reset it."""
    whole = dict(body or {})
    for column in resource.columns:
        if not column.kept_blank or column in record.values:
            continue
        value: Any = current
        for part in column.path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        target = whole
        *parents, leaf = column.path.split(".")
        for part in parents:
            target[part] = dict(target.get(part) or {})
            target = target[part]
        target[leaf] = value
    return whole
