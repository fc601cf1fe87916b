"""`bulkops run` end to end against the in-process sandbox, on a manual clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bulkops import actions
from bulkops.cli import main
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.model.outcome import Status
from bulkops.run import RunResult, Wiring
from bulkops.sandbox import FaultPlan, ManualClock, Sandbox, SandboxTransport, parse_faults
from tests.conftest import ROOT, MakeFile

SAMPLE = ROOT / "samples" / "routes.xlsx"
TOKEN = "run-token"
HEADER = ["Action", "Route ID", "Route Name", "Group ID", "Tracking Number", "Ring To Number",
          "Webhook ID", "Call Value"]  # fmt: skip


def sandbox(faults: str = "", **kw: Any) -> Sandbox:
    box = Sandbox(clock=ManualClock(), faults=parse_faults(faults, seed=3) if faults else
                  FaultPlan(), **kw)  # fmt: skip
    box.grant(TOKEN, 84784)
    return box


def run(path: Path, box: Sandbox, tmp: Path, **kw: Any) -> RunResult:
    knobs = {k: kw.pop(k) for k in ("parked_rows",) if k in kw}
    settings = Settings(rate=kw.pop("rate", 50.0), concurrency=kw.pop("concurrency", 4), **knobs)
    return actions.run(
        path,
        settings=settings,
        out=tmp / "results.xlsx",
        **kw,
        wiring=Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN), clock=box.clock),
    )


def creates(count: int, start: int = 0) -> list[list[Any]]:
    """`count` create rows on the demo account's reserved numbers 404-555-01xx, 678-..."""
    rows = []
    # the demo's existing routes use the numbers ending 88-99: keep clear of them
    numbers = [f"{p}{n:02d}" for p in ("40455501", "67855501", "47055501") for n in range(88)]
    for index in range(start, start + count):
        rows.append(["create", "", f"Test route {index}", 70035, numbers[index], "4045550123", "",
                     ""])  # fmt: skip
    return rows


def statuses(result: RunResult) -> dict[str, int]:
    return result.counts()


def test_sample_runs_green_and_writes_results(tmp_path: Path) -> None:
    """Every row of the sample succeeds; the results mirror the input with outcomes."""
    box = sandbox()
    result = run(SAMPLE, box, tmp_path)
    assert statuses(result) == {"succeeded": 25, "skipped": 1}
    assert result.ok
    assert result.failed_path is None
    book = load_workbook(result.results_path)
    assert book.sheetnames == ["Summary", "Routes", "Problems"]
    sheet = book["Routes"]
    header = [c.value for c in sheet[1]]
    status_at = header.index("Result: Status")
    assert header[status_at:status_at + 8] == ["Result: Status", "Result: Action",
        "Result: HTTP Status", "Result: Request ID", "Result: Resource ID", "Result: Message",
        "Result: Attempts", "Result: Duration (ms)"]  # fmt: skip
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 26
    created = rows[0]
    assert created[status_at] == "succeeded"
    assert created[status_at + 2] == 200
    assert created[status_at + 3]  # request_id recorded
    assert int(created[status_at + 4]) >= 20001  # the new route's id
    by_id = {str(r[1]): r for r in rows if r[1]}
    assert by_id["12010"][status_at] == "skipped"
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Status: succeeded"] == 25
    assert len(summary["Input SHA-256"]) == 64


def test_rate_limit_holds_in_every_sliding_second(tmp_path: Path, xlsx: MakeFile) -> None:
    """No more than --rate requests start in any one-second window (the sandbox's log)."""
    box = sandbox()
    path = xlsx([HEADER, *creates(60)])
    result = run(path, box, tmp_path, rate=20.0, concurrency=8)
    assert statuses(result) == {"succeeded": 60}
    assert box.log.max_in_window(1.0) <= 20
    assert len(box.log.matching("POST")) == 60


