"""A large upload refreshes the database's statistics afterwards; when that fails, the upload stands."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from queue_testing import jsonl, repost
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from service.batches import ingest_file
from service.store import create_db_engine, ingest, migrate, session_factory
from service.store.models import Ad


def test_a_failed_analyze_keeps_the_upload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/store.db")
    migrate(engine)

    def fail(_session: object) -> None:
        raise OperationalError("ANALYZE ads", {}, Exception("canceling statement due to lock timeout"))

    monkeypatch.setattr(ingest, "refresh_statistics", fail)
    n = ingest.ANALYZE_MIN_ADS
    path = tmp_path / "ads.jsonl"
    path.write_bytes(jsonl([{"text": repost(i)} for i in range(n)]))
    with caplog.at_level(logging.WARNING, logger="screener.service"):
        result = ingest_file(
            session_factory(engine), path, "jsonl", key_id=None, filename="ads.jsonl", content_type=None,
            max_ads=n, max_text_bytes=10_000,
        )  # fmt: skip
    assert (result.accepted, result.status) == (n, "queued")
    with session_factory(engine)() as session:
        assert len(session.scalars(select(Ad.id)).all()) == n
    assert "ANALYZE ads failed" in caplog.text
    engine.dispose()


def test_a_small_upload_does_not_analyze(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    n = ingest.ANALYZE_MIN_ADS - 1
    engine = create_db_engine(f"sqlite:///{tmp_path}/store.db")
    migrate(engine)
    calls: list[object] = []
    monkeypatch.setattr(ingest, "refresh_statistics", calls.append)
    path = tmp_path / "ads.jsonl"
    path.write_bytes(jsonl([{"text": repost(i)} for i in range(n)]))
    ingest_file(
        session_factory(engine), path, "jsonl", key_id=None, filename="ads.jsonl", content_type=None,
        max_ads=n, max_text_bytes=10_000,
    )  # fmt: skip
    assert calls == []
    engine.dispose()
