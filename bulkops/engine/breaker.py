"""The circuit breaker: systemic failures stop the run instead of failing every row.

BREAKER_THRESHOLD rows in a row that failed for the API's reasons (5xx, no answer, 403)
hold all new rows; after BREAKER_COOLDOWN one probe decides: the API answers -> go on;
it still fails -> stop, leaving the rest `not_attempted` for --resume.
"""

from __future__ import annotations

import anyio

from bulkops.client import ApiClient
from bulkops.config import BREAKER_COOLDOWN, BREAKER_THRESHOLD
from bulkops.engine.clock import Clock
from bulkops.engine.failures import text_of
from bulkops.errors import ApiError, TransportError

__all__ = ["Breaker"]


class Breaker:
    def __init__(
        self, clock: Clock, threshold: int = BREAKER_THRESHOLD, cooldown: float = BREAKER_COOLDOWN
    ) -> None:
        self.clock = clock
        self.threshold = threshold
        self.cooldown = cooldown
        self.failing = 0
        self.probes_sent = 0
        self._healthy = anyio.Event()
        self._healthy.set()

    async def admit(self) -> None:
        """Wait while the breaker is open."""
        await self._healthy.wait()

    def succeeded(self) -> None:
        self.failing = 0

    async def failed(self, client: ApiClient, probe_path: str) -> str | None:
        """Count one systemic failure; the reason to stop, when the probe says so."""
        self.failing += 1
        if self.failing < self.threshold or not self._healthy.is_set():
            return None
        self._healthy = anyio.Event()
        try:
            await self.clock.sleep(self.cooldown)
            self.probes_sent += 1
            try:
                await client.request("GET", probe_path, params={"limit": 1, "offset": 0})
            except (ApiError, TransportError) as probe:
                return (
                    f"not attempted: the API failed {self.failing} rows in a row and a probe "
                    f"after {self.cooldown:g} s still failed ({text_of(probe)}); run again "
                    "with --resume when it is back"
                )
            self.failing = 0
            return None
        finally:
            self._healthy.set()