def test_dry_run_sends_only_gets(tmp_path: Path) -> None:
    """A dry run resolves look-ups and references with GETs and marks rows planned."""
    box = sandbox()
    result = run(SAMPLE, box, tmp_path, dry_run=True)
    assert statuses(result) == {"planned": 25, "skipped": 1}
    assert {e.method for e in box.log} == {"GET"}
    assert not box.log.committed_writes()
    by_name = next(o for o in result.outcomes if o.row == 16)  # update by name, no id
    assert by_name.resource_id == 12003
    assert (
        by_name.message == "would PATCH /provisioned-routes/12003; Route Status: active → inactive"
    )
    assert by_name.changes == ("Route Status: active → inactive",)
    book = load_workbook(result.results_path)
    header = [c.value for c in book["Routes"][1]]
    changes = book["Routes"].cell(row=16, column=header.index("Result: Changes") + 1).value
    assert changes == "Route Status: active → inactive"
    request = book["Routes"].cell(row=2, column=header.index("Result: Request") + 1).value
    assert request.startswith("POST /provisioned-routes {")
    assert json.loads(request.split(" ", 2)[2])["provisioned_route_name"] == (
        "Downtown Dental - Google Ads"
    )


def test_dry_run_predicts_failures_and_resets(tmp_path: Path, xlsx: MakeFile) -> None:
    """Missing references and taken names fail the dry run; replace lists what it resets."""
    box = sandbox()
    box.store.put("routes", 12001, {**box.store.get("routes", 12001), "call_value": 99,
                                    "webhook_id": 2})  # fmt: skip
    path = xlsx(
        [
            HEADER,
            ["update", 12002, "", "", "", "", 999, ""],
            ["create", "", "Downtown Dental - Bing", 70035, "4045550100", "4045550123", "", ""],
            ["replace", 12001, "Downtown Dental - Bing", 70035, "", "4045550123", "", ""],
        ]
    )
    result = run(path, box, tmp_path, dry_run=True)
    missing, taken, replaced = result.outcomes
    assert missing.status is Status.FAILED
    assert "Webhook ID 999 does not exist" in missing.message
    assert taken.status is Status.FAILED
    assert "already exists (id 12001)" in taken.message
    assert replaced.status is Status.PLANNED
    assert "Call Value (99 → 0)" in replaced.message
    assert "Webhook ID (2 → empty)" in replaced.message
    assert {e.method for e in box.log} == {"GET"}


def test_idempotent_writes_are_retried_through_5xx_and_429(tmp_path: Path, xlsx: MakeFile) -> None:
    """PATCH rows meeting 503s and 429 bursts all end succeeded, with their attempts."""
    box = sandbox("429:limit=1:burst=2:retry_after=1@PATCH, 503:0.3@PATCH")
    rows = [["update", 12001 + i, "", "", "", "", "", i + 1] for i in range(8)]
    result = run(xlsx([HEADER, *rows]), box, tmp_path)
    assert statuses(result) == {"succeeded": 8}
    assert max(o.attempts for o in result.outcomes) > 1
    assert result.throttled >= 1
    for index in range(8):
        assert box.store.get("routes", 12001 + index)["call_value"] == index + 1


def test_creates_whose_answers_were_lost_are_found_not_resent(
    tmp_path: Path, xlsx: MakeFile
) -> None:
    """30% of creates commit and lose their answer: each is found by its name (reconciled),
    every row succeeds, and no route is created twice."""
    box = sandbox("drop:0.2@POST, lost-500:0.1@POST")
    result = run(xlsx([HEADER, *creates(40)]), box, tmp_path)
    assert statuses(result) == {"succeeded": 40}
    reconciled = [o for o in result.outcomes if o.reconciled]
    assert reconciled
    assert all("found by its name" in o.message for o in reconciled)
    assert all(o.resource_id for o in result.outcomes)
    per_name = box.log.commits_by(lambda e: e.body["provisioned_route_name"])
    assert len(per_name) == 40
    assert max(per_name.values()) == 1


