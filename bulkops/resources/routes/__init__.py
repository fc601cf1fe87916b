"""Provisioned routes (CLI name `routes`): the single source of truth for the routes sheet.

Every field of the route body (CONTRACT.md section 2, restating the vendor's *Update
Provisioned Route* page) is a column: label, API path, type, description, example, the
actions that need it, its wire form and the default a create or replace row sends when
blank. Scalar fields are in `fields`, list groups in `lists`, the wire model in `wire`.
Templates, validation, payloads and docs all derive from this package; `wire` states
the same contract as typed pydantic models that every built body must satisfy.
"""

from __future__ import annotations

from typing import Any, Final

from bulkops.model.schema import Column, Kind, Resource, Rule
from bulkops.resources.routes.fields import CONFIG, FIELDS
from bulkops.resources.routes.lists import GROUPS, HUNT_MAX, LIST_COLUMNS, OVERFLOW_MAX, SOURCE_MAX
from bulkops.resources.routes.wire import RouteBody

__all__ = ["HUNT_MAX", "OVERFLOW_MAX", "RESOURCE", "ROUTES", "SOURCE_MAX", "RouteBody"]

_CONFIG = CONFIG

#: the routing types the columns describe (the only one the seed documents)
MODELLED_ROUTING: Final = frozenset({"simple"})


def _guard(action: str, current: dict[str, Any], body: dict[str, Any]) -> str | None:
    """A route whose calls are routed in a way the sheet cannot describe (an IVR, a
    geo route) is never flattened: a replace, or a change of its routing, is refused."""
    routing = current.get("routing_configuration")
    kind = routing.get("routing_type") if isinstance(routing, dict) else None
    if kind is None or kind in MODELLED_ROUTING:
        return None
    if action != "replace" and "routing_configuration" not in body:
        return None  # its name, status, value … change; its routing stays as it is
    what = "replace it" if action == "replace" else "change its routing"
    return (
        f"this route's routing type is '{kind}', which the sheet cannot describe (only "
        f"'simple'): bulkops will not {what}, as that would turn it into a simple "
        "forward. Change its routing in Convirza, or use update with the routing "
        "columns blank"
    )


ROUTES: Final = Resource(
    name="routes",
    sheet="Routes",
    title="Provisioned routes",
    base_path="/provisioned-routes",
    id_column=Column(
        "Route ID",
        "provisioned_route_id",
        Kind.INTEGER,
        "The route's id. Needed to update, replace or delete a route, unless Route Name "
        "(and Group ID) find it. Ignored when creating.",
        example=12345,
        minimum=1,
    ),
    columns=(*FIELDS, *LIST_COLUMNS),
    groups=GROUPS,
    rules=(
        Rule(
            "whisper-without-message",
            (f"{_CONFIG}.whisper_enabled",),
            f"{_CONFIG}.whisper_message",
            "Whisper Enabled is Yes but Whisper Message is blank: fill in the message, "
            "or set Whisper Enabled to No",
        ),
        Rule(
            "ftc-whisper-without-message",
            (f"{_CONFIG}.ftc_whisper_enabled",),
            f"{_CONFIG}.ftc_whisper_message",
            "FTC Whisper Enabled is Yes but FTC Whisper Message is blank: fill in the "
            "message, or set FTC Whisper Enabled to No",
        ),
        Rule(
            "message-without-content",
            (f"{_CONFIG}.message_enabled",),
            f"{_CONFIG}.message",
            "Caller Message Enabled is Yes but Caller Message is blank: fill in the "
            "message, or set Caller Message Enabled to No",
        ),
        Rule(
            "hold-message-without-content",
            (f"{_CONFIG}.play_on_hold_enabled",),
            f"{_CONFIG}.play_on_hold_message",
            "Hold Message Enabled is Yes but Hold Message is blank: fill in the message, "
            "or set Hold Message Enabled to No",
        ),
        Rule(
            "voice-agent-without-id",
            (f"{_CONFIG}.activate_voiceagent", f"{_CONFIG}.route_voice_agent_enabled"),
            f"{_CONFIG}.voice_agent_id",
            "a voice agent is switched on but Voice Agent ID is blank: fill in the agent's "
            "id, or set Voice Agent Enabled and Route Voice Agent Enabled to No",
        ),
    ),
    actions=("create", "update", "replace", "upsert", "delete", "skip"),
    default_action="create",
    key_paths=("provisioned_route_name", "org_unit_id"),
    unique_values=("phone_number",),
    order=40,
    body_model=RouteBody,
    guard=_guard,
    description="Call routes of tracking numbers: where calls ring, what callers hear.",
    notes=(
        "A blank Action means create.",
        "update sends only the filled cells (PATCH); a filled list group replaces that whole list.",
        "replace sends the whole route (PUT): blank cells take the default shown in the "
        "column's note, so fill every cell you want to keep.",
        "Update, replace and delete find the route by Route ID, or, when it is blank, by "
        "Route Name within Group ID.",
        "upsert finds the route by Route Name within Group ID (or Route ID): it changes "
        "only the fields that differ, or creates the route when there is none.",
        "A row already in the state it describes sends nothing and ends 'unchanged': "
        "running a finished sheet again sends no write.",
        "A change to a routing setting sends the route's whole routing object, completed "
        "from the route as it is, so no other routing setting moves.",
        "A route routed other than 'simple' (an IVR, a geo route) is never replaced, nor "
        "its routing changed: the row fails and says why.",
    ),
)

#: what the registry (`bulkops.resources`) finds in this module
RESOURCE: Final = ROUTES
