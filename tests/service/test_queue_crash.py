"""A real `screener serve` killed with SIGKILL in the middle of a batch, then restarted: the batch
finishes and every ad is scored exactly once (SQLite file, and PostgreSQL when reachable)."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import LiveServers
from queue_testing import LEGIT, jsonl, pg_schema_url, repost
from sqlalchemy import func, select

from service.store import create_db_engine
from service.store.models import Ad, AdAssessment, Batch

pytestmark = pytest.mark.slow  # 3,000 ads, a kill and a restart

ADS = 3000


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/crash.db"
        return
    with pg_schema_url() as url:
        if url is None:
            pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
        yield url


WORKER_ENV = {
    "SCREENER_WORKER_CHUNK_SIZE": "100",
    "SCREENER_WORKER_POLL_SECONDS": "0.2",
    "SCREENER_RATE_LIMIT_PER_MINUTE": "0",
}


def test_sigkill_mid_batch_then_restart_scores_every_ad_once(
    live_servers: LiveServers, database_url: str
) -> None:
    server = live_servers.start(database_url, env=WORKER_ENV)
    headers = {"Authorization": f"Bearer {server.admin_key}"}
    base = server.base_url
    try:
        rows = [{"text": repost(i) if i % 3 else f"{LEGIT} Kode {i}.", "id": str(i)} for i in range(ADS)]
        response = httpx.post(
            f"{base}/api/v1/batches",
            content=jsonl(rows),
            headers={**headers, "content-type": "application/x-ndjson"},
            timeout=60,
        )
        assert response.status_code == 202, response.text
        batch_id = response.json()["id"]
        assert response.json()["accepted"] == ADS
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            scored = httpx.get(f"{base}/api/v1/batches/{batch_id}", headers=headers).json()["scored"]
            if scored >= 200:
                break
            time.sleep(0.05)
    finally:
        live_servers.stop(server, signal.SIGKILL)
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            before = connection.execute(select(Batch.scored, Batch.status).where(Batch.id == batch_id)).one()
        assert 0 < before.scored < ADS, f"the kill was not mid-batch: {before}"
        # No new admin key on the restart: the key table is not empty.
        restarted = live_servers.start(database_url, env=WORKER_ENV, first=False)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                batch = httpx.get(f"{restarted.base_url}/api/v1/batches/{batch_id}", headers=headers).json()
                if batch["status"] == "done":
                    break
                time.sleep(0.2)
            assert batch["status"] == "done" and batch["scored"] == ADS, json.dumps(batch)
        finally:
            live_servers.stop(restarted)
        with engine.connect() as connection:
            ads = connection.scalar(select(func.count()).select_from(Ad).where(Ad.batch_id == batch_id))
            scored = connection.scalar(select(func.count()).select_from(Ad).where(Ad.scored.is_(True)))
            assessments = connection.scalar(select(func.count()).select_from(AdAssessment))
            distinct = connection.scalar(select(func.count(func.distinct(AdAssessment.ad_id))))
        assert ads == scored == assessments == distinct == ADS
    finally:
        engine.dispose()
