"""SMS broadcasts (CLI name `broadcasts`): the single source of truth for the broadcasts
sheet.

The body is CONTRACT.md section 3's assumed shape, stated once by the columns and
`BroadcastBody`; the base path is `BASE` (the docs also say `/sms-broadcasts`). A draft
sends nothing; a broadcast whose Status is `scheduled` sends messages at Scheduled At, so
such a row is irreversible: the run asks first and never re-sends it after a lost answer.
The dry run shows each message's length and SMS segments, and checks that From Number is
an SMS-enabled number of the account.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from bulkops.model.schema import MISSING, Column, Kind, Resource, Rule
from bulkops.resources.common import group_column, id_column, text
from bulkops.resources.numbers.orders import owned_numbers

if TYPE_CHECKING:
    from bulkops.model.record import RowRecord
    from bulkops.model.seam import RunContext

__all__ = ["BASE", "BROADCASTS", "MAX_MESSAGE", "RESOURCE", "BroadcastBody", "segments"]

#: where broadcasts live (convirza-v3.md names both /broadcast and /sms-broadcasts)
BASE: Final = "/broadcast"
MAX_MESSAGE: Final = 1600

_NEEDED = frozenset({"create", "replace", "upsert"})


class BroadcastBody(BaseModel):
    """A broadcast body on the wire (every field optional: PATCH sends any subset)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    broadcast_name: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    org_unit_id: Annotated[int, Field(ge=1)] | None = None
    from_number: Annotated[str, Field(pattern=r"^\d{10}$")] | None = None
    message: Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE)] | None = None
    recipients: list[Annotated[str, Field(pattern=r"^\d{10}$")]] | None = None
    scheduled_at: str | None = None
    status: Literal["draft", "scheduled"] | None = None


def _future(value: Any) -> tuple[str, str] | None:
    moment = datetime.fromisoformat(value)
    if moment > datetime.now(UTC):
        return None
    return ("past-datetime", f"{value} is in the past: a broadcast can only be scheduled ahead")


_COLUMNS: Final[tuple[Column, ...]] = (
    text(
        "Broadcast Name",
        "broadcast_name",
        "The broadcast's name, unique within its group; with Group it finds the broadcast "
        "when Broadcast ID is blank.",
        "December recall reminder",
        required=_NEEDED,
        max_length=255,
        clear_value=MISSING,
    ),
    group_column("org_unit_id", "that sends the broadcast", _NEEDED),
    Column(
        "From Number",
        "from_number",
        Kind.PHONE,
        "The SMS-enabled tracking number of the account the texts come from, or "
        "ref:Numbers!<Reference> for a number this workbook orders.",
        example="4045550142",
        required=_NEEDED,
        refers="numbers",
    ),
    Column(
        "Message",
        "message",
        Kind.TEXT,
        f"The text sent (at most {MAX_MESSAGE} characters). The dry run shows how many SMS "
        "segments it takes: 160 characters make one, longer texts go in 153-character "
        "parts (70 and 67 with emoji or other non-GSM characters).",
        example="Hi from Sunrise Smiles! Reply YES to confirm your visit.",
        required=_NEEDED,
        max_length=MAX_MESSAGE,
    ),
    Column(
        "Recipients",
        "recipients",
        Kind.PHONE_LIST,
        "Who receives it: 10-digit numbers separated by ';', or the name of a CSV file of "
        "numbers (first column) beside the workbook.",
        example="4045550101; 4045550102",
        required=_NEEDED,
    ),
    Column(
        "Scheduled At",
        "scheduled_at",
        Kind.DATETIME,
        "When a scheduled broadcast is sent: a future date and time with its time zone, "
        "e.g. 2026-12-01 09:00 America/New_York. Blank for a draft.",
        example="",
        default=None,
        clear_value=None,
        check=_future,
    ),
    Column(
        "Status",
        "status",
        Kind.CHOICE,
        "draft (sends nothing) or scheduled (sends at Scheduled At: cannot be undone).",
        example="draft",
        choices=("draft", "scheduled"),
        default="draft",
    ),
)


def segments(message: str) -> tuple[int, str]:
    """SMS segments a message takes, and its encoding (GSM-7, else UCS-2)."""
    if all(ch in _GSM or ch in _GSM_EXTENDED for ch in message):
        units = sum(2 if ch in _GSM_EXTENDED else 1 for ch in message)
        return (1 if units <= 160 else -(-units // 153)), "GSM-7"
    units = len(message.encode("utf-16-le")) // 2
    return (1 if units <= 70 else -(-units // 67)), "UCS-2"


_GSM: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED: Final = frozenset("^{}\\[~]|€\f")


def _describe(body: dict[str, Any]) -> str:
    message, recipients = body.get("message"), body.get("recipients")
    parts = []
    if isinstance(message, str):
        count, encoding = segments(message)
        parts.append(
            f"message {len(message)} characters = {count} SMS segment"
            f"{'s' if count != 1 else ''} ({encoding})"
        )
        if isinstance(recipients, list):
            parts.append(f"× {len(recipients)} recipients = {count * len(recipients)} texts")
    if body.get("status") == "scheduled":
        parts.append(f"; sent at {body.get('scheduled_at')}")
    return " ".join(parts)


async def _vet(run: RunContext, record: RowRecord) -> list[str]:
    """Dry run: From Number must be an SMS-enabled number of the account."""
    sender = record.values.get(BROADCASTS.by_path["from_number"])
    if not isinstance(sender, str):
        return []  # unchanged, or a number this run orders first
    owned = await owned_numbers(run)
    found = owned.get(sender)
    if found is None:
        return [f"From Number {sender} is not a number of this account"]
    if found.get("sms_enabled") is False:
        return [f"From Number {sender} cannot send texts (not SMS-enabled): choose another"]
    return []


BROADCASTS: Final = Resource(
    name="broadcasts",
    sheet="Broadcasts",
    title="SMS broadcasts",
    base_path=BASE,
    id_column=id_column(
        "Broadcast ID", "broadcast_id", "broadcast", 301, "Broadcast Name (and Group)"
    ),
    columns=_COLUMNS,
    groups=(),
    rules=(
        Rule(
            "scheduled-without-time",
            ("status",),
            "scheduled_at",
            "Status is scheduled but Scheduled At is blank: give the time to send it (with "
            "its time zone), or make it a draft",
            equals="scheduled",
        ),
    ),
    actions=("create", "update", "replace", "upsert", "delete", "skip"),
    default_action="create",
    key_paths=("broadcast_name", "org_unit_id"),
    body_model=BroadcastBody,
    # listed under a name field bulkops does not know, a broadcast is still itself: the
    # same group, sender, text and time (a re-run must never schedule it twice)
    fingerprint=("org_unit_id", "from_number", "message", "scheduled_at"),
    irreversible_if=("status", "scheduled"),
    vet=_vet,
    describe=_describe,
    order=50,
    description="Text messages to a list of numbers: drafts, or scheduled sends.",
    notes=(
        "A blank Action means create. A blank Status means draft: nothing is sent.",
        "A scheduled broadcast sends texts at Scheduled At and cannot be undone: a run "
        "that holds one asks for confirmation first (or --yes).",
        "Scheduled At needs its time zone: 2026-12-01 09:00 America/New_York, or "
        "2026-12-01T09:00-05:00.",
        "Recipients: numbers separated by ';', or a CSV file's name (beside the workbook).",
        "The dry run shows each message's SMS segments and checks From Number.",
    ),
)

#: what the registry (`bulkops.resources`) finds in this module
RESOURCE: Final = BROADCASTS
