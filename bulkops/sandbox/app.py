"""The sandbox core: one synchronous `Sandbox.handle(request)` shared by the in-process
httpx transport and the ASGI server. It authenticates, rate-limits, draws faults, routes to
the resource handlers, wraps answers in the API's envelope and logs every request.

Latency and transport faults (refused connection, dropped connection, a response slower
than the client's timeout) are returned as instructions in the `Reply`; the transport or
server carries them out, so this core never sleeps.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from bulkops.sandbox.clock import Clock, iso
from bulkops.sandbox.context import REASONS, ApiError, Context, Reply, Request, Session
from bulkops.sandbox.faults import FaultPlan
from bulkops.sandbox.log import LogEntry, RequestLog
from bulkops.sandbox.ratelimit import TokenBucket
from bulkops.sandbox.store import Store
from bulkops.sandbox.variants import Variants, phone_form

__all__ = ["Sandbox", "Session"]

_HTML_502 = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>nginx</center></body></html>"
)


class Sandbox:
    """A faithful local V3 API. `handle` answers one request; `log` records them all."""

    def __init__(
        self,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
        rate: float | None = None,
        burst: int | None = None,
        demo: bool = True,
        variants: Variants | None = None,
    ) -> None:
        from bulkops.sandbox.handlers import ROUTES

        self.store = store or Store()
        self.clock = clock or Clock()
        self.faults = faults or FaultPlan()
        self.limiter = TokenBucket(rate, burst or max(1, int(rate)), self.clock) if rate else None
        self.log = RequestLog()
        #: the reading of the docs this sandbox answers by, where they leave a choice
        self.variants = variants or Variants()
        self.sessions: dict[str, Session] = {}
        self.routes = ROUTES
        self._subtrees: tuple[int, dict[int, set[int]]] = (-1, {})
        if demo and self.store.empty:
            from bulkops.sandbox.demo import seed_demo

            with self.store.transaction():  # all of it or none: a kill mid-seed leaves none
                seed_demo(self.store, self.clock.now())

    # -- tokens ------------------------------------------------------------------------

    def issue_tokens(self, user: dict[str, Any]) -> dict[str, Any]:
        """A fresh access + refresh pair for `user`, as /oauth/token answers it."""
        import secrets

        now = self.clock.now()
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        user_id = int(user["ct_user_id"])
        self.sessions[access] = Session(user_id, now + 7 * 86400, "access")
        self.sessions[refresh] = Session(user_id, now + 180 * 86400, "refresh")
        return {
            "access_token": access,
            "refresh_token": refresh,
            "frontend_token": secrets.token_hex(16),
            "token_type": "Bearer",
            "expires_in": iso(now + 7 * 86400),
            "refresh_expires_in": iso(now + 180 * 86400),
            "user": {
                "user_id": user_id,
                "email": user["username"],
                "role_id": user["role_id"],
                "org_unit_id": user["ct_user_ou_id"],
            },
        }

    def grant(self, token: str, user_id: int, lifetime: float = 7 * 86400) -> None:
        """Make `token` a valid access token of `user_id` (for `--token` and tests)."""
        self.sessions[token] = Session(user_id, self.clock.now() + lifetime, "access")

    def _authenticate(self, request: Request) -> tuple[str, dict[str, Any]]:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "missing bearer token: send 'Authorization: Bearer <token>'")
        session = self.sessions.get(token.strip())
        if session is None or session.kind != "access":
            raise ApiError(401, "invalid or revoked access token")
        if session.expires <= self.clock.now():
            raise ApiError(401, "the access token has expired; refresh it")
        budget = self.faults.token_budget()
        session.requests += 1
        if budget is not None and session.requests > budget:
            session.expires = self.clock.now()
            raise ApiError(401, "the access token has expired; refresh it")
        user = self.store.get("users", session.user_id)
        if user is None or user.get("user_status") == "deleted":
            raise ApiError(401, "the token's user no longer exists")
        return token.strip(), user

    # -- the group tree ------------------------------------------------------------------

    def subtree(self, root: int) -> set[int]:
        """`root` and every group below it (cached until a group changes)."""
        version, cache = self._subtrees
        if version != self.store.versions.get("groups", 0):
            cache = {}
            self._subtrees = (self.store.versions.get("groups", 0), cache)
        if root not in cache:
            children: dict[int, list[int]] = {}
            for group in self.store.records("groups"):
                parent = group.get("org_unit_parent_id")
                if parent is not None:
                    children.setdefault(int(parent), []).append(int(group["org_unit_id"]))
            found, todo = set(), [root]
            while todo:
                node = todo.pop()
                if node not in found:
                    found.add(node)
                    todo.extend(children.get(node, []))
            cache[root] = found
        return cache[root]

    # -- one request ---------------------------------------------------------------------

    def _envelope(self, status: int, data: Any, request_id: str) -> bytes:
        document: dict[str, Any] = {
            "code": status,
            "message": "Success",
            "data": data,
            "request_id": request_id,
            "timestamp": iso(self.clock.now()),
        }
        return json.dumps(document).encode()

    def _error(self, error: ApiError, request_id: str) -> Reply:
        document: dict[str, Any] = {
            "code": error.status,
            "message": error.message,
            "request_id": request_id,
            "timestamp": iso(self.clock.now()),
        }
        if error.errors:
            document["errors"] = error.errors
        headers = {"content-type": "application/json", "x-request-id": request_id}
        headers.update(error.headers)
        return Reply(error.status, json.dumps(document).encode(), headers)

    def handle(self, request: Request) -> Reply:
        """Answer one request (faults, auth, rate limit, handler, envelope) and log it."""
        method = request.method.upper()
        relative = request.path[3:] if request.path.startswith("/v3/") else request.path
        entry = self.log.add(
            LogEntry(
                self.clock.monotonic(),
                method,
                request.path,
                "&".join(f"{k}={v}" for k, v in request.query.items()),
                request.body or None,
            )
        )
        request_id = str(uuid.uuid4())
        with self.store.transaction():
            reply = self._answer(request, method, relative, request_id)
        if reply.fault != "refuse":
            after = self.faults.after(method, relative)
            if after is not None:
                reply = self._spoil(reply, after.kind, after.commit, request_id)
            reply.delay += self.faults.latency(method, relative)
        entry.status = reply.status if reply.fault not in ("refuse", "drop", "slow") else 0
        entry.request_id = request_id if reply.fault != "refuse" else ""
        entry.committed = reply.committed
        entry.fault = reply.fault
        return reply

    def _answer(self, request: Request, method: str, relative: str, request_id: str) -> Reply:
        before = self.faults.before(method, relative)
        if before is not None:
            if before.kind == "refuse":
                return Reply(0, b"", fault="refuse")
            if before.kind == "slow":  # never processed: the client times out waiting
                return Reply(0, b"", fault="slow", commit_slow=False)
            if before.kind == "html":
                return Reply(502, _HTML_502, {"content-type": "text/html"}, fault="html")
            status = int(before.kind)
            headers = {"retry-after": str(before.retry_after)} if status == 429 else {}
            message = "rate limit exceeded" if status == 429 else REASONS[status].lower()
            reply = self._error(ApiError(status, message, headers=headers), request_id)
            reply.fault = before.kind
            return reply
        matched = None
        allowed = []
        for candidate in self.routes:
            found = candidate.pattern.match(request.path)
            if found:
                if candidate.method == method:
                    matched = (candidate, found.groupdict())
                    break
                allowed.append(candidate.method)
        if matched is None:
            status = 405 if allowed else 404
            text = f"{method} is not allowed here" if allowed else f"no such path {request.path}"
            return self._error(ApiError(status, text), request_id)
        candidate, params = matched
        context = Context(self, request, params)
        try:
            if candidate.auth:
                token, context.user = self._authenticate(request)
                if self.limiter is not None:
                    wait = self.limiter.take(token)
                    if wait > 0:
                        raise ApiError(
                            429,
                            "rate limit exceeded: slow down",
                            headers={"retry-after": TokenBucket.retry_after(wait)},
                        )
            status, data = candidate.handler(context)
        except ApiError as error:
            reply = self._error(error, request_id)
            reply.committed = context.committed
            return reply
        headers = {"content-type": "application/json", "x-request-id": request_id}
        if not candidate.envelope:
            return Reply(status, json.dumps(data).encode(), headers, context.committed)
        if method == "DELETE" and self.variants.delete == "204":
            del headers["content-type"]
            return Reply(204, b"", headers, committed=context.committed)
        if method == "GET":
            data = phone_form(data, self.variants.phones)
        body = self._envelope(status, data, request_id)
        return Reply(status, body, headers, committed=context.committed)

    def _spoil(self, reply: Reply, kind: str, commit: bool, request_id: str) -> Reply:
        if kind == "drop":
            reply.fault = "drop"
        elif kind == "slow":
            reply.fault = "slow"
            reply.commit_slow = commit
        elif kind == "lost-500":
            committed = reply.committed
            reply = self._error(ApiError(500, "internal server error"), request_id)
            reply.committed = committed
            reply.fault = kind
        elif kind == "truncated":
            reply.body = reply.body[: max(1, len(reply.body) // 2)]
            reply.fault = kind
        elif kind == "empty":
            reply.body = b""
            reply.fault = kind
        return reply
