"""The sandbox over HTTP: an ASGI app around the same core, served by uvicorn on loopback.

Latency and slow answers really wait here (asyncio); a dropped connection is a response
cut off after its headers; a refused connection cannot be faked once accepted, so it is
served as a dropped one.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from bulkops.sandbox.app import Sandbox
from bulkops.sandbox.context import Request

__all__ = ["SLOW_SECONDS", "asgi_app", "bind", "serve"]

#: How long a `slow` fault holds an answer over HTTP (longer than any sane client timeout).
SLOW_SECONDS = 120.0

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _Dropped(Exception):
    """Raised after the response headers to make the server cut the connection."""


def asgi_app(sandbox: Sandbox) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    import anyio

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        request = Request(scope["method"], scope["path"], query, headers, b"".join(chunks))
        reply = sandbox.handle(request)
        if reply.delay:
            await anyio.sleep(reply.delay)
        if reply.fault == "slow":
            await anyio.sleep(SLOW_SECONDS)
        status = reply.status or 502
        raw_headers = [(k.encode(), v.encode()) for k, v in reply.headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        if reply.fault in ("drop", "refuse"):
            raise _Dropped("sandbox fault: connection dropped")
        await send({"type": "http.response.body", "body": reply.body})

    return app


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is printed (OSError: the port is taken)."""
    listening = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError:
        listening.close()
        raise
    return listening


class _QuietDrops(logging.Filter):
    """A dropped connection is a fault asked for: the server says nothing of it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _Dropped))


def serve(sandbox: Sandbox, listening: socket.socket) -> None:
    """Run on `listening` (from `bind`) until interrupted (Ctrl-C)."""
    import uvicorn

    host, port = listening.getsockname()[:2]
    config = uvicorn.Config(
        asgi_app(sandbox), host=host, port=port, log_level="warning", lifespan="on",
        access_log=False,
    )  # fmt: skip
    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    uvicorn.Server(config).run(sockets=[listening])
