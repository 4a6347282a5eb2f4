"""Who may call what: API keys from the Authorization header, roles, per-key rate limits.

Keys are sent as ``Authorization: Bearer KEY`` or ``Authorization: ApiKey KEY``. Roles:
``screener`` (match, search, screen, jobs, sources, entity records), ``analyst`` (+ entity
history, the party book, alerts and their decisions, evidence pages), ``reviewer`` (+ confirming
true matches), ``admin`` (+ key management, source updates, the audit chain, webhooks and
monitoring cycles). Whether a role includes another is decided in one place,
:func:`clearance.store.keys.role_allows`. Health checks and the OpenAPI document and docs page
are open.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from clearance.errors import AuthError, LimitError, TooLargeError
from clearance.store.keys import ApiKey, KeyStore

#: documents the header in the OpenAPI schema; parsing is done below
AUTH_HEADER = APIKeyHeader(
    name="Authorization",
    scheme_name="ApiKey",
    description="`Bearer KEY` or `ApiKey KEY` (create keys with `clearance keys create`).",
    auto_error=False,
)
SCHEMES = ("bearer", "apikey")


def parse_authorization(header: str | None) -> str | None:
    """The key in an Authorization header, or None when there is none."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() not in SCHEMES or not value.strip():
        raise AuthError("Send the key as 'Authorization: Bearer KEY' or 'ApiKey KEY'.")
    return value.strip()


class RateLimitedError(LimitError):
    """A key sent more requests than its rate allows; ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class RateLimiter:
    """A token bucket per key, in memory (per server process)."""

    per_minute: int
    burst: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key_id: str, cost: int = 1, batch: int = 1) -> None:
        """Charge ``cost`` queries to a key, or refuse: 429 with the wait, or 413 for a
        ``batch`` larger than the burst (it could never pass)."""
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        capacity = float(max(1, self.burst))
        if batch > capacity:
            raise TooLargeError(
                f"A batch of {batch} queries is more than the {int(capacity)} a key may send at "
                "once: send smaller batches."
            )
        if cost <= 0:
            return
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key_id, (capacity, now))
            tokens = min(capacity, tokens + (now - at) * rate)
            if tokens < cost:
                self._buckets[key_id] = (tokens, now)
                wait = (cost - tokens) / rate
                raise RateLimitedError(
                    f"Rate limit of {self.per_minute} queries per minute exceeded; "
                    f"retry in {math.ceil(wait)} s.",
                    retry_after=wait,
                )
            self._buckets[key_id] = (tokens - cost, now)


def require(role: str) -> Callable[..., ApiKey]:
    """A dependency that admits keys whose role includes ``role`` and applies the rate limit."""

    def dependency(request: Request, header: str | None = Depends(AUTH_HEADER)) -> ApiKey:
        keys: KeyStore = request.app.state.keys
        key = keys.verify(parse_authorization(header), role)
        request.state.api_key = key
        limiter: RateLimiter = request.app.state.limiter
        limiter.take(key.id)
        return key

    dependency.__name__ = f"require_{role}"
    return dependency


def charge(request: Request, key: ApiKey, queries: int) -> None:
    """Charge the queries of a batch beyond the one its request already paid."""
    limiter: RateLimiter = request.app.state.limiter
    limiter.take(key.id, queries - 1, batch=queries)
