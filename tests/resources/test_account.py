"""Workbooks with several resource sheets: dependency order, references between rows,
and the resources beyond routes (groups, users, numbers, broadcasts), end to end against
the in-process sandbox on a manual clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from bulkops.actions import validate
from bulkops.cli import main
from bulkops.errors import UsageError
from bulkops.model.outcome import Status
from bulkops.run import RunResult
from bulkops.sandbox import FaultPlan, Sandbox
from tests.conftest import ROOT
from tests.test_run import run, sandbox

NEW_ACCOUNT = ROOT / "samples" / "new-account.xlsx"


def book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def by_place(result: RunResult) -> dict[tuple[str, int], Any]:
    return {(o.sheet, o.row): o for o in result.outcomes}


GROUPS = ["Action", "Group Name", "Parent Group", "External ID"]
ROUTES = ["Action", "Route Name", "Group ID", "Tracking Number", "Ring To Number"]


def test_new_account_sample_runs_green_with_every_reference_linked(tmp_path: Path) -> None:
    """samples/new-account.xlsx provisions a customer in one run: every row succeeds and
    each reference became the id (or number) the referred row produced."""
    box = sandbox()
    result = run(NEW_ACCOUNT, box, tmp_path, yes=True)
    assert result.counts() == {"succeeded": 37}
    place = by_place(result)
    groups = {o.row: int(o.resource_id) for o in result.outcomes if o.sheet == "Groups"}
    stored = {g["org_unit_id"]: g for g in box.store.all("groups")}
    assert stored[groups[3]]["org_unit_parent_id"] == groups[2]  # ref:Groups!sunrise
    assert stored[groups[7]]["org_unit_parent_id"] == groups[3]  # a name path
    assert stored[groups[2]]["org_unit_parent_id"] == 70000  # the account's group, by name
    assert stored[groups[2]]["industry_id"] == 1  # "Dental", looked up in GET /industry
    midtown = box.store.get("routes", int(place[("Routes", 2)].resource_id))
    assert midtown is not None
    assert midtown["org_unit_id"] == groups[5]
    assert midtown["phone_number"] == place[("Numbers", 2)].resource_id
    desk = int(place[("Users", 5)].resource_id)
    assert midtown["routing_configuration"]["config"]["assigned_agent_id"] == desk
    # the webhook, the voice agent and the greeting prompt this workbook made
    assert midtown["webhook_id"] == int(place[("Webhooks", 2)].resource_id)
    config = midtown["routing_configuration"]["config"]
    assert config["voice_agent_id"] == int(place[("Voice Agents", 2)].resource_id)
    assert config["message"] == place[("Prompts", 2)].resource_id
    assert config["message_type"] == "file"
    [broadcast] = box.store.all("broadcasts")
    assert broadcast["from_number"] == "4045550250"
    assert len(broadcast["recipients"]) == 40  # read from the CSV beside the workbook
    numbers = {o.row: o.resource_id for o in result.outcomes if o.sheet == "Numbers"}
    assert len(numbers[8].split("; ")) == 2  # Quantity 2
    # the results mirror every sheet, in dependency order
    from openpyxl import load_workbook

    results = load_workbook(result.results_path)
    sheets = results.sheetnames
    assert sheets == ["Summary", "Groups", "Users", "Webhooks", "Voice Agents", "Prompts",
                      "Numbers", "Routes", "Broadcasts", "Problems"]  # fmt: skip
    summary = {r[0]: r[1] for r in results["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Sheet: Groups"] == "8 succeeded"
    assert summary["Sheet: Numbers"] == "7 succeeded"


def test_a_second_run_of_the_account_sends_no_write(tmp_path: Path) -> None:
    """Run again on the same account, every row is unchanged: nothing created or ordered
    twice, and only GETs are sent."""
    box = sandbox()
    run(NEW_ACCOUNT, box, tmp_path, yes=True)
    writes = len(box.log.writes())
    again = run(NEW_ACCOUNT, box, tmp_path / "again", yes=True)
    assert again.counts() == {"unchanged": 37}
    assert len(box.log.writes()) == writes


def test_rows_referring_to_a_failed_row_are_not_attempted_and_others_run(
    tmp_path: Path,
) -> None:
    """A group the API refuses: the rows that refer to it end not_attempted naming that
    row; a route that refers to nothing still runs."""
    box = sandbox()
    path = book(
        tmp_path / "acct.xlsx",
        {
            "Groups": [
                GROUPS,
                ["create", "Downtown Dental", 70001, "dup"],  # a sibling has this name: 409
                ["create", "Annex", "ref:Groups!dup", "annex"],
            ],
            "Routes": [
                ROUTES,
                ["create", "Annex - Google", "ref:Groups!annex", "4045550150", "4045550123"],
                ["create", "Plain", 70035, "4045550151", "4045550123"],
            ],
        },
    )
    result = run(path, box, tmp_path)
    place = by_place(result)
    assert place[("Groups", 2)].status is Status.FAILED
    annex = place[("Groups", 3)]
    assert annex.status is Status.NOT_ATTEMPTED
    assert "refers to Groups row 2, which ended failed" in annex.message
    route = place[("Routes", 2)]
    assert route.status is Status.NOT_ATTEMPTED
    # a chain names the row that failed first, not a nest of messages
    assert "refers to Groups row 3, which was not sent either: Groups row 2 ended failed" in (
        route.message
    )
    assert route.message.endswith("fix Groups row 2, then run again with --resume")
    assert route.message.count("not sent") == 2
    assert place[("Routes", 3)].status is Status.SUCCEEDED
    assert box.log.matching("POST", "/v3/groups") == []  # the name was taken: none sent


def test_dry_run_resolves_references_as_would_be_created(tmp_path: Path) -> None:
    """A dry run sends GETs only; a row referring to a row that would be created is
    planned and says so; a broadcast shows its SMS segments."""
    box = sandbox()
    result = run(NEW_ACCOUNT, box, tmp_path, dry_run=True)
    assert result.counts() == {"planned": 37}
    assert box.log.writes() == []
    place = by_place(result)
    assert "Parent Group would be created by Groups row 2" in place[("Groups", 3)].message
    route = place[("Routes", 2)].message
    assert "Tracking Number would be ordered by Numbers row 2" in route
    assert "Webhook ID would be created by Webhooks row 2" in route
    assert "Caller Message would be created by Prompts row 2" in route
    assert "would order 1 number (area code 404" in place[("Numbers", 2)].message
    assert "SMS segment" in place[("Broadcasts", 2)].message
    assert "× 40 recipients" in place[("Broadcasts", 2)].message


def test_rows_without_references_do_not_wait_for_earlier_sheets(tmp_path: Path) -> None:
    """Sheets run at once: a route that refers to nothing is created before a chain of
    dependent groups is done."""
    box = sandbox()
    chain = [
        ["create", f"Level {n}", f"ref:Groups!l{n - 1}" if n else 70035, f"l{n}"] for n in range(6)
    ]
    path = book(
        tmp_path / "acct.xlsx",
        {
            "Groups": [GROUPS, *chain],
            "Routes": [ROUTES, ["create", "Alone", 70035, "4045550150", "4045550123"]],
        },
    )
    result = run(path, box, tmp_path)
    assert result.counts() == {"succeeded": 7}
    posts = [e.path for e in box.log.matching("POST")]
    assert posts.index("/v3/provisioned-routes") < len(posts) - 2


def test_resume_resolves_references_from_the_journal(tmp_path: Path) -> None:
    """The routes fail for the API's reasons (left for --resume); resumed, they take the
    group ids the first run journaled, and the groups are not created again."""
    box = sandbox(faults="refuse:1:limit=40@POST /provisioned-routes")
    path = book(
        tmp_path / "acct.xlsx",
        {
            "Groups": [GROUPS, ["create", "Annex", "Atlanta Metro", "annex"]],
            "Routes": [
                ROUTES,
                ["create", "Annex - Bing", "ref:Groups!annex", "4045550150", "4045550123"],
            ],
        },
    )
    first = run(path, box, tmp_path)
    assert by_place(first)[("Routes", 2)].status is Status.NOT_ATTEMPTED
    box.faults = FaultPlan()  # the API is well again
    resumed = run(path, box, tmp_path, resume=True)
    assert resumed.counts() == {"succeeded": 2}
    [group] = [g for g in box.store.all("groups") if g["org_unit_name"] == "Annex"]
    [route] = [r for r in box.store.all("routes") if r["provisioned_route_name"] == "Annex - Bing"]
    assert route["org_unit_id"] == group["org_unit_id"]


def test_ordering_numbers_needs_confirmation_outside_the_sandbox(tmp_path: Path) -> None:
    """An order spends money and a scheduled broadcast sends texts: without --yes nothing
    is sent; a draft broadcast alone needs no confirmation."""
    box = sandbox()
    orders = book(
        tmp_path / "numbers.xlsx",
        {"Numbers": [["Action", "Group", "Area Code"], ["order", 70035, "404"]]},
    )
    with pytest.raises(UsageError, match="cannot be undone"):
        run(orders, box, tmp_path)
    head = [
        "Action",
        "Broadcast Name",
        "Group",
        "From Number",
        "Message",
        "Recipients",
        "Scheduled At",
        "Status",
    ]
    scheduled = book(
        tmp_path / "b.xlsx",
        {
            "Broadcasts": [
                head,
                [
                    "create",
                    "Soon",
                    70035,
                    "4045550120",
                    "Hi",
                    "4045550101",
                    "2099-01-01 09:00 America/New_York",
                    "scheduled",
                ],
            ]
        },
    )
    with pytest.raises(UsageError, match="1 row cannot be undone"):
        run(scheduled, box, tmp_path)
    draft = book(
        tmp_path / "d.xlsx",
        {
            "Broadcasts": [
                head,
                ["create", "Later", 70035, "4045550120", "Hi", "4045550101", "", "draft"],
            ]
        },
    )
    assert run(draft, box, tmp_path).counts() == {"succeeded": 1}
    assert box.log.matching("POST", "/v3/phone-numbers") == []
    assert run(orders, box, tmp_path / "y", yes=True).counts() == {"succeeded": 1}


def test_an_order_whose_answer_was_lost_is_found_not_repeated(tmp_path: Path) -> None:
    """The connection drops after the order committed: the number is found among the
    account's and the row succeeded; it was ordered exactly once."""
    box = sandbox(faults="drop:1:limit=1@POST /phone-numbers")
    path = book(
        tmp_path / "n.xlsx",
        {"Numbers": [["Action", "Phone Number", "Group"], ["order", "4045550250", 70035]]},
    )
    result = run(path, box, tmp_path, yes=True)
    [outcome] = result.outcomes
    assert outcome.status is Status.SUCCEEDED
    assert outcome.reconciled
    assert len(box.log.matching("POST", "/v3/phone-numbers")) == 1
    lost = sandbox(faults="slow:1:commit=false:limit=1@POST /phone-numbers")
    result = run(path, lost, tmp_path / "lost", yes=True)
    [outcome] = result.outcomes
    assert outcome.status is Status.UNKNOWN
    assert "check the account before ordering again" in outcome.message
    assert len(lost.log.matching("POST", "/v3/phone-numbers")) == 1


