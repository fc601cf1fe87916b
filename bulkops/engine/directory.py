"""Objects of the account found by the text a cell gives, as each kind's `Finder` declares:
an external id or a name path (groups), a username (users), a name in a table
(industries). A listing is fetched once, on first need (or one text at a time where the
finder says so), and objects this run creates are added as they are."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from difflib import get_close_matches
from functools import partial
from typing import Any

import anyio

from bulkops.config import PAGE_SIZE
from bulkops.engine.failures import Failed
from bulkops.listing import listed_items
from bulkops.model.schema import Column, Finder, Resource
from bulkops.model.seam import RunContext
from bulkops.together import together

__all__ = ["Directory"]

#: how far up a name path is followed (a loop in the parents must not hang the run)
_DEPTH = 20


#: the names an object had before this run renamed it (rows written before the rename,
#: an export's references, still name it so)
_WAS = "__names_before__"


def _renamed(
    finder: Finder, before: dict[str, Any] | None, after: dict[str, Any]
) -> dict[str, Any]:
    """`after`, answering to the names `before` had too."""
    if before is None:
        return after
    names = set(before.get(_WAS, ()))
    names.update(str(before[f]).casefold() for f in finder.name_fields if before.get(f))
    names.difference_update(str(after[f]).casefold() for f in finder.name_fields if after.get(f))
    return {**after, _WAS: tuple(sorted(names))} if names else after


class Directory:
    """The objects of the account found by name, per kind (see the module's docstring)."""

    def __init__(self) -> None:
        self._listed: dict[str, dict[Any, dict[str, Any]]] = {}
        #: objects this run created before their kind was listed
        self._added: dict[str, list[dict[str, Any]]] = {}
        self._locks: dict[str, anyio.Lock] = {}
        #: (kind, text) -> id, or the LookupError, of the texts asked so far
        self._found: dict[tuple[str, str], Any] = {}
        #: the kinds listed before any write (`prelist`), and their listings as the API
        #: gave them (a sheet of that kind takes what its account holds from there)
        self.planned: set[str] = set()
        self._raw: dict[str, list[dict[str, Any]]] = {}

    def add(self, finder: Finder, item: dict[str, Any]) -> None:
        """An object this run created (or planned), shaped as the listing shows one."""
        kind = finder.kind
        # a new object can make a text match, or match twice
        self._found = {k: v for k, v in self._found.items() if k[0] != kind}
        if kind in self._listed:
            listed = self._listed[kind]
            ident = item[finder.id_field]
            listed[ident] = _renamed(finder, listed.get(ident), item)
        else:
            self._added.setdefault(kind, []).append(item)

    def made(self, resource: Resource, values: Mapping[Column, Any], ident: Any) -> None:
        """An object a row of this run made (or, in a dry run, would make): found by its
        names from now on, as its kind's listing would show it."""
        finder = resource.finder
        if finder is None or finder.query is not None:
            return  # not found by name, or asked for afresh each time
        if isinstance(ident, str) and ident.isdigit():
            ident = int(ident)  # the journal keeps ids as text; listings do not
        item: dict[str, Any] = {finder.id_field: ident}
        for field_ in (*finder.name_fields, finder.alt_field):
            column = resource.by_path.get(field_ or "")
            if column is not None and field_ != finder.id_field:
                value = values.get(column)
                item[column.path] = value.strip() if isinstance(value, str) else None
        parent = resource.by_path.get(finder.parent_field or "")
        if parent is not None:
            item[parent.path] = values.get(parent)
        self.add(finder, item)

    async def find(self, run: RunContext, finder: Finder, text: str) -> Any:
        """The id of the one object `text` names; LookupError saying why there is none."""
        wanted = text.strip().casefold()
        place = (finder.kind, wanted)
        if place not in self._found:  # rows name the same few objects: match each once
            try:
                if finder.query is not None:
                    found: Any = await self._queried(run, finder, text)
                else:
                    found = self._match(finder, await self._listing(run, finder), text)
            except LookupError as missing:
                found = missing
            self._found[place] = found
        found = self._found[place]
        if isinstance(found, LookupError):
            raise LookupError(*found.args)
        return found

    async def holds(self, run: RunContext, finder: Finder, ident: Any) -> bool:
        """Whether the account holds an object of this kind with this id (listed once)."""
        return ident in await self._listing(run, finder)

    async def prelist(self, run: RunContext, finders: Iterable[Finder]) -> None:
        """List these kinds now, before the run writes anything: a name a row gives is
        found as the account had it when the run began, even after another row of the
        run renamed its object (it then answers to both names)."""
        listed = [f for f in finders if f.query is None]  # (not those asked one at a time)
        if len(listed) == 1:
            await self._listing(run, listed[0])
            return
        await together(partial(self._listing, run, finder) for finder in listed)

    async def as_listed(self, run: RunContext, finder: Finder) -> list[dict[str, Any]] | None:
        """The listing of a kind listed before any write, as the API gave it (None: the
        kind is not listed so)."""
        if finder.kind not in self.planned or finder.query is not None:
            return None
        await self._listing(run, finder)
        return self._raw.get(finder.kind)

    async def _listing(self, run: RunContext, finder: Finder) -> dict[Any, dict[str, Any]]:
        kind = finder.kind
        if kind not in self._listed:
            async with self._locks.setdefault(kind, anyio.Lock()):
                if kind not in self._listed:
                    if finder.single_page:
                        answer, _ = await run.call("GET", finder.listing)
                        items = listed_items(answer.data)
                    else:
                        items = [i async for page, _ in run.pages(finder.listing) for i in page]
                    if kind in self.planned:
                        self._raw[kind] = items
                    listed = {i[finder.id_field]: i for i in items if finder.id_field in i}
                    for item in self._added.pop(kind, []):
                        ident = item[finder.id_field]
                        listed[ident] = _renamed(finder, listed.get(ident), item)
                    self._listed[kind] = listed
        return self._listed[kind]

    async def _queried(self, run: RunContext, finder: Finder, text: str) -> Any:
        assert finder.query is not None
        try:
            answer, _ = await run.call(
                "GET", finder.listing, params={finder.query: text.strip(), "limit": PAGE_SIZE}
            )
        except Failed as failed:
            raise LookupError(
                f"could not look up the {finder.noun} '{text}': {failed.error}"
            ) from None
        items = {i.get(finder.id_field): i for i in listed_items(answer.data)}
        return self._match(finder, items, text)

    def match(self, finder: Finder, objects: dict[Any, dict[str, Any]], text: str) -> Any:
        """The id of the one object of `objects` that `text` names, as a cell's text is
        matched; LookupError saying why there is none."""
        return self._match(finder, objects, text)

    def _match(self, finder: Finder, objects: dict[Any, dict[str, Any]], text: str) -> Any:
        wanted = text.strip().casefold()
        if finder.alt_field is not None:
            by_alt = [
                i
                for i, item in objects.items()
                if str(item.get(finder.alt_field) or "").casefold() == wanted
            ]
            if len(by_alt) == 1:
                return by_alt[0]
        if finder.parent_field is not None:
            parts = [p.strip().casefold() for p in text.split("/") if p.strip()]
        else:
            parts = [wanted]
        matches = [i for i, item in objects.items() if self._named(finder, objects, item, parts)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            hint = ""
            if finder.suggest:
                names = {
                    str(item.get(field, "")).casefold(): str(item.get(field, ""))
                    for item in objects.values()
                    for field in finder.name_fields
                }
                close = get_close_matches(wanted, list(names), n=1, cutoff=0.6)
                hint = f" (did you mean '{names[close[0]]}'?)" if close else ""
            raise LookupError(
                f"no {finder.noun} '{text}' in the account or this workbook{hint}: "
                f"{finder.otherwise}"
            )
        shown = ", ".join(self._path(finder, objects, m) for m in matches[:4])
        fix = "give more of the path, or the id" if finder.parent_field else "give the id"
        raise LookupError(f"{len(matches)} {finder.kind} are called '{text}' ({shown}): {fix}")

    @staticmethod
    def _named(
        finder: Finder,
        objects: dict[Any, dict[str, Any]],
        item: dict[str, Any],
        parts: list[str],
    ) -> bool:
        """Whether `item` has the last name of `parts`, its parent the one before, …"""
        node: dict[str, Any] | None = item
        for part in reversed(parts):
            if node is None:
                return False
            named = any(str(node.get(field, "")).casefold() == part for field in finder.name_fields)
            if not named and part not in node.get(_WAS, ()):
                return False
            parent = node.get(finder.parent_field) if finder.parent_field else None
            node = objects.get(parent) if parent is not None else None
        return True

    @staticmethod
    def _path(finder: Finder, objects: dict[Any, dict[str, Any]], ident: Any) -> str:
        names: list[str] = []
        node = objects.get(ident)
        while node is not None and len(names) < _DEPTH:
            names.append(str(node.get(finder.name_fields[0])))
            parent = node.get(finder.parent_field) if finder.parent_field else None
            node = objects.get(parent) if parent is not None else None
        return "/".join(reversed(names)) + f" (id {ident})"
