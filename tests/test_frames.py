"""The notebook API: DataFrames in and out, through the CLI's own functions (issue 14)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

import bulkops
from bulkops.model.outcome import Status
from tests.conftest import ROOT


def test_pandas_is_loaded_by_the_notebook_functions_only() -> None:
    """`import bulkops`, its other names and the CLI never import pandas."""
    code = (
        "import sys, bulkops; bulkops.validate; bulkops.catalogue; "
        "from bulkops.cli import main; main(['resources']); "
        "print('pandas' in sys.modules)"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)  # fmt: skip
    assert ran.stdout.strip().splitlines()[-1] == "False"


def test_read_workbook_gives_a_frame_per_sheet_indexed_by_excel_row() -> None:
    frames = bulkops.read_workbook(ROOT / "samples" / "routes.xlsx")
    routes = frames["Routes"]
    report = bulkops.validate(ROOT / "samples" / "routes.xlsx", write_report=False)
    assert len(routes) == report.sheets[0].rows + routes["Action"].isna().sum()
    assert routes.index.name == "row"
    assert routes.index[0] == 2


def test_export_edit_validate_and_run_a_frame() -> None:
    """The account's routes as a frame; one cell edited, one broken: validate names the
    broken one by the frame's row; a dry run plans the edit (old -> new) and refuses the
    broken row; a run sends the edit."""
    routes = bulkops.export_frame("routes", sandbox=True)
    assert len(routes) == 12
    assert routes["Route ID"].tolist()[0] == 12001  # an id, as an int
    edited = routes.copy()
    edited.loc[edited["Route ID"] == 12001, "Ring To Number *"] = "4045550111"
    edited.loc[edited["Route ID"] == 12002, "Ring To Number *"] = "555"
    problems = bulkops.validate_frame(edited, "routes")
    errors = problems[problems["severity"] == "error"]
    assert errors[["row", "column", "code"]].values.tolist() == [
        [3, "Ring To Number", "invalid-phone"]
    ]
    planned = bulkops.run_frames(edited, resource="routes", sandbox=True, dry_run=True)
    by_id = planned.set_index("Route ID")
    assert by_id.loc[12001, "Result: Status"] == Status.PLANNED.value
    assert by_id.loc[12001, "Result: Changes"] == "Ring To Number: 4045550123 → 4045550111"
    assert by_id.loc[12002, "Result: Status"] == Status.INVALID.value
    assert by_id.loc[12003, "Result: Status"] == Status.UNCHANGED.value
    ran = bulkops.run_frames(edited.drop(index=3), resource="routes", sandbox=True)
    statuses = ran.set_index("Route ID")["Result: Status"]
    assert statuses[12001] == Status.SUCCEEDED.value
    assert set(statuses.drop(12001)) == {Status.UNCHANGED.value}


def test_several_frames_run_as_one_workbook(tmp_path: Path) -> None:
    """A sheet -> frame mapping: one run in dependency order, one results frame with a
    Sheet column; the workbook, its results and journal kept in `folder`."""
    groups = pd.DataFrame({"Action": ["create"], "Group Name": ["Notebook Office"],
                           "Parent Group": ["Peachtree Dental Group"]})  # fmt: skip
    tags = pd.DataFrame({"Action": ["create", "create"], "Tag Name": ["From a notebook", "Two"],
                         "Group": ["Peachtree Dental Group/Notebook Office", None]})  # fmt: skip
    ran = bulkops.run_frames({"Groups": groups, "Tags": tags}, sandbox=True, folder=tmp_path)
    assert ran["Sheet"].tolist() == ["Groups", "Tags", "Tags"]
    assert set(ran["Result: Status"]) == {Status.SUCCEEDED.value}
    assert (tmp_path / "frames.results.xlsx").exists()