def test_validate_points_at_references_that_cannot_resolve(tmp_path: Path) -> None:
    """Before anything is sent: a key no row has, a row below, a sheet that is not there."""
    path = book(
        tmp_path / "acct.xlsx",
        {
            "Groups": [
                GROUPS,
                ["create", "Child", "ref:Groups!parent", "child"],
                ["create", "Parent", 70000, "parent"],
            ],
            "Routes": [
                ROUTES,
                ["create", "A", "ref:Groups!nobody", "4045550150", "4045550123"],
                ["create", "B", "ref:Teams!x", "4045550151", "4045550123"],
            ],
        },
    )
    report = validate(path, write_report=False)
    found = {(p.sheet, p.cell): p.message for p in report.problems}
    assert set(found) == {("Groups", "C2"), ("Routes", "C2"), ("Routes", "C3")}
    assert "not above this one" in found[("Groups", "C2")]
    assert "no row of 'Groups' has the key 'nobody'" in found[("Routes", "C2")]
    assert "no groups sheet called 'Teams'" in found[("Routes", "C3")]
    assert report.invalid_rows == 3


def test_names_resolve_by_path_and_say_when_they_cannot(tmp_path: Path) -> None:
    """A group by name path or external id; an unknown name fails with what to do."""
    box = sandbox()
    path = book(
        tmp_path / "u.xlsx",
        {
            "Users": [
                ["Action", "Username", "First Name", "Last Name", "Group", "Role"],
                ["create", "a@x.example", "A", "B", "Atlanta Metro/Midtown Dental", "Standard"],
                ["create", "c@x.example", "C", "D", "Nowhere Dental", "Standard"],
            ]
        },
    )
    result = run(path, box, tmp_path)
    place = by_place(result)
    assert place[("Users", 2)].status is Status.SUCCEEDED
    user = box.store.get("users", int(place[("Users", 2)].resource_id))
    assert user is not None
    assert user["ct_user_ou_id"] == 70036
    assert place[("Users", 3)].status is Status.FAILED
    assert "no group 'Nowhere Dental'" in place[("Users", 3)].message


