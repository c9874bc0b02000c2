"""A real `screener serve` killed (SIGKILL) in the middle of ingesting an upload, then restarted: the
batch does not stay `receiving`; the ads accepted before the kill are kept and scored, once each
(SQLite file, and PostgreSQL when reachable)."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import LiveServers
from queue_testing import LEGIT, jsonl, repost, scratch_database
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from service.store import create_db_engine
from service.store.models import Ad, AdAssessment, Batch

pytestmark = pytest.mark.slow  # a large upload, a kill and a restart

ROWS = 100_000  # big enough that ingesting it takes seconds: the kill lands in the middle


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with scratch_database(request.param, tmp_path, "upload-crash.db") as url:
        yield url


ENV = {"SCREENER_RATE_LIMIT_PER_MINUTE": "0", "SCREENER_WORKER_POLL_SECONDS": "0.2"}


def test_sigkill_mid_upload_then_restart_keeps_and_scores_the_accepted_ads(
    live_servers: LiveServers, database_url: str
) -> None:
    server = live_servers.start(database_url, env=ENV)
    headers = {"Authorization": f"Bearer {server.admin_key}"}
    body = jsonl(
        [{"id": f"ad-{i}", "text": repost(i) if i % 3 else f"{LEGIT} Kode {i}."} for i in range(ROWS)]
    )
    engine = create_db_engine(database_url)
    upload = threading.Thread(
        target=lambda: _post_ignoring_the_kill(f"{server.base_url}/api/v1/batches", body, headers),
        daemon=True,
    )
    try:
        upload.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with engine.connect() as connection:
                    row = connection.execute(select(Batch.status, Batch.accepted)).first()
            except OperationalError:  # SQLite busy for a moment: ask again
                row = None
            if row is not None and row.accepted >= 1000:
                break
            time.sleep(0.01)
    finally:
        live_servers.stop(server, signal.SIGKILL)
    upload.join(30)
    with engine.connect() as connection:
        batch = connection.execute(select(Batch.id, Batch.status, Batch.accepted)).one()
        ads = connection.scalar(select(func.count()).select_from(Ad))
    assert batch.status == "receiving" and 0 < batch.accepted < ROWS, f"the kill was not mid-upload: {batch}"
    assert ads == batch.accepted  # committed chunks, counted in step

    restarted = live_servers.start(
        database_url, env={**ENV, "SCREENER_STUCK_BATCH_MINUTES": "0.02"}, first=False
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            after = httpx.get(f"{restarted.base_url}/api/v1/batches/{batch.id}", headers=headers).json()
            if after["status"] in ("done", "failed"):
                break
            time.sleep(0.3)
    finally:
        live_servers.stop(restarted)
    assert after["status"] == "done", after
    assert after["accepted"] == after["scored"] == batch.accepted
    assert "upload interrupted" in after["error"]
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Ad)) == batch.accepted  # none lost
        assert (
            connection.scalar(select(func.count()).select_from(AdAssessment)) == batch.accepted
        )  # once each
    engine.dispose()


def _post_ignoring_the_kill(url: str, body: bytes, headers: dict[str, str]) -> None:
    with contextlib.suppress(httpx.TransportError):  # the server is killed under it: that is the point
        httpx.post(
            url, content=body, headers={**headers, "content-type": "application/x-ndjson"}, timeout=120
        )
