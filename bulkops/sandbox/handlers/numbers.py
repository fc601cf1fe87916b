"""Phone numbers: search a deterministic inventory, order (reserve), _release, and the
account's assigned (reserved, not routed) and provisioned (routed) numbers."""

from __future__ import annotations

from typing import Any

from bulkops.sandbox.context import ApiError, Context, Route, route
from bulkops.sandbox.handlers.crud import page

__all__ = ["NUMBER_ROUTES"]


def _account(context: Context) -> set[int]:
    assert context.user is not None
    group = context.store.get("groups", context.user["ct_user_ou_id"]) or {}
    return context.sandbox.subtree(int(group.get("top_ou_id") or group["org_unit_id"]))


def _shown(number: dict[str, Any]) -> dict[str, Any]:
    keys = ("phone_number", "number_type", "city", "state", "sms_enabled", "phone_number_id",
            "org_unit_id", "status")  # fmt: skip
    return {k: number.get(k) for k in keys}


def _available(context: Context) -> tuple[int, Any]:
    query = context.request.query
    kind = query.get("number_type", "local")
    if kind not in ("local", "tollfree"):
        raise ApiError(400, "number_type must be local or tollfree", [
            {"field": "number_type", "message": "must be local or tollfree"}])  # fmt: skip
    limit = context.query_int("limit", 20, 1, 200)
    found = []
    for number in sorted(context.store.records("numbers"), key=lambda n: n["phone_number"]):
        if number["status"] != "available" or number["number_type"] != kind:
            continue
        if query.get("area_code") and not number["phone_number"].startswith(query["area_code"]):
            continue
        if query.get("state") and number["state"] != query["state"].upper():
            continue
        if query.get("contains") and query["contains"] not in number["phone_number"][3:]:
            continue
        found.append({k: number[k] for k in ("phone_number", "number_type", "city", "state")})
        if len(found) == limit:
            break
    return 200, {"numbers": found, "total": len(found)}


def _order(context: Context) -> tuple[int, Any]:
    context.require_write()
    body = context.json()
    errors = []
    if not isinstance(body, dict):
        raise ApiError(400, 'send {"phone_number", "org_unit_id"}')
    wanted, org_unit = body.get("phone_number"), body.get("org_unit_id")
    if not isinstance(wanted, str) or len(wanted) != 10 or not wanted.isdigit():
        errors.append({"field": "phone_number", "message": "must be a 10-digit phone number"})
    if not isinstance(org_unit, int) or context.store.get("groups", org_unit) is None:
        errors.append({"field": "org_unit_id", "message": "no such group in this account"})
    if errors:
        raise ApiError(400, "the order is not valid", errors)
    context.require_scope(org_unit)
    number = context.store.get("numbers", wanted)
    if number is None:
        raise ApiError(404, f"{wanted} is not a number that can be ordered")
    if number["status"] != "available":
        raise ApiError(409, f"{wanted} is no longer available")
    number.update(status="reserved", org_unit_id=org_unit,
                  phone_number_id=context.store.next_id("numbers", 4001))  # fmt: skip
    context.store.put("numbers", wanted, number)
    context.committed = True
    return 200, {"phone_number_id": number["phone_number_id"], "phone_number": wanted}


def _release(context: Context) -> tuple[int, Any]:
    context.require_write()
    digits = "".join(ch for ch in context.params["number"] if ch.isdigit())
    wanted = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    number = context.store.get("numbers", wanted)
    if number is None or number.get("org_unit_id") not in _account(context):
        raise ApiError(404, f"{wanted} is not reserved by this account")
    if number["status"] == "provisioned":
        raise ApiError(409, f"{wanted} has a route: delete the route first")
    number.update(status="available", org_unit_id=None, phone_number_id=None)
    context.store.put("numbers", wanted, number)
    context.committed = True
    return 200, {"phone_number": wanted, "message": "Number released"}


def _owned(context: Context, status: str) -> tuple[int, Any]:
    account = _account(context)
    numbers = sorted(context.store.all("numbers"), key=lambda n: n["phone_number"])
    owned = [
        _shown(n) for n in numbers if n["status"] == status and n.get("org_unit_id") in account
    ]
    return 200, page(context, owned, "numbers")


def _assigned(context: Context) -> tuple[int, Any]:
    return _owned(context, "reserved")


def _provisioned(context: Context) -> tuple[int, Any]:
    return _owned(context, "provisioned")


NUMBER_ROUTES: list[Route] = [
    route("GET", "/v3/phone-numbers/available", _available),
    route("GET", "/v3/phone-numbers/assigned", _assigned),
    route("GET", "/v3/phone-numbers/provisioned", _provisioned),
    route("POST", "/v3/phone-numbers", _order),
    route("DELETE", "/v3/phone-numbers/reserved/{number}", _release),
]