def test_broadcast_dry_run_checks_the_sender(tmp_path: Path) -> None:
    """From Number must be a number of the account that can send texts."""
    box = sandbox()
    head = ["Action", "Broadcast Name", "Group", "From Number", "Message", "Recipients"]
    path = book(
        tmp_path / "b.xlsx",
        {
            "Broadcasts": [
                head,
                ["create", "Ours", 70035, "4045550120", "x" * 161, "4045550101; 4045550102"],
                ["create", "Not ours", 70035, "3125550150", "Hi", "4045550101"],
                ["create", "Toll free", 70035, "8005550140", "Hi", "4045550101"],
            ]
        },
    )
    toll_free = box.store.get("numbers", "8005550140")
    assert toll_free is not None
    box.store.put(
        "numbers", "8005550140", {**toll_free, "status": "reserved", "org_unit_id": 70000}
    )
    result = run(path, box, tmp_path, dry_run=True)
    place = by_place(result)
    assert "161 characters = 2 SMS segments (GSM-7) × 2 recipients = 4 texts" in (
        place[("Broadcasts", 2)].message
    )
    assert place[("Broadcasts", 3)].status is Status.FAILED
    assert "not a number of this account" in place[("Broadcasts", 3)].message
    assert "not SMS-enabled" in place[("Broadcasts", 4)].message


