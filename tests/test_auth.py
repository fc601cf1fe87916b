"""Login, the stored token pair, refresh under concurrency, logout."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import anyio
import httpx
import pytest

from bulkops import actions
from bulkops.auth import OAuthSession, credentials_path, load_credentials, login, logout
from bulkops.client import ApiClient
from bulkops.config import Settings
from bulkops.errors import ConfigError
from bulkops.run import Wiring
from bulkops.sandbox import (
    DEMO_ADMIN,
    DEMO_PASSWORD,
    SANDBOX_URL,
    ManualClock,
    Sandbox,
    SandboxTransport,
    parse_faults,
)
from tests.conftest import ROOT


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BULKOPS_HOME in a temporary folder: credentials never touch the real home."""
    monkeypatch.setenv("BULKOPS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CONVIRZA_TOKEN", raising=False)
    return tmp_path / "home"


def test_login_stores_the_pair_privately(home: Path) -> None:
    """The pair is written 0600 under BULKOPS_HOME; the password is not in it."""
    box = Sandbox()
    credentials = login(DEMO_ADMIN, DEMO_PASSWORD, SANDBOX_URL, transport=SandboxTransport(box))
    path = credentials_path()
    assert path.parent == home
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert DEMO_PASSWORD not in text
    assert json.loads(text)["access_token"] == credentials.access_token
    assert credentials.expires_at > 0
    assert load_credentials() == credentials


def test_wrong_password_stores_nothing(home: Path) -> None:
    """A refused login raises and leaves no file."""
    with pytest.raises(Exception, match="wrong email or password"):
        login(DEMO_ADMIN, "nope", SANDBOX_URL, transport=SandboxTransport(Sandbox()))
    assert not credentials_path().exists()


def test_a_file_others_can_read_is_refused(home: Path) -> None:
    """Credentials readable by the group or others are refused with the fix."""
    login(DEMO_ADMIN, DEMO_PASSWORD, SANDBOX_URL, transport=SandboxTransport(Sandbox()))
    os.chmod(credentials_path(), 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_credentials()


def test_expired_access_token_is_refreshed_once_under_concurrency(home: Path) -> None:
    """Sixteen requests meeting 401 together cause exactly one refresh; all succeed; the
    rotated pair is stored and the old refresh token is dead."""
    clock = ManualClock()
    box = Sandbox(clock=clock)
    transport = SandboxTransport(box)
    first = login(DEMO_ADMIN, DEMO_PASSWORD, SANDBOX_URL, transport=transport)
    clock.advance(7 * 86400 + 60)  # the access token has expired on the server
    session = OAuthSession(first, transport=transport, now=lambda: 0.0)
    statuses: list[int] = []

    async def go() -> None:
        async with ApiClient(f"{SANDBOX_URL}/v3", auth=session, transport=transport) as api:

            async def one() -> None:
                statuses.append((await api.request("GET", "/provisioned-routes/12001")).status)

            async with anyio.create_task_group() as group:
                for _ in range(16):
                    group.start_soon(one)

    anyio.run(go)
    assert statuses == [200] * 16
    assert session.refreshes == 1
    assert len(box.log.matching("POST", "/oauth/refresh-token")) == 1
    stored = load_credentials()
    assert stored is not None
    assert stored.refresh_token != first.refresh_token
    reuse = httpx.Client(transport=transport).post(
        f"{SANDBOX_URL}/oauth/refresh-token", json={"refresh_token": first.refresh_token}
    )
    assert reuse.status_code == 401


def test_logout_revokes_and_forgets(home: Path) -> None:
    """After logout the old access token is refused and the file is gone."""
    box = Sandbox()
    transport = SandboxTransport(box)
    credentials = login(DEMO_ADMIN, DEMO_PASSWORD, SANDBOX_URL, transport=transport)
    assert logout(transport=transport) is True
    assert not credentials_path().exists()
    answer = httpx.Client(transport=transport).get(
        f"{SANDBOX_URL}/v3/auth/profile",
        headers={"Authorization": f"Bearer {credentials.access_token}"},
    )
    assert answer.status_code == 401
    assert logout(transport=transport) is False


def test_run_uses_the_stored_session_and_survives_token_expiry(home: Path, tmp_path: Path) -> None:
    """Without CONVIRZA_TOKEN a run uses the logged-in session; when the access token
    expires mid-run it is refreshed and every row still succeeds."""
    box = Sandbox(clock=ManualClock(), faults=parse_faults("expire-token:after=10"))
    transport = SandboxTransport(box)
    login(DEMO_ADMIN, DEMO_PASSWORD, SANDBOX_URL, transport=transport)
    settings = Settings(base_url=f"{SANDBOX_URL}/v3", rate=100.0, concurrency=4)
    result = actions.run(
        ROOT / "samples" / "routes.xlsx",
        settings=settings,
        out=tmp_path / "r.xlsx",
        wiring=Wiring(transport=transport, clock=box.clock),
    )
    assert result.counts() == {"succeeded": 25, "skipped": 1}
    assert len(box.log.matching("POST", "/oauth/refresh-token")) >= 2


def test_token_expiring_mid_run_at_concurrency_16_is_refreshed_once(
    home: Path, tmp_path: Path
) -> None:
    """The access token dies after 30 requests while 16 are in flight: exactly one refresh,
    every request that met the 401 is replayed, no row fails."""
    import time

    from tests.conftest import write_xlsx

    # the sandbox's clock reads the real time, so the token is not near its expiry
    box = Sandbox(
        clock=ManualClock(start=time.time()), faults=parse_faults("expire-token:after=30")
    )
    transport = SandboxTransport(box)
    login(DEMO_ADMIN, DEMO_PASSWORD, SANDBOX_URL, transport=transport)
    numbers = [f"{p}{n:02d}" for p in ("40455501", "67855501") for n in range(20)]
    rows = [["create", f"Token route {i}", 70035, numbers[i], "4045550123"] for i in range(40)]
    path = write_xlsx(
        tmp_path / "routes.xlsx",
        [["Action", "Route Name", "Group ID", "Tracking Number", "Ring To Number"], *rows],
    )
    settings = Settings(base_url=f"{SANDBOX_URL}/v3", rate=1000.0, concurrency=16)
    result = actions.run(
        path,
        settings=settings,
        out=tmp_path / "r.xlsx",
        wiring=Wiring(transport=transport, clock=box.clock, signals=False),
    )
    assert result.counts() == {"succeeded": 40}
    assert len(box.log.matching("POST", "/oauth/refresh-token")) == 1
    assert sum(1 for e in box.log if e.status == 401) >= 1


def test_clock_skew_does_not_cause_a_refresh_per_request(home: Path) -> None:
    """If the API's expiry looks past by the local clock, one proactive refresh shows the
    skew; after that only 401s cause refreshes (not every request)."""
    box = Sandbox()  # the sandbox says tokens expire in 7 days...
    transport = SandboxTransport(box)
    first = login(DEMO_ADMIN, DEMO_PASSWORD, SANDBOX_URL, transport=transport)
    skewed = OAuthSession(first, transport=transport, now=lambda: first.expires_at + 3600)

    async def go() -> None:
        async with ApiClient(f"{SANDBOX_URL}/v3", auth=skewed, transport=transport) as api:
            for _ in range(5):
                await api.request("GET", "/provisioned-routes/12001")

    anyio.run(go)  # ...but the local clock is an hour past that
    assert skewed.refreshes == 1
