"""Every route the sandbox serves, in match order (specific paths before `{id}` ones)."""

from __future__ import annotations

from bulkops.sandbox.context import Route
from bulkops.sandbox.handlers.auth import AUTH_ROUTES
from bulkops.sandbox.handlers.groups import GROUP_ROUTES
from bulkops.sandbox.handlers.misc import MISC_ROUTES
from bulkops.sandbox.handlers.numbers import NUMBER_ROUTES
from bulkops.sandbox.handlers.routes import ROUTES_COLLECTION
from bulkops.sandbox.handlers.users import USER_ROUTES

__all__ = ["ROUTES"]

ROUTES: list[Route] = [
    *AUTH_ROUTES,
    *USER_ROUTES,
    *GROUP_ROUTES,
    *NUMBER_ROUTES,
    *ROUTES_COLLECTION.routes(),
    *MISC_ROUTES,
]
