"""What the account already holds: the resource's objects, listed once per run (200 at a
time) and kept as compact JSON, so create and upsert rows find their object by natural key
and update rows compare with it, without a GET per row. The run keeps it current with its
own writes."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from bulkops.listing import pages
from bulkops.model.schema import Resource

__all__ = ["Existing", "deleted", "differences", "same"]


class Existing:
    def __init__(self, resource: Resource) -> None:
        self.resource = resource
        self.loaded = False
        self._lock = anyio.Lock()
        self._by_id: dict[str, str] = {}
        self._by_key: dict[tuple[Any, ...], set[str]] = {}
        self._by_alt: dict[tuple[str, str], set[str]] = {}
        #: objects listed without a name (found by the resource's fingerprint only)
        self._unnamed: set[str] = set()

    def key_of(self, item: dict[str, Any]) -> tuple[Any, ...]:
        name_path, *rest = self.resource.key_paths
        return (str(item.get(name_path, "")).casefold(), *(item.get(p) for p in rest))

    def add(self, item: dict[str, Any]) -> None:
        ident = str(item.get(self.resource.id_key))
        self.remove(ident)
        self._by_id[ident] = json.dumps(item, separators=(",", ":"))
        self._by_key.setdefault(self.key_of(item), set()).add(ident)
        if item.get(self.resource.key_paths[0]) is None:
            self._unnamed.add(ident)
        for alt in self._alts(item):
            self._by_alt.setdefault(alt, set()).add(ident)

    def _alts(self, item: dict[str, Any]) -> list[tuple[str, str]]:
        found = []
        for path in self.resource.alt_keys:
            value = item.get(path)
            if value not in (None, ""):
                found.append((path, str(value).casefold()))
        return found

    def remove(self, ident: Any) -> None:
        text = self._by_id.pop(str(ident), None)
        if text is not None:
            item = json.loads(text)
            self._by_key.get(self.key_of(item), set()).discard(str(ident))
            self._unnamed.discard(str(ident))
            for alt in self._alts(item):
                self._by_alt.get(alt, set()).discard(str(ident))

    def get(self, ident: Any) -> dict[str, Any] | None:
        text = self._by_id.get(str(ident))
        return json.loads(text) if text is not None else None

    def find(self, key: tuple[Any, ...]) -> list[str]:
        """Ids with this natural key (the group part only when the key gives one)."""
        if len(key) > 1 and key[1] is None:
            return sorted(i for k, ids in self._by_key.items() if k[0] == key[0] for i in ids)
        return sorted(self._by_key.get(key, ()))

    def find_unnamed(self, body: dict[str, Any] | None) -> list[str]:
        """Ids of the objects listed without a name whose fingerprint is `body`'s."""
        same = self.resource.same_fingerprint
        return sorted(i for i in self._unnamed if same(self.get(i) or {}, body))

    def find_alt(self, path: str, value: Any) -> list[str]:
        """Ids whose alternate key `path` (an external id) is `value`, case aside."""
        return sorted(self._by_alt.get((path, str(value).casefold()), ()))

    async def load(
        self,
        call: Callable[..., Awaitable[tuple[Any, int]]],
        listed: Callable[[], Awaitable[list[dict[str, Any]] | None]] | None = None,
    ) -> int:
        """List every page once (`call` is the runner's rate-limited request; `listed`
        gives the listing when the run has it already); the requests it took, 0 when
        already loaded."""
        if self.loaded:
            return 0
        async with self._lock:
            if self.loaded:
                return 0
            attempts = 0
            items = await listed() if listed is not None else None
            if items is None:
                items = []
                async for page, used in pages(call, self.resource.listing):
                    attempts += used
                    items += page
            for item in items:
                self.add(self.resource.shaped(item))
            self.loaded = True
            return attempts

    def remember(self, method: str, body: Any, resource_id: Any) -> None:
        """A change this run made to an object that was there, reflected here so later rows
        compare with it. Objects it created are not kept: no later row of the file can be
        about them (one row per object), and 100,000 of them would cost memory."""
        if resource_id is None or method == "POST":
            return
        if method == "DELETE":
            self.remove(resource_id)
            return
        current = {} if method == "PUT" else (self.get(resource_id) or {})
        merged = _merge(current, body or {})
        merged[self.resource.id_key] = resource_id
        self.add(merged)


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


#: the status fields that say an object was deleted but is still listed (users)
_STATUS_FIELDS = ("user_status", "org_unit_status", "status")


def deleted(item: dict[str, Any]) -> bool:
    """Whether a listed object is one the API deleted and still shows (a soft delete)."""
    return any(item.get(name) == "deleted" for name in _STATUS_FIELDS)


def differences(desired: Any, current: Any) -> Any:
    """The part of `desired` that differs from `current`: objects compared key by key
    (fields `current` has beyond them ignored), everything else (lists too) whole; a
    field cleared to null differs from a value (and is the same as no field at all).
    None when nothing differs."""
    found = _differences(desired, current)
    return None if found is _SAME else found


_SAME: Any = object()


def _differences(desired: Any, current: Any) -> Any:
    if isinstance(desired, dict) and isinstance(current, dict):
        changed = {}
        for key, value in desired.items():
            if key not in current:
                if value is not None:
                    changed[key] = value
                continue
            inner = _differences(value, current[key])
            if inner is not _SAME:
                changed[key] = inner
        return changed or _SAME
    if same(desired, current):
        return _SAME
    return desired


def same(a: Any, b: Any) -> bool:
    """Equal as values on the wire: True is not 1; 3 and 3.0 are one number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return bool(a == b)
