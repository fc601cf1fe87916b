"""Applying exactly a signed-off plan: `bulkops run FILE --plan FILE.plan.xlsx` refuses
another input, another account or an edited plan, and does not send a row whose object
changed since the plan saw it (`drifted`) unless --allow-drift."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bulkops.errors import UsageError
from bulkops.model.outcome import Status
from bulkops.sandbox import Sandbox
from tests.test_export import export
from tests.test_run import run, sandbox


def _edited(box: Sandbox, tmp: Path) -> Path:
    """An export of the routes with route 12001's Ring To changed."""
    result = export(box, tmp / "routes.xlsx", "routes")
    book = load_workbook(result.path)
    sheet = book["Routes"]
    header = [str(c.value).rstrip(" *") for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Ring To Number") + 1).value = "4045550999"
    book.save(tmp / "edited.xlsx")
    return tmp / "edited.xlsx"


def _plan(box: Sandbox, path: Path, tmp: Path) -> Path:
    planned = run(path, box, tmp / "plan", dry_run=True)
    assert planned.counts()["planned"] == 1
    return planned.results_path


def _by_row(result: Any) -> dict[int, Any]:
    return {o.row: o for o in result.outcomes}


def test_the_plan_is_applied_as_signed_off(tmp_path: Path) -> None:
    box = sandbox()
    path = _edited(box, tmp_path)
    plan = _plan(box, path, tmp_path)
    writes = len(box.log.writes())
    applied = run(path, box, tmp_path / "applied", plan=plan)
    assert applied.counts() == {"succeeded": 1, "unchanged": len(applied.outcomes) - 1}
    [write] = box.log.writes()[writes:]
    assert (write.method, write.path) == ("PATCH", "/v3/provisioned-routes/12001")


def test_a_row_whose_object_moved_since_the_plan_is_not_sent(tmp_path: Path) -> None:
    """Someone changed route 12001's ring-to, and route 12002's recording, after the
    plan: the first is drifted (naming the field no longer as planned), the second was
    planned unchanged and now would update: drifted too. Nothing is sent for either;
    --allow-drift sends them."""
    box = sandbox()
    path = _edited(box, tmp_path)
    plan = _plan(box, path, tmp_path)
    for route_id, key, value in ((12001, "ringto", "4045550777"), (12002, "record_call", True)):
        route = box.store.get("routes", route_id)
        assert route is not None
        route["routing_configuration"]["config"][key] = value
        box.store.put("routes", route_id, route)
    writes = len(box.log.writes())
    applied = _by_row(run(path, box, tmp_path / "applied", plan=plan))
    assert applied[2].status is Status.DRIFTED
    assert "the object changed since the plan (Ring To Number no longer as planned)" in (
        applied[2].message
    )
    assert applied[3].status is Status.DRIFTED
    assert "the plan said unchanged; now it would update" in applied[3].message
    assert box.log.writes()[writes:] == []
    forced = _by_row(run(path, box, tmp_path / "forced", plan=plan, allow_drift=True))
    assert forced[2].status is Status.SUCCEEDED
    assert forced[3].status is Status.SUCCEEDED


def test_another_input_an_edited_plan_or_another_account_is_refused(tmp_path: Path) -> None:
    box = sandbox()
    path = _edited(box, tmp_path)
    plan = _plan(box, path, tmp_path)
    other = tmp_path / "other.xlsx"
    book = load_workbook(path)
    book["Routes"].cell(row=3, column=3).value = "Renamed"
    book.save(other)
    with pytest.raises(UsageError, match="changed since the plan"):
        run(other, box, tmp_path / "x", plan=plan)
    edited = load_workbook(plan)
    sheet = edited["Routes"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("Result: Status") + 1).value = "planned"
    edited.save(tmp_path / "edited-plan.xlsx")
    with pytest.raises(UsageError, match="the plan was edited after it was made"):
        run(path, box, tmp_path / "x", plan=tmp_path / "edited-plan.xlsx")
    moved = load_workbook(plan)
    for row in moved["Summary"].iter_rows():
        if row[0].value == "Target":
            row[1].value = "https://other.example/v3"
    moved.save(tmp_path / "moved-plan.xlsx")
    against = re.escape("was made against https://other.example/v3, not https://platform-api")
    with pytest.raises(UsageError, match=against):
        run(path, box, tmp_path / "x", plan=tmp_path / "moved-plan.xlsx")
    with pytest.raises(UsageError, match="not a plan"):
        run(path, box, tmp_path / "x", plan=path)
    with pytest.raises(UsageError, match="leave --dry-run out"):
        run(path, box, tmp_path / "x", plan=plan, dry_run=True)


def test_a_row_the_plan_found_would_fail_fails_unsent_with_its_reason(tmp_path: Path) -> None:
    """The plan said route 12001's row would fail (its webhook is not in the account):
    applying the plan sends nothing for it and says why, in the plan's words."""
    box = sandbox()
    result = export(box, tmp_path / "routes.xlsx", "routes")
    book = load_workbook(result.path)
    sheet = book["Routes"]
    header = [str(c.value).rstrip(" *") for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Webhook ID") + 1).value = 999
    sheet.cell(row=3, column=header.index("Ring To Number") + 1).value = "4045550999"
    book.save(tmp_path / "edited.xlsx")
    path = tmp_path / "edited.xlsx"
    planned = run(path, box, tmp_path / "plan", dry_run=True)
    assert _by_row(planned)[2].status is Status.FAILED
    writes = len(box.log.writes())
    applied = _by_row(run(path, box, tmp_path / "applied", plan=planned.results_path))
    assert applied[2].status is Status.FAILED
    reason = _by_row(planned)[2].message.removeprefix("would fail: ")
    assert "Webhook ID 999" in reason
    assert applied[2].message == (
        f"not sent: the preview found it would fail ({reason}): fix the row, then preview it again"
    )
    [write] = box.log.writes()[writes:]  # row 3's update, as planned: row 2 sends nothing
    assert (write.method, write.path) == ("PATCH", "/v3/provisioned-routes/12002")
