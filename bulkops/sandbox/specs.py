"""Bodies the sandbox accepts, per resource: CONTRACT.md read once more, independently.

Section 2 (routes) comes from the vendor's *Update Provisioned Route* example; section 3
shapes are the project's assumptions. Each assumed shape lives here once, so seeing the
real schema means one small change.
"""

from __future__ import annotations

from typing import Any, Final
from zoneinfo import available_timezones

from bulkops.sandbox.contract import F

__all__ = [
    "AGENT",
    "BROADCAST",
    "GROUP",
    "ROUTE",
    "ROUTE_DEFAULTS",
    "TAG",
    "USER",
    "WEBHOOK",
]


def _enum(*values: str) -> frozenset[str]:
    return frozenset(values)


_TIMEZONES: Final = frozenset(available_timezones())


def _timezone(value: Any) -> str | None:
    return None if value in _TIMEZONES else "must be an IANA time zone such as America/New_York"


def _https(value: Any) -> str | None:
    return None if str(value).startswith("https://") else "must be an https:// URL"


_MEDIA = _enum("file", "text")

_OVERFLOW = F(
    "obj",
    fields={
        "number": F("display_phone", required=True),
        "rings": F("digits", required=True),
        "overflow_order": F("int", required=True, ge=1),
        "unmaskNumber": F("phone10", required=True),
        "overflowNumber": F("phone10", required=True),
    },
)

_CONFIG: Final = {
    "ringto": F("phone10"),
    "isSimultaneousRing": F("bool"),
    "click_to_call_enabled": F("bool"),
    "click_to_call": F("bool"),
    "dnis_as_cid": F("str", enum=_enum("phone_number")),
    "voice_prompt": F("str"),
    "whisper_enabled": F("bool"),
    "whisper_type": F("str", enum=_MEDIA),
    "whisper_message": F("str"),
    "ftc_whisper_enabled": F("flag"),
    "ftc_whisper_type": F("str", enum=_MEDIA),
    "ftc_whisper_message": F("str"),
    "message_enabled": F("flag"),
    "message_type": F("str", enum=_MEDIA),
    "message": F("str"),
    "activate_voicemail": F("bool"),
    "voicemail_greeting": F("str"),
    "voicemail_rings_count": F("digits"),
    "activate_voiceagent": F("bool"),
    "route_voice_agent_enabled": F("bool"),
    "voice_agent_id": F("int", ref="voice_agent"),  # an integer (no null) in the seed
    "voice_agent_rings_count": F("int", ge=0),
    "assigned_agent_id": F("int", nullable=True, ref="user"),
    "is_ODN_enabled": F("bool"),
    "play_disclaimer": F("str", enum=_enum("before", "after", "none")),
    "play_on_hold_enabled": F("bool"),
    "play_on_hold_message": F("str"),
    "play_on_hold_message_type": F("str", enum=_enum("", "file", "text")),
    "record_call": F("bool"),
    "overflowNumbers": F("list", item=_OVERFLOW),
    "hunt_options": F(
        "obj",
        fields={
            "type": F("str", enum=_enum("round_robin", "sequential")),
            "options": F(
                "list",
                item=F(
                    "obj",
                    fields={
                        "destination": F("phone10", required=True),
                        "order": F("int", required=True, ge=1),
                    },
                ),
            ),
        },
    ),
}

ROUTE: Final = {
    "provisioned_route_name": F("str", required=True, min_len=1, max_len=255),
    "provisioned_route_status": F("str", enum=_enum("active", "inactive")),
    "call_value": F("num", ge=0),
    "repeat_interval": F("int", ge=0),
    "org_unit_id": F("int", required=True, ref="group"),
    "webhook_id": F("int", nullable=True, ref="webhook"),
    "ad_source_id": F("int", ref="ad_source"),
    "phone_number": F("phone10"),
    "sms_enabled": F("bool"),
    "spam_enabled": F("bool"),
    "sms_settings": F(
        "obj",
        fields={
            "assigned_users": F("list", item=F("int", ref="user")),
            "sms_notifications": F("bool"),
            "email_notifications": F("bool"),
            "unclaimed_sms": F("bool"),
        },
    ),
    "customSourceList": F(
        "list",
        item=F(
            "obj",
            fields={
                "custom_source_id": F("digits", required=True),
                "custom_source_type": F(
                    "str", required=True, enum=_enum("CS1", "CS2", "CS3", "CS4", "CS5")
                ),
            },
        ),
    ),
    "routing_configuration": F(
        "obj",
        required=True,
        fields={
            "routing_type": F("str", enum=_enum("simple")),
            "config": F("obj", required=True, fields=_CONFIG),
        },
    ),
}

