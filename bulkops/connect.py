"""Where a run goes and with what: the base URL's rules, the credentials to use, and the
one request that checks both before any row is sent."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import httpx

from bulkops.client import ApiClient, StaticToken, TokenSource
from bulkops.config import Settings
from bulkops.errors import ConfigError, NotFound, NotSent, Unauthorized

__all__ = ["check_url", "credentials", "preflight"]


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


async def preflight(client: ApiClient, base_url: str) -> None:
    """One GET before any row: a run that cannot start stops here (exit 2)."""
    try:
        await client.request("GET", "/auth/profile")
    except Unauthorized as error:
        raise ConfigError(
            f"the API refused the credentials ({error.message}): check "
            "CONVIRZA_TOKEN or log in again"
        ) from None
    except NotSent as error:
        raise ConfigError(
            f"cannot reach {base_url} ({error}): check the address and the network"
        ) from None
    except NotFound:
        return  # an API without the profile endpoint: the rows will tell
