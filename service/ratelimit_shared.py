"""The token bucket of :mod:`service.ratelimit`, kept where every process and instance sees it.

- :class:`DatabaseRateLimiter`: a row per (limit, key) in ``rate_buckets`` (migration 0008). Each
  take is ONE statement, ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, which refills, takes a
  token and reads the answer back under the row's lock (PostgreSQL), inside ``BEGIN IMMEDIATE`` on
  SQLite (the write lock is taken first, so two processes never read the same tokens). On PostgreSQL
  the statement is its own transaction (autocommit) and sets ``synchronous_commit`` off for itself: a
  crash may forget the last instants of bucket updates (a few tokens given back), and no request waits
  for the disk.
- :class:`RedisRateLimiter`: a hash per (limit, key) updated by a Lua script (atomic in Redis), with an
  expiry of one full refill, after which a missing bucket and a full one are the same.

The time is the process's wall clock (``time.time``; a seam for tests), not a monotonic one, because
several processes share the bucket; a clock running behind never refills (the elapsed time is clamped
at 0). :func:`build_limiter` picks the backend from the settings.

Both take tokens through :class:`~service.ratelimit_lease.Leases`: a busy key's process takes several
tokens in one statement and spends them locally for a moment, so the shared bucket sees a round trip
per lease, not per request (a limit under 200 a minute is never leased: one token per request).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from service.ratelimit import Limiter, RateLimiter
from service.ratelimit_lease import Leases
from service.settings import Settings
from service.store import session_factory, write_transaction

__all__ = ["DatabaseRateLimiter", "RedisRateLimiter", "backend_for", "build_limiter"]

logger = logging.getLogger("screener.service")

_UPSERT = """
{prelude}INSERT INTO rate_buckets AS b (name, key, tokens, refreshed_at, granted)
{values}
ON CONFLICT (name, key) DO UPDATE SET
    tokens = {refilled} - CASE WHEN {refilled} >= {want} THEN {want} ELSE 0.0 END,
    granted = ({refilled} >= {want}),
    refreshed_at = {greatest}(b.refreshed_at, {now})
RETURNING granted, tokens
"""
_REFILLED = "{least}({capacity}, b.tokens + {greatest}(0.0, {now} - b.refreshed_at) * {rate})"
# PostgreSQL: the statement is its own transaction (autocommit), and commits without waiting for the
# disk: a crash may forget the last instants of bucket updates (a few tokens given back).
_PG_PRELUDE = "WITH no_sync AS (SELECT set_config('synchronous_commit', 'off', true))\n"


def _upsert_sql(dialect: str) -> str:
    """The statement in the dialect's words (SQLite's scalar MIN/MAX are PostgreSQL's LEAST/GREATEST)."""
    if dialect == "postgresql":  # psycopg sends untyped parameters: say they are numbers
        words = {"least": "LEAST", "greatest": "GREATEST", "prelude": _PG_PRELUDE}
        words |= {p: f"CAST(:{p} AS double precision)" for p in ("capacity", "now", "rate", "want")}
        words["values"] = "SELECT :name, :key, {capacity} - {want}, {now}, TRUE FROM no_sync".format(**words)
    else:
        words = {"least": "MIN", "greatest": "MAX", "prelude": ""} | {
            p: f":{p}" for p in ("capacity", "now", "rate", "want")
        }
        words["values"] = "VALUES (:name, :key, :capacity - :want, :now, 1)"
    return _UPSERT.format(refilled=_REFILLED.format(**words), **words)


class DatabaseRateLimiter:
    """``acquire(key)``: one atomic upsert on ``rate_buckets``; 0 to go ahead, else seconds to wait."""

    def __init__(
        self, engine: Engine, per_minute: int, *, name: str = "api", clock: Callable[[], float] = time.time
    ) -> None:
        self.per_minute = per_minute
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.name = name
        self._clock = clock
        self._engine = engine
        self._sessions = session_factory(engine)
        self._sql = text(_upsert_sql(engine.dialect.name))
        self._postgres = engine.dialect.name == "postgresql"
        self._leases = Leases(self._take, capacity=self.capacity, rate=self.rate, clock=clock)

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def acquire(self, key: object) -> int:
        return self._leases.acquire(key) if self.enabled else 0

    def _take(self, key: object, want: int) -> tuple[bool, float]:
        """Take ``want`` tokens from the key's bucket, all or nothing: (granted, tokens left)."""
        params = {"name": self.name, "key": str(key), "capacity": self.capacity, "rate": self.rate,
                  "now": self._clock(), "want": float(want)}  # fmt: skip
        if self._postgres:
            # Autocommit: the statement is the transaction, one round trip (no BEGIN / COMMIT).
            with self._engine.connect() as connection:
                autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
                granted, tokens = autocommit.execute(self._sql, params).one()
        else:
            with write_transaction(self._sessions) as session:  # BEGIN IMMEDIATE
                granted, tokens = session.execute(self._sql, params).one()
        return bool(granted), float(tokens)


