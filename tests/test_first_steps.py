"""What a new user trips over (issue 16): Excel's error cells, misspelt headers, templates
run untouched, resume commands pasted as printed, a first request that fails."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from bulkops import actions
from bulkops.cli import main
from bulkops.cli.run import _resume_command
from bulkops.config import Settings
from bulkops.errors import ConfigError, UsageError
from bulkops.paths import journal_for
from tests.conftest import ROOT
from tests.test_run import run, sandbox

HEADER = ["Action", "Route ID", "Call Value", "Record Calls"]


def _xlsx(path: Path, rows: list[list[object]], errors: dict[str, str] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Routes"
    for row in rows:
        sheet.append(row)
    for ref, text in (errors or {}).items():  # a cell Excel saved holding an error
        sheet[ref].value = text
        sheet[ref].data_type = "e"
    book.save(path)
    return path


def test_excel_error_cells_are_problems_at_their_cell(tmp_path: Path) -> None:
    """#N/A in a saved workbook (calamine reads it as blank) and #REF! typed into a CSV
    Excel wrote are problems at their cell: the row is not sent, the field not left as is."""
    path = _xlsx(tmp_path / "e.xlsx", [HEADER, ["update", 12001, 0, "Yes"]], {"C2": "#N/A"})
    report = actions.validate(path, write_report=False)
    [problem] = report.problems
    assert (problem.code, problem.cell, problem.value) == ("excel-error", "C2", "#N/A")
    assert "Excel's error for a formula that failed" in problem.message
    box = sandbox()
    result = run(path, box, tmp_path)
    assert result.counts() == {"invalid": 1}
    assert box.log.writes() == []
    csv = tmp_path / "routes.csv"
    csv.write_text("Action,Route ID,Call Value\nupdate,12001,#REF!\n", encoding="utf-8")
    [problem] = actions.validate(csv, write_report=False).problems
    assert (problem.code, problem.cell) == ("excel-error", "C2")


def test_a_misspelt_header_blocks_the_rows_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'Recrod Calls' would drop every row's value: an error naming the column meant, and
    no row is sent; --allow-unknown-columns ignores it (a warning, printed by run too)."""
    rows = [["Action", "Route ID", "Recrod Calls", "Notes"], ["update", 12001, "Yes", "x"]]
    path = _xlsx(tmp_path / "m.xlsx", rows)
    codes = {p.code: p for p in actions.validate(path, write_report=False).problems}
    assert set(codes) == {"misspelt-column", "unknown-column"}
    assert "did you mean 'Record Calls'?" in codes["misspelt-column"].message
    box = sandbox()
    blocked = run(path, box, tmp_path)
    assert blocked.counts() == {"invalid": 1}
    assert "a header looks misspelt" in blocked.outcomes[0].message
    allowed = actions.validate(path, write_report=False, allow_unknown_columns=True)
    assert [p.code for p in allowed.problems] == ["unknown-column", "unknown-column"]
    assert allowed.valid
    assert main(["run", str(path), "--sandbox", "--allow-unknown-columns"]) == 0
    err = capsys.readouterr().err
    assert "2 warnings in the workbook (as validate says)" in err
    assert "'Recrod Calls' is not a routes column: did you mean 'Record Calls'? It is" in err


