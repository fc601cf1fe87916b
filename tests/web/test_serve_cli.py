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
