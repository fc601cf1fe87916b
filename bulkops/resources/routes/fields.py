"""The routes sheet's scalar columns: every non-list field of the route body
(CONTRACT.md section 2), in the order the template shows them."""

from __future__ import annotations

from typing import Any, Final

from bulkops.model.schema import MISSING, Column, Kind, Wire
from bulkops.resources.common import GROUPS_FINDER
from bulkops.resources.prompts import PROMPTS_FINDER
from bulkops.resources.users import USERS_FINDER
from bulkops.resources.voice_agents import VOICE_AGENTS_FINDER
from bulkops.resources.webhooks import WEBHOOKS_FINDER

__all__ = ["CONFIG", "FIELDS"]

#: Where the routing settings live in the body.
CONFIG: Final = "routing_configuration.config"
_CONFIG = CONFIG

_CREATE_REPLACE = frozenset({"create", "replace", "upsert"})
_MEDIA_TYPES = ("file", "text")
_TYPE_HELP = "'file': the message is a media prompt id; 'text': the message is spoken text."


def _yes_no(label: str, path: str, description: str, example: bool, **kw: Any) -> Column:
    return Column(
        label,
        path,
        Kind.BOOLEAN,
        description,
        example="Yes" if example else "No",
        default=kw.pop("default", False),
        **kw,
    )


def _text(label: str, path: str, description: str, example: str, **kw: Any) -> Column:
    kw.setdefault("default", "")
    kw.setdefault("clear_value", "")
    return Column(label, path, Kind.TEXT, description, example=example, **kw)


