"""Webhooks (CLI name `webhooks`): the single source of truth for the webhooks sheet.

The body is CONTRACT.md section 3's assumed shape, stated once by the columns below and
`WebhookBody`. A webhook is found by its name within its group; routes name it in Webhook
ID by id, by name, or by `ref:Webhooks!<name>` for one the same workbook creates.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from bulkops.model.schema import MISSING, Column, Finder, Kind, ListGroup, Resource
from bulkops.resources.common import group_column, id_column, text

__all__ = ["RESOURCE", "STATIC_MAX", "WEBHOOKS", "WEBHOOKS_FINDER", "StaticField", "WebhookBody"]

_NEEDED = frozenset({"create", "replace", "upsert"})
#: How many key/value pairs the sheet offers for a webhook's static fields.
STATIC_MAX: Final = 5


class StaticField(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    key: Annotated[str, Field(min_length=1)]
    value: str


class WebhookBody(BaseModel):
    """A webhook body on the wire (every field optional: PATCH sends any subset)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    webhook_name: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    webhook_url: Annotated[str, Field(pattern=r"^https://\S+$")] | None = None
    org_unit_id: Annotated[int, Field(ge=1)] | None = None
    method: Literal["POST", "GET"] | None = None
    webhook_type: Literal["pre_call", "post_call"] | None = None
    status: Literal["active", "inactive"] | None = None
    static_fields: list[StaticField] | None = None


def _https(value: Any) -> tuple[str, str] | None:
    """A webhook is called over https only: an address a browser would open."""
    parts = urlsplit(str(value))
    if parts.scheme == "https" and parts.netloc and " " not in str(value):
        return None
    return (
        "invalid-type",
        f"'{value}' is not an https:// address: the webhook is called over https only",
    )


def _static_columns(position: int) -> tuple[Column, ...]:
    first = position == 1
    return (
        Column(
            f"Static Field {position} Key",
            f"static_fields[{position}].key",
            Kind.TEXT,
            f"Static field {position}: a key sent with every call of the webhook. Write "
            "#CLEAR in Static Field 1 Key to remove every static field.",
            example="source" if first else "",
            clear_value=[] if first else MISSING,
        ),
        Column(
            f"Static Field {position} Value",
            f"static_fields[{position}].value",
            Kind.TEXT,
            f"Static field {position}: its value.",
            example="bulkops" if first else "",
        ),
    )


_COLUMNS: Final[tuple[Column, ...]] = (
    text(
        "Webhook Name",
        "webhook_name",
        "The webhook's name; with its Group, finds the webhook when Webhook ID is blank, "
        "and routes name it by it.",
        "CRM post-call",
        required=_NEEDED,
        max_length=255,
        clear_value=MISSING,
    ),
    group_column("org_unit_id", "the webhook belongs to", _NEEDED),
    Column(
        "URL",
        "webhook_url",
        Kind.TEXT,
        "The https:// address called with each call's details.",
        example="https://hooks.example.com/calls",
        required=_NEEDED,
        max_length=2000,
        check=_https,
    ),
    Column(
        "Method",
        "method",
        Kind.CHOICE,
        "How the address is called.",
        example="POST",
        choices=("POST", "GET"),
        choice_aliases={"post": "POST", "get": "GET"},
        default="POST",
    ),
    Column(
        "Type",
        "webhook_type",
        Kind.CHOICE,
        "When it is called: pre_call (as the call comes in) or post_call (once it ended).",
        example="post_call",
        choices=("pre_call", "post_call"),
        default="post_call",
    ),
    Column(
        "Status",
        "status",
        Kind.CHOICE,
        "Whether the webhook is called.",
        example="active",
        choices=("active", "inactive"),
        default="active",
    ),
    *(column for n in range(1, STATIC_MAX + 1) for column in _static_columns(n)),
)

#: How a webhook is found by the name a cell gives (a route's Webhook ID).
WEBHOOKS_FINDER: Final = Finder(
    kind="webhooks",
    noun="webhook",
    listing="/webhooks",
    id_field="webhook_id",
    name_fields=("webhook_name",),
    sheet="Webhooks",
    otherwise="give its id, its name, or ref:Webhooks!<name>",
)

WEBHOOKS: Final = Resource(
    name="webhooks",
    finder=WEBHOOKS_FINDER,
    sheet="Webhooks",
    title="Webhooks",
    base_path="/webhooks",
    id_column=id_column("Webhook ID", "webhook_id", "webhook", 101, "Webhook Name (and Group)"),
    columns=_COLUMNS,
    groups=(ListGroup("static_fields", STATIC_MAX, needs=("key", "value"), label="Static fields"),),
    rules=(),
    actions=("create", "update", "replace", "upsert", "delete", "skip"),
    default_action="create",
    key_paths=("webhook_name", "org_unit_id"),
    body_model=WebhookBody,
    order=22,
    description="Addresses called with each call's details, before or after the call.",
    notes=(
        "A blank Action means create.",
        "Update, replace, delete and upsert find the webhook by Webhook ID, else by "
        "Webhook Name within Group.",
        "URL must be an https:// address.",
        "Static fields are key/value pairs sent with every call: fill Static Field 1 "
        "first, without gaps.",
        "Routes name a webhook in Webhook ID by its id, its name, or ref:Webhooks!<name>.",
    ),
)

#: what the registry (`bulkops.resources`) finds in this module
RESOURCE: Final = WEBHOOKS
