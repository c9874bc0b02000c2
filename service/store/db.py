"""Engines, sessions, write transactions and migrations: SQLite (WAL, busy timeout) by default,
PostgreSQL by URL.

Every write transaction of the review queue runs under :func:`write_transaction`: ``BEGIN IMMEDIATE``
on SQLite (the write lock is taken up front, so a read-then-write never fails half-way with a busy
snapshot; WAL + busy_timeout make other writers wait), a plain transaction on PostgreSQL.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "MIGRATIONS_DIR",
    "chunks",
    "create_db_engine",
    "is_postgres",
    "migrate",
    "session_factory",
    "write_transaction",
]

MIGRATIONS_DIR = Path(str(resources.files("service") / "migrations"))  # package data
SQLITE_BUSY_TIMEOUT_MS = 5000
# Connections a SQLite file engine keeps open: one per thread of the request threadpool (anyio's
# default limiter has 40 tokens). With SQLAlchemy's default of 5, concurrent requests kept opening
# and closing overflow connections, each paying the connect and the pragmas below.
SQLITE_POOL_SIZE = 40
SQLITE_WAL_CHECKPOINT_PAGES = 10_000  # SQLite's default is 1,000 pages of 4 KiB
IN_CHUNK = 900  # keys per IN (...) list: SQLite's default limit on bound parameters is 999
T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers proceed while one writer commits; busy_timeout makes writers wait
        # instead of failing at once when several workers write together.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Copy the WAL into the database every ~40 MB instead of ~4 MB: a scoring chunk rewrites
        # many of the same index pages, and each checkpoint copies a page once however often it
        # changed since the last one (commits of a 40,000-ad upload: ~1.65 s -> ~1.1 s in all).
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_CHECKPOINT_PAGES}")
    finally:
        cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created and the pragmas set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        pool = {"pool_size": SQLITE_POOL_SIZE} if _is_file_database(parsed) else {}
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _is_file_database(url: URL) -> bool:
    """SQLAlchemy's own rule for giving a SQLite URL a QueuePool (an in-memory database gets a
    SingletonThreadPool, which takes no overflow settings)."""
    return bool(url.database) and url.database != ":memory:" and url.query.get("mode") != "memory"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations in ``service/migrations`` up to ``revision``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def write_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose transaction holds the write lock from its first statement (SQLite)."""
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            _begin_immediate(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _begin_immediate(session: Session, patience: float = 60.0) -> None:
    # SQLite's busy handler backs off and can starve one waiter behind a stream of short writers for
    # longer than busy_timeout; nothing has happened yet in this transaction, so retrying is safe.
    deadline = time.monotonic() + patience
    while True:
        try:
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            session.rollback()
            if time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.001, 0.02))


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in slices small enough for one ``IN (...)`` list."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
