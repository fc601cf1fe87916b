"""Rows -> JSON bodies with the exact wire types of the API.

`values` maps each filled column to its typed value (or `CLEARED` for a #CLEAR cell).
`update` sends only the filled cells (PATCH). `create` (POST) and `replace` (PUT) send the
whole object, a blank cell taking its column's default, so what is created never depends
on undocumented server defaults and the dry run shows every field that will be set.
"""

from __future__ import annotations

from typing import Any, Final

from bulkops.model.schema import MISSING, Column, ListGroup, Resource

__all__ = ["CLEARED", "build_body"]


class _Cleared:
    def __repr__(self) -> str:
        return "CLEARED"


#: The typed value of a #CLEAR cell.
CLEARED: Final = _Cleared()


def _put(
    body: dict[str, Any], parts: tuple[tuple[str, int | None], ...], items: dict[str, Any]
) -> None:
    node = body
    for name, _ in parts[:-1]:
        node = node.setdefault(name, {})
    node.update(items)


def _group_list(group: ListGroup, items: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    built = []
    for position in sorted(items):
        item = dict(group.defaults)
        item.update(items[position])
        if group.order_field:
            item[group.order_field] = position
        built.append(item)
    return built


def build_body(resource: Resource, action: str, values: dict[Column, Any]) -> dict[str, Any]:
    """The JSON body for one row. The id column is never in the body (it is in the path)."""
    full = action in ("create", "replace")
    body: dict[str, Any] = {}
    lists: dict[str, dict[int, dict[str, Any]]] = {}
    cleared_lists: set[str] = set()
    group_paths = {g.path: g for g in resource.groups}
    for column in resource.columns:
        if column.create_only and action not in ("create", "upsert"):
            continue
        located = resource.group_of(column)
        value = values.get(column, MISSING)
        if located is not None:
            group, position = located
            if value is CLEARED:
                cleared_lists.add(group.path)
            elif value is not MISSING:
                lists.setdefault(group.path, {}).setdefault(position, {}).update(
                    column.emitted(value)
                )
            continue
        if value is CLEARED:
            _put(body, column.parts, {column.leaf: column.clear_value})
        elif value is not MISSING:
            _put(body, column.parts, column.emitted(value))
        elif full and column.default is not MISSING:
            _put(body, column.parts, {column.leaf: column.default})
    for path, group in group_paths.items():
        parts = group.path.split(".")
        leaf_parts = tuple((p, None) for p in parts)
        if path in lists:
            _put(body, leaf_parts, {parts[-1]: _group_list(group, lists[path])})
        elif path in cleared_lists or full:
            _put(body, leaf_parts, {parts[-1]: []})
    return body
