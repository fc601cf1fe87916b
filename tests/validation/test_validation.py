"""Validation points at every mistake, one stable code per problem, at the right cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bulkops.actions import validate
from bulkops.model.problems import CODES, Severity
from bulkops.resources import RESOURCES
from tests.conftest import ROOT, MakeFile

SAMPLES = ROOT / "samples"
BASE = {
    "Action": "create",
    "Route Name": "Main",
    "Group ID": 70035,
    "Tracking Number": "4045550100",
    "Ring To Number": "4045550101",
}


def codes_of(path: Path) -> list[str]:
    return [p.code for p in validate(path, write_report=False).problems]


def sheet_of(cells: dict[str, Any]) -> list[list[Any]]:
    return [list(cells), list(cells.values())]


def test_the_valid_sample_has_no_problem_at_all() -> None:
    """samples/routes.xlsx is valid, without even a warning, and mixes every action."""
    report = validate(SAMPLES / "routes.xlsx", write_report=False)
    assert report.problems == []
    assert report.rows >= 20
    assert set(report.sheets[0].actions) == {
        "create",
        "update",
        "replace",
        "upsert",
        "delete",
        "skip",
    }


def test_header_and_file_samples() -> None:
    """The header sample shows the four header codes; the header-only one no-data-rows."""
    assert sorted(codes_of(SAMPLES / "invalid" / "routes-bad-header.csv")) == [
        "blank-header",
        "duplicate-column",
        "missing-column",
        "misspelt-column",
    ]
    assert codes_of(SAMPLES / "invalid" / "routes-no-data.csv") == ["no-data-rows"]
    assert codes_of(SAMPLES / "invalid" / "routes-title-rows.csv") == ["rows-above-header"]


def test_every_problem_code_has_an_invalid_sample() -> None:
    """A new problem code needs its broken sample row (or header/file sample)."""
    covered: set[str] = set()
    for name in RESOURCES:
        covered |= set(codes_of(SAMPLES / "invalid" / f"{name}.xlsx"))
    for extra in (
        "routes-bad-header.csv",
        "routes-no-data.csv",
        "routes-title-rows.csv",
        "routes-hidden.xlsx",
        "routes-hidden-sheet.xlsx",
    ):
        covered |= set(codes_of(SAMPLES / "invalid" / extra))
    included = validate(
        SAMPLES / "invalid" / "routes-hidden.xlsx", write_report=False, include_hidden=True
    )
    covered |= {p.code for p in included.problems}
    assert covered == set(CODES)


def test_what_nobody_sees_is_refused_unless_asked() -> None:
    """A hidden row and merged cells are errors at their place; a hidden sheet is one
    error; --include-hidden turns them into one warning and the rows count."""
    report = validate(SAMPLES / "invalid" / "routes-hidden.xlsx", write_report=False)
    found = {(p.code, p.row, p.cell) for p in report.problems}
    assert ("hidden-row", 3, None) in found
    assert ("merged-cells", 4, "C4") in found
    merged = next(p for p in report.problems if p.code == "merged-cells")
    assert "C4:D4" in merged.message
    assert report.invalid_rows == 2  # the hidden row and the merged one
    assert not report.valid
    hidden = validate(SAMPLES / "invalid" / "routes-hidden-sheet.xlsx", write_report=False)
    assert [p.code for p in hidden.problems] == ["hidden-sheet"]
    assert hidden.invalid_rows == 1
    used = validate(
        SAMPLES / "invalid" / "routes-hidden.xlsx", write_report=False, include_hidden=True
    )
    assert [p.code for p in used.problems] == ["hidden-included"]
    assert used.valid


@pytest.mark.parametrize(
    "header",
    [
        "Ring To Number",
        "ring to number",
        "RING_TO_NUMBER",
        "ring-to-number",
        "Ring To Number *",
        "routing_configuration.config.ringto",
        "ringto",
    ],
)
def test_headers_match_by_label_or_path_ignoring_case_and_separators(
    csvfile: MakeFile, header: str
) -> None:
    """Any spelling of a column's label or API path finds the column."""
    cells = dict(BASE)
    cells[header] = cells.pop("Ring To Number")
    assert codes_of(csvfile(sheet_of(cells))) == []


def test_missing_required_column_is_one_header_problem(csvfile: MakeFile) -> None:
    """A missing required column is reported once, naming it, and its rows cannot run."""
    cells = dict(BASE)
    del cells["Ring To Number"]
    other = {**cells, "Route Name": "Second", "Tracking Number": "4045550102"}
    path = csvfile([list(cells), list(cells.values()), list(other.values())])
    report = validate(path, write_report=False)
    [problem] = report.problems
    assert problem.code == "missing-column"
    assert problem.column == "Ring To Number"
    assert report.invalid_rows == 2


