"""Ordering and releasing numbers (the `numbers` resource's own executor): the requests of
CONTRACT.md section 3, kept here once. An order spends money: it is journaled before it is
sent, and one whose answer was lost is looked up among the account's numbers, never sent
again. A search row describes what its group should hold and orders only what it lacks."""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field

from bulkops.errors import Conflict, NotFound, OutcomeUnknown, ServerError
from bulkops.listing import listed_items
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.record import RowRecord
from bulkops.model.seam import Failed, RunContext, kept
from bulkops.phones import ten_digits
from bulkops.together import together

__all__ = [
    "AVAILABLE",
    "MAX_QUANTITY",
    "ORDER",
    "OWNED",
    "RELEASE",
    "OrderBody",
    "available_numbers",
    "execute",
    "list_numbers",
    "owned_numbers",
]

AVAILABLE: Final = "/phone-numbers/available"
ORDER: Final = "/phone-numbers"
RELEASE: Final = "/phone-numbers/reserved/{}"
OWNED: Final = ("/phone-numbers/assigned", "/phone-numbers/provisioned")
MAX_QUANTITY: Final = 100


class OrderBody(BaseModel):
    """The body of an order."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    phone_number: Annotated[str, Field(pattern=r"^\d{10}$")]
    org_unit_id: Annotated[int, Field(ge=1)]


def _value(record: RowRecord, path: str) -> Any:
    """The row's typed value of the column at `path`."""
    return next((v for c, v in record.values.items() if c.path == path), None)


async def owned_numbers(run: RunContext) -> dict[str, dict[str, Any]]:
    """The account's numbers (reserved and routed), listed once per run and kept current
    with the run's own orders and releases."""
    return await kept(run, "owned", lambda: list_numbers(run))


async def list_numbers(run: RunContext) -> dict[str, dict[str, Any]]:
    """The account's numbers as the API lists them now."""
    found: dict[str, dict[str, Any]] = {}

    async def listed(path: str) -> None:
        async for items, _ in run.pages(path):
            for item in items:
                number = ten_digits(item.get("phone_number"))
                found[str(number)] = {**item, "phone_number": number}

    await together(partial(listed, path) for path in OWNED)  # reserved and routed, at once
    return found


def _outcome(record: RowRecord, status: Status, message: str, **more: Any) -> RowOutcome:
    return RowOutcome(record.sheet, record.row, record.action, status, message=message, **more)


async def execute(run: RunContext, record: RowRecord) -> tuple[RowOutcome, int]:
    """One numbers row: order or release. Returns its outcome and the requests it took; a
    request that failed for good raises `Failed` (an order whose answer was
    lost never does: it is settled here)."""
    calls_before = run.requests
    outcome = await _execute(run, record)
    return outcome, run.requests - calls_before


async def _execute(run: RunContext, record: RowRecord) -> RowOutcome:
    owned = await owned_numbers(run)
    number = _value(record, "phone_number")
    if record.action == "release":
        return await _release(run, record, number, owned)
    if number is not None:
        return await _order_exact(run, record, number, owned)
    return await _order_search(run, record, owned)


async def _release(
    run: RunContext, record: RowRecord, number: str, owned: dict[str, dict[str, Any]]
) -> RowOutcome:
    path = RELEASE.format(number)
    if number not in owned:
        return _outcome(
            record,
            Status.UNCHANGED,
            f"unchanged: {number} is not a number of this account (already released?)",
            resource_id=number,
        )
    if run.dry_run:
        return _outcome(
            record, Status.PLANNED, f"would DELETE {path}", request=("DELETE", path, None)
        )
    in_doubt = run.in_doubt(record)
    _journal(run, record, "DELETE", path, number, b"")
    answer, _ = await run.call("DELETE", path, gone_is_done=in_doubt)
    owned.pop(number, None)
    run.state.setdefault("released", set()).add(number)  # never bought back by this run
    return _outcome(
        record,
        Status.SUCCEEDED,
        "released",
        resource_id=number,
        http_status=answer.status,
        request_id=answer.request_id,
    )


async def available_numbers(run: RunContext, **query: Any) -> list[str]:
    """The numbers the API offers to order, as asked (blank criteria left out)."""
    params = {k: v for k, v in query.items() if v not in (None, "")}
    answer, _ = await run.call("GET", AVAILABLE, params=params)
    return [str(ten_digits(i.get("phone_number"))) for i in listed_items(answer.data)]


async def _order_exact(
    run: RunContext, record: RowRecord, number: str, owned: dict[str, dict[str, Any]]
) -> RowOutcome:
    run.state.setdefault("claimed", set()).add(number)
    if number in owned:
        return _outcome(
            record,
            Status.UNCHANGED,
            f"unchanged: {number} is already a number of this account",
            resource_id=number,
        )
    group = _value(record, "org_unit_id")
    if run.dry_run:
        found = await available_numbers(
            run,
            area_code=number[:3],
            contains=number[3:],
            number_type=_value(record, "number_type") or "local",
            limit=200,
        )
        if number not in found:
            return _outcome(
                record,
                Status.FAILED,
                f"would fail: {number} is not available to order; choose another, or order "
                "by Area Code instead",
            )
        return _outcome(
            record,
            Status.PLANNED,
            f"would order {number} (spends money: the run asks first)",
            request=("POST", ORDER, {"phone_number": number, "org_unit_id": group}),
        )
    got, message = await _order_one(run, record, number, group, owned)
    if got is None:
        return _outcome(record, Status.UNKNOWN, message)
    return got


