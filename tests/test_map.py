"""`bulkops map`: another system's sheet into a template, through a mapping (issue 14)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bulkops import actions
from bulkops.cli import main
from bulkops.errors import UsageError
from bulkops.mapping import IGNORED, MAPPING_SHEET, MappingProblems
from bulkops.model.outcome import Status
from tests.conftest import ROOT
from tests.test_run import run, sandbox

FOREIGN = ROOT / "samples" / "foreign" / "calltrack-export.csv"
MAPPING = FOREIGN.with_name("calltrack-export.mapping.xlsx")


def _rows(path: Path) -> list[dict[str, Any]]:
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]


def _mapping(path: Path) -> dict[str, list[Any]]:
    """The mapping's rows by their Column (a list per label: '(ignored)' may repeat)."""
    found: dict[str, list[Any]] = {}
    for row in load_workbook(path)[MAPPING_SHEET].iter_rows(min_row=2, values_only=True):
        found.setdefault(str(row[0]), []).append(list(row))
    return found


def _edit(path: Path, out: Path, column: str, **cells: Any) -> Path:
    """A copy of the mapping with cells of `column`'s row changed (by header)."""
    book = load_workbook(path)
    sheet = book[MAPPING_SHEET]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == column:
            for name, value in cells.items():
                row[header.index(name)].value = value
            break
    else:
        sheet.append([column, *(cells.get(h) for h in header[1:])])
    book.save(out)
    return out


def _foreign(tmp_path: Path, name: str, edit: dict[int, dict[str, str]] | None = None) -> Path:
    with FOREIGN.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for index, cells in (edit or {}).items():
        rows[index].update(cells)
    path = tmp_path / name
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list({k: 0 for r in rows for k in r}))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_suggestion_matches_the_export_by_name_and_leaves_the_rest(tmp_path: Path) -> None:
    """Names and the words call-tracking exports use, one foreign column each; Source (no
    column of a route takes a source's name) is ignored; the group is left to fill."""
    foreign = shutil.copy(FOREIGN, tmp_path / "export.csv")
    result = actions.map_foreign(foreign, "routes")
    assert result.suggested
    assert result.mapping_path == tmp_path / "export.mapping.xlsx"
    rows = _mapping(result.mapping_path)
    taken = {label: found[0][1] for label, found in rows.items() if found[0][1]}
    assert taken == {"Tracking Number": "Tracking Number", "Route Name": "Name",
                     "Ring To Number": "Destination", "Record Calls": "Recording",
                     "Route Status": "Status", IGNORED: "Source"}  # fmt: skip
    assert rows["Action"][0][2] == "create"
    assert rows["Group ID"][0][1] is None
    assert "needed to create" in rows["Group ID"][0][5]
    with pytest.raises(UsageError, match="exists: give it with --mapping"):
        actions.map_foreign(foreign, "routes")


def test_the_committed_mapping_makes_routes_that_run_green(tmp_path: Path) -> None:
    """The sample export through its mapping: a template-form workbook whose rows all
    succeed on the sandbox; Paused became inactive, Yes/No what the template takes."""
    result = actions.map_foreign(FOREIGN, "routes", mapping=MAPPING, out=tmp_path / "r.xlsx")
    assert result.report is not None
    assert result.report.valid
    assert result.rows == 6
    rows = _rows(tmp_path / "r.xlsx")
    assert [r["Route Status"] for r in rows].count("inactive") == 2
    assert {r["Group ID *"] for r in rows} == {
        "Peachtree Dental Group/Atlanta Metro/Downtown Dental"
    }
    box = sandbox()
    ran = run(tmp_path / "r.xlsx", box, tmp_path)
    assert [o.status for o in ran.outcomes] == [Status.SUCCEEDED] * 6
    routes = {r["provisioned_route_name"]: r for r in box.store.records("routes")}
    paused = routes["Downtown Dental - Yelp"]
    assert paused["provisioned_route_status"] == "inactive"
    assert paused["phone_number"] == "4045550143"

    def recorded(name: str) -> Any:
        return routes[name]["routing_configuration"]["config"]["record_call"]

    assert recorded("Downtown Dental - Yelp") != recorded("Downtown Dental - Direct Mail")


def test_a_problem_names_the_foreign_cell_it_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = _foreign(tmp_path, "bad.csv", {4: {"Destination": "555-01"}})
    code = main(["map", str(foreign), "--to", "routes", "--mapping", str(MAPPING)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Routes!H6 (Ring To Number) [555-01]" in err
    assert "(from column 'Destination' row 6 of bad.csv)" in err
    assert (tmp_path / "bad.routes.xlsx").exists()


def test_the_next_wave_reuses_the_mapping_without_a_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another export of the same shape, plus a column the mapping does not know: written
    at once, that column named as left out."""
    foreign = _foreign(tmp_path, "wave2.csv", {0: {"Notes": "call back"}})
    code = main(["map", str(foreign), "--to", "routes", "--mapping", str(MAPPING)])
    err = capsys.readouterr().err
    assert code == 0
    assert "'Notes' of wave2.csv not in the mapping: left out" in err
    assert len(_rows(tmp_path / "wave2.routes.xlsx")) == 6


@pytest.mark.parametrize(
    ("column", "cells", "said"),
    [
        ("Route Name", {"From": "Nmae"},
         "row 3: From 'Nmae' is not a column of calltrack-export.csv (did you mean 'Name'?)"),
        ("Caller ID Shown", {"From": "Name"},
         "'Name' of calltrack-export.csv is mapped to Route Name already (row 3)"),
        ("Route Status", {"Values": None},
         "row 4: Route Status: 'Paused' (rows 5, 7) of column 'Status' of "
         "calltrack-export.csv is no value it takes (active, inactive)"),
        ("Group ID", {"Constant": None}, "row 5: Group ID is needed to create"),
        ("Ring To", {"From": "Destination"}, "'Ring To' is not a column of the routes template"),
        ("Route Name", {"Column": "Route Name", "From": None, "Constant": "x"}, None),
    ],
)  # fmt: skip
def test_a_bad_mapping_is_refused_at_its_row_and_nothing_is_written(
    tmp_path: Path, column: str, cells: dict[str, Any], said: str | None
) -> None:
    mapping = _edit(MAPPING, tmp_path / "m.xlsx", column, **cells)
    out = tmp_path / "out.xlsx"
    if said is None:  # (the control: a Constant instead of a column is a good mapping)
        assert actions.map_foreign(FOREIGN, "routes", mapping=mapping, out=out).rows == 6
        return
    with pytest.raises(MappingProblems) as refused:
        actions.map_foreign(FOREIGN, "routes", mapping=mapping, out=out)
    assert any(said in line for line in refused.value.lines), refused.value.lines
    assert not out.exists()


def test_two_rows_for_one_column_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = load_workbook(MAPPING)
    book[MAPPING_SHEET].append(["Ring To Number", "Source"])
    book.save(tmp_path / "m.xlsx")
    code = main(["map", str(FOREIGN), "--to", "routes", "--mapping", str(tmp_path / "m.xlsx"),
                 "-o", str(tmp_path / "out.xlsx")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "Ring To Number is given already at row 8: keep one row per template column" in err
    assert "nothing was written" in err
    assert not (tmp_path / "out.xlsx").exists()
