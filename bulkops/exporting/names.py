"""How an export writes references: for each kind a column refers to, the text that
finds each object again (a group as its name path, a user as their username), and which
objects belong to a group's subtree (`--group`)."""

from __future__ import annotations

from typing import Any

import anyio

from bulkops.engine.directory import Directory
from bulkops.engine.runner import Runner
from bulkops.errors import UsageError
from bulkops.listing import listed_items
from bulkops.model.schema import Column, Finder, Resource
from bulkops.resources.common import GROUPS_FINDER

__all__ = ["Names", "owner", "unique_texts"]

_DEPTH = 20


class Names:
    """For each kind a column refers to, the text that finds each object again: a group
    as its name path, a user as their username, a webhook as its name. Only texts that
    find exactly that object (no other's name, path suffix or external id) are used."""

    def __init__(self) -> None:
        self._by_kind: dict[str, dict[Any, str]] = {}

    async def for_columns(self, reader: Runner, resource: Resource) -> dict[str, dict[Any, str]]:
        columns = [c for c in resource.all_columns
                   if c.finder is not None and c is not resource.id_column]  # fmt: skip
        missing = {c.finder.kind: c.finder for c in columns
                   if c.finder is not None and c.finder.kind not in self._by_kind}  # fmt: skip

        async def listed(finder: Finder) -> None:
            self._by_kind[finder.kind] = await self._texts(reader, finder)

        async with anyio.create_task_group() as group:  # each kind at once, under the rate
            for finder in missing.values():
                group.start_soon(listed, finder)
        return {c.label: self._by_kind[c.finder.kind] for c in columns if c.finder is not None}

    async def _texts(self, reader: Runner, finder: Finder) -> dict[Any, str]:
        return unique_texts(finder, await self._items(reader, finder))

    async def _items(self, reader: Runner, finder: Finder) -> list[dict[str, Any]]:
        if finder.single_page:
            answer, _ = await reader.call("GET", finder.listing)
            return listed_items(answer.data)
        items = []
        async for page, _ in reader.pages(finder.listing):
            items += page
        return items

    async def subtree(self, reader: Runner, text: str) -> tuple[set[Any], str]:
        """The ids of the group `text` names and of every group below it, and how the
        Source says which group that is; UsageError when `text` names none or several."""
        items = await self._items(reader, GROUPS_FINDER)
        self._by_kind[GROUPS_FINDER.kind] = unique_texts(GROUPS_FINDER, items)
        objects = {i[GROUPS_FINDER.id_field]: i for i in items if GROUPS_FINDER.id_field in i}
        if text.strip().isdigit() and int(text) in objects:
            root: Any = int(text)
        else:
            try:
                root = Directory().match(GROUPS_FINDER, objects, text)
            except LookupError as missing:
                why = str(missing.args[0])
                if why.startswith("no "):  # (the directory's words speak of a workbook)
                    why = (f"no group '{text}' in the account: give its id, its name path "
                           "(Parent/Child) or its external id")  # fmt: skip
                raise UsageError(f"--group {text}: {why}") from None
        below: dict[Any, list[Any]] = {}
        for ident, item in objects.items():
            below.setdefault(item.get(GROUPS_FINDER.parent_field or ""), []).append(ident)
        found, todo = set(), [root]
        while todo:
            node = todo.pop()
            if node not in found:
                found.add(node)
                todo.extend(below.get(node, ()))
        name = objects[root].get("org_unit_name")
        return found, f"{name} (org unit {root}) and the {len(found) - 1} groups below it"


def owner(resource: Resource) -> Column | None:
    """The column that says which group an object belongs to (a group: its own id)."""
    if resource.finder is not None and resource.finder.kind == GROUPS_FINDER.kind:
        return resource.id_column
    return next(
        (c for c in resource.columns
         if c.finder is not None and c.finder.kind == GROUPS_FINDER.kind and "." not in c.path),
        None,
    )  # fmt: skip


def unique_texts(finder: Finder, items: list[dict[str, Any]]) -> dict[Any, str]:
    """id -> the text that finds that object alone (see `_Names`)."""
    objects = {i.get(finder.id_field): i for i in items if i.get(finder.id_field) is not None}
    texts: dict[Any, str] = {}
    for ident, item in objects.items():
        text = _text(finder, objects, item)
        if text:
            texts[ident] = text
    # every text any object answers to: its names, each suffix of its path, its external id
    answers: dict[str, int] = {}
    for item in objects.values():
        for said in _answers_to(finder, objects, item):
            answers[said] = answers.get(said, 0) + 1
    return {i: t for i, t in texts.items() if answers.get(t.casefold(), 0) == 1}


def _text(finder: Finder, objects: dict[Any, dict[str, Any]], item: dict[str, Any]) -> str:
    name = next((str(item[f]) for f in finder.name_fields if item.get(f)), "")
    if not name or finder.parent_field is None:
        return name
    names = [name]
    node = objects.get(item.get(finder.parent_field))
    while node is not None and len(names) < _DEPTH:
        names.append(str(node.get(finder.name_fields[0]) or ""))
        node = objects.get(node.get(finder.parent_field))
    if any("/" in n or not n for n in names):
        return ""
    return "/".join(reversed(names))


def _answers_to(
    finder: Finder, objects: dict[Any, dict[str, Any]], item: dict[str, Any]
) -> set[str]:
    said: set[str] = set()
    if finder.alt_field and item.get(finder.alt_field):
        said.add(str(item[finder.alt_field]).casefold())
    for field_name in finder.name_fields:
        if not item.get(field_name):
            continue
        if finder.parent_field is None:
            said.add(str(item[field_name]).casefold())
            continue
        path = [str(item[field_name])]
        said.add(path[0].casefold())
        node = objects.get(item.get(finder.parent_field))
        while node is not None and len(path) < _DEPTH:
            path.insert(0, str(node.get(finder.name_fields[0]) or ""))
            said.add("/".join(path).casefold())
            node = objects.get(node.get(finder.parent_field))
    return said
