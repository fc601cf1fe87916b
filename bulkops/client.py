"""ApiClient: one `httpx.AsyncClient` to the V3 API, with auth, the envelope unwrapped,
`request_id` captured on every answer, and every failure turned into one exception.

The network transport is httpx-aiohttp (httpx's own pool collapses above ~32 concurrent
connections on this kind of machine, see perf-notes.md); tests and `--sandbox` pass the
in-process sandbox transport instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import anyio
import httpx

from bulkops.config import CONNECT_TIMEOUT, READ_TIMEOUT, REQUEST_DEADLINE
from bulkops.errors import (
    NotSent,
    OutcomeUnknown,
    OutOfScope,
    Unauthorized,
    api_error,
)

__all__ = [
    "ERROR_TEXT_LIMIT",
    "Answer",
    "ApiClient",
    "StaticToken",
    "TokenSource",
    "clean_text",
    "parse_retry_after",
    "redact",
]

#: How much of an error body is kept for the results (control characters removed).
ERROR_TEXT_LIMIT = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str, limit: int = ERROR_TEXT_LIMIT) -> str:
    """Server text made safe to show: control characters gone, whitespace folded, trimmed."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redact(text: str, *secrets: str) -> str:
    """`text` with every secret (and its URL-encoded form) replaced by [redacted]."""
    from urllib.parse import quote

    for secret in secrets:
        if secret and len(secret) >= 6:
            for form in {secret, quote(secret, safe="")}:
                text = text.replace(form, "[redacted]")
    return text


