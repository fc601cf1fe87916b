"""OAuth, tokens, roles and the envelope."""

from __future__ import annotations

import uuid

import httpx

from bulkops.sandbox import DEMO_ADMIN, DEMO_PASSWORD, SANDBOX_URL, ManualClock, Sandbox
from tests.sandbox.conftest import Login, client_for, data, error

TOKEN_URL = f"{SANDBOX_URL}/oauth/token"
REFRESH_URL = f"{SANDBOX_URL}/oauth/refresh-token"
REVOKE_URL = f"{SANDBOX_URL}/oauth/revoke-token"


def test_token_pair_with_absolute_expiry(box: Sandbox) -> None:
    """Email + password give an access/refresh pair; expiries are ISO timestamps."""
    answer = client_for(box).post(TOKEN_URL, json={"email": DEMO_ADMIN, "password": DEMO_PASSWORD})
    assert answer.status_code == 200
    pair = answer.json()
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"].endswith("Z")
    assert "T" in pair["expires_in"]
    assert pair["user"] == {"user_id": 84784, "email": DEMO_ADMIN, "role_id": 1,
                            "org_unit_id": 70000}  # fmt: skip


def test_wrong_password_and_missing_fields(box: Sandbox) -> None:
    """A wrong password is 401; a body without the fields is 400 naming them."""
    client = client_for(box)
    error(client.post(TOKEN_URL, json={"email": DEMO_ADMIN, "password": "nope"}), 401)
    bad = error(client.post(TOKEN_URL, json={}), 400)
    assert {e["field"] for e in bad["errors"]} == {"email", "password"}
    error(client.post(TOKEN_URL, content=b"{not json"), 400)


def test_refresh_tokens_are_single_use_and_rotate(box: Sandbox) -> None:
    """A refresh gives a new pair; the presented refresh token never works again."""
    client = client_for(box)
    first = client.post(TOKEN_URL, json={"email": DEMO_ADMIN, "password": DEMO_PASSWORD}).json()
    second = client.post(REFRESH_URL, json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]
    error(client.post(REFRESH_URL, json={"refresh_token": first["refresh_token"]}), 401)
    third = client.post(REFRESH_URL, json={"refresh_token": second.json()["refresh_token"]})
    assert third.status_code == 200
    fresh = client_for(box, third.json()["access_token"])
    assert fresh.get("/auth/profile").status_code == 200


def test_revoke_is_immediate_and_idempotent(box: Sandbox) -> None:
    """A revoked access token is refused at once; revoking twice still succeeds."""
    client = client_for(box)
    pair = client.post(TOKEN_URL, json={"email": DEMO_ADMIN, "password": DEMO_PASSWORD}).json()
    user = client_for(box, pair["access_token"])
    assert user.get("/auth/profile").status_code == 200
    body = {"token": pair["access_token"], "token_type": "access"}
    assert client.post(REVOKE_URL, json=body).status_code == 200
    assert client.post(REVOKE_URL, json=body).status_code == 200
    error(user.get("/auth/profile"), 401)
    error(client.post(REVOKE_URL, json={"token": "x", "token_type": "bogus"}), 400)


def test_missing_invalid_and_expired_tokens_are_401(box: Sandbox, clock: ManualClock) -> None:
    """No header, a garbage token and a token past its 7 days are all 401."""
    error(client_for(box).get("/auth/profile"), 401)
    error(client_for(box, "garbage").get("/auth/profile"), 401)
    client = client_for(box)
    pair = client.post(TOKEN_URL, json={"email": DEMO_ADMIN, "password": DEMO_PASSWORD}).json()
    user = client_for(box, pair["access_token"])
    clock.advance(7 * 86400 + 1)
    error(user.get("/auth/profile"), 401)


def test_profile(api: httpx.Client) -> None:
    """The profile names the user, role and group."""
    profile = data(api.get("/auth/profile"))
    assert (profile["user_id"], profile["role_id"], profile["org_unit_id"]) == (84784, 1, 70000)


def test_readonly_users_cannot_write(as_user: Login) -> None:
    """A ReadOnly user reads but every write is 403."""
    reader = as_user("readonly@demo.bulkops.test")
    assert reader.get("/provisioned-routes/12001").status_code == 200
    error(reader.patch("/provisioned-routes/12001", json={"call_value": 5}), 403)
    error(reader.delete("/tag/501"), 403)


def test_standard_users_cannot_manage_groups_or_users(as_user: Login) -> None:
    """Standard users manage routes, not groups or users."""
    standard = as_user("standard@demo.bulkops.test")
    error(standard.post("/groups", json={"org_unit_name": "X", "org_unit_parent_id": 70001}), 403)
    assert standard.patch("/provisioned-routes/12001", json={"call_value": 5}).status_code == 200


def test_every_response_has_a_fresh_request_id(api: httpx.Client) -> None:
    """Successes and errors alike carry a new UUID request_id."""
    ids = [
        api.get("/provisioned-routes/12001").json()["request_id"],
        api.get("/provisioned-routes/1").json()["request_id"],
        api.get("/no/such/path").json()["request_id"],
    ]
    assert len(set(ids)) == 3
    for value in ids:
        uuid.UUID(value)


def test_unknown_paths_and_methods(api: httpx.Client) -> None:
    """Unknown paths are 404, known paths with another method 405, both enveloped."""
    error(api.get("/nothing-here"), 404)
    error(api.post("/industry", json={}), 405)