def test_a_template_run_untouched_sends_nothing_and_is_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "routes.xlsx"
    assert main(["template", "routes", "-o", str(out)]) == 0
    box = sandbox()
    result = run(out, box, tmp_path)
    assert result.counts() == {"skipped": 1}  # the example row: Action skip
    assert box.log.writes() == []
    capsys.readouterr()
    assert main(["template", "routes", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("routes.xlsx exists (filled in, perhaps): choose another -o, or --force "
                        "to overwrite it")  # fmt: skip
    assert main(["template", "routes", "-o", str(out), "--force"]) == 0
    with pytest.raises(UsageError):
        actions.template_all(tmp_path / "routes.xlsx")


def test_the_resume_command_carries_every_flag_the_run_needs() -> None:
    flags = {"yes": True, "resource": "routes", "encoding": "cp1252", "include_hidden": True,
             "allow_unknown_columns": False, "rate": 5.0, "concurrency": 2,
             "variant": ["phones=e164"], "verify": False, "plan": None,
             "allow_drift": False}  # fmt: skip
    said = _resume_command(Path("my routes.csv"), Path("out.xlsx"), True, flags)
    assert said == (
        "bulkops run 'my routes.csv' --resume -o out.xlsx --sandbox --yes --resource routes "
        "--encoding cp1252 --include-hidden --rate 5.0 --concurrency 2 --variant phones=e164 "
        "--no-verify"
    )


def test_a_stale_failed_rows_workbook_goes_once_nothing_is_left_to_fix(tmp_path: Path) -> None:
    source = tmp_path / "groups.xlsx"
    source.write_bytes((ROOT / "samples" / "groups.xlsx").read_bytes())
    stale = tmp_path / "out" / "groups.failed.xlsx"
    stale.parent.mkdir()
    stale.write_bytes(b"rows an earlier run could not send")
    result = run(source, sandbox(), tmp_path / "out", yes=True)
    assert result.ok
    assert result.failed_path is None
    assert not stale.exists()


def test_a_first_request_that_fails_is_retried_then_named(tmp_path: Path) -> None:
    """A 503 on the preflight is retried like any request; when it keeps failing, one line
    names the request and the error, and the journal does not call the file interrupted."""
    path = ROOT / "samples" / "groups.xlsx"
    flaky = sandbox("503:limit=2@GET /auth/profile")
    assert run(path, flaky, tmp_path, yes=True).ok
    down = sandbox("503@GET /auth/profile")
    with pytest.raises(ConfigError) as refused:
        run(path, down, tmp_path / "down", yes=True)
    said = str(refused.value)
    assert said.startswith("the first request (GET ")
    attempts = Settings().max_attempts
    assert f"/auth/profile, which checks the credentials) failed {attempts} times: HTTP 503" in said
    assert "nothing was sent" in said
    assert down.log.writes() == []
    journal = journal_for(tmp_path / "down" / "results.xlsx")
    state = sqlite3.connect(journal).execute("SELECT value FROM meta WHERE key='state'")
    assert state.fetchone() == ("finished",)
    assert run(path, sandbox(), tmp_path / "down", yes=True).ok  # no --resume asked for


def test_one_file_gets_one_answer_from_validate_and_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A header-only sheet: exit 2 from both, with the same line."""
    path = tmp_path / "routes.csv"
    path.write_text("Action,Route Name,Group ID\n", encoding="utf-8")
    assert main(["validate", str(path), "--no-report"]) == 2
    said = capsys.readouterr().err
    assert main(["run", str(path), "--sandbox"]) == 2
    assert said.strip() in capsys.readouterr().err
    assert "no data rows" in said


def test_clashes_the_account_would_refuse_are_found_before_sending(tmp_path: Path) -> None:
    """One tracking number on two routes (one sheet), one route in two sheets: problems at
    the second row's cell, naming the first; only the second row is held back."""
    from tests.resources.test_account import book

    header = ["Action", "Route ID", "Route Name", "Group ID", "Tracking Number", "Ring To Number"]
    path = book(tmp_path / "c.xlsx", {
        "Routes": [header,
                   ["create", None, "First", 70035, "4045550100", "4045550123"],
                   ["create", None, "Second", 70035, "4045550100", "4045550123"],
                   ["update", 12001, None, None, None, "4045550111"]],
        "Routes (2)": [header, ["update", 12001, None, None, None, "4045550122"]],
    })  # fmt: skip
    report = actions.validate(path, write_report=False)
    found = {(p.code, p.sheet, p.cell): p.message for p in report.problems}
    assert found[("duplicate-value", "Routes", "E3")] == (
        "row 2 already gives Tracking Number 4045550100: one route only may have it; keep it "
        "on one row"
    )
    assert found[("duplicate-id", "Routes (2)", "B2")] == (
        "sheet 'Routes' row 4 already acts on this route (Route ID 12001): keep one row per object"
    )
    assert len(found) == 2
    result = run(path, sandbox(), tmp_path)
    statuses = {(o.sheet, o.row): o.status.value for o in result.outcomes}
    assert statuses == {("Routes", 2): "succeeded", ("Routes", 3): "invalid",
                        ("Routes", 4): "succeeded", ("Routes (2)", 2): "invalid"}  # fmt: skip


@pytest.mark.parametrize("command", [["run"], ["validate"], ["export"], ["undo"], ["template"],
                                     ["sandbox", "serve"]])  # fmt: skip
def test_help_names_values_plainly(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """No '<bool>' beside a flag (it takes no value), no '<str>' or '<list[str]>' tags."""
    assert main([*command, "--help"]) == 0
    shown = capsys.readouterr().out
    assert "Usage:" in shown
    for tag in ("<bool>", "<str>", "<list[str]>", "<float>", "<int>", "<path>"):
        assert tag not in shown


def test_a_resource_may_be_named_in_the_singular(tmp_path: Path) -> None:
    from bulkops.resources import get_resource

    assert get_resource("route").name == "routes"
    assert get_resource("Voice Agent").name == "voice-agents"
    with pytest.raises(UsageError, match="unknown resource 'zebra'"):
        get_resource("zebra")
    assert main(["template", "user", "-o", str(tmp_path / "u.xlsx")]) == 0


def test_a_taken_port_is_one_line_before_any_banner(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["sandbox", "serve", "--port", str(port)]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""  # no banner, no base URL to copy
    assert printed.err.strip() == (
        f"bulkops: error: port {port} on 127.0.0.1 is in use (another sandbox, or another "
        "server): choose another with --port"
    )


def test_a_dropped_connection_fault_is_not_logged_as_a_crash() -> None:
    import logging

    from bulkops.sandbox.server import _Dropped, _QuietDrops

    quiet = _QuietDrops()
    try:
        raise _Dropped("sandbox fault: connection dropped")
    except _Dropped:
        import sys

        said = "Exception in ASGI application"
        dropped = logging.LogRecord("uvicorn.error", logging.ERROR, "", 0, said, (),
                                    sys.exc_info())  # fmt: skip
    other = logging.LogRecord("uvicorn.error", logging.ERROR, "", 0, "boom", (), None)
    assert not quiet.filter(dropped)
    assert quiet.filter(other)


def test_results_sheets_keep_the_header_and_action_in_view_with_a_filter(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    result = run(ROOT / "samples" / "groups.xlsx", sandbox(), tmp_path, yes=True)
    assert result.results_path is not None
    sheet = load_workbook(result.results_path)["Groups"]
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
        f"{sheet.max_row}"  # fmt: skip
