"""Cell coercion: one raw spreadsheet value -> one typed value, undoing Excel's habits.

Readers hand over raw values as they come (calamine: float for every number, '' for empty;
csv: str). This module is the one edge where they are normalised. Each coercer takes a
non-blank raw value and returns the typed value or raises `CellError` with a problem code
and a message that tells the user how to fix the cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Final

__all__ = [
    "CLEAR",
    "FALSE_WORDS",
    "INPUT_DIR",
    "TRUE_WORDS",
    "CellError",
    "display_phone",
    "is_blank",
    "is_blank_row",
    "is_clear",
    "to_bool",
    "to_choice",
    "to_datetime",
    "to_digits",
    "to_email",
    "to_id_list",
    "to_int",
    "to_number",
    "to_phone",
    "to_phone_list",
    "to_text",
    "to_timezone",
    "undialable",
]

#: The marker a user writes to empty a field on purpose.
CLEAR: Final = "#CLEAR"

TRUE_WORDS: Final = frozenset({"true", "yes", "y", "1", "on", "t", "x"})
FALSE_WORDS: Final = frozenset({"false", "no", "n", "0", "off", "f"})

_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")
_NANP = re.compile(r"^[2-9]\d{2}[2-9]\d{6}$")
_LIST_SPLIT = re.compile(r"[;,\n]")


class CellError(ValueError):
    """A cell that cannot be coerced: `code` is a problem code, the message says how to fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_blank(raw: Any) -> bool:
    """True for what the readers give for an empty cell (and for whitespace only)."""
    return raw is None or raw == "" or (isinstance(raw, str) and not raw.strip())


def is_blank_row(values: list[Any]) -> bool:
    """True when every cell of a row is blank (such rows are skipped, never counted)."""
    for value in values:
        if value != "" and value is not None and not (value.__class__ is str and value.isspace()):
            return False
    return True


def is_clear(raw: Any) -> bool:
    return isinstance(raw, str) and raw.strip().upper() == CLEAR


def _integral(value: float) -> int | None:
    return int(value) if value.is_integer() else None


def to_text(raw: Any) -> str:
    """Text as the user typed it: stripped; Excel's 12.0 back to 12."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        whole = _integral(raw)
        return str(whole) if whole is not None else repr(raw)
    if isinstance(raw, datetime | date | time):
        return raw.isoformat()
    return str(raw)


def _expanded(text: str) -> str:
    """'1.11E+09' -> '1110000000' when exact; error when Excel dropped digits."""
    number = Decimal(text)
    if number != number.to_integral_value():
        raise CellError("invalid-type", f"'{text}' is not a whole number")
    return str(int(number))


def to_int(raw: Any) -> int:
    """A whole number: 30, 30.0, '30', '1,030'."""
    if isinstance(raw, bool):
        raise CellError("invalid-type", "expected a whole number, found TRUE/FALSE")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        whole = _integral(raw)
        if whole is None:
            raise CellError("invalid-type", f"expected a whole number, found {raw}")
        return whole
    if isinstance(raw, datetime | date | time | timedelta):
        raise CellError(
            "invalid-type", "expected a whole number, found a date: format the column as Number"
        )
    text = str(raw).strip().replace(",", "").replace(" ", "")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError("invalid-type", f"expected a whole number, found '{raw}'") from None
    if number.is_finite() and number == number.to_integral_value():
        return int(number)
    raise CellError("invalid-type", f"expected a whole number, found '{raw}'")


def to_number(raw: Any) -> int | float:
    """A number (10, 12.5, '$12.50'); whole numbers stay integers on the wire."""
    if isinstance(raw, bool):
        raise CellError("invalid-type", "expected a number, found TRUE/FALSE")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return _integral(raw) if raw.is_integer() else raw  # type: ignore[return-value]
    text = str(raw).strip().replace(",", "").replace(" ", "").lstrip("$")
    try:
        value = float(text)
    except ValueError:
        raise CellError("invalid-type", f"expected a number, found '{raw}'") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError("invalid-type", f"expected a number, found '{raw}'")
    return int(value) if value.is_integer() else value


def to_bool(raw: Any) -> bool:
    """Yes/No in all their spellings: TRUE, yes, Y, 1, on, x (and the opposites)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("invalid-type", f"expected Yes or No, found '{to_text(raw)}'")


def to_digits(raw: Any) -> str:
    """A string of digits (an id the API keeps as text): leading zeros kept, 1080.0 -> '1080'."""
    if isinstance(raw, float):
        whole = _integral(raw)
        if whole is None or whole < 0:
            raise CellError("invalid-type", f"expected digits only, found {raw}")
        return str(whole)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    text = str(raw).strip()
    if _SCIENTIFIC.match(text):
        text = _expanded(text)
    if not text.isdigit():
        raise CellError("invalid-type", f"expected digits only, found '{text}'")
    return text