def test_resources_lists_every_resource() -> None:
    """`bulkops resources` names every resource, its actions and natural key."""
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["resources"]) == 0
    text = out.getvalue()
    for name in ("groups", "users", "numbers", "routes", "broadcasts"):
        assert f"{name}  (sheet" in text
    assert "order, release, skip" in text
    assert "natural key: Username, else External ID" in text


def test_a_look_up_the_api_does_not_answer_fails_its_row_only(tmp_path: Path) -> None:
    """The group listing behind a name keeps failing: rows naming a group end failed and
    say so; a row with a group id still runs."""
    box = sandbox(faults="500:1@GET /groups")
    path = book(
        tmp_path / "r.xlsx",
        {
            "Routes": [
                ROUTES,
                ["create", "By name", "Downtown Dental", "4045550150", "4045550123"],
                ["create", "By id", 70035, "4045550151", "4045550123"],
            ]
        },
    )
    result = run(path, box, tmp_path)
    place = by_place(result)
    named = place[("Routes", 2)]
    assert named.status is Status.FAILED
    assert named.message.startswith("could not look it up")
    assert place[("Routes", 3)].status is Status.SUCCEEDED


def test_the_failed_workbook_keeps_the_rows_its_rows_refer_to(tmp_path: Path) -> None:
    """NAME.failed.xlsx holds the rows to fix and the rows they refer to, so it runs on its
    own once fixed: the kept rows come back unchanged and give their ids."""
    from openpyxl import load_workbook

    box = sandbox()
    path = book(
        tmp_path / "acct.xlsx",
        {
            "Groups": [GROUPS, ["create", "Annex", 70001, "annex"], ["create", "Other", 70001, ""]],
            "Routes": [ROUTES, ["create", "Annex line", "ref:Groups!annex", "4045550150", "x"]],
        },
    )
    result = run(path, box, tmp_path)
    assert result.failed_path is not None
    failed = load_workbook(result.failed_path)
    assert failed.sheetnames == ["Groups", "Routes"]
    kept = [[c.value for c in row] for row in failed["Groups"].iter_rows(min_row=2)]
    assert [row[1] for row in kept] == ["Annex"]
    assert "Routes row 2 refers to it" in kept[0][-1]
    failed["Routes"]["E2"] = "4045550123"  # the fix
    failed["Routes"].delete_cols(6)  # the Problems column
    failed["Groups"].delete_cols(5)
    fixed = tmp_path / "fixed.xlsx"
    failed.save(fixed)
    again = run(fixed, box, tmp_path / "again")
    assert by_place(again)[("Groups", 2)].status is Status.UNCHANGED
    assert by_place(again)[("Routes", 2)].status is Status.SUCCEEDED


