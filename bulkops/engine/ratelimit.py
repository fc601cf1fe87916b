"""One rate limiter shared by every worker: GCRA pacing (no burst), adaptive on 429.

GCRA (virtual scheduling): each caller reserves the slot `max(tat, now)` and moves the
theoretical arrival time `tat` on by 1/rate, then sleeps until its slot. Starts are spaced
at least 1/rate apart, so never more than `rate` start in any sliding second, and there is
no burst at the start (perf-notes.md measured aiolimiter's default at ~2R in one second).

On a 429 the run pauses for Retry-After and slows down: the pace at which the server
pushed back becomes a ceiling and the pace drops to three quarters of it (once per
episode: the other requests already in flight are not counted again). After CALM_REQUESTS
clean answers in a row it climbs back by a twentieth of --rate at a time, up to just under
the ceiling, which itself creeps up slowly so a server that got faster is noticed.
"""

from __future__ import annotations

from bulkops.config import CALM_REQUESTS, SLOWEST_SHARE
from bulkops.engine.clock import Clock

__all__ = ["RateLimiter"]

_BACK_OFF = 0.75  # the pace after a 429, as a share of the pace that met it
_BELOW_CEILING = 0.97  # how close to the pace that met a 429 the climb may go
_STEP = 0.05  # the climb per calm spell, as a share of --rate
_CREEP = 1.02  # how the ceiling rises per calm spell spent at it


class RateLimiter:
    def __init__(self, rate: float, clock: Clock) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.target = rate
        self.rate = rate
        self.clock = clock
        self.ceiling: float | None = None
        self._tat = 0.0
        self._calm = 0
        self._episode_ends = float("-inf")
        self.slowdowns = 0

    async def acquire(self) -> None:
        """Wait for this caller's slot."""
        now = self.clock.monotonic()
        slot = max(self._tat, now)
        self._tat = slot + 1.0 / self.rate
        if slot > now:
            await self.clock.sleep(slot - now)

    def throttled(self, retry_after: float | None) -> None:
        """A 429: pause everyone for Retry-After; slow down once per episode."""
        now = self.clock.monotonic()
        self._calm = 0
        if retry_after:
            self._tat = max(self._tat, now + retry_after)
        if now < self._episode_ends:
            return
        self.slowdowns += 1
        self.ceiling = self.rate
        self.rate = max(self.target * SLOWEST_SHARE, self.rate * _BACK_OFF)
        self._episode_ends = max(self._tat, now) + 1.0

    def succeeded(self) -> None:
        """A clean answer: after a calm spell, climb back towards the ceiling."""
        if self.ceiling is None and self.rate >= self.target:
            return
        self._calm += 1
        if self._calm < CALM_REQUESTS:
            return
        self._calm = 0
        limit = (
            self.target if self.ceiling is None else min(self.target, self.ceiling * _BELOW_CEILING)
        )
        if self.rate < limit:
            self.rate = min(limit, self.rate + self.target * _STEP)
        elif self.ceiling is not None:
            self.ceiling = min(self.target / _BELOW_CEILING, self.ceiling * _CREEP)
