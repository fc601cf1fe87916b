"""Where a run goes and with what: the base URL's rules, the credentials to use, and the
one request that checks both before any row is sent."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from bulkops.client import ApiClient, StaticToken, TokenSource
from bulkops.config import Settings
from bulkops.errors import (
    ApiError,
    ConfigError,
    NotFound,
    NotSent,
    OutcomeUnknown,
    RateLimited,
    ServerError,
    Unauthorized,
    UsageError,
)

__all__ = ["Connection", "check_url", "connect", "credentials", "preflight"]

_SANDBOX_TOKEN = "bulkops-sandbox-run"


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback:
        raise ConfigError(f"base URL {url!r}: use https:// (plain http only to 127.0.0.1)")


def credentials(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> TokenSource:
    """CONVIRZA_TOKEN first, else the pair `bulkops login` stored."""
    if settings.token is not None:
        return StaticToken(settings.token.get_secret_value())
    from bulkops.auth import OAuthSession, load_credentials

    stored = load_credentials()
    if stored is None:
        raise ConfigError(
            "no credentials: set CONVIRZA_TOKEN, run 'bulkops login', or rehearse with "
            "--sandbox (nothing real is touched)"
        )
    return OAuthSession(stored, transport=transport)


async def preflight(
    client: ApiClient,
    base_url: str,
    again: Callable[[BaseException, int], Awaitable[bool]] | None = None,
) -> dict[str, Any]:
    """One GET before any row: a run that cannot start stops here (exit 2). The profile
    it read ({} when the API has none). A failure `again(error, attempt)` says is worth
    another try (a 5xx, a dropped connection: it waits as a run's retries do) is tried
    again; when it gives up, one line says which request failed and how."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return await _profile(client, base_url)
        except (NotSent, ServerError, OutcomeUnknown, RateLimited) as error:
            if again is not None and await again(error, attempt):
                continue
            how = f"{attempt} times" if attempt > 1 else "once"
            what = f"HTTP {error.status} {error}" if isinstance(error, ApiError) else str(error)
            raise ConfigError(
                f"the first request (GET {base_url}/auth/profile, which checks the "
                f"credentials) failed {how}: {what}; nothing was sent: check the address "
                "and the network, or try again later"
            ) from None


async def _profile(client: ApiClient, base_url: str) -> dict[str, Any]:
    try:
        answer = await client.request("GET", "/auth/profile")
    except Unauthorized as error:
        raise ConfigError(
            f"the API refused the credentials ({error.message}): check "
            "CONVIRZA_TOKEN or log in again"
        ) from None
    except NotFound:
        return {}  # an API without the profile endpoint: the rows will tell
    return answer.data if isinstance(answer.data, dict) else {}


@dataclass(frozen=True)
class Connection:
    """Where requests go and how: the API (or an in-process sandbox, `box`), its base
    URL, how the results name it, the transport and the credentials."""

    base_url: str
    target: str
    transport: httpx.AsyncBaseTransport | None
    auth: TokenSource | None
    box: Any = None


def connect(
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    auth: TokenSource | None = None,
    *,
    sandbox: bool,
    need_auth: bool = True,
) -> Connection:
    """The connection a command uses: the in-process sandbox (its reading of the docs from
    the settings), or the API with the stored or given credentials (`transport` and `auth`
    given: tests and benchmarks)."""
    if sandbox:
        from bulkops.sandbox import SANDBOX_URL, Sandbox, SandboxTransport
        from bulkops.sandbox.variants import Variants

        try:
            variants = Variants.parse([settings.sandbox_variants])
        except ValueError as exc:
            raise UsageError(f"--variant: {exc}") from None
        box = Sandbox(variants=variants)
        box.grant(_SANDBOX_TOKEN, 84784, lifetime=86400)
        return Connection(
            f"{SANDBOX_URL}/v3",
            "the in-process sandbox (no real account)",
            transport or SandboxTransport(box),
            auth or StaticToken(_SANDBOX_TOKEN),
            box,
        )
    if transport is None:
        check_url(settings.base_url)
    if auth is None and need_auth:
        auth = credentials(settings, transport)
    return Connection(settings.base_url, settings.base_url, transport, auth)
