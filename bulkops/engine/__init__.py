"""The engine: rows to requests, run concurrently under the rate limit, with retries, a
journal and convergence. It knows no resource by name."""

__all__: list[str] = []
