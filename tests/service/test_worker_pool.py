"""The pool of scoring processes in one process tree: started, ready once every model is loaded, and
scoring a batch uploaded after that (the benchmark's warm pool, as a running service has it)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from service.batches import ingest_file
from service.settings import Settings
from service.store import create_db_engine, migrate, session_factory
from service.worker_pool import WorkerPool

pytestmark = pytest.mark.slow  # two spawned processes load the model


def test_a_ready_pool_scores_a_batch_uploaded_afterwards(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pool.db"
    engine = create_db_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    settings = Settings(database_url=url, environment="test", worker_chunk_size=20, worker_poll_seconds=0.05)
    pool = WorkerPool(settings, 2)
    pool.start()
    try:
        assert pool.wait_ready(timeout=180)
        assert len(pool.pids) == 2
        ads = tmp_path / "ads.jsonl"
        ads.write_text(
            "".join(
                f'{{"text": "Dicari admin CS ke Kamboja nomor {i}, gaji 25 juta, visa turis"}}\n'
                for i in range(60)
            ),
            encoding="utf-8",
        )
        result = ingest_file(sessions, ads, "jsonl", key_id=None, filename="ads.jsonl", content_type=None,
                             max_ads=100, max_text_bytes=10_000)  # fmt: skip
        assert result.accepted == 60
        deadline = time.monotonic() + 120
        with engine.connect() as connection:
            while time.monotonic() < deadline:
                scored = connection.execute(text("SELECT count(*) FROM assessments")).scalar_one()
                if scored == 60:
                    break
                time.sleep(0.1)
        assert scored == 60
    finally:
        pool.stop()
        engine.dispose()
    assert pool.pids == []