def test_a_create_that_never_landed_ends_unknown_unless_keys_are_unique(
    tmp_path: Path, xlsx: MakeFile
) -> None:
    """A 503 on a create that did not commit: not found on reconcile -> unknown (one POST);
    where the server refuses duplicate names it is sent once more and succeeds."""
    import dataclasses

    import anyio

    from bulkops.client import ApiClient
    from bulkops.engine.ratelimit import RateLimiter
    from bulkops.engine.retry import RetryPolicy
    from bulkops.engine.runner import Runner
    from bulkops.io.tables import open_workbook
    from bulkops.resources import get_resource
    from bulkops.validation import validate_sheet

    path = xlsx([HEADER, *creates(1)])
    box = sandbox("503:limit=1@POST")
    result = run(path, box, tmp_path)
    assert statuses(result) == {"unknown": 1}
    assert len(box.log.matching("POST")) == 1
    assert "look for 'test route 0'" in result.outcomes[0].message

    unique = dataclasses.replace(get_resource("routes"), unique_on_server=True)
    box = sandbox("503:limit=1@POST")

    async def go() -> list[Any]:
        async with ApiClient(
            "http://sandbox.local/v3", auth=StaticToken(TOKEN), transport=SandboxTransport(box)
        ) as client:
            runner = Runner(
                client,
                unique,
                limiter=RateLimiter(100, box.clock),
                policy=RetryPolicy(),
                concurrency=1,
                clock=box.clock,
            )
            book = open_workbook(path)
            return await runner.run(validate_sheet(unique, book.sheet("Routes")).records())

    [outcome] = anyio.run(go)
    assert outcome.status is Status.SUCCEEDED
    assert len(box.log.matching("POST")) == 2
    assert len(box.log.committed_writes()) == 1


def test_a_post_that_never_left_is_retried(tmp_path: Path, xlsx: MakeFile) -> None:
    """A refused connection proves nothing was sent: the create is retried and lands once."""
    box = sandbox("refuse:limit=1@POST")
    result = run(xlsx([HEADER, *creates(1)]), box, tmp_path)
    assert statuses(result) == {"succeeded": 1}
    assert result.outcomes[0].attempts == 2
    assert len(box.log.committed_writes()) == 1


def test_api_refusals_point_at_the_cell(tmp_path: Path, xlsx: MakeFile) -> None:
    """A 400's field is mapped back to its column: the results highlight that cell."""
    box = sandbox()
    path = xlsx([HEADER, ["update", 12001, "", "", "", "", 999, ""]])
    result = run(path, box, tmp_path)
    [outcome] = result.outcomes
    assert outcome.status is Status.FAILED
    assert outcome.http_status == 400
    assert outcome.message.startswith("the API refused the row: Webhook ID: no webhook 999")
    sheet = load_workbook(result.results_path)["Routes"]
    cell = sheet["G2"]
    assert cell.comment is not None
    assert "the API refused it" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("F8CBAD")
    failed = load_workbook(result.failed_path)["Routes"]
    assert [c.value for c in failed[1]] == [*HEADER, "Problems"]
    assert failed.cell(row=2, column=7).value == 999


def test_invalid_rows_are_never_sent(tmp_path: Path, xlsx: MakeFile) -> None:
    """Rows with validation errors end invalid with the reason; valid rows still run."""
    box = sandbox()
    rows = [*creates(1), ["create", "", "Bad", 70035, "4045550101", "west", "", ""]]
    result = run(xlsx([HEADER, *rows]), box, tmp_path)
    assert statuses(result) == {"succeeded": 1, "invalid": 1}
    bad = result.outcomes[1]
    assert bad.message.startswith(
        "not sent: Ring To Number (F3): expected a 10-digit phone number, found 'west'"
    )
    assert len(box.log.matching("POST")) == 1
    assert not result.ok


def test_unknown_name_fails_its_row_only(tmp_path: Path, xlsx: MakeFile) -> None:
    """An update by a name that does not exist fails with what to check."""
    box = sandbox()
    result = run(xlsx([HEADER, ["update", "", "No Such Route", 70035, "", "", "", 5]]), box,
                 tmp_path)  # fmt: skip
    [outcome] = result.outcomes
    assert outcome.status is Status.FAILED
    assert "no route with Route Name 'no such route' in Group ID 70035" in outcome.message


def test_delete_retried_after_a_lost_answer_succeeds_on_404(tmp_path: Path, xlsx: MakeFile) -> None:
    """A DELETE whose answer was lost is retried; the 404 then means it is gone."""
    box = sandbox("lost-500:limit=1@DELETE")
    result = run(xlsx([HEADER, ["delete", 12009, "", "", "", "", "", ""]]), box, tmp_path)
    [outcome] = result.outcomes
    assert outcome.status is Status.SUCCEEDED
    assert outcome.attempts == 2
    assert box.store.get("routes", 12009) is None


