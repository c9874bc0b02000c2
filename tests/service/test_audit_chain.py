"""The audit log's hash chain: rows written before migration 0007 are chained by it, and writers
running at the same time never fork the chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from queue_testing import scratch_database
from sqlalchemy import select, text

from service.store import create_db_engine, migrate, session_factory, write_transaction
from service.store.audit import audit
from service.store.chain import GENESIS, verify_chain
from service.store.models import AuditEntry


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with scratch_database(request.param, tmp_path, "chain.db") as url:
        yield url


def test_the_migration_chains_rows_written_before_it(url: str) -> None:
    engine = create_db_engine(url)
    try:
        migrate(engine, "0005")
        with engine.begin() as connection:
            for i in range(3):
                connection.execute(
                    text(
                        "INSERT INTO audit_log (key_id, action, object_type, object_id, created_at) "
                        "VALUES (:k, 'claim', 'queue_item', :o, :t)"
                    ),
                    {"k": 1, "o": i + 1, "t": datetime(2026, 11, 30, 12, i, tzinfo=UTC)},
                )
        migrate(engine)
        sessions = session_factory(engine)
        with write_transaction(sessions) as session:
            audit(session, key_id=1, action="release", object_type="queue_item", object_id=1)
        with sessions() as session:
            count, head, broken = verify_chain(session)
            first = session.scalar(select(AuditEntry).order_by(AuditEntry.id).limit(1))
        assert broken is None and count == 4 and head != GENESIS
        assert first is not None and first.prev_hash == GENESIS
    finally:
        engine.dispose()


@pytest.mark.slow
def test_concurrent_writers_never_fork_the_chain(url: str) -> None:
    engine = create_db_engine(url)
    try:
        migrate(engine)
        sessions = session_factory(engine)
        errors: list[BaseException] = []

        def writer(n: int) -> None:
            try:
                for i in range(15):
                    with write_transaction(sessions) as session:
                        audit(session, key_id=n, action="claim", object_type="queue_item", object_id=i)
                        audit(session, key_id=n, action="release", object_type="queue_item", object_id=i)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        with sessions() as session:
            count, _, broken = verify_chain(session)
        assert broken is None and count == 4 * 15 * 2
    finally:
        engine.dispose()
