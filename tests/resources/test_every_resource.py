"""What every resource must offer, whatever it is: a valid sample that runs green on the
demo account and converges, one invalid sample row per problem code it can raise, bodies
its strict wire model accepts, listings that export to rows that run unchanged, and its
line in the README. Parametrised over the registry, so a new resource is held to all of
it by adding its module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from bulkops.actions import validate
from bulkops.io.tables import open_workbook
from bulkops.model.payload import build_body
from bulkops.model.refs import Named, Ref
from bulkops.model.schema import Column, Kind
from bulkops.resources import RESOURCES, get_resource
from bulkops.resources.export import row_of
from bulkops.sandbox import Sandbox
from bulkops.sandbox.transport import SANDBOX_URL, SandboxTransport
from bulkops.sheets import select_sheets
from bulkops.validation import validate_sheet
from bulkops.validation.recipients import beside
from tests.conftest import ROOT
from tests.resources.test_account import book
from tests.test_run import TOKEN, run, sandbox

SAMPLES = ROOT / "samples"
NAMES = list(RESOURCES)
#: resources whose rows are plain CRUD (numbers are ordered and released by their own hook)
CRUD = [name for name, resource in RESOURCES.items() if resource.executor is None]


@pytest.mark.parametrize("name", [*NAMES, "new-account"])
def test_the_valid_sample_has_no_problem(name: str) -> None:
    """samples/<resource>.xlsx (and the new-account workbook) is valid as it is."""
    report = validate(SAMPLES / f"{name}.xlsx", write_report=False)
    assert report.problems == []
    assert report.rows >= 2


@pytest.mark.parametrize("name", NAMES)
def test_each_invalid_sample_row_yields_exactly_its_code(name: str) -> None:
    """Every row of samples/invalid/<resource>.xlsx breaks one rule and gets exactly that
    code, at that row."""
    path = SAMPLES / "invalid" / f"{name}.xlsx"
    workbook = open_workbook(path)
    [sheet_name] = workbook.sheet_names
    sheet = workbook.sheet(sheet_name)
    expected_column = sheet.header.index("Expected Problem")
    expected = {number: values[expected_column] for number, values in sheet.rows}
    report = validate(path, write_report=False)
    found: dict[int, list[str]] = {}
    for problem in report.problems:
        if problem.row != 1:
            assert problem.row is not None
            found.setdefault(problem.row, []).append(problem.code)
    for row, code in expected.items():
        assert found.get(row, []) == ([code] if code else []), f"row {row}"
    assert len({code for code in expected.values() if code}) >= 5
    header = [p.code for p in report.problems if p.row == 1]
    assert header == ["unknown-column"]  # the Expected Problem column itself


@pytest.mark.parametrize("name", NAMES)
def test_the_sample_runs_green_then_converges(name: str, tmp_path: Path) -> None:
    """samples/<resource>.xlsx runs green on the demo account, and a second run sends no
    write: the listings map back to the shape rows describe."""
    box: Sandbox = sandbox()
    path = SAMPLES / f"{name}.xlsx"
    first = run(path, box, tmp_path, yes=True)
    assert first.ok, [o.message for o in first.outcomes if not o.status.ok]
    assert first.counts().get("succeeded", 0) >= 2
    writes = len(box.log.writes())
    again = run(path, box, tmp_path / "again", yes=True)
    assert set(again.counts()) <= {"unchanged", "skipped"}, [
        o.message for o in again.outcomes if o.status.value not in ("unchanged", "skipped")
    ]
    assert len(box.log.writes()) == writes


def _stand_in(column: Column, value: Any) -> Any:
    """A reference as the value it resolves to: a number, or an id."""
    if not isinstance(value, Ref | Named):
        return value
    if column.kind is Kind.TEXT:  # a prompt's id is text
        return "qLMcUEqb_1660813454043"
    return "4045550100" if column.kind is Kind.PHONE else 80001


@pytest.mark.parametrize("name", [*NAMES, "new-account"])
def test_every_body_is_valid_on_the_wire(name: str) -> None:
    """Each sendable row of the sample (and of the template) builds a body its resource's
    strict wire model accepts; a reference stands for the id it will be."""
    paths = [SAMPLES / f"{name}.xlsx"]
    if name != "new-account":
        paths.append(ROOT / "templates" / f"{name}.xlsx")
    checked = 0
    with beside(SAMPLES / f"{name}.xlsx"):
        for path in paths:
            workbook = open_workbook(path)
            for sheet, resource in select_sheets(workbook):
                if resource.executor is not None:
                    continue  # numbers: no body of their own (OrderBody is built in place)
                for record in validate_sheet(resource, workbook.sheet(sheet)).records():
                    if not record.valid or record.action in ("skip", "delete"):
                        continue
                    values = {c: _stand_in(c, v) for c, v in record.values.items()}
                    resource.body_model.model_validate(build_body(resource, record.action, values))
                    checked += 1
    if name == "new-account" or get_resource(name).executor is None:
        assert checked >= 2


@pytest.mark.parametrize("name", CRUD)
def test_listed_objects_export_to_rows_that_run_unchanged(name: str, tmp_path: Path) -> None:
    """The GET mapping is export-ready: the account's objects (after the sample ran),
    listed and turned into update rows, validate cleanly and find every object already as
    described."""
    resource = get_resource(name)
    box = sandbox()
    run(SAMPLES / f"{name}.xlsx", box, tmp_path / "made", yes=True)
    with httpx.Client(transport=SandboxTransport(box), base_url=f"{SANDBOX_URL}/v3") as api:
        answer = api.get(
            resource.listing, params={"limit": 200}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
    listed = next(v for v in answer.json()["data"].values() if isinstance(v, list))
    assert len(listed) >= 2
    rows = [{"Action": "update", **row_of(resource, item)} for item in listed]
    labels = list(dict.fromkeys(label for row in rows for label in row))
    path = book(
        tmp_path / f"{name}.xlsx",
        {resource.sheet: [labels, *[[row.get(label, "") for label in labels] for row in rows]]},
    )
    report = validate(path, write_report=False)
    assert [p for p in report.problems if p.is_error] == []
    writes = len(box.log.writes())
    result = run(path, box, tmp_path)
    assert result.counts() == {"unchanged": len(listed)}, [o.message for o in result.outcomes]
    assert len(box.log.writes()) == writes


@pytest.mark.parametrize("name", NAMES)
def test_the_readme_lists_it_with_its_docs_page(name: str) -> None:
    """The README's resource table has a line for it, linking its column reference."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `{name}` | {get_resource(name).sheet} |" in readme
    assert f"(docs/columns-{name}.md)" in readme


@pytest.mark.parametrize("name", NAMES)
def test_stop_on_problems_gives_every_invalid_sample_row_a_status(
    name: str, tmp_path: Path
) -> None:
    """With --stop-on-problems, the invalid sample (rows with no valid action among them)
    sends nothing and still gives each row its status: invalid, or not attempted."""
    box = sandbox()
    result = run(SAMPLES / "invalid" / f"{name}.xlsx", box, tmp_path, stop_on_problems=True)
    assert result.held
    assert len(box.log) == 0
    assert set(result.counts()) <= {"invalid", "not_attempted", "skipped"}
    assert result.counts()["invalid"] >= 5