_LUA = """
local capacity, rate, now, ttl, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens, ts = tonumber(bucket[1]), tonumber(bucket[2])
if tokens == nil or ts == nil then tokens, ts = capacity, now end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(capacity, tokens + elapsed * rate)
local granted = 0
if tokens >= want then tokens, granted = tokens - want, 1 end
if now > ts then ts = now end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.17g', ts))
redis.call('PEXPIRE', KEYS[1], ttl)
return {granted, string.format('%.17g', tokens)}
"""


class RedisRateLimiter:
    """``acquire(key)``: one Lua script on ``<prefix>ratelimit:<name>:<key>``.

    When Redis cannot be reached the request goes ahead and a warning is logged (at most once a
    minute): the limit guards against runaway scripts, and must not take the service down with it.
    """

    def __init__(
        self,
        url: str,
        per_minute: int,
        *,
        name: str = "api",
        prefix: str = "screener:",
        clock: Callable[[], float] = time.time,
        client: Any = None,
    ) -> None:
        import redis

        self.per_minute = per_minute
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.name = name
        self.prefix = prefix
        self._clock = clock
        self._client = client or redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self._script = self._client.register_script(_LUA)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._warned_at = float("-inf")
        # A bucket untouched for one full refill is full again: the key may go.
        self._ttl_ms = int(self.capacity / self.rate * 1000) + 1000 if self.enabled else 0
        self._leases = Leases(self._take, capacity=self.capacity, rate=self.rate, clock=clock)

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def close(self) -> None:
        self._client.close()

    def key_for(self, key: object) -> str:
        return f"{self.prefix}ratelimit:{self.name}:{key}"

    def acquire(self, key: object) -> int:
        return self._leases.acquire(key) if self.enabled else 0

    def _take(self, key: object, want: int) -> tuple[bool, float]:
        """Take ``want`` tokens from the key's bucket, all or nothing: (granted, tokens left)."""
        args: list[float | int | str] = [self.capacity, self.rate, repr(self._clock()), self._ttl_ms, want]
        try:
            granted, tokens = self._script(keys=[self.key_for(key)], args=args)
        except self._errors as exc:
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                logger.warning("rate limit: Redis unreachable, requests are not limited (%s)", exc)
            return True, self.capacity
        return bool(int(granted)), float(tokens)


def backend_for(settings: Settings) -> str:
    """The backend ``SCREENER_RATE_LIMIT_BACKEND`` names; ``auto``: Redis when ``SCREENER_REDIS_URL``
    is set, else the database when it is PostgreSQL or ``SCREENER_WORKERS`` > 1, else memory."""
    if settings.rate_limit_backend != "auto":
        return settings.rate_limit_backend
    if settings.redis_url:
        return "redis"
    if make_url(settings.resolved_database_url).get_backend_name() != "sqlite" or settings.workers > 1:
        return "database"
    return "memory"


def build_limiter(settings: Settings, engine: Engine, per_minute: int, *, name: str) -> Limiter:
    """The limiter for one limit (``name``: ``api`` or ``bookkeeping``) on the configured backend."""
    backend = backend_for(settings)
    if backend == "redis":
        if not settings.redis_url:
            raise ValueError("SCREENER_RATE_LIMIT_BACKEND=redis needs SCREENER_REDIS_URL")
        return RedisRateLimiter(settings.redis_url, per_minute, name=name, prefix=settings.redis_prefix)
    if backend == "database":
        return DatabaseRateLimiter(engine, per_minute, name=name)
    return RateLimiter(per_minute)
