"""The engine's parts on their own: the limiter, the retry policy, the client."""

from __future__ import annotations

import itertools
import random
from typing import Any

import anyio
import httpx
import pytest

from bulkops.client import ApiClient, StaticToken, TokenSource, clean_text, parse_retry_after
from bulkops.engine.ratelimit import WINDOW_MARGIN, RateLimiter
from bulkops.engine.retry import RetryBudget, RetryPolicy
from bulkops.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    NotSent,
    OutcomeUnknown,
    OutOfScope,
    RateLimited,
    ServerError,
    Unauthorized,
    api_error,
)
from bulkops.sandbox import ManualClock

# -- rate limiter ----------------------------------------------------------------------------


def starts(limiter: RateLimiter, clock: ManualClock, count: int) -> list[float]:
    times: list[float] = []

    async def go() -> None:
        for _ in range(count):
            await limiter.acquire()
            times.append(clock.monotonic())

    anyio.run(go)
    return times


def test_gcra_spaces_starts_without_a_burst() -> None:
    """At 10/s the starts are 0.1 s apart from the very first: no burst."""
    clock = ManualClock()
    times = starts(RateLimiter(10, clock), clock, 21)
    gaps = [round(b - a, 9) for a, b in itertools.pairwise(times)]
    assert set(gaps[:9]) == {0.1}
    assert all(0.1 <= gap <= 0.1 + WINDOW_MARGIN for gap in gaps)
    for index in range(len(times) - 10):  # never 11 starts within one second
        assert times[index + 10] - times[index] >= 1.0


def test_429_pauses_and_slows_once_per_episode_then_recovers() -> None:
    """A 429 pauses for Retry-After and lowers the pace once, however many answers in
    flight were refused; calm brings it back up to just under the pace that met the 429."""
    clock = ManualClock()
    limiter = RateLimiter(100, clock)
    limiter.throttled(2.0)
    limiter.throttled(2.0)
    limiter.throttled(None)
    assert limiter.slowdowns == 1
    assert limiter.rate == pytest.approx(80)
    before = clock.monotonic()
    starts(limiter, clock, 1)
    assert clock.monotonic() - before == pytest.approx(2.0)
    for _ in range(200):
        limiter.succeeded()
    assert limiter.rate == pytest.approx(97)  # just under the pace that met the 429


def test_limiter_never_goes_below_its_floor() -> None:
    """Repeated 429 episodes stop at a tenth of --rate."""
    clock = ManualClock()
    limiter = RateLimiter(50, clock)
    for _ in range(30):
        limiter.throttled(None)
        clock.advance(5)
    assert limiter.rate == pytest.approx(5)


# -- retry policy ------------------------------------------------------------------------------


def policy(**kw: Any) -> RetryPolicy:
    return RetryPolicy(random=random.Random(1), **kw)


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_idempotent_methods_retry_on_5xx_and_lost_answers(method: str) -> None:
    """GET/PUT/PATCH/DELETE retry after a 5xx or an unknown outcome, up to max attempts."""
    rules = policy(max_attempts=3)
    assert rules.decide(method, ServerError(503, "x"), 1).retry
    assert rules.decide(method, OutcomeUnknown("timeout"), 2).retry
    assert not rules.decide(method, OutcomeUnknown("timeout"), 3).retry


def test_post_is_retried_only_when_provably_not_sent() -> None:
    """A POST retries after NotSent or 429, never after a 5xx or a lost answer."""
    rules = policy()
    assert rules.decide("POST", NotSent("refused"), 1).retry
    assert rules.decide("POST", RateLimited(429, "slow down"), 1).retry
    assert not rules.decide("POST", ServerError(500, "x"), 1).retry
    assert not rules.decide("POST", OutcomeUnknown("dropped"), 1).retry


@pytest.mark.parametrize("error", [BadRequest(400, "x"), Forbidden(403, "x"), NotFound(404, "x"),
                                   Conflict(409, "x"), Unauthorized(401, "x")])  # fmt: skip
def test_permanent_errors_are_not_retried(error: Exception) -> None:
    """4xx answers other than 429 are final."""
    assert not policy().decide("PATCH", error, 1).retry


