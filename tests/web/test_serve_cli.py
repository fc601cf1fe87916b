"""`bulkops serve`: what it prints before serving (the address, the sandbox, the TLS
warning beyond this machine), with the serving itself stubbed out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import bulkops.web
from bulkops.cli import main


@pytest.mark.parametrize(("host", "warned"), [("127.0.0.1", False), ("0.0.0.0", True)])
def test_serve_prints_the_address_and_warns_beyond_loopback(
    host: str, warned: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    served: list[Any] = []
    monkeypatch.setattr(bulkops.web, "serve", lambda config, listening: served.append(config))
    code = main(["serve", "--sandbox", "--host", host, "--port", "0",
                 "--data-dir", str(tmp_path / "data")])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith(f"bulkops page on http://{host}:")
    assert "SANDBOX" in err
    assert ("TLS" in err) is warned
    assert served[0].sandbox
    assert served[0].data_dir == tmp_path / "data"
    assert host in served[0].hosts


def test_a_data_folder_it_cannot_write_or_a_port_out_of_range_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bulkops.web, "serve", lambda config, listening: None)
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    code = main(["serve", "--sandbox", "--port", "0", "--data-dir", str(blocker / "data")])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""  # (no address printed for a page that cannot serve)
    assert err.strip().splitlines() == [
        f"bulkops: error: --data-dir {blocker / 'data'}: the page cannot keep uploads there "
        "(Not a directory): choose a folder you can write to"
    ]
    code = main(["serve", "--sandbox", "--port", "99999", "--data-dir", str(tmp_path / "d")])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Invalid value for '--port': Input should be less than or equal to 65535" in err
    assert "Traceback" not in err
    assert "internal error" not in err