def to_phone(raw: Any) -> str:
    """10 bare digits from 1111111111.0, '(111) 111-1111', '+1 111-111-1111', '1.11E+09'."""
    if isinstance(raw, bool):
        raise CellError("invalid-phone", "expected a 10-digit phone number, found TRUE/FALSE")
    if isinstance(raw, float):
        whole = _integral(raw)
        if whole is None:
            raise CellError("invalid-phone", f"expected a 10-digit phone number, found {raw}")
        digits = str(whole)
    elif isinstance(raw, int):
        digits = str(raw)
    else:
        text = str(raw).strip()
        if _SCIENTIFIC.match(text):
            digits = _expanded(text)
            if len(digits) >= 10 and digits.endswith("0000"):
                raise CellError(
                    "invalid-phone",
                    f"'{text}' is Excel's scientific notation and its last digits are lost: "
                    "format the column as Text and type the number again",
                )
        else:
            digits = _PHONE_PUNCTUATION.sub("", text)
            if digits.startswith("+"):
                if not digits.startswith("+1"):
                    raise CellError(
                        "invalid-phone",
                        f"'{text}' is not a North American number (+1): only US and Canadian "
                        "numbers can be used",
                    )
                digits = digits[1:]
        if not digits.isdigit():
            raise CellError("invalid-phone", f"expected a 10-digit phone number, found '{text}'")
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) == 10:
        return digits
    if len(digits) == 9:
        raise CellError(
            "invalid-phone",
            f"a 9-digit number ({digits}): was a leading zero lost? "
            "Format the column as Text and type the number again",
        )
    raise CellError(
        "invalid-phone", f"expected a 10-digit phone number, found {len(digits)} digits ({digits})"
    )


def undialable(digits: str) -> bool:
    """10 digits that no North American number can have (area code or exchange 0/1)."""
    return _NANP.match(digits) is None


def display_phone(digits: str) -> str:
    """The API's display form of a 10-digit number: (111)-111-1110."""
    return f"({digits[:3]})-{digits[3:6]}-{digits[6:]}"


def _choice_key(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def to_choice(raw: Any, allowed: Sequence[str], aliases: dict[str, str] | None = None) -> str:
    """One of `allowed`, matched ignoring case, spaces, '-' and '_'."""
    text = to_text(raw)
    key = _choice_key(text)
    for value in allowed:
        if _choice_key(value) == key:
            return value
    if aliases and key in aliases:
        return aliases[key]
    lowered = {a.lower(): a for a in allowed if a}
    hint = get_close_matches(text.lower(), list(lowered), n=1, cutoff=0.6)
    suggestion = f" (did you mean '{lowered[hint[0]]}'?)" if hint else ""
    shown = [f"'{a}'" if a else "blank" for a in allowed]
    if len(shown) > _CHOICES_LISTED:  # a long list (states): its start, and where the rest is
        more = len(shown) - _CHOICES_LISTED
        listed = ", ".join(shown[:_CHOICES_LISTED]) + f" and {more} more (the cell's dropdown)"
    else:
        listed = ", ".join(shown)
    raise CellError("invalid-choice", f"'{text}' is not allowed; use one of {listed}{suggestion}")


_CHOICES_LISTED: Final = 12


def to_id_list(raw: Any) -> list[int]:
    """'84784; 7849' (or one number) -> [84784, 7849]."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return [to_int(raw)]
    parts = [p.strip() for p in _LIST_SPLIT.split(str(raw))]
    ids: list[int] = []
    for part in parts:
        if not part:
            continue
        try:
            ids.append(to_int(part))
        except CellError:
            raise CellError(
                "invalid-type",
                f"'{part}' is not an id: list whole numbers separated by ';' (e.g. 84784; 7849)",
            ) from None
    return ids


Coercer = Callable[[Any], Any]


#: The folder relative paths in cells are read from (the input workbook's), set by the
#: caller that validates a file.
INPUT_DIR: ContextVar[Path | None] = ContextVar("INPUT_DIR", default=None)

_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[A-Za-z]{2,}$")
_ZONE_SUFFIX = re.compile(r"^(.+?)\s+([A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|UTC)$")


def to_email(raw: Any) -> str:
    text = to_text(raw)
    if not _EMAIL.match(text):
        raise CellError("invalid-email", f"'{text}' is not an email address (name@example.com)")
    return text


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


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        from zoneinfo import available_timezones

        _ZONES = frozenset(available_timezones())
    return _ZONES


_ZONES: frozenset[str] | None = None

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
    from zoneinfo import ZoneInfo

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


def to_phone_list(raw: Any) -> list[str]:
    """'4045550101; 4045550102' -> two numbers; 'recipients.csv' -> the numbers in the
    file's first column (a header line is skipped), read beside the input workbook."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return [to_phone(raw)]
    text = to_text(raw)
    if text.lower().endswith((".csv", ".txt")):
        return _phones_from_file(text)
    numbers = []
    for part in _LIST_SPLIT.split(text):
        if part.strip():
            try:
                numbers.append(to_phone(part))
            except CellError as error:
                raise CellError(error.code, f"'{part.strip()}': {error.message}") from None
    if not numbers:
        raise CellError("invalid-phone", "no phone number in the list")
    return numbers


def _phones_from_file(name: str) -> list[str]:
    import csv

    base = (INPUT_DIR.get() or Path.cwd()).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        # a workbook from elsewhere must not make bulkops read files outside its folder
        raise CellError(
            "recipients-file",
            f"the recipients file '{name}' is outside the workbook's folder: put it beside "
            "the workbook (or in a folder below it) and give its name",
        )
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CellError(
            "recipients-file",
            f"cannot read the recipients file {path} ({exc.strerror}): put it beside the "
            "workbook, or list the numbers separated by ';'",
        ) from None
    numbers: list[str] = []
    with handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            cell = row[0].strip() if row else ""
            if not cell:
                continue
            try:
                numbers.append(to_phone(cell))
            except CellError as error:
                if line == 1 and not any(ch.isdigit() for ch in cell):
                    continue  # a header line
                raise CellError(
                    "recipients-file", f"{path.name} line {line}: {error.message}"
                ) from None
            if len(numbers) > _MAX_RECIPIENTS:
                raise CellError(
                    "recipients-file",
                    f"{path.name} has more than {_MAX_RECIPIENTS:,} numbers: split the broadcast",
                )
    if not numbers:
        raise CellError("recipients-file", f"{path.name} holds no phone number")
    return numbers


_MAX_RECIPIENTS: Final = 100_000
