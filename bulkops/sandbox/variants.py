"""Where the vendor's docs leave a choice open, the sandbox takes it from a variant, so
the client is tested under every reading instead of one silently assumed (CONTRACT.md
section 3 lists each beside its assumption; docs/sandbox.md the settings).

`Variants()` is the default reading: what the docs show, and where they are silent the
assumption CONTRACT.md states. `--variant NAME=VALUE` picks another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any, Final

__all__ = ["CHOICES", "Variants", "phone_form"]

#: each variant's values, the default first, and what it stands for
CHOICES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "phones": (
        ("10", "e164", "dashed", "11"),
        "how answers write phone numbers: 5551234567, +15551234567, +1-555-123-4567 or "
        "15551234567 (the docs show all four)",
    ),
    "page_cap": (
        ("200", "100", "50"),
        "the most items a list page holds, whatever limit asks (the docs give 200 for users only)",
    ),
    "total": (("yes", "no"), "whether list answers carry data.total"),
    "delete": (("200", "204"), "a DELETE answers 200 with the envelope, or 204 and no body"),
    "patch": (
        ("merge", "replace"),
        "a PATCH merges nested objects key by key, or replaces each top-level object sent "
        "(its omitted keys back to their defaults)",
    ),
    "filters": (
        ("substring", "exact", "icase", "ignored"),
        "list filters by name match part of the name case aside (as the users and groups "
        "pages say), the whole name exactly, the whole name case aside, or are ignored",
    ),
    "ids": (
        ("documented", "snake", "camel"),
        "the key of a new id in a create's answer: as the docs' examples (userId, "
        "orgUnitId, provisioned_route_id), always snake_case, or always camelCase",
    ),
    "names": (
        ("documented", "short", "hidden"),
        "listings name an object by its create field (broadcast_name), or by a bare "
        "'name' (webhooks, voice agents, tags, broadcasts: their pages are unseen), or "
        "list broadcasts under no name bulkops knows (found by group, sender, text, time)",
    ),
    "unique": (
        ("siblings", "names"),
        "which duplicates a create refuses with 409: a group's name among its siblings "
        "only (the one the docs state), or also every assumed natural key",
    ),
    "unknown_fields": (
        ("ignore", "refuse"),
        "a body field the sandbox does not know is dropped, or refused with 400",
    ),
}


@dataclass(frozen=True)
class Variants:
    """One reading of the docs (see `CHOICES`); values are the strings `CHOICES` lists."""

    phones: str = "10"
    page_cap: str = "200"
    total: str = "yes"
    delete: str = "200"
    patch: str = "merge"
    filters: str = "substring"
    ids: str = "documented"
    names: str = "documented"
    unique: str = "siblings"
    unknown_fields: str = "ignore"

    @classmethod
    def parse(cls, settings: Iterable[str]) -> Variants:
        """From 'NAME=VALUE' strings (several may share one string, comma-separated);
        ValueError naming the setting and what it accepts."""
        chosen: dict[str, str] = {}
        for setting in settings:
            for part in (p.strip() for p in setting.split(",")):
                if not part:
                    continue
                name, equals, value = part.partition("=")
                name, value = name.strip().replace("-", "_"), value.strip().lower()
                if name not in CHOICES:
                    known = ", ".join(CHOICES)
                    raise ValueError(f"unknown variant '{name}' (known: {known})")
                allowed = CHOICES[name][0]
                if not equals or value not in allowed:
                    raise ValueError(f"{name} must be one of {', '.join(allowed)}, not '{value}'")
                chosen[name] = value
        return replace(cls(), **chosen)

    @property
    def cap(self) -> int:
        return int(self.page_cap)

    def changed(self) -> dict[str, str]:
        """The settings that differ from the default reading."""
        default = Variants()
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        }

    def __str__(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.changed().items()) or "as documented"

    # -- what the variants do to answers -------------------------------------------------

    def matches(self, wanted: str, value: Any) -> bool:
        """Whether a list filter `wanted` keeps an object whose field is `value`."""
        text = str(value if value is not None else "")
        if self.filters == "ignored":
            return True
        if self.filters == "exact":
            return text == wanted
        if self.filters == "icase":
            return text.casefold() == wanted.casefold()
        return wanted.casefold() in text.casefold()

    def id_key(self, documented: str) -> str:
        """The key a create's answer gives its new id under."""
        if self.ids == "snake":
            return re.sub(r"(?<!^)([A-Z])", r"_\1", documented).lower()
        if self.ids == "camel":
            head, *rest = documented.split("_")
            return head + "".join(word.capitalize() for word in rest)
        return documented


_PHONE_KEYS: Final = frozenset({
    "phone_number", "ringto", "destination", "unmaskNumber", "overflowNumber",
    "agent_ring_to", "transfer_number", "from_number", "recipients",
})  # fmt: skip
_TEN: Final = re.compile(r"^\d{10}$")


def phone_form(data: Any, form: str) -> Any:
    """`data` with every 10-digit number under a phone key written in `form`."""
    if form == "10":
        return data
    if isinstance(data, list):
        return [phone_form(item, form) for item in data]
    if not isinstance(data, dict):
        return data
    shown: dict[str, Any] = {}
    for key, value in data.items():
        if key in _PHONE_KEYS:
            shown[key] = _written(value, form)
        elif isinstance(value, dict | list):
            shown[key] = phone_form(value, form)
        else:
            shown[key] = value
    return shown


def _written(value: Any, form: str) -> Any:
    if isinstance(value, list):
        return [_written(item, form) for item in value]
    if not isinstance(value, str) or not _TEN.match(value):
        return value
    if form == "e164":
        return f"+1{value}"
    if form == "11":
        return f"1{value}"
    return f"+1-{value[:3]}-{value[3:6]}-{value[6:]}"  # dashed, as the group example
