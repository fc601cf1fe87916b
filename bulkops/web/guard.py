"""The page's guards, in front of every request: headers that keep a browser strict (a
Content-Security-Policy without inline script, no framing, no sniffing, no referrer, no
caching of data pages), a request that changes something must come from the page itself
(its Origin, or Sec-Fetch-Site) and carry the session's CSRF token, and an upload's body
is counted while it streams: past the limit it is refused at once, not after."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

__all__ = ["CSP", "Guard", "TooLarge"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
_HEADERS: Final = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_CHANGES: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class TooLarge(Exception):
    """An upload's body went past the limit while it streamed."""


class Guard:
    """ASGI middleware: see the module's docstring. `limit`: the most bytes a request body
    may hold."""

    def __init__(self, app: App, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        started = False

        async def send_guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = list(_HEADERS)
                if not scope["path"].startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        if scope["method"] in _CHANGES:
            refused = _foreign(headers)
            if refused:
                await _answer(send_guarded, 403, refused)
                return
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.limit:
                await _answer(send_guarded, 413, _too_large(self.limit))
                return
        seen = 0

        async def receive_counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge
            return message

        try:
            await self.app(scope, receive_counted, send_guarded)
        except TooLarge:
            if not started:
                await _answer(send_guarded, 413, _too_large(self.limit))


def _foreign(headers: dict[str, str]) -> str:
    """Why a request that changes something is not the page's own ('' when it is). A
    browser says where a request comes from in Sec-Fetch-Site; its Origin is 'null' for a
    form under this page's no-referrer policy, so Origin decides only without it."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return "" if site == "same-origin" else "refused: this request came from another site"
    host = headers.get("host", "")
    origin = headers.get("origin")
    if origin is not None:
        if origin in (f"http://{host}", f"https://{host}"):
            return ""
        return "refused: this request came from another site"
    return "refused: a request that changes something must come from this page"


def _too_large(limit: int) -> str:
    size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
    return f"refused: the file is larger than {size} (the limit of this page)"


async def _answer(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
