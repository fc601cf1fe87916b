"""OAuth (convirza-v3.md section 2): token, single-use rotating refresh, revoke; profile."""

from __future__ import annotations

import hmac
from typing import Any

from bulkops.sandbox.context import ApiError, Context, Route, route
from bulkops.sandbox.passwords import hash_password

__all__ = ["AUTH_ROUTES"]


def _token(context: Context) -> tuple[int, Any]:
    body = context.json()
    if not isinstance(body, dict) or not body.get("email") or not body.get("password"):
        raise ApiError(400, "send {\"email\", \"password\"}", [
            {"field": "email", "message": "is required"},
            {"field": "password", "message": "is required"}])  # fmt: skip
    email = str(body["email"]).casefold()
    for user in context.store.records("users"):
        if user["username"].casefold() == email and user.get("password_hash"):
            given = hash_password(str(body["password"]), user["password_salt"])
            if hmac.compare_digest(given, user["password_hash"]):
                if user.get("user_status") != "active":
                    raise ApiError(401, "this user is not active")
                return 200, context.sandbox.issue_tokens(user)
    raise ApiError(401, "wrong email or password")


def _refresh(context: Context) -> tuple[int, Any]:
    body = context.json()
    presented = body.get("refresh_token") if isinstance(body, dict) else None
    if not presented:
        raise ApiError(400, "send {\"refresh_token\"}", [
            {"field": "refresh_token", "message": "is required"}])  # fmt: skip
    sessions = context.sandbox.sessions
    session = sessions.get(presented)
    if session is None or session.kind != "refresh":
        raise ApiError(401, "invalid, used or revoked refresh token: log in again")
    # single use: the presented token dies now, whatever happens next
    del sessions[presented]
    if session.expires <= context.sandbox.clock.now():
        raise ApiError(401, "the refresh token has expired: log in again")
    user = context.store.get("users", session.user_id)
    if user is None or user.get("user_status") != "active":
        raise ApiError(401, "this user is not active")
    return 200, context.sandbox.issue_tokens(user)


def _revoke(context: Context) -> tuple[int, Any]:
    body = context.json()
    value = body.get("token") if isinstance(body, dict) else None
    kind = body.get("token_type", "access") if isinstance(body, dict) else None
    if not value or kind not in ("access", "refresh"):
        raise ApiError(400, 'send {"token", "token_type": "access" or "refresh"}')
    session = context.sandbox.sessions.get(value)
    if session is not None and session.kind == kind:
        del context.sandbox.sessions[value]
    return 200, {"revoked": True}  # idempotent: an unknown or expired token is fine too


def _profile(context: Context) -> tuple[int, Any]:
    user = context.user
    assert user is not None
    group = context.store.get("groups", user["ct_user_ou_id"]) or {}
    return 200, {
        "user_id": user["ct_user_id"],
        "email": user["username"],
        "first_name": user["first_name"],
        "last_name": user["last_name"],
        "role_id": user["role_id"],
        "org_unit_id": user["ct_user_ou_id"],
        "org_unit_name": group.get("org_unit_name"),
        "top_ou_id": group.get("top_ou_id"),
    }


AUTH_ROUTES: list[Route] = [
    route("POST", "/oauth/token", _token, auth=False, envelope=False),
    route("POST", "/oauth/refresh-token", _refresh, auth=False, envelope=False),
    route("POST", "/oauth/revoke-token", _revoke, auth=False, envelope=False),
    route("GET", "/v3/auth/profile", _profile),
]
