"""Batches left ``receiving`` by a crash: after the timeout they are resumed (the ads received are kept
and scored) or, with no ad, failed with the reason; recent uploads are left alone. SQLite and PostgreSQL,
from the database state a crash leaves (chunks committed, the upload never finished)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from queue_testing import LEGIT, repost, scratch_database
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.settings import Settings
from service.store import create_db_engine, ingest, migrate, session_factory, write_transaction
from service.store.models import Ad, Batch, utcnow
from service.store.stuck import recover_stuck_batches
from service.worker import ScoringWorker


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with scratch_database(request.param, tmp_path, "stuck.db") as url:
        yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = create_db_engine(database_url)
    migrate(engine)
    yield session_factory(engine)
    engine.dispose()


def _interrupted_upload(sessions: sessionmaker[Session], ads: int, *, minutes_ago: float) -> int:
    """What a crash between two chunks leaves: a batch `receiving`, some ads committed."""
    with write_transaction(sessions) as session:
        batch_id = ingest.create_batch(session, key_id=None, filename="cut.jsonl", content_type=None).id
    for start in range(0, ads, 50):
        rows = [
            {"text": repost(i) if i % 2 else f"{LEGIT} Kode {i}."} for i in range(start, min(ads, start + 50))
        ]
        with write_transaction(sessions) as session:
            ingest.insert_ads(session, batch_id=batch_id, rows=rows)
    with write_transaction(sessions) as session:
        batch = session.get(Batch, batch_id)
        assert batch is not None
        batch.updated_at = utcnow() - timedelta(minutes=minutes_ago)
    return batch_id


def _batch(sessions: sessionmaker[Session], batch_id: int) -> Any:
    with sessions() as session:
        return session.execute(
            select(Batch.status, Batch.accepted, Batch.scored, Batch.error, Batch.finished_at).where(
                Batch.id == batch_id
            )
        ).one()


def test_a_cut_upload_is_resumed_and_every_ad_received_is_scored(
    sessions: sessionmaker[Session], screener: Any, tmp_path: Path
) -> None:
    cut = _interrupted_upload(sessions, 120, minutes_ago=11)
    empty = _interrupted_upload(sessions, 0, minutes_ago=11)
    recent = _interrupted_upload(sessions, 30, minutes_ago=1)  # still uploading, maybe in another process
    settings = Settings(data_dir=tmp_path, stuck_batch_minutes=10, audit_sample_rate=0, worker_chunk_size=40)
    worker = ScoringWorker(sessions, settings, lambda: screener)
    assert worker.drain() == 120  # drain resumes the cut upload first, then scores it

    resumed = _batch(sessions, cut)
    assert (resumed.status, resumed.accepted, resumed.scored) == ("done", 120, 120)
    assert "upload interrupted" in resumed.error and "120" in resumed.error
    with sessions() as session:
        assert session.scalar(select(func.count()).where(Ad.batch_id == cut, Ad.scored.is_(True))) == 120

    failed = _batch(sessions, empty)
    assert failed.status == "failed" and failed.finished_at is not None
    assert "before any ad was received" in failed.error

    untouched = _batch(sessions, recent)
    assert (untouched.status, untouched.scored, untouched.error) == ("receiving", 0, None)
    with sessions() as session:
        assert session.scalar(select(func.count()).where(Ad.batch_id == recent)) == 30


def test_recovery_runs_once_per_batch(sessions: sessionmaker[Session]) -> None:
    batch_id = _interrupted_upload(sessions, 10, minutes_ago=30)
    with write_transaction(sessions) as session:
        first = recover_stuck_batches(session, timeout=timedelta(minutes=10))
    with write_transaction(sessions) as session:
        second = recover_stuck_batches(session, timeout=timedelta(minutes=10))
    assert [(b.batch_id, b.status, b.accepted) for b in first] == [(batch_id, "queued", 10)]
    assert second == []


def test_rejected_rows_keep_an_upload_alive(sessions: sessionmaker[Session]) -> None:
    """A long run of malformed rows is still progress: the batch is touched, not taken for stuck."""
    batch_id = _interrupted_upload(sessions, 0, minutes_ago=30)
    with write_transaction(sessions) as session:
        ingest.insert_batch_errors(session, batch_id=batch_id, errors=[(1, "bad row")])
    with write_transaction(sessions) as session:
        assert recover_stuck_batches(session, timeout=timedelta(minutes=10)) == []


def test_an_upload_taken_for_stuck_that_was_only_slow_still_finishes(
    sessions: sessionmaker[Session], screener: Any, tmp_path: Path
) -> None:
    """The timeout fired, but the upload was alive: its later rows are kept, and the note goes."""
    batch_id = _interrupted_upload(sessions, 20, minutes_ago=30)
    settings = Settings(data_dir=tmp_path, stuck_batch_minutes=10, audit_sample_rate=0)
    worker = ScoringWorker(sessions, settings, lambda: screener)
    assert worker.drain() == 20  # resumed and scored as if cut
    assert _batch(sessions, batch_id).status == "done"
    with write_transaction(sessions) as session:  # ... then the slow upload goes on and finishes
        ingest.insert_ads(
            session, batch_id=batch_id, rows=[{"text": f"{LEGIT} Kode lambat {i}."} for i in range(5)]
        )
    with write_transaction(sessions) as session:
        assert ingest.finish_upload(session, batch_id=batch_id).status == "scoring"
    assert worker.drain() == 5
    done = _batch(sessions, batch_id)
    assert (done.status, done.accepted, done.scored, done.error) == ("done", 25, 25, None)
