"""The sandbox as an httpx transport: no sockets, the whole API in-process.

    client = httpx.AsyncClient(transport=SandboxTransport(sandbox), base_url="http://sandbox/v3")

Transport faults from the fault plan become the httpx exceptions a real network gives:
a refused connection is `ConnectError` (nothing was sent), a dropped one
`RemoteProtocolError`, a slow answer `ReadTimeout` once the request's read timeout has
passed on the sandbox's clock (a `ManualClock` makes that instant in tests).
"""

from __future__ import annotations

from urllib.parse import unquote

import httpx

from bulkops.sandbox.app import Sandbox
from bulkops.sandbox.context import Reply, Request

__all__ = ["SANDBOX_URL", "SandboxTransport"]

#: The base URL clients use with the in-process transport (any host works).
SANDBOX_URL = "http://sandbox.local"
_DEFAULT_TIMEOUT = 30.0


class SandboxTransport(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """Serves httpx requests (async or sync clients) from a `Sandbox`."""

    def __init__(self, sandbox: Sandbox | None = None) -> None:
        self.sandbox = sandbox or Sandbox()

    def _call(self, request: httpx.Request, body: bytes) -> Reply:
        query = dict(request.url.params.multi_items())
        headers = {key.lower(): value for key, value in request.headers.items()}
        path = unquote(request.url.path)
        return self.sandbox.handle(Request(request.method, path, query, headers, body))

    @staticmethod
    def _timeout(request: httpx.Request) -> float:
        timeouts = request.extensions.get("timeout") or {}
        read = timeouts.get("read")
        return float(read) if read is not None else _DEFAULT_TIMEOUT

    @staticmethod
    def _response(request: httpx.Request, reply: Reply) -> httpx.Response:
        if reply.fault == "drop":
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(
            reply.status, headers=reply.headers, content=reply.body, request=request
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        reply = self._call(request, body)
        if reply.fault == "refuse":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        limit = self._timeout(request)
        clock = self.sandbox.clock
        if reply.fault == "slow" or reply.delay >= limit:
            await clock.sleep(limit)
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        if reply.delay:
            await clock.sleep(reply.delay)
        return self._response(request, reply)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        reply = self._call(request, body)
        if reply.fault == "refuse":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if reply.fault == "slow" or reply.delay >= self._timeout(request):
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        return self._response(request, reply)
