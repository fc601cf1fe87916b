"""AI voice agents (CLI name `voice-agents`): the single source of truth for the voice
agents sheet.

The body is CONTRACT.md section 3's assumed shape, stated once by the columns below and
`VoiceAgentBody`. An agent is found by its name within its group; routes name it in Voice
Agent ID by id, by name, or by `ref:Voice Agents!<name>` for one the same workbook creates.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from bulkops.model.schema import MISSING, Column, Finder, Kind, Resource
from bulkops.resources.common import group_column, id_column, text

__all__ = ["RESOURCE", "VOICE_AGENTS", "VOICE_AGENTS_FINDER", "VoiceAgentBody"]

_NEEDED = frozenset({"create", "replace", "upsert"})
#: a BCP 47 language tag as voice platforms take them: en, en-US, es-419, zh-Hant-TW
_LANGUAGE: Final = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$")


class VoiceAgentBody(BaseModel):
    """A voice agent body on the wire (every field optional: PATCH sends any subset)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    agent_name: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    org_unit_id: Annotated[int, Field(ge=1)] | None = None
    voice: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    language: Annotated[str, Field(pattern=_LANGUAGE.pattern)] | None = None
    greeting: str | None = None
    instructions: str | None = None
    transfer_number: Annotated[str, Field(pattern=r"^\d{10}$")] | None = None
    status: Literal["active", "inactive"] | None = None


def _language(value: Any) -> tuple[str, str] | None:
    if _LANGUAGE.match(str(value)):
        return None
    return (
        "invalid-type",
        f"'{value}' is not a language tag: write the language and country, like es-MX",
    )


_COLUMNS: Final[tuple[Column, ...]] = (
    text(
        "Agent Name",
        "agent_name",
        "The agent's name; with its Group, finds the agent when Voice Agent ID is blank, "
        "and routes name it by it.",
        "After-hours receptionist",
        required=_NEEDED,
        max_length=255,
        clear_value=MISSING,
    ),
    group_column("org_unit_id", "the agent belongs to", _NEEDED),
    text(
        "Voice",
        "voice",
        "The voice it speaks with (as the platform names it).",
        "alloy",
        max_length=100,
        clear_value=MISSING,
    ),
    Column(
        "Language",
        "language",
        Kind.TEXT,
        "The language it speaks, as a language tag: en-US, es-MX …",
        example="en-US",
        check=_language,
    ),
    text("Greeting", "greeting", "What it says first.", "Thanks for calling Sunrise Smiles!"),
    text(
        "Instructions",
        "instructions",
        "What the agent does, in plain words (its prompt).",
        "Answer questions about opening hours and book appointments.",
    ),
    Column(
        "Transfer Number",
        "transfer_number",
        Kind.PHONE,
        "The 10-digit number it transfers callers to when they ask for a person.",
        example="4045550123",
        clear_value=None,
    ),
    Column(
        "Status",
        "status",
        Kind.CHOICE,
        "Whether the agent answers calls.",
        example="active",
        choices=("active", "inactive"),
        default="active",
    ),
)

#: How a voice agent is found by the name a cell gives (a route's Voice Agent ID).
VOICE_AGENTS_FINDER: Final = Finder(
    kind="voice-agents",
    noun="voice agent",
    listing="/ai-voice-agents",
    id_field="voice_agent_id",
    name_fields=("agent_name",),
    sheet="Voice Agents",
    otherwise="give its id, its name, or ref:Voice Agents!<name>",
)

VOICE_AGENTS: Final = Resource(
    name="voice-agents",
    finder=VOICE_AGENTS_FINDER,
    sheet="Voice Agents",
    title="AI voice agents",
    base_path="/ai-voice-agents",
    id_column=id_column(
        "Voice Agent ID", "voice_agent_id", "voice agent", 683, "Agent Name (and Group)"
    ),
    columns=_COLUMNS,
    groups=(),
    rules=(),
    actions=("create", "update", "replace", "upsert", "delete", "skip"),
    default_action="create",
    key_paths=("agent_name", "org_unit_id"),
    body_model=VoiceAgentBody,
    order=24,
    description="AI agents that answer calls: their voice, language, greeting and prompt.",
    notes=(
        "A blank Action means create.",
        "Update, replace, delete and upsert find the agent by Voice Agent ID, else by "
        "Agent Name within Group.",
        "Language is a language tag such as en-US.",
        "Routes name an agent in Voice Agent ID by its id, its name, or ref:Voice Agents!<name>.",
    ),
)

#: what the registry (`bulkops.resources`) finds in this module
RESOURCE: Final = VOICE_AGENTS
