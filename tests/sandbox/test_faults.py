"""The fault plan, the rate limiter and the request log, on a manual clock (no sleeping)."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
import pytest

from bulkops.sandbox import (
    DEMO_ADMIN,
    DEMO_PASSWORD,
    SANDBOX_URL,
    FaultPlan,
    FaultRule,
    ManualClock,
    Sandbox,
    SandboxTransport,
    parse_faults,
)
from bulkops.sandbox.ratelimit import TokenBucket
from bulkops.sandbox.variants import Variants
from tests.sandbox.conftest import client_for, error

TOKEN = "test-token"
ROUTE = "/provisioned-routes/12001"


def sandbox_with(clock: ManualClock, *rules: FaultRule, **kw: Any) -> Sandbox:
    box = Sandbox(clock=clock, faults=FaultPlan(list(rules), seed=7), **kw)
    box.grant(TOKEN, 84784)
    return box


def call(box: Sandbox, method: str, path: str, body: Any = None, timeout: float = 5.0) -> Any:
    """One request through the async transport, as bulkops's client makes them."""

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=SandboxTransport(box), base_url=f"{SANDBOX_URL}/v3", timeout=timeout,
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as client:  # fmt: skip
            return await client.request(method, path, json=body)

    return anyio.run(go)


def rename(name: str) -> dict[str, Any]:
    return {"provisioned_route_name": name}


def test_token_bucket_on_a_manual_clock(clock: ManualClock) -> None:
    """Burst requests pass, the next waits 1/rate; time refills the bucket."""
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    assert [bucket.take("t") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("t") == pytest.approx(0.5)
    assert bucket.take("other") == 0.0  # per token
    clock.advance(0.5)
    assert bucket.take("t") == 0.0
    assert TokenBucket.retry_after(0.2) == "1"
    assert TokenBucket.retry_after(2.1) == "3"


def test_rate_limited_sandbox_answers_429_with_retry_after(clock: ManualClock) -> None:
    """Past the burst, 429 with Retry-After and the error envelope; later it passes."""
    box = sandbox_with(clock, rate=1, burst=2)
    client = client_for(box, TOKEN)
    assert [client.get(ROUTE).status_code for _ in range(2)] == [200, 200]
    limited = client.get(ROUTE)
    error(limited, 429)
    assert limited.headers["retry-after"] == "1"
    clock.advance(1.0)
    assert client.get(ROUTE).status_code == 200


def test_status_faults_are_not_committed(clock: ManualClock) -> None:
    """A 503 fault answers before the handlers: nothing is written."""
    box = sandbox_with(clock, FaultRule("503", method="PATCH"))
    answer = call(box, "PATCH", ROUTE, rename("X"))
    assert answer.status_code == 503
    assert answer.json()["code"] == 503
    assert box.store.get("routes", 12001)["provisioned_route_name"] != "X"
    assert box.log.entries[-1].committed is False


def test_429_bursts(clock: ManualClock) -> None:
    """A burst rule answers 429 for `burst` requests in a row, with Retry-After."""
    box = sandbox_with(clock, FaultRule("429", burst=3, retry_after=2, limit=1))
    statuses = [call(box, "GET", ROUTE).status_code for _ in range(5)]
    assert statuses == [429, 429, 429, 200, 200]
    assert call(box, "GET", ROUTE).headers.get("retry-after") is None


def test_refused_connection_sends_nothing(clock: ManualClock) -> None:
    """'refuse' is a ConnectError: the request provably never reached the server."""
    box = sandbox_with(clock, FaultRule("refuse", method="POST"))
    with pytest.raises(httpx.ConnectError):
        call(box, "POST", "/tag", {"tag_name": "never"})
    assert box.log.entries[-1].committed is False
    assert all(t["tag_name"] != "never" for t in box.store.all("tags"))


def test_write_committed_then_connection_dropped(clock: ManualClock) -> None:
    """'drop' commits the write, then the client sees the connection close."""
    box = sandbox_with(clock, FaultRule("drop", method="POST"))
    with pytest.raises(httpx.RemoteProtocolError):
        call(box, "POST", "/tag", {"tag_name": "landed"})
    entry = box.log.entries[-1]
    assert (entry.committed, entry.fault) == (True, "drop")
    assert any(t["tag_name"] == "landed" for t in box.store.all("tags"))


def test_write_committed_then_500(clock: ManualClock) -> None:
    """'lost-500' commits the write and answers 500 anyway."""
    box = sandbox_with(clock, FaultRule("lost-500", method="PATCH"))
    answer = call(box, "PATCH", ROUTE, rename("Landed"))
    assert answer.status_code == 500
    assert box.store.get("routes", 12001)["provisioned_route_name"] == "Landed"
    assert box.log.entries[-1].committed is True


def test_slower_than_the_client_timeout(clock: ManualClock) -> None:
    """'slow' holds the answer past the read timeout (on the clock, instantly): a
    ReadTimeout; by default the write committed, with commit=0 it did not."""
    box = sandbox_with(clock, FaultRule("slow", method="PATCH", limit=1))
    before = clock.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        call(box, "PATCH", ROUTE, rename("Slow"), timeout=2.5)
    assert clock.monotonic() - before == pytest.approx(2.5)
    assert box.store.get("routes", 12001)["provisioned_route_name"] == "Slow"
    never = sandbox_with(clock, *parse_faults("slow:commit=0@PATCH").rules)
    with pytest.raises(httpx.ReadTimeout):
        call(never, "PATCH", ROUTE, rename("Never"))
    assert never.store.get("routes", 12001)["provisioned_route_name"] != "Never"
    assert never.log.entries[-1].committed is False


def test_malformed_bodies(clock: ManualClock) -> None:
    """An HTML 502 page, truncated JSON, an empty body."""
    html = call(sandbox_with(clock, FaultRule("html")), "GET", ROUTE)
    assert (html.status_code, html.headers["content-type"]) == (502, "text/html")
    assert b"<html>" in html.content
    cut = call(sandbox_with(clock, FaultRule("truncated")), "GET", ROUTE)
    assert cut.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.content)
    empty = call(sandbox_with(clock, FaultRule("empty", method="PATCH")), "PATCH", ROUTE,
                 rename("Quiet"))  # fmt: skip
    assert (empty.status_code, empty.content) == (200, b"")


