"""Who is signed in: a session per browser, held on the server. The browser holds only the
session's random id, in an HttpOnly, SameSite=Strict cookie; the person's Convirza tokens
stay here, and signing out revokes them."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from bulkops.auth import Credentials
from bulkops.client import TokenSource

__all__ = ["COOKIE", "Person", "Session", "Sessions"]

COOKIE = "bulkops_session"


@dataclass
class Person:
    """A signed-in person: their login, the account it reaches, and its tokens."""

    email: str
    #: the account as the bar names it ("Peachtree Dental Group (id 70000)")
    account: str
    #: where and which account (the folder their uploads live in follows from it)
    identity: str
    live: bool
    auth: TokenSource
    #: the OAuth pair behind `auth`, revoked at sign-out
    credentials: Credentials | None = None
    id: str = ""
    #: what OAuth and the API are reached through (None: the network)
    transport: Any = None


@dataclass
class Session:
    id: str
    person: Person
    #: sent back with every change the page asks for (a header, or a form field)
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    started: float = field(default_factory=time.time)


class Sessions:
    """The sessions of this server (a restart signs everyone out; uploads stay)."""

    def __init__(self, lifetime: float = 12 * 3600) -> None:
        self.lifetime = lifetime
        self._sessions: dict[str, Session] = {}

    def start(self, person: Person) -> Session:
        session = Session(secrets.token_urlsafe(32), person)
        self._sessions[session.id] = session
        return session

    def get(self, session_id: Any) -> Session | None:
        if not isinstance(session_id, str):
            return None
        session = self._sessions.get(session_id)
        if session is not None and time.time() - session.started > self.lifetime:
            self._sessions.pop(session_id, None)
            return None
        return session

    def end(self, session_id: str) -> Session | None:
        return self._sessions.pop(session_id, None)