def test_backoff_is_full_jitter_under_a_cap() -> None:
    """Delays are uniform in [0, min(cap, base*2^(n-1))]."""
    rules = policy(base=0.5, cap=4.0)
    for attempt in range(1, 10):
        for _ in range(50):
            assert 0 <= rules.backoff(attempt) <= min(4.0, 0.5 * 2 ** (attempt - 1))


def test_retry_after_is_honoured_and_capped() -> None:
    """Retry-After sets the delay; one above the cap stops instead of sleeping for hours."""
    rules = policy(retry_after_cap=120)
    decision = rules.decide("GET", RateLimited(429, "x", retry_after=3), 1)
    assert decision.retry
    assert 3 <= decision.delay <= 3.5
    assert not rules.decide("GET", RateLimited(429, "x", retry_after=86400), 1).retry


def test_the_retry_budget_runs_out() -> None:
    """Each retry spends tokens; an empty budget means no more retries."""
    rules = policy(budget=RetryBudget(tokens=10, cost=5))
    assert rules.decide("GET", ServerError(500, "x"), 1).retry
    assert rules.decide("GET", ServerError(500, "x"), 1).retry
    final = rules.decide("GET", ServerError(500, "x"), 1)
    assert not final.retry
    assert "budget" in final.reason


@pytest.mark.parametrize(
    ("value", "date", "expected"),
    [
        ("2", None, 2.0),
        ("1.5", None, 1.5),
        ("Wed, 21 Oct 2026 07:28:03 GMT", "Wed, 21 Oct 2026 07:28:00 GMT", 3.0),
        ("Wed, 21 Oct 2026 07:27:00 GMT", "Wed, 21 Oct 2026 07:28:00 GMT", 0.0),
        ("soon", None, None),
        ("-5", None, None),
        (None, None, None),
    ],
)
def test_parse_retry_after(value: str | None, date: str | None, expected: float | None) -> None:
    """Seconds and HTTP-dates (relative to the Date header); garbage and negatives: None."""
    assert parse_retry_after(value, date) == expected


# -- client ------------------------------------------------------------------------------------


def answer_with(handler: Any, auth: TokenSource | None = None, method: str = "PATCH") -> Any:
    async def go() -> Any:
        async with ApiClient("http://api.test/v3", auth=auth or StaticToken("t"),
                             transport=httpx.MockTransport(handler)) as client:  # fmt: skip
            return await client.request(method, "/provisioned-routes/1", json_body={"a": 1})

    return anyio.run(go)


def test_envelope_is_unwrapped_with_its_request_id() -> None:
    """data and request_id come out of the envelope; the token goes in the header."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"code": 200, "message": "Success", "data": {"x": 1},
                                         "request_id": "rid-1", "timestamp": "t"})  # fmt: skip

    answer = answer_with(handler)
    assert (answer.status, answer.data, answer.request_id) == (200, {"x": 1}, "rid-1")
    assert seen[0].headers["authorization"] == "Bearer t"


@pytest.mark.parametrize(
    ("status", "kind"),
    [(400, BadRequest), (401, OutOfScope), (403, Forbidden), (404, NotFound), (409, Conflict),
     (422, BadRequest), (429, RateLimited), (500, ServerError), (503, ServerError)],
)  # fmt: skip
def test_statuses_map_to_exceptions_with_request_ids(status: int, kind: type) -> None:
    """Each error status is its class; request_id and field errors are kept."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"Retry-After": "2"}, json={
            "code": status, "message": "nope", "request_id": "rid-e",
            "errors": [{"field": "a.b", "message": "bad"}]})  # fmt: skip

    with pytest.raises(kind) as caught:
        answer_with(handler)
    assert caught.value.request_id == "rid-e"
    assert caught.value.fields == {"a.b": "bad"}
    # a 401 that names a field is about the target (out of scope), not the token
    assert isinstance(api_error(status, "x"), Unauthorized if status == 401 else kind)
    if status == 429:
        assert caught.value.retry_after == 2.0


