"""The route body on the wire, as typed pydantic models (CONTRACT.md section 2).

This is the wire view of the same contract the columns describe from the spreadsheet's side:
every body bulkops builds for a route must validate against `RouteBody` in strict mode
(flags as "1"/"0" strings, counts as digit strings, switches as JSON booleans), so a payload
builder that drifts from the vendor's example fails here before anything is sent. Every
field is optional because PATCH sends any subset; `extra="forbid"` catches a misspelt key.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "CustomSource",
    "HuntDestination",
    "HuntOptions",
    "OverflowNumber",
    "RouteBody",
    "RouteConfig",
    "RoutingConfiguration",
    "SmsSettings",
]

Digits10 = Annotated[str, Field(pattern=r"^\d{10}$")]
DigitString = Annotated[str, Field(pattern=r"^\d+$")]
Flag = Literal["0", "1"]
MediaType = Literal["file", "text"]
Id = Annotated[int, Field(ge=1)]


def _never_null(value: Any) -> Any:
    """Integers the contract types without null (voice_agent_id, ad_source_id): a blank
    cell leaves them out of the body, it never sends null."""
    if value is None:
        raise ValueError("is an integer on the wire, never null: leave it out instead")
    return value


class _Wire(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class SmsSettings(_Wire):
    assigned_users: list[int] | None = None
    sms_notifications: bool | None = None
    email_notifications: bool | None = None
    unclaimed_sms: bool | None = None


class CustomSource(_Wire):
    custom_source_id: DigitString
    custom_source_type: Literal["CS1", "CS2", "CS3", "CS4", "CS5"]


class OverflowNumber(_Wire):
    number: Annotated[str, Field(pattern=r"^\(\d{3}\)-\d{3}-\d{4}$")]
    rings: DigitString
    overflow_order: Annotated[int, Field(ge=1)]
    unmaskNumber: Digits10
    overflowNumber: Digits10


class HuntDestination(_Wire):
    destination: Digits10
    order: Annotated[int, Field(ge=1)]


class HuntOptions(_Wire):
    type: Literal["round_robin", "sequential"] | None = None
    options: list[HuntDestination] | None = None


class RouteConfig(_Wire):
    ringto: Digits10 | None = None
    isSimultaneousRing: bool | None = None
    click_to_call_enabled: bool | None = None
    click_to_call: bool | None = None
    dnis_as_cid: Literal["phone_number"] | None = None
    voice_prompt: str | None = None
    whisper_enabled: bool | None = None
    whisper_type: MediaType | None = None
    whisper_message: str | None = None
    ftc_whisper_enabled: Flag | None = None
    ftc_whisper_type: MediaType | None = None
    ftc_whisper_message: str | None = None
    message_enabled: Flag | None = None
    message_type: MediaType | None = None
    message: str | None = None
    activate_voicemail: bool | None = None
    voicemail_greeting: str | None = None
    voicemail_rings_count: DigitString | None = None
    activate_voiceagent: bool | None = None
    route_voice_agent_enabled: bool | None = None
    voice_agent_id: Id | None = None
    voice_agent_rings_count: Annotated[int, Field(ge=0)] | None = None
    assigned_agent_id: Id | None = None
    is_ODN_enabled: bool | None = None
    play_disclaimer: Literal["before", "after", "none"] | None = None
    play_on_hold_enabled: bool | None = None
    play_on_hold_message: str | None = None
    play_on_hold_message_type: Literal["", "file", "text"] | None = None
    record_call: bool | None = None
    overflowNumbers: list[OverflowNumber] | None = None
    hunt_options: HuntOptions | None = None

    @field_validator("voice_agent_id", mode="before")
    @classmethod
    def _voice_agent_never_null(cls, value: Any) -> Any:
        return _never_null(value)


class RoutingConfiguration(_Wire):
    routing_type: Literal["simple"] | None = None
    config: RouteConfig | None = None


class RouteBody(_Wire):
    """A provisioned route body for POST, PUT or PATCH /provisioned-routes."""

    provisioned_route_name: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    provisioned_route_status: Literal["active", "inactive"] | None = None
    call_value: Annotated[int | float, Field(ge=0)] | None = None
    repeat_interval: Annotated[int, Field(ge=0)] | None = None
    org_unit_id: Id | None = None
    webhook_id: Id | None = None
    ad_source_id: Id | None = None
    phone_number: Digits10 | None = None
    sms_enabled: bool | None = None
    spam_enabled: bool | None = None
    sms_settings: SmsSettings | None = None
    customSourceList: list[CustomSource] | None = None
    routing_configuration: RoutingConfiguration | None = None

    @field_validator("ad_source_id", mode="before")
    @classmethod
    def _ad_source_never_null(cls, value: Any) -> Any:
        return _never_null(value)
