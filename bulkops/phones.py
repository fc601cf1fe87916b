"""Phone numbers as the API may write them (convirza-v3.md section 1: E.164
`+15551234567`, dashed `+1-212-555-0100`, bare 11 digits `18015557654`, or 10 digits)
brought to the 10 digits bulkops sends and compares. Wherever a number read from the API
is compared with one from a sheet, it goes through `ten_digits` first."""

from __future__ import annotations

from typing import Any

__all__ = ["ten_digits"]


def ten_digits(value: Any) -> Any:
    """A North American number in any of the API's forms -> its 10 digits; anything
    else (not a string, another country, too short) as it is."""
    if not isinstance(value, str):
        return value
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 else value