def test_token_expires_after_n_requests(clock: ManualClock) -> None:
    """'expire-token:after=N' makes the N+1st request with a token a 401."""
    box = sandbox_with(clock, *parse_faults("expire-token:after=3").rules)
    assert [call(box, "GET", ROUTE).status_code for _ in range(4)] == [200, 200, 200, 401]
    assert call(box, "GET", ROUTE).status_code == 401


def test_latency_moves_the_clock(clock: ManualClock) -> None:
    """Latency with jitter is waited on the sandbox clock."""
    box = sandbox_with(clock, *parse_faults("latency:ms=100:jitter=50").rules)
    before = clock.monotonic()
    assert call(box, "GET", ROUTE).status_code == 200
    assert 0.1 <= clock.monotonic() - before <= 0.15


def test_fault_plans_are_deterministic_from_their_seed(clock: ManualClock) -> None:
    """Same seed, same faults for the same requests; a share is roughly honoured."""

    def statuses(seed: int) -> list[int]:
        box = Sandbox(clock=clock, faults=parse_faults("500:0.3", seed=seed))
        box.grant(TOKEN, 84784)
        client = client_for(box, TOKEN)
        return [client.get(ROUTE).status_code for _ in range(200)]

    first, again, other = statuses(1), statuses(1), statuses(2)
    assert first == again
    assert first != other
    assert 40 <= first.count(500) <= 80


def test_rules_match_method_and_path(clock: ManualClock) -> None:
    """A rule for POST /provisioned-routes leaves other requests alone."""
    box = sandbox_with(clock, *parse_faults("503@POST /provisioned-routes").rules)
    assert call(box, "GET", ROUTE).status_code == 200
    assert call(box, "POST", "/tag", {"tag_name": "fine"}).status_code == 200
    assert call(box, "POST", "/provisioned-routes", {}).status_code == 503


def test_fault_spec_errors_are_clear() -> None:
    """Unknown kinds, options and shares are refused with their name."""
    with pytest.raises(ValueError, match="unknown fault kind 'boom'"):
        parse_faults("boom:0.1")
    with pytest.raises(ValueError, match="unknown option 'colour'"):
        parse_faults("500:colour=red")
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_faults("500:1.5")
    plan = parse_faults("500:0.1, drop:0.05@POST /provisioned-routes, latency:ms=100:jitter=50")
    assert [(r.kind, r.share, r.method, r.path) for r in plan.rules] == [
        ("500", 0.1, None, None),
        ("drop", 0.05, "POST", "/provisioned-routes"),
        ("latency", 1.0, None, None),
    ]


def test_request_log_invariants(clock: ManualClock) -> None:
    """The log holds time, method, path, body, status, request id and commit of each
    request, and answers the invariants tests assert."""
    box = sandbox_with(clock, variants=Variants(unique="names"))
    client = client_for(box, TOKEN)
    client.get(ROUTE)
    client.post("/tag", json={"tag_name": "one"})
    clock.advance(1.0)
    client.post("/tag", json={"tag_name": "two"})
    client.post("/tag", json={"tag_name": "two"})  # 409: not committed
    entries = box.log.entries
    assert [(e.method, e.status, e.committed) for e in entries] == [
        ("GET", 200, False),
        ("POST", 200, True),
        ("POST", 200, True),
        ("POST", 409, False),
    ]
    assert entries[1].body == {"tag_name": "one"}
    assert all(e.request_id for e in entries)
    assert box.log.max_in_window(1.0) == 2  # two at t=0, two at t=1: never three
    assert len(box.log.writes()) == 3
    creates = box.log.commits_by(lambda e: e.body["tag_name"])
    assert max(creates.values()) == 1


def test_login_through_oauth_is_not_rate_limited_per_token(clock: ManualClock) -> None:
    """The OAuth endpoints need no bearer token and are not counted per token."""
    box = Sandbox(clock=clock, rate=1, burst=1)
    anonymous = client_for(box)
    for _ in range(3):
        answer = anonymous.post(
            f"{SANDBOX_URL}/oauth/token", json={"email": DEMO_ADMIN, "password": DEMO_PASSWORD}
        )
        assert answer.status_code == 200


def test_request_log_can_drop_bodies(clock: ManualClock) -> None:
    """A long rehearsal may keep the log without the bodies it sent."""
    box = sandbox_with(clock)
    box.log.keep_bodies = False
    client_for(box, TOKEN).post("/tag", json={"tag_name": "light"})
    [entry] = box.log.entries
    assert (entry.method, entry.status, entry.committed, entry.body) == ("POST", 200, True, None)
