"""Rows -> operations: the request each valid row sends (method, path, body), how it finds
its object (id, or a look-up by natural key), and whether it can be undone."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bulkops.errors import ApiError, NotFound
from bulkops.model.payload import build_body
from bulkops.model.record import RowRecord
from bulkops.model.schema import Resource

__all__ = ["METHODS", "Lookup", "Operation", "plan_row"]

#: The request of each action; an upsert's is settled once its object is looked up.
METHODS = {"create": "POST", "update": "PATCH", "replace": "PUT", "upsert": "PATCH",
           "delete": "DELETE", "order": "POST", "release": "DELETE"}  # fmt: skip


@dataclass(frozen=True)
class Operation:
    """One row's request. `path` is None until a natural-key look-up gives the id."""

    action: str
    method: str
    path: str | None
    body: dict[str, Any] | None
    key: tuple[Any, ...] | None
    irreversible: bool = False
    #: what the object held before this write, journaled for `bulkops undo`: the whole
    #: object for a PUT or DELETE, the top-level fields a PATCH sends (None: a create)
    before: dict[str, Any] | None = None

    @cached_property
    def encoded(self) -> bytes:
        """The body's bytes, encoded once: journaled (hashed) and sent as they are."""
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode()

    def with_id(self, resource: Resource, resource_id: Any) -> Operation:
        return Operation(self.action, self.method, f"{resource.base_path}/{resource_id}",
                         self.body, self.key, self.irreversible)  # fmt: skip


def plan_row(resource: Resource, record: RowRecord) -> Operation:
    """The operation of a valid, non-skipped row."""
    method = METHODS[record.action]
    irreversible = resource.is_irreversible(record.action, record.values)
    if resource.executor is not None:  # its executor makes the requests
        return Operation(record.action, method, resource.base_path, None, record.key, irreversible)
    body = None if record.action == "delete" else build_body(resource, record.action,
                                                             record.values)  # fmt: skip
    if record.action == "create":
        path: str | None = resource.base_path
    elif record.resource_id is not None:
        path = f"{resource.base_path}/{record.resource_id}"
    else:
        path = None  # found by its natural key first
    return Operation(record.action, method, path, body, record.key, irreversible)


class Lookup:
    """Natural key -> id: the list query that finds an object by name, the exact match of
    its answer (case aside, and the group when the row gives one), and the verdict."""

    def __init__(self, resource: Resource) -> None:
        self.resource = resource

    def query(self, key: tuple[Any, ...], body: dict[str, Any] | None = None) -> dict[str, Any]:
        """The list's filter by name (paging is `pages`'s): the name as the row typed it
        (the key is casefolded, and a server's filter may not be), never a normalised
        form; the server's answer is matched here, whatever the filter did."""
        name_path = self.resource.key_paths[0]
        typed = (body or {}).get(name_path)
        return {self.resource.name_filter: typed if isinstance(typed, str) else key[0]}

    def match(
        self,
        key: tuple[Any, ...],
        items: list[dict[str, Any]],
        body: dict[str, Any] | None = None,
    ) -> list[Any]:
        """Ids of the listed objects that match the key (the name case aside, and the
        group when the key gives one); an object listed without any name matches when
        the resource's fingerprint fields equal the `body`'s."""
        resource = self.resource
        name_path, *rest = resource.key_paths
        found = []
        for listed in items:
            item = resource.shaped(listed)
            name = item.get(name_path)
            if name is None:
                if not resource.same_fingerprint(item, body):
                    continue
            elif str(name).casefold() != key[0]:
                continue
            if rest and key[1] is not None and item.get(rest[0]) != key[1]:
                continue
            found.append(item.get(resource.id_key))
        return found

    def outcome(self, key: tuple[Any, ...], ids: list[Any]) -> Any:
        label = self.resource.by_path[self.resource.key_paths[0]].label
        where = ""
        if len(self.resource.key_paths) > 1 and key[1] is not None:
            where = f" in {self.resource.by_path[self.resource.key_paths[1]].label} {key[1]}"
        if not ids:
            error: ApiError = NotFound(
                404,
                f"no {self.resource.name[:-1]} with {label} "
                f"'{key[0]}'{where}: check the name, or give its id",
            )
            raise error
        if len(ids) > 1:
            error = ApiError(
                409,
                f"{len(ids)} objects have {label} '{key[0]}'{where} "
                f"(ids {', '.join(map(str, ids[:5]))}): give the id to choose one",
            )
            raise error
        return ids[0]
