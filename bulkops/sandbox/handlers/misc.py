"""Webhooks, AI voice agents, tags, media prompts, SMS broadcasts, _industries, ad sources
(CONTRACT.md section 3: assumed shapes, one place each)."""

from __future__ import annotations

import secrets
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from bulkops.sandbox.context import ApiError, Context, Route, route
from bulkops.sandbox.handlers.crud import Collection, page
from bulkops.sandbox.specs import AGENT, BROADCAST, TAG, WEBHOOK

__all__ = ["AGENTS", "BROADCASTS", "MISC_ROUTES", "TAGS", "WEBHOOKS"]

MAX_PROMPT_BYTES = 50 * 1024 * 1024
_AUDIO = (".wav", ".mp3", ".mp4", ".m4a", ".ogg")


def _name_in_group(field_name: str) -> Any:
    def key(record: dict[str, Any]) -> tuple[Any, ...]:
        return (str(record.get(field_name, "")).casefold(), record.get("org_unit_id"))

    return key


WEBHOOKS = Collection(
    table="webhooks", base="/webhooks", id_key="webhook_id", list_key="webhooks",
    spec=WEBHOOK, answer_key="webhook_id", noun="webhook",
    defaults={"method": "POST", "webhook_type": "post_call", "status": "active",
              "static_fields": []},
    natural_key=_name_in_group("webhook_name"), key_text="name in this group",
    id_start=101, search={"webhook_name": "webhook_name"}, name_field="webhook_name",
)  # fmt: skip

AGENTS = Collection(
    table="voice_agents", base="/ai-voice-agents", id_key="voice_agent_id",
    list_key="voice_agents", spec=AGENT, answer_key="voice_agent_id", noun="voice agent",
    defaults={"voice": "alloy", "language": "en-US", "status": "active"},
    natural_key=_name_in_group("agent_name"), key_text="name in this group",
    id_start=701, search={"agent_name": "agent_name"}, name_field="agent_name",
)  # fmt: skip

TAGS = Collection(
    table="tags", base="/tag", id_key="tag_id", list_key="tags", spec=TAG,
    answer_key="tag_id", noun="tag", natural_key=lambda r: (str(r.get("tag_name")).casefold(),),
    key_text="name", id_start=501, search={"tag_name": "tag_name"}, name_field="tag_name",
)  # fmt: skip


def _broadcast_checks(context: Context, body: dict[str, Any], method: str) -> list[dict[str, str]]:
    errors = []
    sender = body.get("from_number")
    if isinstance(sender, str):
        number = context.store.get("numbers", sender)
        account = context.sandbox.subtree(_top(context))
        if number is None or number.get("org_unit_id") not in account:
            errors.append({"field": "from_number", "message": "is not a number of this account"})
        elif not number.get("sms_enabled"):
            errors.append({"field": "from_number", "message": "is not SMS-enabled"})
    if method != "PATCH" and body.get("recipients") == []:
        errors.append({"field": "recipients", "message": "must hold at least one number"})
    when = body.get("scheduled_at")
    if isinstance(when, str) and when:
        try:
            moment = datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            moment = None  # the spec check reports the format
        if moment is not None and moment.timestamp() <= context.sandbox.clock.now():
            errors.append({"field": "scheduled_at", "message": "must be in the future"})
    if body.get("status") == "scheduled" and not when and method != "PATCH":
        errors.append({"field": "scheduled_at", "message": "is required to schedule"})
    return errors


BROADCASTS = Collection(
    table="broadcasts", base="/broadcast", id_key="broadcast_id", list_key="broadcasts",
    spec=BROADCAST, answer_key="broadcast_id", noun="broadcast",
    defaults={"status": "draft", "scheduled_at": None},
    natural_key=_name_in_group("broadcast_name"), key_text="name in this group",
    id_start=301, search={"broadcast_name": "broadcast_name"}, name_field="broadcast_name",
    name_hideable=True,
    check_more=_broadcast_checks,
)  # fmt: skip


def _top(context: Context) -> int:
    assert context.user is not None
    group = context.store.get("groups", context.user["ct_user_ou_id"]) or {}
    return int(group.get("top_ou_id") or group.get("org_unit_id") or 0)