def test_duplicate_ids_and_names_point_at_the_first_row(csvfile: MakeFile) -> None:
    """Two rows on one id, or two creates of one name in one group, are errors."""
    rows = [
        ["Action", "Route ID", "Route Name", "Group ID", "Tracking Number", "Ring To Number"],
        ["delete", "7", "", "", "", ""],
        ["delete", "7", "", "", "", ""],
        ["create", "", "Main", "5", "4045550100", "4045550101"],
        ["create", "", "MAIN", "5", "4045550102", "4045550101"],
        ["create", "", "Main", "6", "4045550103", "4045550101"],
    ]
    report = validate(csvfile(rows), write_report=False)
    assert [(p.code, p.row, p.cell) for p in report.problems] == [
        ("duplicate-id", 3, "B3"),
        ("duplicate-key", 5, "C5"),
    ]
    assert "row 2" in report.problems[0].message
    assert "row 4" in report.problems[1].message


def test_update_trusts_the_server_for_blank_cells(csvfile: MakeFile) -> None:
    """Whisper switched on in an update with the message blank is fine (kept on the server),
    but not with the message cleared."""
    rows = [
        ["Action", "Route ID", "Whisper Enabled", "Whisper Message"],
        ["update", "7", "Yes", ""],
        ["update", "8", "Yes", "#CLEAR"],
    ]
    report = validate(csvfile(rows), write_report=False)
    assert [(p.code, p.cell) for p in report.problems] == [("whisper-without-message", "D3")]


def test_update_by_name_needs_no_id(csvfile: MakeFile) -> None:
    """An update row finds its route by name; without id or name it is missing-key."""
    rows = [
        ["Action", "Route ID", "Route Name", "Call Value"],
        ["update", "", "Main", "5"],
        ["update", "", "", "5"],
    ]
    report = validate(csvfile(rows), write_report=False)
    assert [(p.code, p.row) for p in report.problems] == [("missing-key", 3)]


def test_tracking_number_is_ignored_on_update_with_a_warning(csvfile: MakeFile) -> None:
    """A create-only cell on an update row is a warning, the row stays valid."""
    rows = [["Action", "Route ID", "Tracking Number"], ["update", "7", "4045550100"]]
    report = validate(csvfile(rows), write_report=False)
    [problem] = report.problems
    assert (problem.code, problem.severity) == ("ignored-value", Severity.WARNING)
    assert report.valid


def test_skip_rows_are_not_checked(csvfile: MakeFile) -> None:
    """A skipped row may hold anything."""
    rows = [["Action", "Route Name", "Group ID"], ["skip", "", "not a number"]]
    report = validate(csvfile(rows), write_report=False)
    assert report.problems == []
    assert report.sheets[0].actions == {"skip": 1}


def test_action_aliases_and_blank_action(csvfile: MakeFile) -> None:
    """'Edit' is update, 'Remove' delete, a blank Action create."""
    rows = [
        ["Action", "Route ID", "Route Name", "Group ID", "Tracking Number", "Ring To Number"],
        ["Edit", "7", "", "", "", ""],
        ["Remove", "8", "", "", "", ""],
        ["", "", "New", "5", "4045550100", "4045550101"],
    ]
    report = validate(csvfile(rows), write_report=False)
    assert report.problems == []
    assert report.sheets[0].actions == {"update": 1, "delete": 1, "create": 1}


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(csvfile: MakeFile) -> None:
    """Blank rows do not count and do not shift the row numbers of later problems."""
    rows = [list(BASE), list(BASE.values()), ["", "", "", "", ""], ["create", "X", "bad", "", ""]]
    report = validate(csvfile(rows), write_report=False)
    assert report.rows == 2
    assert {p.row for p in report.problems} == {4}


def test_list_gap_names_the_missing_position(csvfile: MakeFile) -> None:
    """Hunt 1 blank with Hunt 2 filled: the problem points at Hunt 1."""
    cells = {**BASE, "Hunt 1 Destination": "", "Hunt 2 Destination": "4045550199"}
    [problem] = validate(csvfile(sheet_of(cells)), write_report=False).problems
    assert problem.code == "list-gap"
    assert problem.column == "Hunt 1 Destination"


def test_every_code_is_documented() -> None:
    """Each code has a severity, a scope and a meaning, and docs/problems.md lists it."""
    text = (ROOT / "docs" / "problems.md").read_text()
    for code, (severity, scope, meaning) in CODES.items():
        assert isinstance(severity, Severity)
        assert scope in {"file", "header", "cell", "row"}
        assert meaning
        assert f"`{code}`" in text, code


def test_limits_on_columns_and_cells(csvfile: MakeFile, capsys: pytest.CaptureFixture[str]) -> None:
    """Over 1,000 columns is refused (exit 2); a cell over 32,767 characters is too-long."""
    from bulkops.cli import main

    wide = csvfile([[*BASE, *(f"x{i}" for i in range(1001))], list(BASE.values())])
    assert main(["validate", str(wide), "--no-report"]) == 2
    assert "1,006 columns (at most 1,000" in capsys.readouterr().err
    cells = {**BASE, "Voice Prompt": "x" * 40_000}
    [problem] = validate(
        csvfile(sheet_of(cells), name="routes-long.csv"), write_report=False
    ).problems
    assert (problem.code, problem.column) == ("too-long", "Voice Prompt")
    assert "40,000 characters" in problem.message
