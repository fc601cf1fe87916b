"""Logging in with email and password: the OAuth token pair, stored safely outside the
project and refreshed as it ages.

- The pair lives in `$BULKOPS_HOME/credentials.json` (default `~/.config/bulkops`), written
  0600 and atomically; a file others can read is refused. The password is never stored.
- Refresh tokens are single use: one refresh at a time (a lock), and a task that met a 401
  with a token another task already replaced just takes the new one.
- `expires_in` is an absolute ISO timestamp (not seconds): the access token is refreshed
  before it runs out, and after any 401.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
import httpx

from bulkops.client import TokenSource, clean_text, redact
from bulkops.errors import ConfigError, NotSent, OutcomeUnknown, Unauthorized

__all__ = [
    "REFRESH_AHEAD",
    "Credentials",
    "OAuthSession",
    "credentials_path",
    "exchange",
    "load_credentials",
    "login",
    "logout",
    "revoke",
    "save_credentials",
]

#: Refresh the access token this many seconds before it expires (the vendor says 5 min).
REFRESH_AHEAD = 300.0


@dataclass
class Credentials:
    email: str
    oauth_url: str
    access_token: str
    refresh_token: str
    expires_at: float
    refresh_expires_at: float


def credentials_path() -> Path:
    home = os.environ.get("BULKOPS_HOME")
    base = Path(home) if home else Path.home() / ".config" / "bulkops"
    return base / "credentials.json"


def _epoch(text: Any) -> float:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def _from_answer(email: str, oauth_url: str, pair: dict[str, Any]) -> Credentials:
    try:
        return Credentials(
            email,
            oauth_url,
            str(pair["access_token"]),
            str(pair["refresh_token"]),
            _epoch(pair.get("expires_in")),
            _epoch(pair.get("refresh_expires_in")),
        )
    except KeyError:
        raise Unauthorized(200, "the OAuth answer holds no token pair") from None


def save_credentials(credentials: Credentials, path: Path | None = None) -> Path:
    """Write atomically with mode 0600 (never readable by others, not even briefly)."""
    path = path or credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".credentials-")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(asdict(credentials), stream)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def load_credentials(path: Path | None = None) -> Credentials | None:
    """The stored pair, or None. A file that others can read is refused."""
    path = path or credentials_path()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{path} can be read by other users: run 'chmod 600 {path}' "
            "(or 'bulkops logout' and log in again)"
        )
    try:
        return Credentials(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        raise ConfigError(f"{path} is damaged: run 'bulkops login' again") from None


async def _oauth(
    oauth_url: str, path: str, body: dict[str, Any], transport: httpx.AsyncBaseTransport | None
) -> dict[str, Any]:
    if transport is None:
        from httpx_aiohttp import AiohttpTransport

        transport = AiohttpTransport()
    async with httpx.AsyncClient(transport=transport, timeout=30.0, follow_redirects=False) as http:
        try:
            response = await http.post(oauth_url.rstrip("/") + path, json=body)
        except httpx.ConnectError:
            raise NotSent(f"cannot reach {oauth_url}") from None
        except httpx.HTTPError as exc:
            raise OutcomeUnknown(f"no answer from {oauth_url} ({type(exc).__name__})") from None
    try:
        document = response.json()
    except ValueError:
        document = {}
    if response.status_code != 200 or not isinstance(document, dict):
        message = document.get("message") if isinstance(document, dict) else None
        text = str(message or response.text or response.reason_phrase)
        secrets = [str(v) for v in body.values()]  # the password or token sent, if echoed
        raise Unauthorized(response.status_code, clean_text(redact(text, *secrets)))
    return document


async def exchange(
    email: str, password: str, oauth_url: str, transport: httpx.AsyncBaseTransport | None = None
) -> Credentials:
    """Email + password for a token pair, kept by the caller (the web page keeps it in
    the person's session, never on disk)."""
    pair = await _oauth(oauth_url, "/oauth/token", {"email": email, "password": password},
                        transport)  # fmt: skip
    return _from_answer(email, oauth_url, pair)


async def revoke(
    credentials: Credentials, transport: httpx.AsyncBaseTransport | None = None
) -> None:
    """Revoke both tokens (whatever the answer: a token nobody holds cannot be used)."""
    for token, kind in (
        (credentials.refresh_token, "refresh"),
        (credentials.access_token, "access"),
    ):
        with contextlib.suppress(Unauthorized, NotSent, OutcomeUnknown):
            await _oauth(credentials.oauth_url, "/oauth/revoke-token",
                         {"token": token, "token_type": kind}, transport)  # fmt: skip


def login(
    email: str,
    password: str,
    oauth_url: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    path: Path | None = None,
) -> Credentials:
    """Exchange email + password for a token pair and store it."""
    pair = anyio.run(
        _oauth, oauth_url, "/oauth/token", {"email": email, "password": password}, transport
    )
    credentials = _from_answer(email, oauth_url, pair)
    save_credentials(credentials, path)
    return credentials


def logout(*, transport: httpx.AsyncBaseTransport | None = None, path: Path | None = None) -> bool:
    """Revoke the stored tokens and forget them; False when nobody was logged in."""
    path = path or credentials_path()
    credentials = load_credentials(path)
    if credentials is None:
        return False

    anyio.run(revoke, credentials, transport)
    path.unlink(missing_ok=True)
    return True


class OAuthSession(TokenSource):
    """The stored pair as a token source: refreshed ahead of expiry and after a 401,
    one refresh at a time, the new pair stored at once."""

    can_refresh = True

    def __init__(
        self,
        credentials: Credentials,
        *,
        path: Path | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        now: Any = None,
        store: bool = True,
    ) -> None:
        import time

        self.credentials = credentials
        #: write each new pair to the credentials file (the CLI); the web page does not
        self.store = store
        self.path = path
        self.transport = transport
        self.now = now or time.time
        self.refreshes = 0
        self._lock = anyio.Lock()
        self._proactive = True

    async def token(self) -> str:
        if self._proactive and self.credentials.expires_at - self.now() < REFRESH_AHEAD:
            return await self.refreshed(self.credentials.access_token)
        return self.credentials.access_token

    async def refreshed(self, stale: str) -> str:
        async with self._lock:
            if self.credentials.access_token != stale:
                return self.credentials.access_token  # another task refreshed already
            try:
                pair = await _oauth(
                    self.credentials.oauth_url,
                    "/oauth/refresh-token",
                    {"refresh_token": self.credentials.refresh_token},
                    self.transport,
                )
            except Unauthorized as error:
                raise Unauthorized(
                    401, f"the session has ended ({error.message}): run 'bulkops login' again"
                ) from None
            self.credentials = _from_answer(
                self.credentials.email, self.credentials.oauth_url, pair
            )
            self.refreshes += 1
            if self.store:
                save_credentials(self.credentials, self.path)
            if self.credentials.expires_at - self.now() < REFRESH_AHEAD:
                # a fresh token that already looks old: the clocks disagree; trust 401s
                self._proactive = False
            return self.credentials.access_token
