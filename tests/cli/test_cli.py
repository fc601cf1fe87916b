"""The command line: catalogue, validate's summary, JSON, report workbook and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bulkops.cli import main
from tests.conftest import ROOT, MakeFile

Capture = pytest.CaptureFixture[str]
BAD = [
    ["Action", "Route Name", "Group ID", "Tracking Number", "Ring To Number", "Notes"],
    ["create", "Main", "70035", "4045550100", "4045550101", "ok"],
    ["create", '=HYPERLINK("http://x")', "west", "4045550102", "123456789", "+cmd|' /C calc'!A0"],
    ["update", "", "", "", "1111111111", ""],
]


def test_resources_json_is_the_documented_catalogue(capsys: Capture) -> None:
    """`resources routes --json` prints resource, sheet, actions and every column's fields."""
    assert main(["resources", "routes", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["resource"] == "routes"
    assert doc["sheet"] == "Routes"
    assert doc["actions"] == ["create", "update", "replace", "upsert", "delete", "skip"]
    assert doc["default_action"] == "create"
    by_label = {c["label"]: c for c in doc["columns"]}
    for column in doc["columns"]:
        assert {"label", "path", "type", "required", "enum", "description", "example"} <= set(
            column
        )
    assert doc["columns"][0]["label"] == "Action"
    assert by_label["Route ID"]["path"] == "provisioned_route_id"
    rings = by_label["Overflow 1 Rings"]
    assert rings["path"] == "routing_configuration.config.overflowNumbers[1].rings"
    assert by_label["Ring To Number"]["required"] == ["create", "replace", "upsert"]
    assert by_label["Route Status"]["enum"] == ["active", "inactive"]
    assert sum(1 for c in doc["columns"] if c["label"].startswith("Overflow ")) == 10
    assert sum(1 for c in doc["columns"] if c["label"].startswith("Hunt ")) == 11
    assert sum(1 for c in doc["columns"] if c["label"].startswith("Custom Source ")) == 10


def test_resources_text_lists_columns(capsys: Capture) -> None:
    """Without --json the catalogue is readable text."""
    assert main(["resources"]) == 0
    assert "routes" in capsys.readouterr().out
    assert main(["resources", "routes"]) == 0
    out = capsys.readouterr().out
    assert "Ring To Number" in out
    assert "routing_configuration.config.ringto" in out
    assert main(["resources", "nope"]) == 2
    assert "unknown resource 'nope'" in capsys.readouterr().err


def test_validate_valid_sample_exits_zero(capsys: Capture) -> None:
    """The README's main command passes on the sample."""
    assert main(["validate", str(ROOT / "samples" / "routes.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "valid" in out
    assert "26 rows" in out


def test_validate_json_document(csvfile: MakeFile, capsys: Capture) -> None:
    """--json prints only the documented JSON document on stdout; exit 1 on errors."""
    path = csvfile(BAD)
    assert main(["validate", str(path), "--json", "--no-report"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is False
    assert doc["rows"] == 3
    keys = {"code", "severity", "sheet", "row", "column", "cell", "value", "message"}
    assert all(keys <= set(p) for p in doc["problems"])
    phone = next(p for p in doc["problems"] if p["code"] == "invalid-phone")
    assert phone == {
        "code": "invalid-phone",
        "severity": "error",
        "sheet": "routes",
        "row": 3,
        "column": "Ring To Number",
        "cell": "E3",
        "value": "123456789",
        "message": phone["message"],
    }
    assert "leading zero" in phone["message"]


def test_validate_summary_counts_and_first_problems(csvfile: MakeFile, capsys: Capture) -> None:
    """The human summary names the verdict, counts by code and shows cells with messages."""
    path = csvfile(BAD)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "NOT valid" in out
    assert "invalid-phone ×1" in out
    assert "routes!E3 (Ring To Number)" in out
    assert f"report: {path.with_name('routes.report.xlsx')}" in out


def test_report_workbook_highlights_cells_and_is_inert(csvfile: MakeFile, tmp_path: Path) -> None:
    """The report mirrors the input, fills problem cells with a note, lists every problem
    with a link to its cell, and holds no formula whatever the input held."""
    path = csvfile(BAD)
    out = tmp_path / "out" / "report.xlsx"
    assert main(["validate", str(path), "-o", str(out)]) == 1
    book = load_workbook(out)
    assert book.sheetnames == ["Problems", "routes"]
    problems = book["Problems"]
    header = [c.value for c in problems[1]]
    assert header == ["Severity", "Code", "Sheet", "Row", "Column", "Cell", "Value", "Message"]
    rows = [[c.value for c in r] for r in problems.iter_rows(min_row=2)]
    assert rows[[r[1] for r in rows].index("invalid-phone")][:6] == [
        "error",
        "invalid-phone",
        "routes",
        3,
        "Ring To Number",
        "E3",
    ]
    link = problems.cell(row=2 + [r[1] for r in rows].index("invalid-phone"), column=6)
    assert link.hyperlink is not None
    assert link.hyperlink.location == "'routes'!E3"
    mirror = book["routes"]
    bad = mirror["E3"]
    assert bad.value == "123456789"
    assert bad.fill.fgColor.rgb.endswith("F8CBAD")  # red: an error
    assert bad.comment is not None
    assert "leading zero" in bad.comment.text
    warn = mirror["E4"]
    assert warn.fill.fgColor.rgb.endswith("FFE699")  # amber: a warning
    assert mirror["B3"].value == '=HYPERLINK("http://x")'
    assert mirror["B3"].data_type == "s"
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)
                assert b"<f " not in archive.read(name)


def test_report_never_overwrites_the_input(csvfile: MakeFile, capsys: Capture) -> None:
    """-o naming the input file is refused, and the input is untouched."""
    path = csvfile(BAD)
    before = path.read_bytes()
    assert main(["validate", str(path), "-o", str(path)]) == 2
    assert "overwrite the input" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_valid_file_writes_no_report_unless_asked(csvfile: MakeFile, tmp_path: Path) -> None:
    """No problems, no report file beside the input; -o writes one anyway."""
    path = csvfile([row[:5] for row in BAD[:2]])
    assert main(["validate", str(path)]) == 0
    assert not path.with_name("routes.report.xlsx").exists()
    assert main(["validate", str(path), "-o", str(tmp_path / "r.xlsx")]) == 0
    assert load_workbook(tmp_path / "r.xlsx")["Problems"].max_row == 1


def test_usage_errors_exit_two(capsys: Capture) -> None:
    """An unknown option or command is a usage error (exit 2), not a traceback."""
    assert main(["validate"]) == 2
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_python_dash_m_runs_the_cli() -> None:
    """`python -m bulkops` is the same command line."""
    done = subprocess.run(
        [sys.executable, "-m", "bulkops", "resources", "routes", "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["resource"] == "routes"


def test_readme_opens_with_the_two_commands() -> None:
    """README starts with the main job and the test command; CI runs that test command."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```")[1]
    assert "bulkops run samples/routes.xlsx --sandbox" in block
    assert "./scripts/test" in block
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./scripts/test" in ci
    assert "./scripts/check" in ci