async def _order_one(
    run: RunContext,
    record: RowRecord,
    number: str,
    group: Any,
    owned: dict[str, dict[str, Any]],
) -> tuple[RowOutcome | None, str]:
    """Order one number: its outcome, or (None, why) when it may or may not be ours now.
    Never sent twice: a lost answer is settled by listing the account's numbers."""
    body = OrderBody(phone_number=number, org_unit_id=group).model_dump()
    encoded = json.dumps(body, separators=(",", ":")).encode()
    _journal(run, record, "POST", ORDER, number, encoded)
    try:
        answer, _ = await run.call("POST", ORDER, encoded)
    except Failed as failed:
        if not isinstance(failed.error, OutcomeUnknown | ServerError):
            raise
        now = await list_numbers(run)
        if number in now:
            owned[number] = now[number]
            outcome = _outcome(
                record,
                Status.SUCCEEDED,
                f"ordered {number} (its answer was lost; found among the account's numbers)",
                resource_id=number,
                reconciled=True,
            )
            return outcome, ""
        return None, (
            f"the order of {number} got no clear answer ({failed.error}) and the number is "
            "not among the account's: check the account before ordering again"
        )
    data = answer.data if isinstance(answer.data, dict) else {}
    owned[number] = {
        "phone_number": number,
        "phone_number_id": data.get("phone_number_id"),
        "org_unit_id": group,
    }
    outcome = _outcome(
        record,
        Status.SUCCEEDED,
        f"ordered {number}",
        resource_id=number,
        http_status=answer.status,
        request_id=answer.request_id,
    )
    return outcome, ""


async def _order_search(
    run: RunContext, record: RowRecord, owned: dict[str, dict[str, Any]]
) -> RowOutcome:
    quantity = _value(record, "quantity") or 1
    criteria = {
        "area_code": _value(record, "area_code"),
        "state": _value(record, "state"),
        "contains": _value(record, "contains"),
        "number_type": _value(record, "number_type") or "local",
    }
    described = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in criteria.items() if v)
    group = _value(record, "org_unit_id")
    # the row describes a state: the group holds `quantity` numbers like these. Numbers it
    # already holds (and no other row of this run claimed) count, so a second run of the
    # sheet orders nothing.
    claimed: set[str] = run.state.setdefault("claimed", set())
    held = [
        number
        for number, item in sorted(owned.items())
        if number not in claimed
        and item.get("org_unit_id") == group
        and _matches(number, item, criteria)
    ][:quantity]
    claimed.update(held)
    if len(held) == quantity:
        return _outcome(
            record,
            Status.UNCHANGED,
            f"unchanged: the group already holds {quantity} number"
            f"{'s' if quantity != 1 else ''} like these ({described})",
            resource_id="; ".join(held),
        )
    # (a row an interrupted run was ordering for: what it obtained is listed among the
    # group's numbers now, and whatever it sent has landed or never will: the rest is
    # ordered, never twice)
    wanted = quantity - len(held)
    released = run.state.get("released", set())
    found = [
        n
        for n in await available_numbers(run, **criteria, limit=200)
        if n not in owned and n not in released
    ]
    if len(found) < wanted:
        return _outcome(
            record,
            Status.FAILED,
            f"only {len(found)} number{'s' if len(found) != 1 else ''} match ({described}) "
            f"and {wanted} were asked for: order fewer or widen the search; nothing was "
            "ordered",
        )
    if run.dry_run:
        shown = "; ".join(found[:wanted][:5]) + (" …" if wanted > 5 else "")
        already = f" (the group holds {len(held)} already)" if held else ""
        return _outcome(
            record,
            Status.PLANNED,
            f"would order {wanted} number{'s' if wanted != 1 else ''} ({described}), "
            f"e.g. {shown}{already} (spends money: the run asks first)",
        )
    obtained: list[str] = list(held)
    last: RowOutcome | None = None
    for number in found:
        if len(obtained) == quantity:
            break
        try:
            got, why = await _order_one(run, record, number, group, owned)
        except Failed as failed:
            if isinstance(failed.error, Conflict | NotFound):
                continue  # taken by someone else since the search: the next one
            raise
        if got is None:
            listed = "; ".join(obtained) or "none"
            return _outcome(record, Status.UNKNOWN, f"{why}; ordered before it: {listed}")
        obtained.append(number)
        claimed.add(number)
        last = got
    if len(obtained) < quantity:
        return _outcome(
            record,
            Status.FAILED,
            f"ordered {len(obtained)} of {quantity} ({'; '.join(obtained) or 'none'}): the "
            "others were taken meanwhile; order the rest in a new row",
            resource_id="; ".join(obtained) or None,
        )
    assert last is not None
    ordered = obtained[len(held) :]
    message = f"ordered {len(ordered)} number{'s' if len(ordered) != 1 else ''}: " + "; ".join(
        ordered
    )
    if held:
        message += f" (the group held {'; '.join(held)} already)"
    return _outcome(
        record,
        Status.SUCCEEDED,
        message,
        resource_id="; ".join(obtained),
        http_status=last.http_status,
        request_id=last.request_id,
    )


def _matches(number: str, item: dict[str, Any], criteria: dict[str, Any]) -> bool:
    """Whether a number the account holds fits a search's criteria."""
    if criteria["area_code"] and not number.startswith(criteria["area_code"]):
        return False
    if criteria["contains"] and criteria["contains"] not in number[3:]:
        return False
    state = item.get("state")
    if criteria["state"] and state is not None and state != criteria["state"]:
        return False
    kind = item.get("number_type")
    return kind is None or kind == criteria["number_type"]


def _journal(
    run: RunContext, record: RowRecord, method: str, path: str, number: str, payload: bytes
) -> None:
    run.intent(record, method, path, (number,), payload)