#: What PUT resets an omitted field to (the "system defaults"). The integers the contract
#: does not type as nullable (ad_source_id, voice_agent_id) have no default: unset.
ROUTE_DEFAULTS: Final[dict[str, Any]] = {
    "provisioned_route_status": "active",
    "call_value": 0,
    "repeat_interval": 0,
    "webhook_id": None,
    "sms_enabled": False,
    "spam_enabled": False,
    "sms_settings": {
        "assigned_users": [],
        "sms_notifications": False,
        "email_notifications": False,
        "unclaimed_sms": False,
    },
    "customSourceList": [],
    "routing_configuration": {
        "routing_type": "simple",
        "config": {
            "isSimultaneousRing": False,
            "click_to_call_enabled": False,
            "click_to_call": False,
            "dnis_as_cid": "phone_number",
            "voice_prompt": "",
            "whisper_enabled": False,
            "whisper_type": "file",
            "whisper_message": "",
            "ftc_whisper_enabled": "0",
            "ftc_whisper_type": "file",
            "ftc_whisper_message": "",
            "message_enabled": "0",
            "message_type": "file",
            "message": "",
            "activate_voicemail": False,
            "voicemail_greeting": "",
            "voicemail_rings_count": "3",
            "activate_voiceagent": False,
            "route_voice_agent_enabled": False,
            "voice_agent_rings_count": 3,
            "assigned_agent_id": None,
            "is_ODN_enabled": False,
            "play_disclaimer": "none",
            "play_on_hold_enabled": False,
            "play_on_hold_message": "",
            "play_on_hold_message_type": "",
            "record_call": False,
            "overflowNumbers": [],
            "hunt_options": {"type": "round_robin", "options": []},
        },
    },
}

USER: Final = {
    "username": F("email", required=True, max_len=255),
    "first_name": F("str", required=True, min_len=1, max_len=100),
    "last_name": F("str", required=True, min_len=1, max_len=100),
    "ct_user_ou_id": F("int", required=True, ref="group"),
    "role": F("str", enum=_enum("Admin", "Standard", "ReadOnly")),
    "role_id": F("int", enum=None, ge=1, extra=lambda v: None if v in (1, 2, 3) else
                 "must be 1 (Admin), 2 (Standard) or 3 (ReadOnly)"),
    "user_ext_id": F("str", nullable=True, max_len=100),
    "user_status": F("str", enum=_enum("active", "inactive")),
    "aliases": F("list", nullable=True, item=F("str")),
    "timezone": F("str", extra=_timezone),
    "agent_ring_to": F("phone10", nullable=True),
    "agent_code": F("int", nullable=True, ge=0),
    "score_call": F("bool"),
    "access_audio": F("bool"),
}  # fmt: skip

GROUP: Final = {
    "org_unit_name": F("str", required=True, min_len=1, max_len=255),
    "org_unit_parent_id": F("int", ref="group"),
    "parent_org_unit_id": F("int", ref="group"),
    "org_unit_ext_id": F("str", nullable=True, max_len=100),
    "org_unit_status": F("str", enum=_enum("active", "inactive")),
    "top_ou_id": F("int"),
    "billing_id": F("int"),
    "address": F("str", nullable=True),
    "city": F("str", nullable=True),
    "state": F("str", nullable=True, max_len=2, min_len=2),
    "zip": F("str", nullable=True),
    "phone_number": F("str", nullable=True),
    "industry_id": F("int", nullable=True, ref="industry"),
    "timezone": F("str", extra=_timezone),
}

WEBHOOK: Final = {
    "webhook_name": F("str", required=True, min_len=1, max_len=255),
    "webhook_url": F("str", required=True, extra=_https),
    "org_unit_id": F("int", required=True, ref="group"),
    "method": F("str", enum=_enum("POST", "GET")),
    "webhook_type": F("str", enum=_enum("pre_call", "post_call")),
    "status": F("str", enum=_enum("active", "inactive")),
    "static_fields": F(
        "list",
        item=F("obj", fields={"key": F("str", required=True), "value": F("str", required=True)}),
    ),
}

AGENT: Final = {
    "agent_name": F("str", required=True, min_len=1, max_len=255),
    "org_unit_id": F("int", required=True, ref="group"),
    "voice": F("str"),
    "language": F("lang"),
    "greeting": F("str"),
    "instructions": F("str"),
    "transfer_number": F("phone10", nullable=True),
    "status": F("str", enum=_enum("active", "inactive")),
}

TAG: Final = {
    "tag_name": F("str", required=True, min_len=1, max_len=100),
    "org_unit_id": F("int", nullable=True, ref="group"),
}

BROADCAST: Final = {
    "broadcast_name": F("str", required=True, min_len=1, max_len=255),
    "org_unit_id": F("int", required=True, ref="group"),
    "from_number": F("phone10", required=True),
    "message": F("str", required=True, min_len=1, max_len=1600),
    "recipients": F("list", required=True, item=F("phone10")),
    "scheduled_at": F("iso", nullable=True),
    "status": F("str", enum=_enum("draft", "scheduled")),
}
