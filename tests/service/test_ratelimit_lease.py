"""Leases of a shared bucket: the round trips they save and the limits they keep."""

from __future__ import annotations

import pytest

from service.ratelimit_lease import LEASE_SECONDS, Leases


class Bucket:
    """A shared bucket in memory with a stopped clock, counting round trips."""

    def __init__(self, tokens: float) -> None:
        self.tokens = tokens
        self.trips: list[int] = []

    def take(self, key: object, want: int) -> tuple[bool, float]:
        self.trips.append(want)
        if self.tokens >= want:
            self.tokens -= want
            return True, self.tokens
        return False, self.tokens


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def test_demand_grows_the_lease_and_saves_round_trips() -> None:
    bucket, clock = Bucket(1_000_000), Clock()
    leases = Leases(bucket.take, capacity=1_000_000, rate=1.0, clock=clock)
    assert all(leases.acquire("k") == 0 for _ in range(30_000))
    assert len(bucket.trips) < 100  # 1, 2, 4, ... up to the cap, then a trip per lease
    assert max(bucket.trips) == leases.max_lease == 10_000
    assert 1_000_000 - bucket.tokens - 30_000 < leases.max_lease  # at most one lease held unspent


@pytest.mark.parametrize("capacity", [1, 60, 120, 199])
def test_a_small_limit_is_never_leased(capacity: int) -> None:
    bucket, clock = Bucket(capacity), Clock()
    leases = Leases(bucket.take, capacity=capacity, rate=capacity / 60, clock=clock)
    results = [leases.acquire("k") for _ in range(capacity + 5)]
    assert results[:capacity] == [0] * capacity and all(r > 0 for r in results[capacity:])
    assert set(bucket.trips) == {1} and len(bucket.trips) == capacity + 5


def test_near_the_limit_one_token_is_asked_for_and_refusals_say_when() -> None:
    bucket, clock = Bucket(1000), Clock()
    leases = Leases(bucket.take, capacity=1000, rate=1.0, clock=clock)  # leases of up to 10
    granted = sum(1 for _ in range(1200) if leases.acquire("k") == 0)
    assert granted == 1000 and bucket.tokens == 0  # a lease too big for what is left falls back to 1
    assert leases.acquire("k") == 1  # Retry-After of the shared bucket (1 token/s)


def test_an_expired_lease_is_not_spent_and_shrinks() -> None:
    bucket, clock = Bucket(100_000), Clock()
    leases = Leases(bucket.take, capacity=100_000, rate=1.0, clock=clock)
    for _ in range(200):
        leases.acquire("k")
    size = bucket.trips[-1]
    left = leases._leases["k"].left
    clock.now += LEASE_SECONDS
    trips = len(bucket.trips)
    assert leases.acquire("k") == 0
    assert len(bucket.trips) == trips + 1  # the old lease's tokens were not used
    if left > 0:
        assert bucket.trips[-1] < size


def test_keys_have_their_own_leases() -> None:
    bucket, clock = Bucket(10_000), Clock()
    leases = Leases(bucket.take, capacity=10_000, rate=1.0, clock=clock)
    leases.acquire("a")
    leases.acquire("b")
    assert bucket.trips == [1, 1]
