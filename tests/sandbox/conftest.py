"""A demo sandbox on a manual clock, and clients logged in as its demo users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bulkops.sandbox import (
    DEMO_ADMIN,
    DEMO_PASSWORD,
    SANDBOX_URL,
    FaultPlan,
    ManualClock,
    Sandbox,
    SandboxTransport,
)
from bulkops.sandbox.variants import Variants

Login = Callable[[str], httpx.Client]


def client_for(box: Sandbox, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        transport=SandboxTransport(box), base_url=f"{SANDBOX_URL}/v3", headers=headers
    )


def login(box: Sandbox, email: str = DEMO_ADMIN) -> httpx.Client:
    anonymous = client_for(box)
    answer = anonymous.post(
        f"{SANDBOX_URL}/oauth/token", json={"email": email, "password": DEMO_PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    return client_for(box, answer.json()["access_token"])


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


#: the strictest reading: every assumed natural key unique, unknown fields refused (the
#: documented default is tested against in test_variants.py)
STRICT = Variants(unique="names", unknown_fields="refuse")


@pytest.fixture
def box(clock: ManualClock) -> Sandbox:
    return Sandbox(clock=clock, faults=FaultPlan(), variants=STRICT)


@pytest.fixture
def api(box: Sandbox) -> Iterator[httpx.Client]:
    """A client logged in as the demo Admin (group 70000, the top of the demo account)."""
    with login(box) as client:
        yield client


@pytest.fixture
def as_user(box: Sandbox) -> Login:
    """as_user(email) -> a client logged in as that demo user."""
    return lambda email: login(box, email)


def data(answer: httpx.Response) -> Any:
    """The envelope's data, after checking the envelope itself."""
    document = answer.json()
    assert set(document) >= {"code", "message", "data", "request_id", "timestamp"}, document
    assert document["code"] == answer.status_code
    return document["data"]


def error(answer: httpx.Response, status: int) -> dict[str, Any]:
    """The error envelope of an answer that must have `status`."""
    assert answer.status_code == status, answer.text
    document: dict[str, Any] = answer.json()
    assert document["code"] == status
    assert document["request_id"]
    assert "data" not in document
    return document


def fields(answer: httpx.Response) -> dict[str, str]:
    """field -> message of a 400 answer."""
    return {e["field"]: e["message"] for e in error(answer, 400)["errors"]}
