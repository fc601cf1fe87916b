"""Objects of the account found by name: groups (by name path or external id), users (by
username), industries (by name). Each list is fetched once, on first need, and groups this
run creates are added as they are."""

from __future__ import annotations

from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

import anyio

from bulkops.engine.failures import Failed
from bulkops.engine.plan import listed_items, pages

if TYPE_CHECKING:
    from bulkops.engine.runner import Runner

__all__ = ["Directory"]


class Directory:
    """Objects of the account found by name: groups (by name path or external id), users
    (by email or external id), industries (by name). Listed once, on first need."""

    def __init__(self) -> None:
        self._groups: dict[Any, dict[str, Any]] | None = None
        self._industries: dict[str, int] | None = None
        self._users: dict[str, Any] = {}
        self._added: list[dict[str, Any]] = []
        self._lock = anyio.Lock()
        self._industry_lock = anyio.Lock()  # (listed while the groups are: its own lock)
        #: text -> id (or the LookupError's message) of the names asked so far
        self._found: dict[str, Any] = {}

    def add_group(self, group: dict[str, Any]) -> None:
        self._found.clear()  # a new group can make a name match, or match twice
        if self._groups is not None:
            self._groups[group["org_unit_id"]] = group
        else:
            self._added.append(group)

    async def find(self, runner: Runner, resource: str, text: str) -> Any:
        if resource == "groups":
            return await self._group(runner, text)
        if resource == "industries":
            return await self._industry(runner, text)
        return await self._user(runner, text)

    async def _group(self, runner: Runner, text: str) -> Any:
        if self._groups is None:
            async with self._lock:
                if self._groups is None:
                    listed = [g async for page, _ in pages(runner.call, "/groups") for g in page]
                    groups = {g["org_unit_id"]: g for g in listed if "org_unit_id" in g}
                    for group in self._added:
                        groups[group["org_unit_id"]] = group
                    self._groups = groups
        key = text.strip().casefold()
        if key not in self._found:  # rows name the same few groups: match each name once
            try:
                self._found[key] = self._match_group(text)
            except LookupError as missing:
                self._found[key] = missing
        found = self._found[key]
        if isinstance(found, LookupError):
            raise LookupError(*found.args)
        return found

    def _match_group(self, text: str) -> Any:
        groups = self._groups
        assert groups is not None
        wanted = text.strip().casefold()
        by_ext = [
            i for i, g in groups.items() if str(g.get("org_unit_ext_id") or "").casefold() == wanted
        ]
        if len(by_ext) == 1:
            return by_ext[0]
        parts = [p.strip().casefold() for p in text.split("/") if p.strip()]
        matches = []
        for ident, group in groups.items():
            node: dict[str, Any] | None = group
            for part in reversed(parts):
                if node is None or str(node.get("org_unit_name", "")).casefold() != part:
                    break
                node = groups.get(node.get("org_unit_parent_id"))
            else:
                matches.append(ident)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise LookupError(
                f"no group '{text}' in the account or this workbook: give its id, its name "
                "path (Parent/Child), or ref:Groups!<key>"
            )
        paths = ", ".join(self._path(m) for m in matches[:4])
        raise LookupError(
            f"{len(matches)} groups are called '{text}' ({paths}): give more of the path, or the id"
        )

    def _path(self, ident: Any) -> str:
        assert self._groups is not None
        names: list[str] = []
        node = self._groups.get(ident)
        while node is not None and len(names) < 20:
            names.append(str(node.get("org_unit_name")))
            node = self._groups.get(node.get("org_unit_parent_id"))
        return "/".join(reversed(names))

    async def _industry(self, runner: Runner, text: str) -> Any:
        if self._industries is None:
            async with self._industry_lock:
                if self._industries is None:
                    answer, _ = await runner.call("GET", "/industry")
                    self._industries = {
                        str(i.get("industry_name", "")).casefold(): i["industry_id"]
                        for i in listed_items(answer.data)
                        if "industry_id" in i
                    }
        wanted = text.strip().casefold()
        if wanted in self._industries:
            return self._industries[wanted]
        hint = get_close_matches(wanted, list(self._industries), n=1, cutoff=0.6)
        suggestion = f" (did you mean '{hint[0].title()}'?)" if hint else ""
        raise LookupError(f"'{text}' is not an industry of GET /industry{suggestion}")

    async def _user(self, runner: Runner, text: str) -> Any:
        wanted = text.strip().casefold()
        if wanted not in self._users:
            try:
                answer, _ = await runner.call(
                    "GET", "/users/list", params={"email": text.strip(), "limit": 200}
                )
            except Failed as failed:
                raise LookupError(f"could not look up user '{text}': {failed.error}") from None
            found = [
                u.get("ct_user_id")
                for u in listed_items(answer.data)
                if str(u.get("username", u.get("email", ""))).casefold() == wanted
            ]
            self._users[wanted] = found[0] if len(found) == 1 else None
        ident = self._users[wanted]
        if ident is None:
            raise LookupError(f"no user with the username '{text}' in the account")
        return ident
