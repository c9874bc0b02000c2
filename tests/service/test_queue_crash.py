"""A real `screener serve` killed with SIGKILL in the middle of a batch, then restarted: the batch
finishes and every ad is scored exactly once (SQLite file, and PostgreSQL when reachable)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from queue_testing import LEGIT, jsonl, pg_schema_url, repost
from sqlalchemy import func, select

from service.store import create_db_engine
from service.store.models import Ad, AdAssessment, Batch

ADS = 3000
STARTUP_SECONDS = 90


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/crash.db"
        return
    with pg_schema_url() as url:
        if url is None:
            pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(database_url: str, port: int, *, first: bool) -> tuple[subprocess.Popen[str], str | None]:
    env = {
        **os.environ,
        "SCREENER_DATABASE_URL": database_url,
        "SCREENER_WORKER_CHUNK_SIZE": "100",
        "SCREENER_WORKER_POLL_SECONDS": "0.2",
        "SCREENER_RATE_LIMIT_PER_MINUTE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "screener.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    key = None
    if first:  # the first start prints the admin key (before the server listens); a restart prints nothing
        assert process.stdout is not None
        match = re.search(r"(tps_\S+)", process.stdout.readline())
        key = match.group(1) if match else None
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
        if process.poll() is not None:
            raise AssertionError("the server exited during start-up")
    else:
        process.kill()
        raise AssertionError("the server did not start")
    return process, key


def finish(process: subprocess.Popen[str], sig: int) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    process.wait(30)
    if process.stdout is not None:
        process.stdout.close()


def test_sigkill_mid_batch_then_restart_scores_every_ad_once(database_url: str) -> None:
    port = free_port()
    process, key = start(database_url, port, first=True)
    assert key is not None
    headers = {"Authorization": f"Bearer {key}"}
    base = f"http://127.0.0.1:{port}"
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
        finish(process, signal.SIGKILL)
    finally:
        finish(process, signal.SIGKILL)
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            before = connection.execute(select(Batch.scored, Batch.status).where(Batch.id == batch_id)).one()
        assert 0 < before.scored < ADS, f"the kill was not mid-batch: {before}"
        port = free_port()
        process, _ = start(database_url, port, first=False)  # no new admin key: the key table is not empty
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                batch = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/batches/{batch_id}", headers=headers
                ).json()
                if batch["status"] == "done":
                    break
                time.sleep(0.2)
            assert batch["status"] == "done" and batch["scored"] == ADS, json.dumps(batch)
        finally:
            finish(process, signal.SIGTERM)
        with engine.connect() as connection:
            ads = connection.scalar(select(func.count()).select_from(Ad).where(Ad.batch_id == batch_id))
            scored = connection.scalar(select(func.count()).select_from(Ad).where(Ad.scored.is_(True)))
            assessments = connection.scalar(select(func.count()).select_from(AdAssessment))
            distinct = connection.scalar(select(func.count(func.distinct(AdAssessment.ad_id))))
        assert ads == scored == assessments == distinct == ADS
    finally:
        engine.dispose()
