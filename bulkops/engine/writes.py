"""A row's write and what makes it safe: the intent journaled before it is sent, the
picture of the account kept current after, and a create whose answer was lost looked up by
its natural key (`reconcile`) instead of being sent again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bulkops.config import RECONCILE_CHECKS, RECONCILE_DELAY
from bulkops.engine.failures import Failed, text_of
from bulkops.engine.plan import Operation
from bulkops.errors import ApiError, Conflict, CreatedWithoutId, OutcomeUnknown, ServerError
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.record import RowRecord

if TYPE_CHECKING:
    from bulkops.engine.context import SheetWork

__all__ = ["create", "delete_nested", "find", "reconcile", "reconciled", "send", "write"]


async def find(
    work: SheetWork, key: tuple[Any, ...], body: dict[str, Any] | None = None
) -> tuple[list[Any], int]:
    """Ids of the objects with natural key `key` (or, listed without a name, with the
    fingerprint of `body`), listed now (not cached)."""
    ids: list[Any] = []
    attempts = 0
    lookup = work.lookup
    async for items, used in work.pages(work.resource.listing, lookup.query(key, body)):
        attempts += used
        ids += lookup.match(key, items, body)
    return ids, attempts


async def reconcile(
    work: SheetWork, key: tuple[Any, ...], body: dict[str, Any] | None = None
) -> tuple[Any, int]:
    """After a create whose answer was lost: look for the object a few times (a slow
    commit may still land). Its id, or None when it is not there."""
    attempts = 0
    for check in range(RECONCILE_CHECKS):
        if check:
            await work.clock.sleep(RECONCILE_DELAY * 2 ** (check - 1))
        ids, used = await find(work, key, body)
        attempts += used
        if len(ids) == 1:
            return ids[0], attempts
        if len(ids) > 1:
            raise Failed(
                ApiError(
                    409,
                    f"{len(ids)} objects now have this name (ids "
                    f"{', '.join(map(str, ids[:5]))}): check them",
                ),
                attempts,
            )
    return None, attempts


async def write(work: SheetWork, record: RowRecord, operation: Operation) -> tuple[RowOutcome, int]:
    """Journal the intent, send, and keep the picture of the account current."""
    assert operation.path is not None
    in_doubt = work.in_doubt(record)
    work.intent(record, operation.method, operation.path, operation.key, operation.encoded,
                before=operation.before, irreversible=operation.irreversible)  # fmt: skip
    if operation.method == "POST":
        outcome, used = await create(work, record, operation, in_doubt)
    elif operation.method == "DELETE" and work.deletes is not None:
        outcome, used = await delete_nested(work, record, operation, in_doubt)
    else:
        outcome, used = await send(work, record, operation, in_doubt)
    if outcome.status is Status.SUCCEEDED:
        work.remember(operation, outcome)
    return outcome, used


async def delete_nested(
    work: SheetWork, record: RowRecord, operation: Operation, in_doubt: bool
) -> tuple[RowOutcome, int]:
    """A DELETE of an object that may hold others of its kind: refused while it does
    (409), it is tried again once the other delete rows of the sheet went (`Deletes`)."""
    assert work.deletes is not None
    attempts = 0
    while True:
        since = work.deletes.deleted
        try:
            outcome, used = await send(work, record, operation, in_doubt)
            return outcome, attempts + used
        except Failed as failed:
            attempts += failed.attempts
            if not isinstance(failed.error, Conflict):
                raise Failed(failed.error, attempts) from None
            work.release_slot()  # waiting for other rows: give the slot back
            try:
                again = await work.deletes.wait_for_others(since)
            finally:
                await work.slot()
            if not again:
                raise Failed(failed.error, attempts) from None


async def send(
    work: SheetWork, record: RowRecord, operation: Operation, in_doubt: bool = False
) -> tuple[RowOutcome, int]:
    assert operation.path is not None
    body = operation.encoded if operation.body is not None else None
    answer, attempts = await work.call(
        operation.method, operation.path, body, gone_is_done=in_doubt
    )
    resource_id = work.resource.created_id(answer.data)
    if resource_id is None and operation.method == "POST":
        # a 2xx to a create that names no new id (no data, or the id under no key any
        # reading of the docs uses): created, but which object is not known yet
        raise Failed(
            CreatedWithoutId(
                f"HTTP {answer.status} without the new id (expected data."
                f"{work.resource.created_key}; request {answer.request_id or 'without id'})"
            ),
            attempts,
        )
    if resource_id is None:
        resource_id = record.resource_id
    if resource_id is None and operation.path != work.resource.base_path:
        resource_id = operation.path.rsplit("/", 1)[-1]
    verb = {"POST": "created", "PATCH": "updated", "PUT": "replaced", "DELETE": "deleted"}[
        operation.method
    ]
    outcome = RowOutcome(
        record.sheet,
        record.row,
        operation.action,
        Status.SUCCEEDED,
        message=verb,
        http_status=answer.status,
        request_id=answer.request_id,
        resource_id=resource_id,
    )
    return outcome, attempts


async def create(
    work: SheetWork, record: RowRecord, operation: Operation, in_doubt: bool = False
) -> tuple[RowOutcome, int]:
    """A POST, reconciled when its answer is lost: found by natural key -> succeeded;
    not found -> sent once more only where the server refuses duplicates (a second
    copy would be a 409), else the row ends unknown. Never sent twice blindly.

    A row in doubt from an interrupted run is looked up first: the process that sent
    it is gone, so whatever it sent has long landed or never will."""
    attempts = 0
    if in_doubt and operation.key is not None:
        found, attempts = await reconcile(work, operation.key, operation.body)
        if found is not None:
            return reconciled(record, found, "the run that sent it was interrupted"), attempts
    for round_ in range(2):
        try:
            outcome, used = await send(work, record, operation)
            outcome.attempts = attempts + used
            return outcome, attempts + used
        except Failed as failed:
            attempts += failed.attempts
            ambiguous = isinstance(failed.error, OutcomeUnknown | ServerError)
            repeat_conflict = round_ > 0 and isinstance(failed.error, Conflict)
            if not (ambiguous or repeat_conflict) or operation.key is None:
                raise Failed(failed.error, attempts) from None
            try:
                found, used = await reconcile(work, operation.key, operation.body)  # harmless
            except Failed as looking:
                # the look-up itself failed: what the create did is still not known (its
                # row ends unknown, never sent again), whatever the look-up met
                raise Failed(failed.error, attempts + looking.attempts) from None
            attempts += used
            if found is not None:
                why = f"its answer was lost: {text_of(failed.error)}"
                return reconciled(record, found, why), attempts
            if operation.irreversible or isinstance(failed.error, CreatedWithoutId):
                # sends texts, or known to be made: never sent a second time
                raise Failed(failed.error, attempts) from None
            if not work.resource.unique_on_server or round_ > 0:
                raise Failed(failed.error, attempts) from None
    raise AssertionError("unreachable")  # pragma: no cover


def reconciled(record: RowRecord, found: Any, why: str) -> RowOutcome:
    return RowOutcome(
        record.sheet,
        record.row,
        "create",
        Status.SUCCEEDED,
        message=f"created ({why}; found by its name, id {found})",
        resource_id=found,
        reconciled=True,
    )