def test_a_ref_to_groups_without_a_groups_sheet_looks_in_the_account(tmp_path: Path) -> None:
    """`ref:Groups!<key>` in a routes-only file finds the account's group by that key."""
    box = sandbox()
    path = book(
        tmp_path / "routes.xlsx",
        {
            "Routes": [
                ROUTES,
                ["create", "Via ref", "ref:Groups!Midtown Dental", "4045550150", "4045550123"],
            ]
        },
    )
    assert validate(path, write_report=False).problems == []
    result = run(path, box, tmp_path)
    [outcome] = result.outcomes
    assert outcome.status is Status.SUCCEEDED
    route = box.store.get("routes", int(outcome.resource_id))
    assert route is not None
    assert route["org_unit_id"] == 70036


def test_a_search_the_api_does_not_answer_orders_nothing_and_can_resume(tmp_path: Path) -> None:
    """The number search keeps failing: the row is not done (resumable), nothing bought."""
    box = sandbox(faults="503:1@GET /phone-numbers/available")
    path = book(
        tmp_path / "n.xlsx",
        {"Numbers": [["Action", "Group", "Area Code"], ["order", 70035, "404"]]},
    )
    [outcome] = run(path, box, tmp_path, yes=True).outcomes
    assert outcome.status is Status.NOT_ATTEMPTED
    assert "--resume sends it again" in outcome.message
    assert box.log.matching("POST", "/v3/phone-numbers") == []


def test_broadcasts_update_and_delete_by_name_within_their_group(tmp_path: Path) -> None:
    """Broadcasts are found by name within their group; a second run changes nothing."""
    box = sandbox()
    run(ROOT / "samples" / "broadcasts.xlsx", box, tmp_path / "made")
    head = ["Action", "Broadcast Name", "Group", "Message"]
    path = book(
        tmp_path / "b.xlsx",
        {
            "Broadcasts": [
                head,
                ["update", "December recall", "Downtown Dental", "Time for a cleaning! Reply YES."],
                ["delete", "Holiday hours", 70035, ""],
            ]
        },
    )
    first = by_place(run(path, box, tmp_path))
    assert first[("Broadcasts", 2)].status is Status.SUCCEEDED
    assert first[("Broadcasts", 3)].status is Status.SUCCEEDED
    [kept] = box.store.all("broadcasts")
    assert kept["message"] == "Time for a cleaning! Reply YES."
    again = run(path, box, tmp_path / "again")
    assert again.counts() == {"unchanged": 2}


def test_upsert_finds_users_then_by_external_id_and_groups_by_external_id_first(
    tmp_path: Path,
) -> None:
    """A user not found by username is found by External ID (and renamed); a group is
    found by External ID before its name (and renamed)."""
    box = sandbox()
    users = ["Action", "Username", "First Name", "Last Name", "Group", "Role", "External ID"]
    made = book(
        tmp_path / "made.xlsx",
        {
            "Groups": [GROUPS, ["create", "Old name", 70001, "store-9"]],
            "Users": [users, ["create", "old@x.example", "A", "B", 70035, "Standard", "emp-9"]],
        },
    )
    assert run(made, box, tmp_path / "made").counts() == {"succeeded": 2}
    moved = book(
        tmp_path / "moved.xlsx",
        {
            "Groups": [GROUPS, ["upsert", "New name", 70001, "store-9"]],
            "Users": [users, ["upsert", "new@x.example", "A", "B", 70035, "Standard", "emp-9"]],
        },
    )
    result = run(moved, box, tmp_path)
    assert result.counts() == {"succeeded": 2}
    assert [
        g["org_unit_name"] for g in box.store.all("groups") if g.get("org_unit_ext_id") == "store-9"
    ] == ["New name"]
    assert [u["username"] for u in box.store.all("users") if u.get("user_ext_id") == "emp-9"] == [
        "new@x.example"
    ]
    assert len(box.log.matching("POST", "/v3/users")) == 1  # updated, not created again