def test_a_plain_401_is_the_token_and_a_401_after_a_fresh_token_is_the_target() -> None:
    """A 401 naming no field, with a token that cannot be refreshed, is Unauthorized
    (the run stops: log in again); refused again right after a refresh, it is
    OutOfScope (the row fails, the run goes on)."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"code": 401, "message": "no", "request_id": "r"})

    with pytest.raises(Unauthorized):
        answer_with(handler)

    class Refreshing(StaticToken):
        can_refresh = True
        refreshes = 0

        async def refreshed(self, stale: str) -> str:
            Refreshing.refreshes += 1
            return "fresh"

    async def go() -> Any:
        async with ApiClient("https://api.test/v3", auth=Refreshing("t"),
                             transport=httpx.MockTransport(handler)) as client:  # fmt: skip
            return await client.request("PATCH", "/provisioned-routes/1", json_body={"a": 1})

    with pytest.raises(OutOfScope) as caught:
        anyio.run(go)
    assert Refreshing.refreshes == 1
    assert caught.value.request_id == "r"
    assert not isinstance(caught.value, Unauthorized)


def test_html_error_pages_are_kept_as_clean_text() -> None:
    """A proxy's HTML 502 is a ServerError whose message is the page's text, trimmed."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>\x00Bad\tGateway" + "x" * 5000 + "</html>")

    with pytest.raises(ServerError) as caught:
        answer_with(handler)
    assert "\x00" not in caught.value.message
    assert len(caught.value.message) <= 2000


@pytest.mark.parametrize("body", [b"", b'{"code": 200, "da', b"<html>ok</html>"])
def test_unreadable_success_is_an_unknown_outcome(body: bytes) -> None:
    """A create's 200 with an empty, truncated or non-JSON body: the outcome is unknown
    (which object, if any, is not said); a change's truncated or non-JSON body too."""
    with pytest.raises(OutcomeUnknown):
        answer_with(lambda request: httpx.Response(200, content=body), method="POST")
    if body:
        with pytest.raises(OutcomeUnknown):
            answer_with(lambda request: httpx.Response(200, content=body))


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH"])
@pytest.mark.parametrize(
    ("status", "body"), [(204, b""), (200, b""), (200, b'{"code": 200, "message": "OK"}')]
)
def test_a_change_answered_without_data_is_done(method: str, status: int, body: bytes) -> None:
    """A DELETE, PUT or PATCH answering 2xx without data (204, or an envelope without
    data) succeeded: nothing more is needed from the answer."""
    answer = answer_with(lambda request: httpx.Response(status, content=body), method=method)
    assert (answer.status, answer.data) == (status, None)


def test_a_401_is_refreshed_once_and_replayed() -> None:
    """After a 401 the token source refreshes; the request is sent again with the new one."""

    class Rotating(TokenSource):
        can_refresh = True

        def __init__(self) -> None:
            self.current = "old"
            self.refreshes = 0

        async def token(self) -> str:
            return self.current

        async def refreshed(self, stale: str) -> str:
            self.refreshes += 1
            self.current = "new"
            return self.current

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "Bearer old":
            return httpx.Response(401, json={"code": 401, "message": "expired"})
        return httpx.Response(200, json={"code": 200, "data": {}, "request_id": "r"})

    source = Rotating()
    assert answer_with(handler, source).status == 200
    assert source.refreshes == 1
    with pytest.raises(Unauthorized):
        answer_with(lambda request: httpx.Response(401, json={"message": "no"}))


def test_transport_errors_say_whether_the_request_left() -> None:
    """A refused connection is NotSent; a read timeout or a drop is OutcomeUnknown."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("closed", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(NotSent):
        answer_with(refuse)
    with pytest.raises(OutcomeUnknown):
        answer_with(drop)
    with pytest.raises(OutcomeUnknown):
        answer_with(slow)


def test_clean_text() -> None:
    """Control characters go, whitespace folds, long text is trimmed with an ellipsis."""
    assert clean_text("a\x00b\n\tc") == "a b c"
    assert clean_text("x" * 50, 10) == "x" * 9 + "…"
