"""Cell coercion: one raw spreadsheet value -> one typed value, undoing Excel's habits.

Readers hand over raw values as they come (calamine: float for every number, '' for empty;
csv: str). This module is the one edge where they are normalised. Each coercer takes a
non-blank raw value and returns the typed value or raises `CellError` with a problem code
and a message that tells the user how to fix the cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from typing import Any, Final

__all__ = [
    "CLEAR",
    "EXCEL_ERRORS",
    "FALSE_WORDS",
    "LIST_SPLIT",
    "TRUE_WORDS",
    "CellError",
    "display_phone",
    "is_blank",
    "is_blank_row",
    "is_clear",
    "to_bool",
    "to_choice",
    "to_digits",
    "to_email",
    "to_id_list",
    "to_int",
    "to_number",
    "to_phone",
    "to_text",
    "undialable",
]

#: what Excel shows in a cell whose formula failed (kept as text in a .csv it saved)
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!",
                          "#CONNECT!", "#BUSY!", "#UNKNOWN!"})  # fmt: skip


#: The marker a user writes to empty a field on purpose.
CLEAR: Final = "#CLEAR"

TRUE_WORDS: Final = frozenset({"true", "yes", "y", "1", "on", "t", "x"})
FALSE_WORDS: Final = frozenset({"false", "no", "n", "0", "off", "f"})

_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")
_NANP = re.compile(r"^[2-9]\d{2}[2-9]\d{6}$")
#: What separates the items of a list in one cell.
LIST_SPLIT: Final = re.compile(r"[;,\n]")


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
    parts = [p.strip() for p in LIST_SPLIT.split(str(raw))]
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


_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[A-Za-z]{2,}$")


def to_email(raw: Any) -> str:
    text = to_text(raw)
    if not _EMAIL.match(text):
        raise CellError("invalid-email", f"'{text}' is not an email address (name@example.com)")
    return text
