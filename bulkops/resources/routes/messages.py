"""The routes sheet's columns for what is played: the voice prompt, the whisper and FTC
notice to the person answering, the caller message, the disclaimer, the hold message and
voicemail. A message whose type is 'file' names a media prompt: its id, its name, or
`ref:Prompts!<name>` for one the same workbook uploads."""

from __future__ import annotations

from typing import Final

from bulkops.model.schema import MISSING, Column, Kind, Wire
from bulkops.resources.prompts import PROMPTS_FINDER
from bulkops.resources.routes.parts import CONFIG, route_text, yes_no

__all__ = ["MESSAGES"]

_MEDIA_TYPES: Final = ("file", "text")


def _kind(label: str, leaf: str, holds: str, *, optional: bool = False) -> Column:
    """The type of a message: 'file' (a media prompt) or 'text' (spoken text)."""
    return Column(
        label,
        f"{CONFIG}.{leaf}",
        Kind.CHOICE,
        f"What {holds} holds{' (blank when there is none)' if optional else ''}. 'file': "
        "a media prompt, by its id, its name or ref:Prompts!<name>; 'text': spoken text.",
        example="" if optional else "file",
        choices=("", *_MEDIA_TYPES) if optional else _MEDIA_TYPES,
        default="" if optional else "file",
        clear_value="" if optional else MISSING,
    )


def _message(label: str, leaf: str, kind_leaf: str, what: str, example: str) -> Column:
    """A message: a media prompt when its type column says 'file', else the text itself."""
    return route_text(
        label,
        f"{CONFIG}.{leaf}",
        f"{what}: a media prompt (its id, its name, or ref:Prompts!<name>) when the type is "
        "'file', else the text itself.",
        example,
        refers="prompts",
        finder=PROMPTS_FINDER,
        refers_if=(f"{CONFIG}.{kind_leaf}", "file"),
    )


MESSAGES: Final[tuple[Column, ...]] = (
    route_text(
        "Voice Prompt",
        f"{CONFIG}.voice_prompt",
        "Text played to the caller before the call is connected.",
        "Thank you for calling. Please wait while we connect your call.",
    ),
    yes_no(
        "Whisper Enabled",
        f"{CONFIG}.whisper_enabled",
        "Play a whisper message to the person answering.",
        True,
    ),
    _kind("Whisper Type", "whisper_type", "Whisper Message"),
    _message(
        "Whisper Message",
        "whisper_message",
        "whisper_type",
        "The whisper played to the person answering",
        "Whisper message 1",
    ),
    yes_no(
        "FTC Whisper Enabled",
        f"{CONFIG}.ftc_whisper_enabled",
        "Play the FTC (call recording) notice.",
        True,
        wire=Wire.FLAG,
        default="0",
    ),
    _kind("FTC Whisper Type", "ftc_whisper_type", "FTC Whisper Message"),
    _message(
        "FTC Whisper Message",
        "ftc_whisper_message",
        "ftc_whisper_type",
        "The FTC notice",
        "qLMcUEqb_1660813454043",
    ),
    yes_no(
        "Caller Message Enabled",
        f"{CONFIG}.message_enabled",
        "Play a message to the caller.",
        True,
        wire=Wire.FLAG,
        default="0",
    ),
    _kind("Caller Message Type", "message_type", "Caller Message"),
    _message(
        "Caller Message",
        "message",
        "message_type",
        "The message played to the caller",
        "fBiYF5MG_1674141425479",
    ),
    Column(
        "Play Disclaimer",
        f"{CONFIG}.play_disclaimer",
        Kind.CHOICE,
        "When the recording disclaimer plays: before or after the voice prompt, or never.",
        example="before",
        choices=("before", "after", "none"),
        default="none",
    ),
    yes_no(
        "Hold Message Enabled",
        f"{CONFIG}.play_on_hold_enabled",
        "Play a message while the caller is on hold.",
        False,
    ),
    _kind("Hold Message Type", "play_on_hold_message_type", "Hold Message", optional=True),
    _message(
        "Hold Message",
        "play_on_hold_message",
        "play_on_hold_message_type",
        "The on-hold message",
        "",
    ),
    yes_no(
        "Voicemail Enabled",
        f"{CONFIG}.activate_voicemail",
        "Send unanswered calls to voicemail.",
        False,
    ),
    route_text(
        "Voicemail Greeting",
        f"{CONFIG}.voicemail_greeting",
        "The greeting played before voicemail.",
        "Please leave a message after the beep.",
    ),
    Column(
        "Voicemail Rings",
        f"{CONFIG}.voicemail_rings_count",
        Kind.INTEGER,
        "Rings before the call goes to voicemail.",
        example=3,
        wire=Wire.STRING,
        default="3",
        minimum=1,
        maximum=20,
    ),
)
