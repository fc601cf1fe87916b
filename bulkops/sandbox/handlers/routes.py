"""Provisioned routes: CONTRACT.md section 2, with PUT resetting omitted fields."""

from __future__ import annotations

from typing import Any

from bulkops.sandbox.context import ApiError, Context
from bulkops.sandbox.handlers.crud import Collection
from bulkops.sandbox.specs import ROUTE, ROUTE_DEFAULTS

__all__ = ["ROUTES_COLLECTION"]


def _name_key(record: dict[str, Any]) -> tuple[Any, ...]:
    return (str(record.get("provisioned_route_name", "")).casefold(), record.get("org_unit_id"))


def _checks(context: Context, body: dict[str, Any], method: str) -> list[dict[str, str]]:
    errors = []
    routing = body.get("routing_configuration")
    config = routing.get("config") if isinstance(routing, dict) else None
    config = config if isinstance(config, dict) else {}
    if method == "POST" and "phone_number" not in body:
        errors.append({"field": "phone_number", "message": "is required to create a route"})
    if method in ("POST", "PUT") and "ringto" not in config:
        errors.append({"field": "routing_configuration.config.ringto", "message": "is required"})
    overflow = config.get("overflowNumbers")
    for index, item in enumerate(overflow if isinstance(overflow, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("number"), str):
            continue
        digits = "".join(ch for ch in item["number"] if ch.isdigit())
        if not digits == item.get("unmaskNumber") == item.get("overflowNumber"):
            errors.append({
                "field": f"routing_configuration.config.overflowNumbers[{index}]",
                "message": "number, unmaskNumber and overflowNumber must be the same number",
            })  # fmt: skip
    return errors


def _complete(context: Context, record: dict[str, Any], old: dict[str, Any] | None) -> None:
    config = record["routing_configuration"]["config"]
    errors = []
    for switch, kind, text in (
        ("ftc_whisper_enabled", "ftc_whisper_type", "ftc_whisper_message"),
        ("message_enabled", "message_type", "message"),
    ):
        value = config.get(text, "")
        if config.get(switch) == "1" and not value:
            errors.append({"field": f"routing_configuration.config.{text}",
                           "message": f"is required when {switch} is '1'"})  # fmt: skip
        elif config.get(kind) == "file" and value and not context.store.get("media_prompts", value):
            errors.append({"field": f"routing_configuration.config.{text}",
                           "message": f"no media prompt '{value}' in this account"})  # fmt: skip
    agent_on = config.get("activate_voiceagent") or config.get("route_voice_agent_enabled")
    if agent_on and config.get("voice_agent_id") is None:
        errors.append({"field": "routing_configuration.config.voice_agent_id",
                       "message": "is required when a voice agent is enabled"})  # fmt: skip
    if errors:
        raise ApiError(400, "the provisioned route is not valid", errors)
    if old is not None:
        if record.get("phone_number") != old.get("phone_number"):
            raise ApiError(
                400,
                "the tracking number of a route cannot be changed",
                [{"field": "phone_number", "message": "cannot be changed after creation"}],
            )
        return
    number = context.store.get("numbers", record["phone_number"])
    account = context.sandbox.subtree(_top(context))
    if number is None or number.get("org_unit_id") not in account:
        raise ApiError(
            400,
            "the tracking number is not reserved for this account",
            [
                {
                    "field": "phone_number",
                    "message": f"{record['phone_number']} is not reserved for this account",
                }
            ],
        )
    if number["status"] == "provisioned":
        raise ApiError(409, f"tracking number {record['phone_number']} already has a route")
    number["status"] = "provisioned"
    context.store.put("numbers", number["phone_number"], number)


def _release(context: Context, record: dict[str, Any]) -> None:
    number = context.store.get("numbers", record.get("phone_number"))
    if number is not None:
        number["status"] = "reserved"
        context.store.put("numbers", number["phone_number"], number)


def _top(context: Context) -> int:
    assert context.user is not None
    group = context.store.get("groups", context.user["ct_user_ou_id"])
    assert group is not None
    return int(group.get("top_ou_id") or group["org_unit_id"])


ROUTES_COLLECTION = Collection(
    table="routes",
    base="/provisioned-routes",
    id_key="provisioned_route_id",
    list_key="provisioned_routes",
    spec=ROUTE,
    answer_key="provisioned_route_id",
    noun="provisioned route",
    defaults=ROUTE_DEFAULTS,
    natural_key=_name_key,
    key_text="name in this group",
    id_start=20001,
    search={"provisioned_route_name": "provisioned_route_name"},
    check_more=_checks,
    before_store=_complete,
    after_delete=_release,
    kept=("phone_number",),
)
