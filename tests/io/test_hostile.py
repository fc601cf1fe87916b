"""Untrusted input and inert output: bounded reading, fuzzed CSV, no formulas written,
secrets never taken where they would leak."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bulkops.cli import main
from bulkops.errors import InputError
from bulkops.io.tables import open_workbook
from tests.conftest import ROOT

_READ_UNDER_LIMIT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (512 * 2**20, 512 * 2**20))
from bulkops.actions import validate
from bulkops.errors import BulkopsError
try:
    validate(sys.argv[1], write_report=False)
except BulkopsError as error:
    print("refused:", error)
"""


def test_a_zip_bomb_is_refused_within_a_memory_limit(tmp_path: Path) -> None:
    """Under a 512 MB address-space limit, a workbook that would unpack to 180 MB of XML
    is refused cleanly (no MemoryError, no crash)."""
    from tests.conftest import write_xlsx

    path = write_xlsx(tmp_path / "routes.xlsx", [["Action"], ["create"]])
    block = b"<row/>" * 100_000
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as stream,
    ):
        for _ in range(300):
            stream.write(block)
    done = subprocess.run(
        [sys.executable, "-c", _READ_UNDER_LIMIT, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-1000:]
    assert "refused:" in done.stdout
    assert "zip bomb" in done.stdout


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600))
def test_any_bytes_as_csv_read_or_refused_clearly(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    """Whatever bytes a file holds, reading it gives rows or one InputError, nothing else."""
    path = tmp_path_factory.mktemp("fuzz") / "routes.csv"
    path.write_bytes(data)
    refused: InputError | None = None
    try:
        book = open_workbook(path)
        for name in book.sheet_names:
            sheet = book.sheet(name)
            list(sheet.rows)
    except InputError as error:
        refused = error
    if refused is not None:
        assert str(refused).startswith(str(path))


def test_results_hold_no_formula_whatever_the_input(tmp_path: Path) -> None:
    """Cells that look like formulas in the input are written as text in the results."""
    from tests.conftest import write_csv

    path = write_csv(
        tmp_path / "routes.csv",
        [
            ["Action", "Route Name", "Group ID", "Tracking Number", "Ring To Number", "Notes"],
            [
                "create",
                '=HYPERLINK("http://x","y")',
                "70035",
                "4045550100",
                "4045550123",
                "+cmd|' /C calc'!A0",
            ],
            ["create", "@SUM(1+1)", "70035", "4045550101", "4045550123", "-2+3"],
        ],
    )
    out = tmp_path / "results.xlsx"
    assert main(["run", str(path), "--sandbox", "--rate", "100", "-o", str(out)]) in (0, 1)
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml
                assert b"<f " not in xml


def test_a_token_on_the_command_line_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """--token is not taken (shell history, ps): the message says what to do instead."""
    assert main(["run", str(ROOT / "samples" / "routes.xlsx"), "--token", "abc123"]) == 2
    err = capsys.readouterr().err
    assert "CONVIRZA_TOKEN" in err
    assert "abc123" not in err


def test_login_refuses_plain_http_to_other_hosts() -> None:
    """A password only travels over https (plain http only to 127.0.0.1)."""
    from bulkops.actions import login
    from bulkops.errors import ConfigError

    with pytest.raises(ConfigError, match="https"):
        login("a@b.example", "secret", oauth_url="http://oauth.example.com")
