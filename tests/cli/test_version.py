"""`bulkops --version`, and a one-row run says "1 row"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bulkops.cli import main
from bulkops.cli.run import render_summary
from bulkops.version import VERSION
from tests.resources.test_account import book
from tests.test_run import run, sandbox


def test_version_is_printed(capsys: Any) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"bulkops {VERSION}"


def test_one_row_is_one_row(tmp_path: Path) -> None:
    path = book(tmp_path / "t.xlsx", {"Tags": [["Action", "Tag Name"], ["create", "Solo"]]})
    summary = render_summary(run(path, sandbox(), tmp_path))
    assert summary.startswith("run of 1 row against ")
