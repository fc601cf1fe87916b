"""One rate limiter shared by every worker: GCRA pacing (no burst), adaptive on 429.

GCRA (virtual scheduling): each caller reserves the slot `max(tat, now)` and moves the
theoretical arrival time `tat` on by 1/rate, then sleeps until its slot. There is no burst
at the start (perf-notes.md measured aiolimiter's default at ~2R in one second). A window
of the last `--rate` actual starts guards the promise itself: a start delayed by the event
loop cannot let R+1 requests into any sliding second.

On a 429 the run pauses for Retry-After and slows down, once per episode (the requests
already in flight are not counted again): the pace that met the 429 becomes a ceiling and
the pace drops to four fifths of it. After CALM_REQUESTS clean answers in a row it climbs
back towards just under the ceiling; a ceiling held for long creeps up, so a server that
allows more again is noticed.
"""

from __future__ import annotations

import math
import threading
from collections import deque

from bulkops.config import CALM_REQUESTS, SLOWEST_SHARE
from bulkops.engine.clock import Clock

__all__ = ["WINDOW_MARGIN", "RateLimiter"]

_BACK_OFF = 0.8  # the pace after a 429, as a share of the ceiling
_BELOW_CEILING = 0.97  # how close to the ceiling the climb may go
_STEP = 0.04  # the climb per calm spell, as a share of the ceiling
_CREEP = 1.01  # how the ceiling rises after CREEP_SPELLS calm spells spent at it
_CREEP_SPELLS = 10
#: The window guard counts a second as this much longer: it absorbs the jitter between a
#: request's start here and its arrival at the server (event loop, GC, the network).
WINDOW_MARGIN = 0.01


class RateLimiter:
    def __init__(self, rate: float, clock: Clock) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.target = rate
        self.rate = rate
        self.clock = clock
        self.ceiling: float | None = None
        self.slowdowns = 0
        self._tat = 0.0
        self._calm = 0
        self._spells_at_cap = 0
        self._episode_ends = float("-inf")
        self._starts: deque[float] = deque(maxlen=max(1, math.floor(rate)))
        self._lock = threading.Lock()

    async def acquire(self) -> None:
        """Wait for this caller's slot. Callers may be in several threads (runs of one
        account from the upload page share its limiter): the bookkeeping is under a lock,
        the waits are not."""
        with self._lock:
            now = self.clock.monotonic()
            slot = max(self._tat, now)
            self._tat = slot + 1.0 / self.rate
        if slot > now:
            await self.clock.sleep(slot - now)
        starts = self._starts
        second = 1.0 + WINDOW_MARGIN
        while True:
            with self._lock:
                now = self.clock.monotonic()
                wait = second - (now - starts[0]) if len(starts) == starts.maxlen else 0.0
                if wait <= 1e-9:  # float steps: a nanosecond short is on time
                    starts.append(now)
                    return
            await self.clock.sleep(wait)

    def throttled(self, retry_after: float | None) -> None:
        """A 429: pause everyone for Retry-After; slow down once per episode."""
        now = self.clock.monotonic()
        self._calm = 0
        if retry_after:
            self._tat = max(self._tat, now + retry_after)
        if now < self._episode_ends:
            return
        self.slowdowns += 1
        floor = self.target * SLOWEST_SHARE
        self.ceiling = max(floor, self.rate)
        self.rate = max(floor, self.ceiling * _BACK_OFF)
        self._spells_at_cap = 0
        self._episode_ends = max(self._tat, now) + 1.0 / self.rate

    def succeeded(self) -> None:
        """A clean answer: after a calm spell, climb back towards the ceiling."""
        if self.ceiling is None:
            return
        self._calm += 1
        if self._calm < CALM_REQUESTS:
            return
        self._calm = 0
        limit = min(self.target, self.ceiling * _BELOW_CEILING)
        if self.rate < limit:
            self.rate = min(limit, self.rate + self.ceiling * _STEP)
            return
        self._spells_at_cap += 1
        if self._spells_at_cap >= _CREEP_SPELLS:
            self._spells_at_cap = 0
            self.ceiling = min(self.target / _BELOW_CEILING, self.ceiling * _CREEP)
