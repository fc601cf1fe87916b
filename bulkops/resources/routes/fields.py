"""The routes sheet's scalar columns: every non-list field of the route body
(CONTRACT.md section 2), in the order the template shows them (what is played to callers
and agents is in `messages`)."""

from __future__ import annotations

from bulkops.model.schema import MISSING, Column, Kind
from bulkops.resources.common import GROUPS_FINDER
from bulkops.resources.routes.messages import MESSAGES
from bulkops.resources.routes.parts import CONFIG, route_text, yes_no
from bulkops.resources.users import USERS_FINDER
from bulkops.resources.voice_agents import VOICE_AGENTS_FINDER
from bulkops.resources.webhooks import WEBHOOKS_FINDER

__all__ = ["CONFIG", "FIELDS"]

_CREATE_REPLACE = frozenset({"create", "replace", "upsert"})


FIELDS: tuple[Column, ...] = (
    route_text(
        "Route Name",
        "provisioned_route_name",
        "The route's name, unique within its group. Also finds the route when Route ID is "
        "blank on an update or delete row.",
        "Main Street - Google Ads",
        required=_CREATE_REPLACE,
        max_length=255,
        default=MISSING,
        clear_value=MISSING,
    ),
    Column(
        "Route Status",
        "provisioned_route_status",
        Kind.CHOICE,
        "Whether the route takes calls.",
        example="active",
        choices=("active", "inactive"),
        default="active",
    ),
    Column(
        "Group ID",
        "org_unit_id",
        Kind.INTEGER,
        "The group (org unit) that owns the route: its id, its name path "
        "(Acme/West/Store 12), or ref:Groups!<key> for a group the same workbook creates.",
        example=70035,
        required=_CREATE_REPLACE,
        minimum=1,
        ref="/groups/{}",
        refers="groups",
        finder=GROUPS_FINDER,
    ),
    Column(
        "Tracking Number",
        "phone_number",
        Kind.PHONE,
        "The tracking number callers dial: 10 digits, a number reserved for the account, "
        "or ref:Numbers!<key> for a number the same workbook orders. Set only when the "
        "route is created.",
        example="4045550100",
        required=frozenset({"create", "upsert"}),
        create_only=True,
        refers="numbers",
        takes_number=True,
    ),
    Column(
        "Routing Type",
        "routing_configuration.routing_type",
        Kind.CHOICE,
        "How calls are routed; 'simple' forwards to the Ring To Number.",
        example="simple",
        choices=("simple",),
        default="simple",
    ),
    Column(
        "Ring To Number",
        f"{CONFIG}.ringto",
        Kind.PHONE,
        "Where calls are forwarded: 10 digits.",
        example="4045550123",
        required=_CREATE_REPLACE,
    ),
    yes_no(
        "Simultaneous Ring",
        f"{CONFIG}.isSimultaneousRing",
        "Ring the hunt destinations all at once instead of in turn.",
        False,
    ),
    yes_no("Record Calls", f"{CONFIG}.record_call", "Record every call.", True),
    Column(
        "Caller ID Shown",
        f"{CONFIG}.dnis_as_cid",
        Kind.CHOICE,
        "Which number the answering phone shows as caller ID.",
        example="phone_number",
        choices=("phone_number",),
        default="phone_number",
    ),
    *MESSAGES,
    yes_no(
        "Voice Agent Enabled",
        f"{CONFIG}.activate_voiceagent",
        "Let an AI voice agent take the call.",
        True,
    ),
    yes_no(
        "Route Voice Agent Enabled",
        f"{CONFIG}.route_voice_agent_enabled",
        "Route the call through the AI voice agent (the API's second voice-agent switch).",
        True,
    ),
    Column(
        "Voice Agent ID",
        f"{CONFIG}.voice_agent_id",
        Kind.INTEGER,
        "The AI voice agent: its id, its name, or ref:Voice Agents!<name> for one the same "
        "workbook creates; needed when a voice agent switch is Yes.",
        example=683,
        minimum=1,
        ref="/ai-voice-agents/{}",
        refers="voice-agents",
        finder=VOICE_AGENTS_FINDER,
    ),
    Column(
        "Voice Agent Rings",
        f"{CONFIG}.voice_agent_rings_count",
        Kind.INTEGER,
        "Rings before the voice agent answers.",
        example=3,
        default=3,
        minimum=0,
        maximum=20,
    ),
    Column(
        "Assigned Agent ID",
        f"{CONFIG}.assigned_agent_id",
        Kind.INTEGER,
        "The user the call is assigned to: a user id, a username (email), or "
        "ref:Users!<username>; blank for none.",
        example="",
        minimum=1,
        default=None,
        clear_value=None,
        ref="/users/{}",
        refers="users",
        finder=USERS_FINDER,
    ),
    yes_no(
        "Click To Call Enabled",
        f"{CONFIG}.click_to_call_enabled",
        "Enable click-to-call for the route.",
        False,
    ),
    yes_no(
        "Click To Call",
        f"{CONFIG}.click_to_call",
        "The API's second click-to-call flag (its examples set both).",
        True,
    ),
    yes_no(
        "Outbound Dynamic Number",
        f"{CONFIG}.is_ODN_enabled",
        "Enable outbound dynamic number (ODN) for the route.",
        False,
    ),
    Column(
        "Call Value",
        "call_value",
        Kind.NUMBER,
        "What a converted call is worth, for reporting (0 or more).",
        example=10,
        default=0,
        minimum=0,
    ),
    Column(
        "Repeat Interval",
        "repeat_interval",
        Kind.INTEGER,
        "The repeat-caller window: a caller calling again within it counts as a repeat.",
        example=30,
        default=0,
        minimum=0,
    ),
    Column(
        "Webhook ID",
        "webhook_id",
        Kind.INTEGER,
        "The webhook notified of calls on this route: its id, its name, or "
        "ref:Webhooks!<name> for one the same workbook creates; blank for none.",
        example=1,
        minimum=1,
        default=None,
        clear_value=None,
        ref="/webhooks/{}",
        refers="webhooks",
        finder=WEBHOOKS_FINDER,
    ),
    Column(
        "Ad Source ID",
        "ad_source_id",
        Kind.INTEGER,
        "The ad source credited with the calls (an id from the account's ad sources). "
        "Blank keeps the route's current ad source, on a replace row too.",
        example="",
        minimum=1,
        kept_blank=True,
    ),
    yes_no("SMS Forwarding", "sms_enabled", "Forward text messages sent to the number.", True),
    yes_no("Spam Protection", "spam_enabled", "Block known spam callers.", True),
    Column(
        "SMS Users",
        "sms_settings.assigned_users",
        Kind.ID_LIST,
        "User ids who receive forwarded texts, separated by ';'.",
        example="84784; 7849",
        default=[],
        clear_value=[],
        ref="/users/{}",
        id_of=USERS_FINDER,
    ),
    yes_no(
        "SMS Notifications",
        "sms_settings.sms_notifications",
        "Notify the SMS users by text.",
        True,
    ),
    yes_no(
        "Email Notifications",
        "sms_settings.email_notifications",
        "Notify the SMS users by email.",
        True,
    ),
    yes_no(
        "Unclaimed SMS",
        "sms_settings.unclaimed_sms",
        "Keep texts no user has claimed visible to all SMS users.",
        True,
    ),
)
