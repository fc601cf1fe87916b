"""Cells that name a moment: IANA time zones, and dates with their time (always with a
zone: a time the API would have to guess is refused)."""

from __future__ import annotations

import re
from datetime import date, datetime
from difflib import get_close_matches
from functools import cache
from typing import Any, Final
from zoneinfo import ZoneInfo, available_timezones

from bulkops.validation.cells import CellError, to_text

__all__ = ["to_datetime", "to_timezone"]

_ZONE_SUFFIX = re.compile(r"^(.+?)\s+([A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|UTC)$")


def to_timezone(raw: Any) -> str:
    """An IANA time zone name, its case corrected: 'america/chicago' -> 'America/Chicago'."""
    text = to_text(raw)
    zones = _zones()
    if text in zones:
        return text
    lowered = {z.lower(): z for z in zones}
    if text.lower() in lowered:
        return lowered[text.lower()]
    usual = _ZONE_WORDS.get(text.lower().replace(" time", "").strip())
    hint = get_close_matches(text.lower(), list(lowered), n=1, cutoff=0.7)
    if usual is not None:
        suggestion = f" (did you mean '{usual}'?)"
    else:
        suggestion = f" (did you mean '{lowered[hint[0]]}'?)" if hint else ""
    raise CellError(
        "invalid-timezone",
        f"'{text}' is not a time zone of the IANA database; use a name such as "
        f"America/New_York{suggestion}",
    )


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


#: what people write for the US zones -> the IANA name to suggest (never assumed)
_ZONE_WORDS: Final = {
    **dict.fromkeys(("eastern", "est", "edt", "et"), "America/New_York"),
    **dict.fromkeys(("central", "cst", "cdt", "ct"), "America/Chicago"),
    **dict.fromkeys(("mountain", "mst", "mdt", "mt"), "America/Denver"),
    **dict.fromkeys(("pacific", "pst", "pdt", "pt"), "America/Los_Angeles"),
    "arizona": "America/Phoenix",
    "alaska": "America/Anchorage",
    "hawaii": "Pacific/Honolulu",
}


def to_datetime(raw: Any) -> str:
    """A moment with an explicit time zone, as ISO 8601 with its offset:
    '2026-12-01T09:00:00-05:00', '2026-12-01 09:00Z' or '2026-12-01 09:00 America/Chicago'.
    A date-time without a zone (what Excel stores) is refused: the API would guess it."""
    if isinstance(raw, datetime | date):
        raise CellError(
            "invalid-datetime",
            f"{raw} has no time zone: type it as text with its zone, e.g. "
            "2026-12-01 09:00 America/New_York",
        )
    text = to_text(raw)
    zone: Any = None
    named = _ZONE_SUFFIX.match(text)
    if named is not None:
        try:
            zone = ZoneInfo(to_timezone(named.group(2)))
        except CellError as error:
            raise CellError("invalid-datetime", error.message) from None
        text = named.group(1)
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1).replace("z", "Z"))
    except ValueError:
        raise CellError(
            "invalid-datetime",
            f"'{to_text(raw)}' is not a date and time; write e.g. 2026-12-01 09:00 "
            "America/New_York or 2026-12-01T09:00-05:00",
        ) from None
    if zone is not None:
        if moment.tzinfo is not None:
            raise CellError("invalid-datetime", "give either an offset or a zone name, not both")
        moment = moment.replace(tzinfo=zone)
    if moment.tzinfo is None:
        raise CellError(
            "invalid-datetime",
            f"'{text}' has no time zone: add one, e.g. {text} America/New_York (or -05:00)",
        )
    return moment.isoformat()