def parse_retry_after(
    value: str | None, date: str | None = None, now: float | None = None
) -> float | None:
    """Seconds to wait from a Retry-After header: seconds or an HTTP-date (relative to the
    response's Date header when there is one). None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 and seconds == seconds else None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    reference: float
    try:
        reference = parsedate_to_datetime(date).timestamp() if date else (now or _now())
    except (TypeError, ValueError):
        reference = now or _now()
    return max(0.0, moment.timestamp() - reference)


def _now() -> float:
    return datetime.now(tz=UTC).timestamp()


class TokenSource:
    """Where the bearer token comes from. When `can_refresh`, `refreshed(stale)` answers a
    401 with a new token (one refresh in flight at a time: refresh tokens are single use)."""

    can_refresh = False

    async def token(self) -> str:
        raise NotImplementedError

    async def refreshed(self, stale: str) -> str:
        raise Unauthorized(401, "the access token was refused and cannot be refreshed")


class StaticToken(TokenSource):
    """A fixed bearer token (CONVIRZA_TOKEN, or the sandbox's)."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def token(self) -> str:
        return self._token


@dataclass(frozen=True)
class Answer:
    """A successful answer: its status, the envelope's data and request_id."""

    status: int
    data: Any
    request_id: str | None


class ApiClient:
    """Use as `async with ApiClient(base_url, auth=...) as api: await api.request(...)`."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: TokenSource,
        transport: httpx.AsyncBaseTransport | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        deadline: float = REQUEST_DEADLINE,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self._transport = transport
        self._timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self._deadline = deadline
        self._http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> ApiClient:
        transport = self._transport
        if transport is None:
            from httpx_aiohttp import AiohttpTransport

            transport = AiohttpTransport()
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            timeout=self._timeout,
            follow_redirects=False,  # never carry the token to another place
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        content_type: str = "application/json",
    ) -> Answer:
        """Send once (replaying once after a refreshed 401). Raises an `ApiError` subclass
        for an error status, `NotSent` or `OutcomeUnknown` when there is no usable answer."""
        if content is None and json_body is not None:
            content = json.dumps(json_body, separators=(",", ":"), ensure_ascii=False).encode()
        token = await self.auth.token()
        response = await self._send(method, path, token, content, params, content_type)
        refreshed = False
        if response.status_code == 401 and self.auth.can_refresh:
            token = await self.auth.refreshed(token)
            refreshed = True
            response = await self._send(method, path, token, content, params, content_type)
        try:
            return self._read(response, token, method)
        except Unauthorized as error:
            # a fresh token refused too, or a refusal naming a field: the target is out of
            # this login's reach (the docs' 401 for an out-of-scope group), not the token
            if not (refreshed or error.fields):
                raise
            raise OutOfScope(
                401,
                f"refused: {error} (the login is valid, so what the row names is outside "
                "what it may reach: check the group or the id)",
                request_id=error.request_id,
                fields=error.fields,
                body=error.body,
            ) from None

    async def _send(
        self,
        method: str,
        path: str,
        token: str,
        body: bytes | None,
        params: dict[str, Any] | None,
        content_type: str = "application/json",
    ) -> httpx.Response:
        assert self._http is not None, "use ApiClient in 'async with'"
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type
        try:
            with anyio.fail_after(self._deadline):
                return await self._http.request(
                    method, path, content=body, params=params, headers=headers
                )
        except TimeoutError:
            raise OutcomeUnknown(f"no answer within {self._deadline:g} s") from None
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from None

    def _read(self, response: httpx.Response, token: str, method: str = "GET") -> Answer:
        header_id = response.headers.get("x-request-id")
        try:
            document = json.loads(response.content) if response.content else None
        except ValueError:
            document = None
        envelope = document if isinstance(document, dict) else {}
        request_id = envelope.get("request_id") or header_id
        status = response.status_code
        if 200 <= status < 300:
            if "data" in envelope:
                return Answer(status, envelope["data"], request_id)
            if method in ("DELETE", "PUT", "PATCH") and (not response.content or envelope):
                # done: a change needs no data back (a DELETE answering 204, or an
                # envelope without data)
                return Answer(status, None, request_id)
            what = "an empty answer" if not response.content else "an unreadable answer"
            expected = "the envelope {code, message, data, request_id}"
            raise OutcomeUnknown(f"HTTP {status} with {what} (expected {expected})")

        # whatever the server echoes, the token never leaves this function in a message
        def safe(text: str, limit: int = ERROR_TEXT_LIMIT) -> str:
            return clean_text(redact(text, token), limit)

        message = envelope.get("message") if isinstance(envelope.get("message"), str) else None
        text = message or response.text or response.reason_phrase
        fields = {}
        for item in envelope.get("errors") or []:
            if isinstance(item, dict) and item.get("field"):
                fields[str(item["field"])] = safe(str(item.get("message", "")), 300)
        retry_after = parse_retry_after(
            response.headers.get("retry-after"), response.headers.get("date")
        )
        raise api_error(
            status,
            safe(str(text)),
            request_id=request_id,
            fields=fields,
            retry_after=retry_after,
            body=safe(response.text),
        )


def _transport_error(exc: httpx.HTTPError) -> NotSent | OutcomeUnknown:
    """Whether the request can have reached the server decides which error it is."""
    cause = exc.__cause__
    if isinstance(exc, httpx.PoolTimeout):
        return NotSent("no free connection in time")
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        # httpx-aiohttp maps a server disconnect to ConnectTimeout too: look at the cause
        unsent = cause is None or type(cause).__name__ in (
            "ClientConnectorError",
            "ConnectionTimeoutError",
            "ClientConnectorDNSError",
            "ClientConnectorCertificateError",
            "ClientConnectorSSLError",
            "ConnectError",
            "ConnectTimeout",
            "ConnectionRefusedError",
            "gaierror",
        )
        if unsent:
            return NotSent(f"could not connect ({_short(exc)})")
    if isinstance(exc, httpx.TimeoutException):
        return OutcomeUnknown(f"no answer in time ({_short(exc)})")
    return OutcomeUnknown(f"the connection failed after sending ({_short(exc)})")


def _short(exc: BaseException) -> str:
    return clean_text(str(exc) or type(exc).__name__, 200)
