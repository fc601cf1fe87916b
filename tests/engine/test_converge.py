"""Convergence: rows describe desired state; what already matches sends nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bulkops import actions
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.model.outcome import Status
from bulkops.run import RunResult, Wiring
from bulkops.sandbox import ManualClock, Sandbox, SandboxTransport
from tests.conftest import ROOT, MakeFile
from tests.resources.test_account import book

TOKEN = "converge"
HEADER = [
    "Action",
    "Route ID",
    "Route Name",
    "Group ID",
    "Tracking Number",
    "Ring To Number",
    "Call Value",
    "Record Calls",
]


def sandbox() -> Sandbox:
    box = Sandbox(clock=ManualClock())
    box.grant(TOKEN, 84784)
    return box


def run(path: Path, box: Sandbox, tmp: Path, **kw: Any) -> RunResult:
    return actions.run(
        path,
        settings=Settings(rate=1000.0, concurrency=4),
        out=tmp / "r.xlsx",
        **kw,
        wiring=Wiring(
            transport=SandboxTransport(box), auth=StaticToken(TOKEN), clock=box.clock, signals=False
        ),
    )


def test_running_a_finished_sheet_again_sends_no_write(tmp_path: Path) -> None:
    """The second run of the sample: every row unchanged (or skipped), only GETs sent."""
    box = sandbox()
    first = run(ROOT / "samples" / "routes.xlsx", box, tmp_path)
    assert first.counts() == {"succeeded": 25, "skipped": 1}
    writes = len(box.log.writes())
    again = run(ROOT / "samples" / "routes.xlsx", box, tmp_path)
    assert again.counts() == {"unchanged": 25, "skipped": 1}
    assert len(box.log.writes()) == writes
    assert all(o.message.startswith("unchanged:") for o in again.outcomes if o.action != "skip")


def test_update_sends_only_the_fields_that_differ(tmp_path: Path, xlsx: MakeFile) -> None:
    """An update whose Ring To Number is already right PATCHes only Call Value."""
    box = sandbox()
    path = xlsx([HEADER, ["update", 12001, "", "", "", "4045550123", 77, ""]])
    [outcome] = run(path, box, tmp_path).outcomes
    assert outcome.status is Status.SUCCEEDED
    [patch] = box.log.matching("PATCH")
    assert patch.body == {"call_value": 77}


def test_upsert_creates_changes_or_leaves_alone(tmp_path: Path, xlsx: MakeFile) -> None:
    """upsert: a missing route is created, an existing one gets only its differences, one
    already as described is left alone."""
    box = sandbox()
    path = xlsx(
        [
            HEADER,
            ["upsert", "", "Brand New", 70035, "4045550100", "4045550123", 5, "Yes"],
            ["upsert", "", "Downtown Dental - Bing", 70035, "4045550190", "4045550123", 42, ""],
            ["upsert", "", "Midtown Dental - Yelp", 70036, "4045550191", "4045550140", 0, ""],
        ]
    )
    created, changed, same = run(path, box, tmp_path).outcomes
    assert (created.status, created.message) == (Status.SUCCEEDED, "created")
    assert (changed.status, changed.message) == (Status.SUCCEEDED, "updated")
    assert same.status is Status.UNCHANGED
    [patch] = box.log.matching("PATCH")
    assert patch.path == "/v3/provisioned-routes/12001"
    assert patch.body == {"call_value": 42}
    assert [e.body["provisioned_route_name"] for e in box.log.matching("POST")] == ["Brand New"]


def test_a_create_that_exists_differently_fails_naming_the_fields(
    tmp_path: Path, xlsx: MakeFile
) -> None:
    """create of a name that exists with other values: failed, says which, sends nothing."""
    box = sandbox()
    path = xlsx(
        [
            HEADER,
            ["create", "", "Downtown Dental - Bing", 70035, "4045550190", "4045550124", "", ""],
        ]
    )
    [outcome] = run(path, box, tmp_path).outcomes
    assert outcome.status is Status.FAILED
    assert "already exists (id 12001) with other values (Ring To Number)" in outcome.message
    assert not box.log.writes()


def test_deleting_what_is_gone_is_unchanged(tmp_path: Path, xlsx: MakeFile) -> None:
    """A delete of a route that no longer exists sends nothing and ends unchanged."""
    box = sandbox()
    box.store.remove("routes", 12009)
    path = xlsx([HEADER, ["delete", 12009, "", "", "", "", "", ""]])
    [outcome] = run(path, box, tmp_path).outcomes
    assert (outcome.status, outcome.message) == (Status.UNCHANGED, "unchanged: already deleted")
    assert not box.log.writes()


def test_an_outage_stops_the_run_resumably(tmp_path: Path, xlsx: MakeFile) -> None:
    """The API answers 503 to everything: after a bounded number of requests the breaker
    probes, stops the run, and every row is not_attempted (none failed); once the API is
    back, --resume creates each route once."""
    from bulkops.sandbox import FaultPlan, parse_faults

    box = sandbox()
    box.faults = parse_faults("503@GET /provisioned-routes, 503@POST /provisioned-routes")
    numbers = [f"40455501{n:02d}" for n in range(40)]
    rows = [
        ["create", "", f"Outage route {i}", 70035, numbers[i], "4045550123", "", ""]
        for i in range(40)
    ]
    path = xlsx([HEADER, *rows])
    first = run(path, box, tmp_path)
    assert first.counts() == {"not_attempted": 40}
    assert len(box.log) < 80  # bounded: the threshold's rows, their retries, one probe
    assert any("--resume" in o.message for o in first.outcomes)
    box.faults = FaultPlan()
    resumed = run(path, box, tmp_path, resume=True)
    assert resumed.counts() == {"succeeded": 40}
    per_name = box.log.commits_by(lambda e: e.body["provisioned_route_name"])
    assert len(per_name) == 40
    assert max(per_name.values()) == 1


def test_many_deletes_need_confirmation(tmp_path: Path, xlsx: MakeFile) -> None:
    """More than ten deletes: without --yes (and no one to ask) nothing is sent, exit 2;
    a 'no' sends nothing either; --yes or a 'yes' runs it."""
    import pytest

    from bulkops.cli import main
    from bulkops.errors import UsageError

    box = sandbox()
    ids = [12001, 12002, 12003, 12004, 12005, 12006, 12007, 12008, 12009, 12010, 12011]
    path = xlsx([HEADER, *[["delete", i, "", "", "", "", "", ""] for i in ids]])
    with pytest.raises(UsageError, match="11 rows delete objects: nothing was sent"):
        run(path, box, tmp_path)
    with pytest.raises(UsageError):
        run(path, box, tmp_path, confirm=lambda question: False)
    assert not box.log.entries
    assert main(["run", str(path), "--sandbox", "-o", str(tmp_path / "cli.xlsx")]) == 2
    asked: list[str] = []
    result = run(path, box, tmp_path, confirm=lambda q: asked.append(q) or True)
    assert "11 rows" in asked[0]
    assert result.counts() == {"succeeded": 11}
    again = run(path, sandbox(), tmp_path, yes=True)
    assert again.counts() == {"succeeded": 11}


def test_irreversible_actions_need_confirmation(tmp_path: Path, xlsx: MakeFile) -> None:
    """A resource's irreversible actions (sending, buying) gate the run like many deletes."""
    import dataclasses

    import pytest

    from bulkops import resources
    from bulkops.errors import UsageError

    routes = resources.RESOURCES["routes"]
    resources.RESOURCES["routes"] = dataclasses.replace(routes, irreversible=frozenset({"create"}))
    try:
        path = xlsx([HEADER, ["create", "", "Pricey", 70035, "4045550100", "4045550123", "", ""]])
        with pytest.raises(UsageError, match="1 row cannot be undone"):
            run(path, sandbox(), tmp_path)
    finally:
        resources.RESOURCES["routes"] = routes