def test_refused_credentials_stop_the_run_before_any_row(tmp_path: Path) -> None:
    """A wrong token is found by the preflight: exit 2, no row is sent."""
    box = sandbox()
    with pytest.raises(Exception, match="refused the credentials"):
        actions.run(
            SAMPLE,
            settings=Settings(),
            out=tmp_path / "r.xlsx",
            wiring=Wiring(
                transport=SandboxTransport(box), auth=StaticToken("wrong"), clock=box.clock
            ),
        )
    assert not box.log.writes()


def test_cli_main_command_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`bulkops run samples/routes.xlsx --sandbox` exits 0; --json prints the run document."""
    out = tmp_path / "r.xlsx"
    assert main(["run", str(SAMPLE), "--sandbox", "--rate", "200", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"results: {out}" in captured.out
    assert "nothing real is touched" in captured.err
    assert "succeeded" in captured.err
    assert main(["run", str(SAMPLE), "--sandbox", "--rate", "200", "--json", "-o",
                 str(out)]) == 0  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert document["summary"] == {"succeeded": 25, "skipped": 1}
    assert document["results_path"] == str(out)
    first = document["rows"][0]
    assert set(first) == {"sheet", "row", "action", "status", "http_status", "request_id",
                          "resource_id", "message", "attempts", "verified"}  # fmt: skip
    assert first["request_id"]
    assert first["verified"] == "verified"  # under 10,000 rows, read back by default


def test_cli_without_credentials_exits_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No token and no --sandbox: one line saying what to do, exit 2."""
    monkeypatch.delenv("CONVIRZA_TOKEN", raising=False)
    assert main(["run", str(SAMPLE), "-o", str(tmp_path / "r.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "no credentials" in err
    assert err.count("\n") == 1


def test_unreachable_api_stops_before_any_row(tmp_path: Path) -> None:
    """A host that refuses connections is found by the preflight: one clear error."""
    import httpx

    from bulkops.errors import ConfigError

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ConfigError, match=r"the first request .* failed 4 times: could not conn"):
        actions.run(
            SAMPLE,
            settings=Settings(),
            out=tmp_path / "r.xlsx",
            wiring=Wiring(
                transport=httpx.MockTransport(refuse), auth=StaticToken("t"), clock=ManualClock()
            ),
        )
    assert not (tmp_path / "r.xlsx").exists()


def test_plain_http_is_refused_except_to_loopback(tmp_path: Path) -> None:
    """Credentials only travel over https, or plain http to 127.0.0.1."""
    from bulkops.errors import ConfigError

    with pytest.raises(ConfigError, match="use https"):
        actions.run(
            SAMPLE,
            settings=Settings(base_url="http://api.example.com/v3", token="t"),
            out=tmp_path / "r.xlsx",
        )


def test_rows_nobody_sees_are_not_sent(tmp_path: Path) -> None:
    """A hidden row and a merged row are not sent; with include_hidden they are."""
    path = ROOT / "samples" / "invalid" / "routes-hidden.xlsx"
    box = sandbox()
    result = run(path, box, tmp_path)
    assert result.counts() == {"succeeded": 1, "invalid": 2}
    assert [e.body["provisioned_route_name"] for e in box.log.matching("POST")] == ["Seen"]
    box = sandbox()
    result = run(path, box, tmp_path, include_hidden=True, new_run=True)
    assert result.counts() == {"succeeded": 3}


def test_the_whole_workbook_is_validated_before_the_first_write(
    tmp_path: Path, xlsx: MakeFile
) -> None:
    """A problem in the last row is in the run's report, and with stop_on_problems nothing
    at all is sent (not even the credentials check); every row still gets a status."""
    rows = creates(3)
    rows[-1][5] = "12"  # a ring-to number too short, in the last row
    path = xlsx([HEADER, *rows, ["skip", "", "Later", 70035, "", "", "", ""]])
    box = sandbox()
    held = run(path, box, tmp_path, stop_on_problems=True)
    assert len(box.log) == 0
    assert held.held
    assert statuses(held) == {"not_attempted": 2, "invalid": 1, "skipped": 1}
    assert [p.cell for p in held.report.problems if p.is_error] == ["F4"]
    waiting = next(o for o in held.outcomes if o.row == 2)
    assert "--stop-on-problems" in waiting.message
    assert held.results_path is not None
    assert held.results_path.exists()
    sent = run(path, box, tmp_path)
    assert statuses(sent) == {"succeeded": 2, "invalid": 1, "skipped": 1}
    assert len(box.log.committed_writes()) == 2


def test_stop_on_problems_from_the_command_line(
    tmp_path: Path, xlsx: MakeFile, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--stop-on-problems` with an invalid row: exit 1, and the CLI says nothing went."""
    rows = creates(2)
    rows[0][4] = "not a number"
    path = xlsx([HEADER, *rows])
    code = main(["run", str(path), "--sandbox", "--stop-on-problems", "-o", str(tmp_path / "r")])
    assert code == 1
    err = capsys.readouterr().err
    assert "nothing was sent (--stop-on-problems): 1 invalid row; fix it" in err
    assert "not_attempted" in err


def test_a_bad_reference_gets_the_message_validate_gives(tmp_path: Path) -> None:
    """A `ref:` naming no row is found before anything is sent, and the run's row says
    exactly what `bulkops validate` says at that cell."""
    from openpyxl import Workbook

    path = tmp_path / "account.xlsx"
    book = Workbook()
    groups = book.active
    assert groups is not None
    groups.title = "Groups"
    groups.append(["Action", "Group Name", "Parent Group", "External ID"])
    groups.append(["create", "North", 70035, "north"])
    routes = book.create_sheet("Routes")
    routes.append(["Action", "Route Name", "Group ID", "Tracking Number", "Ring To Number"])
    routes.append(["create", "Misfiled", "ref:Groups!south", "4045550101", "4045550123"])
    book.save(path)
    report = actions.validate(path, write_report=False)
    [problem] = [p for p in report.problems if p.code == "invalid-reference"]
    box = sandbox()
    result = run(path, box, tmp_path)
    route = next(o for o in result.outcomes if o.sheet == "Routes")
    assert route.status is Status.INVALID
    assert route.message == f"not sent: {problem.column} ({problem.cell}): {problem.message}"
    assert not box.log.matching("POST", "/provisioned-routes")


def test_title_rows_above_the_header_are_not_rows_of_the_run(
    tmp_path: Path, xlsx: MakeFile
) -> None:
    """A title row above the header: the run counts only the data rows, as validate does."""
    path = xlsx([["Spring routes for Acme"], HEADER, *creates(2)])
    result = run(path, sandbox(), tmp_path)
    assert statuses(result) == {"succeeded": 2}
    assert [o.row for o in result.outcomes] == [3, 4]


def test_a_results_workbook_reads_back_as_input(tmp_path: Path) -> None:
    """Outcome columns are labelled `Result: …`, so the results workbook validates with no
    unknown column, and running it again sends no write."""
    box = sandbox()
    first = run(SAMPLE, box, tmp_path)
    assert first.results_path is not None
    again = tmp_path / "again.xlsx"
    again.write_bytes(first.results_path.read_bytes())
    report = actions.validate(again, write_report=False)
    assert [p.code for p in report.problems] == []
    writes = len(box.log.committed_writes())
    second = actions.run(
        again,
        settings=Settings(rate=50.0, concurrency=4),
        out=tmp_path / "again-results.xlsx",
        wiring=Wiring(transport=SandboxTransport(box), auth=StaticToken(TOKEN), clock=box.clock),
    )
    assert statuses(second) == {"unchanged": 25, "skipped": 1}
    assert len(box.log.committed_writes()) == writes


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--concurrency", "10000"], "--concurrency 10000: must be at most 512"),
        (["--concurrency", "0"], "--concurrency 0: must be at least 1"),
        (["--rate", "0"], "--rate 0: must be more than 0"),
    ],
)
def test_a_flag_out_of_range_is_one_line_and_exit_two(
    flags: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Flags are validated as settings: out of range, one line naming the flag, exit 2,
    and nothing is run."""
    out = tmp_path / "r.xlsx"
    assert main(["run", str(SAMPLE), "--sandbox", "-o", str(out), *flags]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"bulkops: error: {said}"
    assert not out.exists()
