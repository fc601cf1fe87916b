"""Secrets stay secret: a canary token and password never appear in anything a run
writes, even when the API echoes them back."""

from __future__ import annotations

import base64
import json
import zipfile
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from bulkops import actions
from bulkops.auth import login
from bulkops.client import StaticToken
from bulkops.config import Settings
from bulkops.errors import Unauthorized
from bulkops.run import Wiring
from bulkops.sandbox import SANDBOX_URL, ManualClock, Sandbox, SandboxTransport
from tests.conftest import MakeFile

CANARY_TOKEN = "canary-token-Zq8wX3vT9kP2"
CANARY_PASSWORD = "canary-password-Lm4Rt7Yp"
HEADER = ["Action", "Route ID", "Route Name", "Group ID", "Tracking Number", "Ring To Number"]


def forms(secret: str) -> list[bytes]:
    return [
        secret.encode(),
        quote(secret, safe="").encode(),
        base64.b64encode(secret.encode()),
        base64.b64encode(f"Bearer {secret}".encode()),
    ]


def leaks(folder: Path, secret: str, extra: str = "") -> list[str]:
    """Where a form of `secret` appears: files (xlsx parts opened), and `extra` text."""
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        blobs = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                blobs += [archive.read(name) for name in archive.namelist()]
        if any(form in blob for blob in blobs for form in forms(secret)):
            found.append(str(path))
    if any(form.decode() in extra for form in forms(secret)):
        found.append("output")
    return found


class Echoing(httpx.AsyncBaseTransport):
    """The sandbox, except that creates answer 500 and PATCHes 400, both echoing the
    request's headers (Authorization included) in their bodies."""

    def __init__(self, box: Sandbox) -> None:
        self.inner = SandboxTransport(box)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        echoed = json.dumps(dict(request.headers))
        if request.method == "POST":
            return httpx.Response(500, text=f"<html>upstream said {echoed}</html>")
        if request.method == "PATCH":
            return httpx.Response(
                400,
                json={
                    "code": 400,
                    "message": f"bad: {echoed}",
                    "request_id": "r",
                    "errors": [{"field": "call_value", "message": echoed}],
                },
            )
        return await self.inner.handle_async_request(request)


def test_a_run_never_writes_the_token_even_when_the_api_echoes_it(
    tmp_path: Path, xlsx: MakeFile
) -> None:
    """Results, failed rows, journal (and its WAL) and the JSON document hold no trace of
    the token, although the API put it in its error bodies."""
    box = Sandbox(clock=ManualClock())
    box.grant(CANARY_TOKEN, 84784)
    out = tmp_path / "out"
    path = xlsx(
        [
            HEADER,
            ["create", "", "Echo", 70035, "4045550100", "4045550123"],
            ["update", 12001, "", "", "", "4045550124"],
        ]
    )
    result = actions.run(
        path,
        settings=Settings(rate=1000.0),
        out=out / "results.xlsx",
        wiring=Wiring(
            transport=Echoing(box), auth=StaticToken(CANARY_TOKEN), clock=box.clock, signals=False
        ),
    )
    statuses = sorted(o.status.value for o in result.outcomes)
    assert statuses == ["failed", "unknown"]
    assert any("[redacted]" in o.message for o in result.outcomes)
    document = json.dumps(result.as_dict())
    assert leaks(out, CANARY_TOKEN, document) == []


def test_login_errors_never_show_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OAuth host that echoes the password in its refusal: the error says [redacted]."""
    monkeypatch.setenv("BULKOPS_HOME", str(tmp_path))

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"message": f"no user for {request.content.decode()}"})

    with pytest.raises(Unauthorized, match="redacted") as caught:
        login(
            "someone@example.com", CANARY_PASSWORD, SANDBOX_URL, transport=httpx.MockTransport(echo)
        )
    assert "[redacted]" in str(caught.value)
    assert CANARY_PASSWORD not in str(caught.value)
    assert leaks(tmp_path, CANARY_PASSWORD) == []


def test_stored_credentials_hold_no_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a successful login the stored file has the tokens (0600) but not the password."""
    monkeypatch.setenv("BULKOPS_HOME", str(tmp_path))
    box = Sandbox()
    login("admin@demo.bulkops.test", "demo-password", SANDBOX_URL, transport=SandboxTransport(box))
    assert leaks(tmp_path, "demo-password") == []
