"""One sheet's requests: each through the run's shared rate limiter, retried as the
policy says, and counted (what the Summary reports)."""

from __future__ import annotations

from typing import Any

from bulkops.client import Answer, ApiClient
from bulkops.engine.clock import Clock
from bulkops.engine.failures import Failed
from bulkops.engine.ratelimit import RateLimiter
from bulkops.engine.retry import RetryPolicy
from bulkops.errors import ApiError, NotFound, RateLimited, TransportError

__all__ = ["Requests"]


class Requests:
    def __init__(
        self, client: ApiClient, limiter: RateLimiter, policy: RetryPolicy, clock: Clock
    ) -> None:
        self.client = client
        self.limiter = limiter
        self.policy = policy
        self.clock = clock
        #: requests started, and those the API answered 429
        self.sent = 0
        self.throttled = 0

    async def call(
        self,
        method: str,
        path: str,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        gone_is_done: bool = False,
        content_type: str = "application/json",
    ) -> tuple[Answer, int]:
        """One request through the limiter, retried as the policy says. `content` is the
        body already encoded (the bytes the journal hashed)."""
        attempt = 0
        while True:
            attempt += 1
            await self.limiter.acquire()
            self.sent += 1
            try:
                answer = await self.client.request(
                    method, path, params=params, content=content, content_type=content_type
                )
            except (ApiError, TransportError) as error:
                if isinstance(error, RateLimited):
                    self.throttled += 1
                    self.limiter.throttled(error.retry_after)
                if (
                    isinstance(error, NotFound)
                    and method == "DELETE"
                    and (attempt > 1 or gone_is_done)
                ):
                    # an earlier attempt deleted it and its answer was lost
                    return Answer(200, None, error.request_id), attempt
                decision = self.policy.decide(method, error, attempt)
                if not decision.retry:
                    raise Failed(error, attempt) from None
                await self.clock.sleep(decision.delay)
                continue
            self.limiter.succeeded()
            self.policy.budget.earn()
            return answer, attempt
