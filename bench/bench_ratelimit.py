"""Benchmark: what one rate-limit decision costs on each backend, in one process, one thread.

``acquire`` is called ``--calls`` times for a few keys (limit high enough that every call is granted,
so each one writes), per backend: in memory, SQLite (BEGIN IMMEDIATE + one upsert), PostgreSQL and
Redis (skipped when unreachable). Prints microseconds per call and the ratio to memory; the last line
is ``key=value`` pairs (``-1`` for a backend that was not reachable).

    python bench/bench_ratelimit.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from service.ratelimit import Limiter, RateLimiter
from service.ratelimit_shared import DatabaseRateLimiter, RedisRateLimiter
from service.store import create_db_engine, migrate

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/15"


def timed(limiter: Limiter, calls: int) -> float:
    keys = [1, 2, 3, 4]
    for key in keys:  # first rows / connections made outside the timing
        limiter.acquire(key)
    started = time.perf_counter()
    for i in range(calls):
        assert limiter.acquire(keys[i % 4]) == 0
    return (time.perf_counter() - started) / calls * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    per_minute = 60 * 1_000_000  # never refuses: every call is a full read-modify-write
    figures: dict[str, float] = {}
    builders: dict[str, Callable[[], Limiter | None]] = {}
    folder = Path(tempfile.mkdtemp(prefix="bench-ratelimit-"))

    def sqlite() -> Limiter:
        engine = create_db_engine(f"sqlite:///{folder}/limits.db")
        migrate(engine)
        return DatabaseRateLimiter(engine, per_minute)

    schema = f"bench_{uuid.uuid4().hex[:10]}"

    def postgres() -> Limiter | None:
        admin = create_db_engine(PG_URL)
        try:
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        except OperationalError:
            return None
        engine = create_db_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
        migrate(engine)
        return DatabaseRateLimiter(engine, per_minute)

    def redis() -> Limiter | None:
        limiter = RedisRateLimiter(REDIS_URL, per_minute, prefix=f"bench-{schema}:")
        try:
            limiter._client.ping()
        except Exception:
            return None
        return limiter

    builders = {
        "memory": lambda: RateLimiter(per_minute),
        "sqlite": sqlite,
        "postgres": postgres,
        "redis": redis,
    }
    try:
        for name, build in builders.items():
            limiter = build()
            figures[name] = -1.0 if limiter is None else timed(limiter, args.calls)
            close = getattr(limiter, "close", None)
            if close is not None:
                close()
            shown = "unreachable" if limiter is None else f"{figures[name]:9.1f} us/call"
            print(f"{name:9} {shown}", flush=True)
    finally:
        admin = create_db_engine(PG_URL)
        try:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        except OperationalError:
            pass
        admin.dispose()
    base = figures["memory"]
    ratios = {f"{k}_ratio": (v / base if v > 0 else -1.0) for k, v in figures.items() if k != "memory"}
    print(
        " ".join(f"{k}_us={v:.1f}" for k, v in figures.items())
        + " "
        + " ".join(f"{k}={v:.0f}" for k, v in ratios.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