# -- reference lists -------------------------------------------------------------------


def _industries(context: Context) -> tuple[int, Any]:
    items = sorted(context.store.all("industries"), key=lambda r: r["industry_id"])
    return 200, {"industries": items, "total": len(items)}


def _ad_sources(context: Context) -> tuple[int, Any]:
    items = sorted(context.store.all("ad_sources"), key=lambda r: r["ad_source_id"])
    return 200, {"ad_sources": items, "total": len(items)}


# -- media prompts (multipart upload) ------------------------------------------------------


def _list_prompts(context: Context) -> tuple[int, Any]:
    scope = context.scope()
    items = [p for p in context.store.all("media_prompts")
             if p.get("org_unit_id") is None or p["org_unit_id"] in scope]  # fmt: skip
    items.sort(key=lambda p: p["created_on"])
    return 200, page(context, items, "prompts")


def _upload_prompt(context: Context) -> tuple[int, Any]:
    context.require_write()
    kind = context.request.headers.get("content-type", "")
    if not kind.startswith("multipart/form-data"):
        raise ApiError(415, "upload the prompt as multipart/form-data")
    if len(context.request.body) > MAX_PROMPT_BYTES:
        raise ApiError(413, "a media prompt may be at most 50 MB")
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {kind}\r\n\r\n".encode() + context.request.body
    )
    fields: dict[str, Any] = {}
    filename = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name == "file":
            filename = part.get_filename()
            fields["file"] = part.get_payload(decode=True)
        elif name:
            fields[str(name)] = part.get_content().strip()
    errors = []
    if "file" not in fields:
        errors.append({"field": "file", "message": "is required (an audio file)"})
    elif not str(filename or "").lower().endswith(_AUDIO):
        errors.append({"field": "file", "message": "must be a wav or mp3 audio file"})
    if not fields.get("prompt_name"):
        errors.append({"field": "prompt_name", "message": "is required"})
    org_unit = fields.get("org_unit_id")
    if org_unit is not None:
        if not str(org_unit).isdigit() or context.store.get("groups", int(org_unit)) is None:
            errors.append({"field": "org_unit_id", "message": "no such group in this account"})
        else:
            context.require_scope(int(org_unit))
    if errors:
        raise ApiError(400, "the media prompt is not valid", errors)
    prompt_id = f"{secrets.token_urlsafe(6)[:8]}_{int(context.sandbox.clock.now() * 1000)}"
    record = {"prompt_id": prompt_id, "prompt_name": fields["prompt_name"],
              "org_unit_id": int(org_unit) if org_unit else None, "file_name": filename,
              "size": len(fields["file"]), "created_on": context.now}  # fmt: skip
    context.store.put("media_prompts", prompt_id, record)
    context.committed = True
    return 200, {"prompt_id": prompt_id, "message": "Prompt uploaded"}


def _delete_prompt(context: Context) -> tuple[int, Any]:
    context.require_write()
    prompt = context.store.get("media_prompts", context.params["id"])
    if prompt is None or prompt.get("org_unit_id") not in (None, *context.scope()):
        raise ApiError(404, f"no media prompt '{context.params['id']}'")
    context.store.remove("media_prompts", prompt["prompt_id"])
    context.committed = True
    return 200, {"prompt_id": prompt["prompt_id"], "message": "Prompt deleted"}


MISC_ROUTES: list[Route] = [
    route("GET", "/v3/industry", _industries),
    route("GET", "/v3/ad-source", _ad_sources),
    route("GET", "/v3/media-prompts", _list_prompts),
    route("POST", "/v3/media-prompts", _upload_prompt),
    route("DELETE", "/v3/media-prompts/{id}", _delete_prompt),
    *WEBHOOKS.routes(),
    *AGENTS.routes(),
    *TAGS.routes(),
    *BROADCASTS.routes(),
    # the docs also name the broadcasts base /sms-broadcasts: one store, both paths
    *Collection(**{**BROADCASTS.__dict__, "base": "/sms-broadcasts"}).routes(),
]
