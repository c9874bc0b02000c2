"""The token bucket on its own, with a fake clock."""

from __future__ import annotations

from service.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_per_key() -> None:
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)  # one token a second, bursts of 60
    assert all(limiter.acquire("a") == 0 for _ in range(60))
    assert limiter.acquire("a") == 1
    assert limiter.acquire("b") == 0  # keys do not share buckets
    clock.now += 0.5
    assert limiter.acquire("a") == 1
    clock.now += 0.6
    assert limiter.acquire("a") == 0
    assert limiter.acquire("a") == 1


def test_retry_after_is_whole_seconds_until_a_token() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)  # one token every 30 s
    assert limiter.acquire(1) == 0 and limiter.acquire(1) == 0
    assert limiter.acquire(1) == 30
    clock.now += 10
    assert limiter.acquire(1) == 20


def test_zero_disables() -> None:
    limiter = RateLimiter(0)
    assert not limiter.enabled
    assert all(limiter.acquire("k") == 0 for _ in range(1000))
