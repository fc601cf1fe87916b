"""What handlers work with: the request, the reply, the error, and the request context
(who is calling, what they may see and do)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from bulkops.sandbox.clock import Clock, iso
from bulkops.sandbox.store import Store
from bulkops.sandbox.variants import Variants

__all__ = [
    "REASONS",
    "ROLE_NAMES",
    "ApiError",
    "Context",
    "Handler",
    "Host",
    "Reply",
    "Request",
    "Route",
    "Session",
    "route",
]

ROLE_NAMES = {1: "Admin", 2: "Standard", 3: "ReadOnly"}
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class ApiError(Exception):
    """An error answer: status, message, and for 400s the fields at fault."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Reply:
    """What to answer, and how: `fault` is 'refuse', 'drop' or 'slow' for the transport."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    committed: bool = False
    fault: str | None = None
    delay: float = 0.0
    commit_slow: bool = True


@dataclass
class Session:
    """A token the sandbox issued: whose, until when, and which of the pair it is."""

    user_id: int
    expires: float
    kind: str  # "access" or "refresh"
    requests: int = 0


class Host(Protocol):
    """What handlers use of the sandbox that serves them (`bulkops.sandbox.app.Sandbox`)."""

    store: Store
    clock: Clock
    sessions: dict[str, Session]
    variants: Variants

    def subtree(self, root: int) -> set[int]:
        """`root` and every group below it."""
        ...

    def issue_tokens(self, user: dict[str, Any]) -> dict[str, Any]:
        """A fresh access + refresh pair for `user`."""
        ...


@dataclass
class Context:
    """One request as a handler sees it."""

    sandbox: Host
    request: Request
    params: dict[str, str]
    user: dict[str, Any] | None = None
    committed: bool = False
    _json: Any = None

    @property
    def store(self) -> Store:
        return self.sandbox.store

    @property
    def now(self) -> str:
        return iso(self.sandbox.clock.now())

    def json(self) -> Any:
        if self._json is None:
            if not self.request.body:
                raise ApiError(400, "a JSON body is required")
            try:
                self._json = json.loads(self.request.body)
            except ValueError as exc:
                raise ApiError(400, f"the body is not valid JSON ({exc})") from None
        return self._json

    def query_int(self, name: str, default: int, low: int, high: int | None = None) -> int:
        raw = self.request.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ApiError(400, f"{name} must be an integer", [
                {"field": name, "message": "must be an integer"}]) from None  # fmt: skip
        if value < low or (high is not None and value > high):
            limit = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ApiError(400, f"{name} must be {limit}", [
                {"field": name, "message": f"must be {limit}"}])  # fmt: skip
        return value

    # -- who may do what ---------------------------------------------------------------

    @property
    def role_id(self) -> int:
        return int(self.user["role_id"]) if self.user else 0

    def scope(self) -> set[int]:
        """The org units the caller may see: its own and every one below it."""
        assert self.user is not None
        return self.sandbox.subtree(int(self.user["ct_user_ou_id"]))

    def require_write(self, admin_only: bool = False) -> None:
        if self.role_id == 3:
            raise ApiError(403, "ReadOnly users cannot make changes")
        if admin_only and self.role_id != 1:
            raise ApiError(403, "only Admin users can manage users and groups")

    def require_scope(self, org_unit_id: Any, field_name: str = "org_unit_id") -> None:
        if isinstance(org_unit_id, int) and not isinstance(org_unit_id, bool):
            group = self.store.get("groups", org_unit_id)
            if group is not None and org_unit_id not in self.scope():
                # the docs: a target outside the caller's hierarchy answers 401, not 403
                raise ApiError(
                    401,
                    f"org unit {org_unit_id} is outside your hierarchy",
                    [{"field": field_name, "message": "is outside your hierarchy"}],
                )


Handler = Callable[[Context], tuple[int, Any]]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: bool = True
    envelope: bool = True


def route(method: str, path: str, handler: Handler, *, auth: bool = True,
          envelope: bool = True) -> Route:  # fmt: skip
    """'/v3/users/{id}' -> a route whose handler gets params['id']."""
    regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path.rstrip("/")) + "/?$"
    return Route(method, re.compile(regex), handler, auth, envelope)
