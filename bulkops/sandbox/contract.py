"""The sandbox's own reading of the contract: a small spec language and a checker.

Deliberately independent of `bulkops.resources` (nothing here is derived from the columns
or the payload builder): a body bulkops builds wrongly is rejected here, not mirrored.
Errors are `{"field": "<dotted path>", "message": …}` as the 400 answers carry them; list
positions in paths are 0-based as JSON has them (`overflowNumbers[0].rings`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["F", "FieldError", "check", "known"]

_TEN = re.compile(r"^\d{10}$")
_DIGITS = re.compile(r"^\d+$")
_DISPLAY = re.compile(r"^\(\d{3}\)-\d{3}-\d{4}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

FieldError = dict[str, str]


@dataclass(frozen=True)
class F:
    """A field: its wire kind and rules. `fields` for objects, `item` for lists."""

    kind: str
    required: bool = False
    nullable: bool = False
    enum: frozenset[str] | None = None
    max_len: int | None = None
    min_len: int | None = None
    ge: float | None = None
    item: F | None = None
    fields: Mapping[str, F] = field(default_factory=dict)
    ref: str | None = None  # the table the value must exist in
    extra: Callable[[Any], str | None] | None = None


def _type_error(kind: str, value: Any) -> str | None:
    if kind == "str":
        return None if isinstance(value, str) else "must be a string"
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "must be an integer"
    if kind == "num":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "must be a number"
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false"
    if kind == "flag":
        return None if value in ("0", "1") else 'must be the string "1" or "0"'
    if kind == "digits":
        ok = isinstance(value, str) and _DIGITS.match(value) is not None
        return None if ok else "must be a string of digits"
    if kind == "phone10":
        ok = isinstance(value, str) and _TEN.match(value) is not None
        return None if ok else "must be a 10-digit phone number (a string of 10 digits)"
    if kind == "display_phone":
        ok = isinstance(value, str) and _DISPLAY.match(value) is not None
        return None if ok else "must be a phone number written (111)-111-1111"
    if kind == "email":
        ok = isinstance(value, str) and _EMAIL.match(value) is not None
        return None if ok else "must be an email address"
    if kind == "iso":
        ok = isinstance(value, str) and _ISO.match(value) is not None
        return None if ok else "must be an ISO 8601 date-time with a timezone"
    if kind == "lang":
        ok = isinstance(value, str) and _BCP47.match(value) is not None
        return None if ok else "must be a BCP 47 language tag such as en-US"
    if kind == "list":
        return None if isinstance(value, list) else "must be a list"
    if kind == "obj":
        return None if isinstance(value, dict) else "must be an object"
    raise AssertionError(f"unknown kind {kind}")


def check(
    body: Any,
    spec: Mapping[str, F],
    *,
    partial: bool,
    exists: Callable[[str, Any], bool],
    prefix: str = "",
    unknown: bool = True,
) -> list[FieldError]:
    """Every problem in `body` against `spec`. `partial` (PATCH) waives required fields;
    `exists(table, value)` answers reference checks; `unknown`: a field the spec does
    not know is one."""
    errors: list[FieldError] = []
    if not isinstance(body, dict):
        return [{"field": prefix.rstrip(".") or "body", "message": "must be a JSON object"}]
    for key in body:
        if key not in spec and unknown:
            errors.append({"field": prefix + key, "message": "is not a known field"})
    for key, rule in spec.items():
        path = prefix + key
        if key not in body:
            if rule.required and not partial:
                errors.append({"field": path, "message": "is required"})
            continue
        errors.extend(
            _value(body[key], rule, path, partial=partial, exists=exists, unknown=unknown)
        )
    return errors


def known(body: dict[str, Any], spec: Mapping[str, F]) -> dict[str, Any]:
    """`body` without the fields `spec` does not know (at any depth)."""
    kept: dict[str, Any] = {}
    for key, value in body.items():
        rule = spec.get(key)
        if rule is None:
            continue
        if rule.kind == "obj" and isinstance(value, dict):
            value = known(value, rule.fields)
        elif isinstance(value, list) and rule.item is not None and rule.item.kind == "obj":
            fields_ = rule.item.fields
            value = [known(v, fields_) if isinstance(v, dict) else v for v in value]
        kept[key] = value
    return kept


def _value(
    value: Any,
    rule: F,
    path: str,
    *,
    partial: bool,
    exists: Callable[[str, Any], bool],
    unknown: bool = True,
) -> list[FieldError]:
    if value is None:
        return [] if rule.nullable else [{"field": path, "message": "must not be null"}]
    problem = _type_error(rule.kind, value)
    if problem:
        return [{"field": path, "message": problem}]
    if rule.enum is not None and value not in rule.enum:
        allowed = ", ".join(repr(v) for v in sorted(rule.enum))
        return [{"field": path, "message": f"must be one of {allowed}"}]
    if rule.max_len is not None and len(value) > rule.max_len:
        return [{"field": path, "message": f"must be at most {rule.max_len} long"}]
    if rule.min_len is not None and len(value) < rule.min_len:
        return [{"field": path, "message": f"must be at least {rule.min_len} long"}]
    if rule.ge is not None and value < rule.ge:
        return [{"field": path, "message": f"must be at least {rule.ge:g}"}]
    if rule.extra is not None and (message := rule.extra(value)):
        return [{"field": path, "message": message}]
    if rule.ref is not None and not exists(rule.ref, value):
        return [
            {"field": path, "message": f"no {rule.ref.replace('_', ' ')} {value} in this account"}
        ]
    if rule.kind == "obj":
        # nested objects are replaced whole by PUT but merged by PATCH
        return check(
            value, rule.fields, partial=partial, exists=exists, prefix=path + ".", unknown=unknown
        )
    if rule.kind == "list" and rule.item is not None:
        errors: list[FieldError] = []
        for index, item in enumerate(value):
            errors.extend(
                _value(item, rule.item, f"{path}[{index}]", partial=False, exists=exists,
                       unknown=unknown)
            )  # fmt: skip
        return errors
    return []