def test_clear_empties_a_field_that_holds_a_value(tmp_path: Path) -> None:
    """#CLEAR sends the field's empty value (null) when the object holds one, and is
    unchanged once it is empty: a null is a difference, not the absence of one."""
    box = sandbox()
    header = ["Action", "Group ID", "Address"]
    filled = book(tmp_path / "a.xlsx", {"Groups": [header, ["update", 70041, "1 Main St"]]})
    assert run(filled, box, tmp_path).counts() == {"succeeded": 1}
    cleared = book(tmp_path / "b.xlsx", {"Groups": [header, ["update", 70041, "#CLEAR"]]})
    assert run(cleared, box, tmp_path).counts() == {"succeeded": 1}
    assert box.log.writes()[-1].raw == b'{"address":null}'
    assert box.store.get("groups", 70041)["address"] is None
    assert run(cleared, box, tmp_path).counts() == {"unchanged": 1}


def test_deleting_a_user_deleted_but_still_listed_is_unchanged(tmp_path: Path) -> None:
    """Users are soft-deleted: listed with status 'deleted'. Deleting one again sends
    nothing (the API would answer 404), and a delete row by id needs no other cell."""
    box = sandbox()
    rows = [["Action", "User ID", "Group"], ["delete", 7850, "No Such Group"]]
    path = book(tmp_path / "u.xlsx", {"Users": rows})
    assert run(path, box, tmp_path).counts() == {"succeeded": 1}
    writes = len(box.log.writes())
    again = run(path, box, tmp_path)
    assert again.counts() == {"unchanged": 1}
    assert again.outcomes[0].message == "unchanged: already deleted"
    assert len(box.log.writes()) == writes