FIELDS: tuple[Column, ...] = (
    _text(
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
        f"{_CONFIG}.ringto",
        Kind.PHONE,
        "Where calls are forwarded: 10 digits.",
        example="4045550123",
        required=_CREATE_REPLACE,
    ),
    _yes_no(
        "Simultaneous Ring",
        f"{_CONFIG}.isSimultaneousRing",
        "Ring the hunt destinations all at once instead of in turn.",
        False,
    ),
    _yes_no("Record Calls", f"{_CONFIG}.record_call", "Record every call.", True),
    Column(
        "Caller ID Shown",
        f"{_CONFIG}.dnis_as_cid",
        Kind.CHOICE,
        "Which number the answering phone shows as caller ID.",
        example="phone_number",
        choices=("phone_number",),
        default="phone_number",
    ),
    _text(
        "Voice Prompt",
        f"{_CONFIG}.voice_prompt",
        "Text played to the caller before the call is connected.",
        "Thank you for calling. Please wait while we connect your call.",
    ),
    _yes_no(
        "Whisper Enabled",
        f"{_CONFIG}.whisper_enabled",
        "Play a whisper message to the person answering.",
        True,
    ),
    Column(
        "Whisper Type",
        f"{_CONFIG}.whisper_type",
        Kind.CHOICE,
        f"What Whisper Message holds. {_TYPE_HELP}",
        example="file",
        choices=_MEDIA_TYPES,
        default="file",
    ),
    _text(
        "Whisper Message",
        f"{_CONFIG}.whisper_message",
        "The whisper played to the person answering (media prompt id or text).",
        "Whisper message 1",
        refers="prompts",
        finder=PROMPTS_FINDER,
        refers_if=(f"{_CONFIG}.whisper_type", "file"),
    ),
    _yes_no(
        "FTC Whisper Enabled",
        f"{_CONFIG}.ftc_whisper_enabled",
        "Play the FTC (call recording) notice.",
        True,
        wire=Wire.FLAG,
        default="0",
    ),
    Column(
        "FTC Whisper Type",
        f"{_CONFIG}.ftc_whisper_type",
        Kind.CHOICE,
        f"What FTC Whisper Message holds. {_TYPE_HELP}",
        example="file",
        choices=_MEDIA_TYPES,
        default="file",
    ),
    _text(
        "FTC Whisper Message",
        f"{_CONFIG}.ftc_whisper_message",
        "The FTC notice: a media prompt id (type 'file') or text.",
        "qLMcUEqb_1660813454043",
        refers="prompts",
        finder=PROMPTS_FINDER,
        refers_if=(f"{_CONFIG}.ftc_whisper_type", "file"),
    ),
    _yes_no(
        "Caller Message Enabled",
        f"{_CONFIG}.message_enabled",
        "Play a message to the caller.",
        True,
        wire=Wire.FLAG,
        default="0",
    ),
    Column(
        "Caller Message Type",
        f"{_CONFIG}.message_type",
        Kind.CHOICE,
        f"What Caller Message holds. {_TYPE_HELP}",
        example="file",
        choices=_MEDIA_TYPES,
        default="file",
    ),
    _text(
        "Caller Message",
        f"{_CONFIG}.message",
        "The message played to the caller: a media prompt id (type 'file') or text.",
        "fBiYF5MG_1674141425479",
        refers="prompts",
        finder=PROMPTS_FINDER,
        refers_if=(f"{_CONFIG}.message_type", "file"),
    ),
    Column(
        "Play Disclaimer",
        f"{_CONFIG}.play_disclaimer",
        Kind.CHOICE,
        "When the recording disclaimer plays: before or after the voice prompt, or never.",
        example="before",
        choices=("before", "after", "none"),
        default="none",
    ),
    _yes_no(
        "Hold Message Enabled",
        f"{_CONFIG}.play_on_hold_enabled",
        "Play a message while the caller is on hold.",
        False,
    ),
    Column(
        "Hold Message Type",
        f"{_CONFIG}.play_on_hold_message_type",
        Kind.CHOICE,
        f"What Hold Message holds (blank when there is none). {_TYPE_HELP}",
        example="",
        choices=("", *_MEDIA_TYPES),
        default="",
        clear_value="",
    ),
    _text(
        "Hold Message",
        f"{_CONFIG}.play_on_hold_message",
        "The on-hold message: a media prompt id (type 'file') or text.",
        "",
        refers="prompts",
        finder=PROMPTS_FINDER,
        refers_if=(f"{_CONFIG}.play_on_hold_message_type", "file"),
    ),
    _yes_no(
        "Voicemail Enabled",
        f"{_CONFIG}.activate_voicemail",
        "Send unanswered calls to voicemail.",
        False,
    ),
    _text(
        "Voicemail Greeting",
        f"{_CONFIG}.voicemail_greeting",
        "The greeting played before voicemail.",
        "Please leave a message after the beep.",
    ),
    Column(
        "Voicemail Rings",
        f"{_CONFIG}.voicemail_rings_count",
        Kind.INTEGER,
        "Rings before the call goes to voicemail.",
        example=3,
        wire=Wire.STRING,
        default="3",
        minimum=1,
        maximum=20,
    ),
    _yes_no(
        "Voice Agent Enabled",
        f"{_CONFIG}.activate_voiceagent",
        "Let an AI voice agent take the call.",
        True,
    ),
    _yes_no(
        "Route Voice Agent Enabled",
        f"{_CONFIG}.route_voice_agent_enabled",
        "Route the call through the AI voice agent (the API's second voice-agent switch).",
        True,
    ),
    Column(
        "Voice Agent ID",
        f"{_CONFIG}.voice_agent_id",
        Kind.INTEGER,
        "The AI voice agent: its id, its name, or ref:Voice Agents!<name> for one the same "
        "workbook creates; needed when a voice agent switch is Yes.",
        example=683,
        minimum=1,
        default=None,
        clear_value=None,
        ref="/ai-voice-agents/{}",
        refers="voice-agents",
        finder=VOICE_AGENTS_FINDER,
    ),
    Column(
        "Voice Agent Rings",
        f"{_CONFIG}.voice_agent_rings_count",
        Kind.INTEGER,
        "Rings before the voice agent answers.",
        example=3,
        default=3,
        minimum=0,
        maximum=20,
    ),
    Column(
        "Assigned Agent ID",
        f"{_CONFIG}.assigned_agent_id",
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
    _yes_no(
        "Click To Call Enabled",
        f"{_CONFIG}.click_to_call_enabled",
        "Enable click-to-call for the route.",
        False,
    ),
    _yes_no(
        "Click To Call",
        f"{_CONFIG}.click_to_call",
        "The API's second click-to-call flag (its examples set both).",
        True,
    ),
    _yes_no(
        "Outbound Dynamic Number",
        f"{_CONFIG}.is_ODN_enabled",
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
        "Blank on a replace row leaves it to the API's default.",
        example="",
        minimum=1,
        clear_value=None,
    ),
    _yes_no("SMS Forwarding", "sms_enabled", "Forward text messages sent to the number.", True),
    _yes_no("Spam Protection", "spam_enabled", "Block known spam callers.", True),
    Column(
        "SMS Users",
        "sms_settings.assigned_users",
        Kind.ID_LIST,
        "User ids who receive forwarded texts, separated by ';'.",
        example="84784; 7849",
        default=[],
        clear_value=[],
        ref="/users/{}",
    ),
    _yes_no(
        "SMS Notifications",
        "sms_settings.sms_notifications",
        "Notify the SMS users by text.",
        True,
    ),
    _yes_no(
        "Email Notifications",
        "sms_settings.email_notifications",
        "Notify the SMS users by email.",
        True,
    ),
    _yes_no(
        "Unclaimed SMS",
        "sms_settings.unclaimed_sms",
        "Keep texts no user has claimed visible to all SMS users.",
        True,
    ),
)