@pytest.mark.parametrize("committed", [True, False])
def test_a_scheduled_broadcast_is_sent_at_most_once(committed: bool, tmp_path: Path) -> None:
    """A scheduled broadcast whose answer is lost is looked up, never sent again: found, it
    succeeded; not found, the row is unknown and says what to check."""
    fault = f"slow:1:commit={'true' if committed else 'false'}:limit=1@POST /broadcast"
    box = sandbox(faults=fault)
    head = [
        "Action",
        "Broadcast Name",
        "Group",
        "From Number",
        "Message",
        "Recipients",
        "Scheduled At",
        "Status",
    ]
    path = book(
        tmp_path / "b.xlsx",
        {
            "Broadcasts": [
                head,
                [
                    "create",
                    "Flash sale",
                    70035,
                    "4045550120",
                    "20% off this week",
                    "4045550101",
                    "2099-01-01 09:00 America/New_York",
                    "scheduled",
                ],
            ]
        },
    )
    [outcome] = run(path, box, tmp_path, yes=True).outcomes
    assert len(box.log.matching("POST", "/v3/broadcast")) == 1
    if committed:
        assert outcome.status is Status.SUCCEEDED
        assert outcome.reconciled
    else:
        assert outcome.status is Status.UNKNOWN
        assert "look for 'flash sale'" in outcome.message.lower()


def test_ctrl_c_in_a_workbook_gives_every_row_a_status_and_resume_finishes(
    tmp_path: Path,
) -> None:
    """Ctrl-C while several sheets run: every row of every sheet has one status, the rows
    waiting for references included, and --resume finishes without a second create."""
    import signal

    from bulkops import actions
    from bulkops.client import StaticToken
    from bulkops.config import Settings
    from bulkops.run import Wiring
    from bulkops.sandbox import SandboxTransport, parse_faults
    from tests.engine.test_journal import Interrupting

    box = Sandbox(faults=parse_faults("latency:ms=300@POST"))  # on the real clock
    box.grant("run-token", 84784)
    results = tmp_path / "r.xlsx"
    settings = Settings(rate=500.0, concurrency=2)
    first = actions.run(
        NEW_ACCOUNT,
        settings=settings,
        out=results,
        yes=True,
        wiring=Wiring(
            transport=Interrupting(box, after=4), auth=StaticToken("run-token"), grace=0.1
        ),
    )
    assert first.signal == signal.SIGINT
    assert len(first.outcomes) == 37
    assert len({(o.sheet, o.row) for o in first.outcomes}) == 37
    assert first.counts().get("not_attempted", 0) > 0
    box.faults = parse_faults("")
    resumed = actions.run(
        NEW_ACCOUNT,
        settings=settings,
        out=results,
        resume=True,
        yes=True,
        wiring=Wiring(
            transport=SandboxTransport(box), auth=StaticToken("run-token"), signals=False
        ),
    )
    assert set(resumed.counts()) <= {"succeeded", "unchanged"}, resumed.counts()
    names = [g["org_unit_name"] for g in box.store.all("groups")]
    assert len(names) == len(set(names))
    routes = [r["provisioned_route_name"] for r in box.store.all("routes")]
    assert len(routes) == len(set(routes))


def test_few_rows_wait_aside_at_once_and_none_is_stuck(tmp_path: Path) -> None:
    """With room for only two waiting rows, a chain of groups and thirty routes that refer
    to them all still run (the sheet is read on as waiting rows go on)."""
    box = sandbox()
    chain = [
        ["create", f"Level {n}", f"ref:Groups!l{n - 1}" if n else 70035, f"l{n}"] for n in range(5)
    ]
    routes = [
        ["create", f"R{n}", f"ref:Groups!l{n % 5}", f"40455501{n:02d}", "4045550123"]
        for n in range(30)
    ]
    path = book(tmp_path / "a.xlsx", {"Groups": [GROUPS, *chain], "Routes": [ROUTES, *routes]})
    result = run(path, box, tmp_path, parked_rows=2)
    assert result.counts() == {"succeeded": 35}


def test_the_run_summary_has_a_column_per_sheet(tmp_path: Path) -> None:
    """The table printed after a run of several sheets counts each sheet's statuses."""
    from bulkops.cli.run import render_summary

    result = run(NEW_ACCOUNT, sandbox(), tmp_path, yes=True)
    text = render_summary(result).splitlines()
    assert text[1].split() == ["total", "Groups", "Users", "Webhooks", "Voice", "Agents",
                               "Prompts", "Numbers", "Routes", "Broadcasts"]  # fmt: skip
    assert text[2].split() == ["succeeded", "37", "8", "12", "1", "1", "1", "7", "6", "1"]


