"""The directory on its own: objects found by the text a cell gives, as each kind's Finder
declares, over a fake run that answers from a table (no sandbox, no runner)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

from bulkops.client import Answer
from bulkops.engine.directory import Directory
from bulkops.listing import pages
from bulkops.resources.common import GROUPS_FINDER
from bulkops.resources.groups import INDUSTRIES_FINDER
from bulkops.resources.users import USERS_FINDER

GROUPS = [
    {"org_unit_id": 1, "org_unit_name": "Acme", "org_unit_parent_id": None},
    {"org_unit_id": 2, "org_unit_name": "West", "org_unit_parent_id": 1, "org_unit_ext_id": "w"},
    {"org_unit_id": 3, "org_unit_name": "East", "org_unit_parent_id": 1},
    {"org_unit_id": 4, "org_unit_name": "Store 12", "org_unit_parent_id": 2},
    {"org_unit_id": 5, "org_unit_name": "Store 12", "org_unit_parent_id": 3},
]
INDUSTRIES = [
    {"industry_id": 7, "industry_name": "Dental"},
    {"industry_id": 8, "industry_name": "Legal"},
]
USERS = [
    {"ct_user_id": 90, "username": "ana@example.com"},
    {"ct_user_id": 91, "email": "bo@example.com"},
]


class FakeRun:
    """A RunContext answering GETs from the tables above, counting what it was asked."""

    dry_run = False
    requests = 0

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict[str, Any]]] = []
        self.state: dict[str, Any] = {}

    async def call(
        self,
        method: str,
        path: str,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        gone_is_done: bool = False,
    ) -> tuple[Answer, int]:
        params = params or {}
        self.asked.append((path, params))
        if path == "/groups":
            offset, limit = params.get("offset", 0), params.get("limit", 200)
            chunk = GROUPS[offset : offset + limit]
            return Answer(200, {"groups": chunk, "total": len(GROUPS)}, "r"), 1
        if path == "/industry":
            return Answer(200, {"industries": INDUSTRIES}, "r"), 1
        if path == "/users/list":  # a partial, case-blind filter: the client must compare
            wanted = str(params["email"]).split("@")[0].casefold()
            found = [u for u in USERS if wanted in str(u.get("username", u.get("email")))]
            return Answer(200, {"users": found}, "r"), 1
        raise AssertionError(path)

    def pages(
        self, path: str, params: dict[str, Any] | None = None
    ) -> AsyncIterator[tuple[list[dict[str, Any]], int]]:
        return pages(self.call, path, params)


def find(directory: Directory, run: FakeRun, finder: Any, text: str) -> Any:
    async def go() -> Any:
        return await directory.find(run, finder, text)

    return anyio.run(go)


def test_groups_by_external_id_then_by_name_path_from_any_level() -> None:
    """An external id wins; a path needs as many levels as make it unique; the listing is
    fetched once for every look-up."""
    directory, run = Directory(), FakeRun()
    assert find(directory, run, GROUPS_FINDER, "W") == 2
    assert find(directory, run, GROUPS_FINDER, "West/Store 12") == 4
    assert find(directory, run, GROUPS_FINDER, "acme / east / store 12") == 5
    assert [path for path, _ in run.asked] == ["/groups"]


def test_an_ambiguous_or_unknown_name_says_which_and_what_to_give() -> None:
    """Two groups of one name: both paths named; none: the other ways to give a group."""
    directory, run = Directory(), FakeRun()
    with pytest.raises(LookupError) as many:
        find(directory, run, GROUPS_FINDER, "Store 12")
    assert "2 groups are called 'Store 12'" in str(many.value)
    assert "Acme/West/Store 12 (id 4)" in str(many.value)
    assert "give more of the path, or the id" in str(many.value)
    with pytest.raises(LookupError, match=r"no group 'North'.*ref:Groups!<key>"):
        find(directory, run, GROUPS_FINDER, "North")


def test_an_object_made_by_this_run_is_found_by_its_path() -> None:
    """A group a row created is added to what the account lists, before or after listing."""
    directory, run = Directory(), FakeRun()
    directory.add(
        GROUPS_FINDER, {"org_unit_id": 40, "org_unit_name": "North", "org_unit_parent_id": 1}
    )
    assert find(directory, run, GROUPS_FINDER, "Acme/North") == 40
    directory.add(
        GROUPS_FINDER, {"org_unit_id": 41, "org_unit_name": "Annex", "org_unit_parent_id": 40}
    )
    assert find(directory, run, GROUPS_FINDER, "North/Annex") == 41


def test_a_table_is_asked_for_once_and_a_near_miss_is_suggested() -> None:
    """Industries: one answer, matched case aside; a typo gets a 'did you mean'."""
    directory, run = Directory(), FakeRun()
    assert find(directory, run, INDUSTRIES_FINDER, "dental") == 7
    with pytest.raises(LookupError, match="did you mean 'Legal'"):
        find(directory, run, INDUSTRIES_FINDER, "Legl")
    assert run.asked == [("/industry", {})]


def test_users_are_asked_for_one_at_a_time_and_compared_exactly() -> None:
    """A user is asked for by the filter the finder names, and only an exact username or
    email (case aside) matches, whatever the filter let through; each text is asked once."""
    directory, run = Directory(), FakeRun()
    assert find(directory, run, USERS_FINDER, "ANA@example.com") == 90
    assert find(directory, run, USERS_FINDER, "bo@example.com") == 91
    assert find(directory, run, USERS_FINDER, "ana@example.com") == 90
    with pytest.raises(LookupError, match=r"no user 'an@example\.com'"):
        find(directory, run, USERS_FINDER, "an@example.com")
    assert [params["email"] for _, params in run.asked] == [
        "ANA@example.com",
        "bo@example.com",
        "an@example.com",
    ]
