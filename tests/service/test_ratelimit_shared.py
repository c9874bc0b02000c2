"""The shared token bucket: the in-memory limiter's rules, kept in SQLite, PostgreSQL or Redis, and one
limit across several limiters (each its own connection, as each process has)."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from queue_testing import pg_schema_url

from service.ratelimit import Limiter, RateLimiter
from service.ratelimit_shared import DatabaseRateLimiter, RedisRateLimiter, backend_for, build_limiter
from service.settings import Settings
from service.store import create_db_engine, migrate

REDIS_URL = "redis://127.0.0.1:6379/15"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        pytest.skip("Redis not reachable at 127.0.0.1:6379")


@pytest.fixture(
    params=[
        "memory",
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
        "redis",
    ]
)
def make_limiter(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Limiter]]:
    """``make(per_minute, clock=...)``: a new limiter on the backend; all of them share its buckets."""
    engines: list[Any] = []
    clients: list[Any] = []
    prefix = f"test-{uuid.uuid4().hex[:10]}:"
    url = None
    pg = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/limits.db"
    elif request.param == "postgresql":
        pg = pg_schema_url()
        url = pg.__enter__()
        if url is None:
            pg.__exit__(None, None, None)
            pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    elif request.param == "redis":
        _redis_or_skip()
    if url is not None:
        engine = create_db_engine(url)
        migrate(engine)
        engines.append(engine)

    def make(per_minute: int, clock: Callable[[], float], name: str = "api") -> Limiter:
        if request.param == "memory":
            return RateLimiter(per_minute, clock=clock)
        if request.param == "redis":
            limiter = RedisRateLimiter(REDIS_URL, per_minute, name=name, prefix=prefix, clock=clock)
            clients.append(limiter._client)
            return limiter
        engine = create_db_engine(str(url))  # its own pool, as another process would have
        engines.append(engine)
        return DatabaseRateLimiter(engine, per_minute, name=name, clock=clock)

    yield make
    for client in clients:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()
    for engine in engines:
        engine.dispose()
    if pg is not None:
        pg.__exit__(None, None, None)


def test_burst_then_refill_per_key(make_limiter: Callable[..., Limiter]) -> None:
    clock = Clock()
    limiter = make_limiter(60, clock)  # one token a second, bursts of 60
    assert all(limiter.acquire(7) == 0 for _ in range(60))
    assert limiter.acquire(7) == 1
    assert limiter.acquire(8) == 0  # keys do not share buckets
    clock.now += 0.5
    assert limiter.acquire(7) == 1
    clock.now += 0.6
    assert limiter.acquire(7) == 0
    assert limiter.acquire(7) == 1


def test_retry_after_is_whole_seconds_until_a_token(make_limiter: Callable[..., Limiter]) -> None:
    clock = Clock()
    limiter = make_limiter(2, clock)  # one token every 30 s
    assert limiter.acquire(1) == 0 and limiter.acquire(1) == 0
    assert limiter.acquire(1) == 30
    clock.now += 10
    assert limiter.acquire(1) == 20


def test_a_clock_behind_never_refills(
    make_limiter: Callable[..., Limiter], request: pytest.FixtureRequest
) -> None:
    """Shared buckets meet the wall clocks of several processes (the memory one has a monotonic clock)."""
    if "memory" in request.node.callspec.id:
        pytest.skip("one process, one monotonic clock")
    clock = Clock()
    ahead, behind = make_limiter(2, clock), make_limiter(2, lambda: clock.now - 100)
    assert ahead.acquire(1) == 0 and ahead.acquire(1) == 0
    assert behind.acquire(1) == 30  # no refill, no negative time
    clock.now += 30
    assert ahead.acquire(1) == 0


def test_zero_disables(make_limiter: Callable[..., Limiter]) -> None:
    limiter = make_limiter(0, Clock())
    assert not limiter.enabled
    assert all(limiter.acquire("k") == 0 for _ in range(100))


def test_limits_with_the_same_key_do_not_share_buckets(make_limiter: Callable[..., Limiter]) -> None:
    clock = Clock()
    api, bookkeeping = make_limiter(1, clock, "api"), make_limiter(1, clock, "bookkeeping")
    assert api.acquire(3) == 0 and bookkeeping.acquire(3) == 0
    assert api.acquire(3) > 0 and bookkeeping.acquire(3) > 0


def test_one_limit_across_limiters(
    make_limiter: Callable[..., Limiter], request: pytest.FixtureRequest
) -> None:
    """Four limiters (four connections, as four processes) hammering one key from four threads with
    the clock stopped: exactly the burst is granted, never more (the memory backend has one limiter)."""
    clock = Clock()
    shared = "memory" in request.node.callspec.id
    limiters = [make_limiter(100, clock)] * 4 if shared else [make_limiter(100, clock) for _ in range(4)]
    granted: list[int] = []
    lock = threading.Lock()

    def hammer(limiter: Limiter) -> None:
        mine = sum(1 for _ in range(60) if limiter.acquire("one-key") == 0)
        with lock:
            granted.append(mine)

    threads = [threading.Thread(target=hammer, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(granted) == 100, granted


def test_redis_unreachable_lets_requests_through_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", 1, prefix="unreachable:")
    with caplog.at_level(logging.WARNING, logger="screener.service"):
        assert [limiter.acquire(1) for _ in range(3)] == [0, 0, 0]
    assert sum("Redis unreachable" in r.message for r in caplog.records) == 1


@pytest.mark.parametrize(
    ("settings", "backend"),
    [
        pytest.param({}, "memory", id="sqlite-one-worker"),
        pytest.param({"workers": 2}, "database", id="sqlite-workers"),
        pytest.param({"database_url": "postgresql+psycopg://u@h/db"}, "database", id="postgresql"),
        pytest.param({"redis_url": "redis://h:6379/0"}, "redis", id="redis-url"),
        pytest.param(
            {"redis_url": "redis://h:6379/0", "rate_limit_backend": "memory"}, "memory", id="chosen"
        ),
        pytest.param(
            {"database_url": "postgresql+psycopg://u@h/db", "rate_limit_backend": "memory"},
            "memory",
            id="chosen-memory-on-pg",
        ),
    ],
)
def test_backend_by_settings(settings: dict[str, Any], backend: str, tmp_path: Path) -> None:
    assert backend_for(Settings(data_dir=tmp_path, **settings)) == backend


def test_redis_backend_without_url_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, rate_limit_backend="redis")
    with pytest.raises(ValueError, match="SCREENER_REDIS_URL"):
        build_limiter(settings, create_db_engine(settings.resolved_database_url), 10, name="api")


def test_a_busy_key_takes_leases_and_never_exceeds_the_bucket(
    make_limiter: Callable[..., Limiter], request: pytest.FixtureRequest
) -> None:
    """A large limit is leased (a round trip per lease, not per request): four limiters hammering one
    key with the clock stopped grant no more than the bucket, and lose at most a lease each."""
    if "memory" in request.node.callspec.id:
        pytest.skip("the memory limiter has no shared bucket to lease from")
    clock = Clock()
    limiters = [make_limiter(3000, clock) for _ in range(4)]  # leases of up to 30 tokens
    granted: list[int] = []
    lock = threading.Lock()

    def hammer(limiter: Limiter) -> None:
        mine = sum(1 for _ in range(1500) if limiter.acquire("busy") == 0)
        with lock:
            granted.append(mine)

    threads = [threading.Thread(target=hammer, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 3000 - 4 * 30 <= sum(granted) <= 3000, granted