@pytest.mark.parametrize("concurrency", [1, 2, 8])
def test_a_group_tree_is_deleted_in_one_run_in_any_row_order(
    concurrency: int, tmp_path: Path
) -> None:
    """Parents listed before their children: a parent refused while it has children is
    tried again once the other deletes went; a group whose child is not in the sheet still
    fails, with the API's reason."""
    box = sandbox()
    tree = [
        ["create", "Top", 70001, "t"],
        ["create", "Mid", "ref:Groups!t", "m"],
        ["create", "Leaf 1", "ref:Groups!m", "l1"],
        ["create", "Leaf 2", "ref:Groups!m", "l2"],
        ["create", "Kept", 70002, "k"],
        ["create", "Under kept", "ref:Groups!k", "uk"],
    ]
    made = run(book(tmp_path / "t.xlsx", {"Groups": [GROUPS, *tree]}), box, tmp_path / "made")
    assert made.counts() == {"succeeded": 6}
    deletes = [["delete", "", "", key] for key in ("t", "m", "l1", "l2", "k")]
    result = run(
        book(tmp_path / "d.xlsx", {"Groups": [GROUPS, *deletes]}),
        box,
        tmp_path,
        concurrency=concurrency,
    )
    place = by_place(result)
    assert [place[("Groups", row)].status for row in range(2, 6)] == [Status.SUCCEEDED] * 4
    kept = place[("Groups", 6)]
    assert kept.status is Status.FAILED
    assert "groups below it" in kept.message
    names = {g["org_unit_name"] for g in box.store.all("groups")}
    assert {"Top", "Mid", "Leaf 1", "Leaf 2"}.isdisjoint(names)
    assert {"Kept", "Under kept"} <= names


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_any_group_tree_in_any_order_is_deleted_in_one_run(seed: int, tmp_path: Path) -> None:
    """A random tree of 15 groups, its delete rows shuffled: every one is deleted."""
    import random

    rng = random.Random(seed)
    box = sandbox()
    rows = [["create", "G0", 70001, "g0"]]
    for n in range(1, 15):
        rows.append(["create", f"G{n}", f"ref:Groups!g{rng.randrange(n)}", f"g{n}"])
    made = run(book(tmp_path / "t.xlsx", {"Groups": [GROUPS, *rows]}), box, tmp_path / "made")
    assert made.counts() == {"succeeded": 15}
    keys = [f"g{n}" for n in range(15)]
    rng.shuffle(keys)
    deletes = [["delete", "", "", key] for key in keys]
    result = run(
        book(tmp_path / "d.xlsx", {"Groups": [GROUPS, *deletes]}),
        box,
        tmp_path,
        concurrency=rng.choice([1, 3, 8]),
        yes=True,  # more than ten deletes
    )
    assert result.counts() == {"succeeded": 15}, [o.message for o in result.outcomes]
    assert not any(
        g["org_unit_name"].startswith("G")
        for g in box.store.all("groups")
        if g["org_unit_id"] > 80000
    )


def test_a_webhook_agent_or_prompt_nobody_has_is_named_and_nothing_is_sent(
    tmp_path: Path,
) -> None:
    """Names no sheet and no object of the account has: validate points at a `ref:` to a
    row the workbook lacks; the run fails such rows with the column and what to give, and
    sends none of them."""
    head = ["Action", "Route ID", "Webhook ID", "Voice Agent ID", "Caller Message Type",
            "Caller Message"]  # fmt: skip
    rows = [
        ["update", 12001, "Nope hooks", "", "", ""],
        ["update", 12002, "", "Nobody", "", ""],
        ["update", 12003, "", "", "file", "No such greeting"],
        ["update", 12004, "ref:Webhooks!ghost", "", "", ""],
    ]
    path = book(
        tmp_path / "a.xlsx",
        {"Webhooks": [["Action", "Webhook Name", "Group", "URL"]], "Routes": [head, *rows]},
    )
    report = validate(path, write_report=False)
    refs = [(p.code, p.cell) for p in report.problems if p.code == "invalid-reference"]
    assert refs == [("invalid-reference", "C5")]
    box = sandbox()
    place = by_place(run(path, box, tmp_path))
    assert place[("Routes", 2)].status.value == "failed"
    assert place[("Routes", 2)].message == (
        "Webhook ID: no webhook 'Nope hooks' in the account or this workbook: give its id, "
        "its name, or ref:Webhooks!<name>"
    )
    assert "Voice Agent ID: no voice agent 'Nobody'" in place[("Routes", 3)].message
    assert "Caller Message: no media prompt 'No such greeting'" in place[("Routes", 4)].message
    assert place[("Routes", 5)].status.value == "invalid"
    assert not box.log.writes()
