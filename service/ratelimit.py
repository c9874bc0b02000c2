"""A per-key token bucket, in memory, per process; and the :class:`Limiter` interface every limiter has.

Each key may burst up to ``per_minute`` requests and refills at ``per_minute / 60`` per second. With
several workers each process keeps its own buckets, so the effective limit would be ``workers x
per_minute``: :mod:`service.ratelimit_shared` keeps the same bucket in the database or in Redis for
that case, and ``build_limiter`` there chooses by the settings (``SCREENER_RATE_LIMIT_BACKEND``).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Protocol

__all__ = ["Limiter", "RateLimiter"]


class Limiter(Protocol):
    """What the request dependencies need of a limiter, wherever its buckets live."""

    @property
    def enabled(self) -> bool: ...

    def acquire(self, key: object) -> int:
        """0 when the request may go ahead, else the whole seconds until the key has a token."""
        ...


def retry_after(tokens: float, rate: float) -> int:
    """Whole seconds until a bucket holding ``tokens`` (< 1) has one, refilling at ``rate`` a second."""
    return max(1, math.ceil((1.0 - tokens) / rate - 1e-9))  # 1e-9: float noise, not a second


class RateLimiter:
    """``acquire(key)`` returns 0 when the request may go ahead, else the seconds to wait."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[object, tuple[float, float]] = {}  # key -> (tokens, last refill time)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def acquire(self, key: object) -> int:
        if not self.enabled:
            return 0
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0
            self._buckets[key] = (tokens, now)
            return retry_after(tokens, self.rate)
