"""The sandbox over real HTTP on 127.0.0.1, its SQLite storage, and its independence."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from bulkops.sandbox import Sandbox, SandboxTransport, Store, parse_faults
from bulkops.sandbox.server import asgi_app
from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served() -> Iterator[tuple[str, Sandbox]]:
    """A sandbox under uvicorn on a free loopback port, with a drop fault on DELETE."""
    box = Sandbox(faults=parse_faults("drop@DELETE"))
    box.grant("served-token", 84784)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(asgi_app(box), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the sandbox server did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}", box
    server.should_exit = True
    thread.join(5)


def test_http_server_answers_like_the_transport(served: tuple[str, Sandbox]) -> None:
    """Over a socket: the envelope, auth, a write, and a dropped connection."""
    root, box = served
    with httpx.Client(
        base_url=f"{root}/v3", headers={"Authorization": "Bearer served-token"}
    ) as client:
        answer = client.get("/provisioned-routes/12001")
        assert answer.status_code == 200
        assert answer.json()["data"]["provisioned_route_id"] == 12001
        assert client.patch("/provisioned-routes/12001", json={"call_value": 7}).status_code == 200
        assert client.get("/auth/profile", headers={"Authorization": ""}).status_code == 401
        with pytest.raises(httpx.RemoteProtocolError):
            client.delete("/tag/501")
    assert box.store.get("tags", 501) is None  # committed before the drop
    token = httpx.post(
        f"{root}/oauth/token",
        json={"email": "admin@demo.bulkops.test", "password": "demo-password"},
    )
    assert token.status_code == 200


def test_sqlite_store_survives_a_restart(tmp_path: Path) -> None:
    """With a database file, the account (and its id counters) outlive the process."""
    path = tmp_path / "demo.db"
    first = Sandbox(store=Store(path))
    first.grant("t", 84784)
    client = httpx.Client(
        transport=SandboxTransport(first),
        base_url="http://s/v3",
        headers={"Authorization": "Bearer t"},
    )
    made = client.post("/tag", json={"tag_name": "Persistent"}).json()["data"]["tag_id"]
    first.store.close()
    second = Sandbox(store=Store(path))
    assert second.store.get("tags", made)["tag_name"] == "Persistent"
    assert second.store.next_id("tags") == made + 1
    second.store.close()


def test_sandbox_never_imports_the_resource_models() -> None:
    """The sandbox is an independent reading of the contract: importing and using it
    loads nothing of bulkops's resources, validation or payload building."""
    code = (
        "import sys, bulkops.sandbox as s\n"
        "box = s.Sandbox(); box.grant('t', 84784)\n"
        "box.handle(s.Request('GET', '/v3/provisioned-routes/12001', {}, "
        "{'authorization': 'Bearer t'}))\n"
        "print(sorted(m for m in sys.modules if m.startswith('bulkops.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    loaded = done.stdout
    for forbidden in ("bulkops.resources", "bulkops.validation", "bulkops.io"):
        assert forbidden not in loaded, loaded
    imports = re.compile(
        r"^\s*(from|import)\s+bulkops\.(resources|validation|io|actions)\b", re.MULTILINE
    )
    for source in (ROOT / "bulkops" / "sandbox").rglob("*.py"):
        assert imports.search(source.read_text()) is None, source


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")  # stdin is not a terminal here
def test_login_and_logout_commands_over_http(
    served: tuple[str, Sandbox],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`bulkops login` asks for the password (stdin here), stores the pair 0600; a password
    on the command line is not accepted; `bulkops logout` revokes it."""
    import io
    import stat

    from bulkops.cli import main

    root, _box = served
    monkeypatch.setenv("BULKOPS_HOME", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("demo-password\n"))
    assert main(["login", "--email", "admin@demo.bulkops.test", "--oauth-url", root]) == 0
    out = capsys.readouterr().out
    assert "logged in as admin@demo.bulkops.test" in out
    assert "demo-password" not in out
    stored = tmp_path / "credentials.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert main(["login", "--password", "x"]) == 2
    assert main(["logout"]) == 0
    assert not stored.exists()
    assert "logged out" in capsys.readouterr().out


def test_canary_token_never_leaves_the_authorization_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real `bulkops run` over loopback with a canary CONVIRZA_TOKEN, with the server
    failing some creates after committing them and the debug switch on: no byte of stdout,
    stderr, results, failed rows or the journal (with its WAL) holds the token."""
    import base64
    import zipfile
    from urllib.parse import quote

    from bulkops.cli import main
    from tests.conftest import write_xlsx

    canary = "canary-Tk9vB2xQ7mR4"
    box = Sandbox(faults=parse_faults("lost-500:0.5@POST", seed=4))
    box.grant(canary, 84784)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(asgi_app(box), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        monkeypatch.setenv("CONVIRZA_TOKEN", canary)
        monkeypatch.setenv("CONVIRZA_BASE_URL", f"http://127.0.0.1:{port}/v3")
        monkeypatch.setenv("BULKOPS_DEBUG", "1")
        rows = [
            ["Action", "Route Name", "Group ID", "Tracking Number", "Ring To Number"],
            *[["create", f"Canary {i}", 70035, f"40455501{i:02d}", "4045550123"] for i in range(6)],
        ]
        path = write_xlsx(tmp_path / "routes.xlsx", rows)
        code = main(["run", str(path), "--rate", "50", "-o", str(tmp_path / "r.xlsx")])
        assert code in (0, 1)
        output = capsys.readouterr()
    finally:
        server.should_exit = True
        thread.join(5)
    forms = [canary, quote(canary), base64.b64encode(canary.encode()).decode()]
    text = output.out + output.err
    assert not any(form in text for form in forms)
    produced = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".journal") for p in produced)
    for produced_file in produced:
        blobs = [produced_file.read_bytes()]
        if zipfile.is_zipfile(produced_file):
            with zipfile.ZipFile(produced_file) as archive:
                blobs += [archive.read(n) for n in archive.namelist()]
        for blob in blobs:
            assert not any(form.encode() in blob for form in forms), produced_file
