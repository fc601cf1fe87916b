"""A faithful local Convirza V3 API (CONTRACT.md), failures included.

An independent second reading of the contract: nothing here imports bulkops's resource
models or payload builders, so a wrong payload is caught, not mirrored. Use it in-process
through `SandboxTransport` (tests, `bulkops run --sandbox`) or over HTTP with
`bulkops sandbox serve`.
"""

from __future__ import annotations

from bulkops.sandbox.app import Sandbox
from bulkops.sandbox.clock import Clock, ManualClock
from bulkops.sandbox.context import ApiError, Reply, Request
from bulkops.sandbox.demo import DEMO_ADMIN, DEMO_PASSWORD, DEMO_USERS
from bulkops.sandbox.faults import FaultPlan, FaultRule, parse_faults
from bulkops.sandbox.log import LogEntry, RequestLog
from bulkops.sandbox.store import Store
from bulkops.sandbox.transport import SANDBOX_URL, SandboxTransport

__all__ = [
    "DEMO_ADMIN",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "SANDBOX_URL",
    "ApiError",
    "Clock",
    "FaultPlan",
    "FaultRule",
    "LogEntry",
    "ManualClock",
    "Reply",
    "Request",
    "RequestLog",
    "Sandbox",
    "SandboxTransport",
    "Store",
    "parse_faults",
]
