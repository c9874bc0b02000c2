"""A real `screener serve` killed with SIGKILL in the middle of a batch, then restarted: the batch
finishes and every ad is scored exactly once (SQLite file, and PostgreSQL when reachable). With two
scoring processes (``SCREENER_WORKER_PROCESSES=2``): one of them killed mid-batch is replaced and its
chunk scored by another, once; the whole service killed takes its scoring processes with it."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import LiveServers
from queue_testing import LEGIT, jsonl, repost, scratch_database
from sqlalchemy import Engine, func, select

from service.store import create_db_engine
from service.store.models import Ad, AdAssessment, Batch

pytestmark = pytest.mark.slow  # 3,000 ads, a kill and a restart

ADS = 3000


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with scratch_database(request.param, tmp_path, "crash.db") as url:
        yield url


WORKER_ENV = {
    "SCREENER_WORKER_CHUNK_SIZE": "100",
    "SCREENER_WORKER_POLL_SECONDS": "0.2",
    "SCREENER_RATE_LIMIT_PER_MINUTE": "0",
}


def worker_processes(server_pid: int) -> set[int]:
    """The scoring processes the server started (multiprocessing's spawned children of it)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:  # the process ended while we looked
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == server_pid and "spawn_main" in cmdline and "resource_tracker" not in cmdline:
            found.add(int(entry.name))
    return found


def wait_for(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)  # polling processes we do not control: no clock to inject
    raise AssertionError(f"timed out waiting for {what}")


def submit(base: str, headers: dict[str, str]) -> int:
    rows = [{"text": repost(i) if i % 3 else f"{LEGIT} Kode {i}.", "id": str(i)} for i in range(ADS)]
    response = httpx.post(
        f"{base}/api/v1/batches",
        content=jsonl(rows),
        headers={**headers, "content-type": "application/x-ndjson"},
        timeout=60,
    )
    assert response.status_code == 202, response.text
    assert response.json()["accepted"] == ADS
    return int(response.json()["id"])


def scored_so_far(base: str, headers: dict[str, str], batch_id: int) -> int:
    return int(httpx.get(f"{base}/api/v1/batches/{batch_id}", headers=headers).json()["scored"])


def assert_every_ad_scored_once(engine: Engine, batch_id: int) -> None:
    with engine.connect() as connection:
        ads = connection.scalar(select(func.count()).select_from(Ad).where(Ad.batch_id == batch_id))
        scored = connection.scalar(select(func.count()).select_from(Ad).where(Ad.scored.is_(True)))
        assessments = connection.scalar(select(func.count()).select_from(AdAssessment))
        distinct = connection.scalar(select(func.count(func.distinct(AdAssessment.ad_id))))
    assert ads == scored == assessments == distinct == ADS


@pytest.mark.parametrize("processes", [pytest.param("1", id="thread"), pytest.param("2", id="2-processes")])
def test_sigkill_mid_batch_then_restart_scores_every_ad_once(
    live_servers: LiveServers, database_url: str, processes: str
) -> None:
    env = {**WORKER_ENV, "SCREENER_WORKER_PROCESSES": processes}
    server = live_servers.start(database_url, env=env)
    headers = {"Authorization": f"Bearer {server.admin_key}"}
    base = server.base_url
    workers: set[int] = set()
    try:
        if processes != "1":
            workers = wait_for(lambda: len(worker_processes(server.process.pid)) == 2 and worker_processes(
                server.process.pid), 60, "two scoring processes")  # fmt: skip
        batch_id = submit(base, headers)
        wait_for(lambda: scored_so_far(base, headers, batch_id) >= 200, 180, "200 ads scored")
    finally:
        live_servers.stop(server, signal.SIGKILL)
    # The scoring processes go with the service: nothing keeps scoring behind the restart's back.
    wait_for(lambda: not any(_alive(pid) for pid in workers), 10, "the scoring processes to end")
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            before = connection.execute(select(Batch.scored, Batch.status).where(Batch.id == batch_id)).one()
        assert 0 < before.scored < ADS, f"the kill was not mid-batch: {before}"
        # No new admin key on the restart: the key table is not empty.
        restarted = live_servers.start(database_url, env=env, first=False)
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
        assert_every_ad_scored_once(engine, batch_id)
    finally:
        engine.dispose()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; its parent (killed) has not reaped it yet


def test_a_killed_scoring_process_is_replaced_and_its_chunk_scored_once(
    live_servers: LiveServers, database_url: str
) -> None:
    server = live_servers.start(database_url, env={**WORKER_ENV, "SCREENER_WORKER_PROCESSES": "2"})
    headers = {"Authorization": f"Bearer {server.admin_key}"}
    base = server.base_url
    pid = server.process.pid
    first: set[int] = set()
    replaced: set[int] = set()
    try:
        first = wait_for(
            lambda: len(worker_processes(pid)) == 2 and worker_processes(pid), 60, "two processes"
        )
        batch_id = submit(base, headers)
        wait_for(lambda: scored_so_far(base, headers, batch_id) >= 200, 180, "200 ads scored")
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        assert scored_so_far(base, headers, batch_id) < ADS, "the kill was not mid-batch"
        replaced = wait_for(
            lambda: len(now := worker_processes(pid)) == 2 and victim not in now and now, 60, "a new process"
        )
        assert len(replaced - first) == 1

        def finished() -> bool:
            batch = httpx.get(f"{base}/api/v1/batches/{batch_id}", headers=headers).json()
            return bool(batch["status"] == "done")

        wait_for(finished, 120, "the batch to finish")
        assert scored_so_far(base, headers, batch_id) == ADS
    finally:
        live_servers.stop(server)
    # SIGTERM: each process finishes its chunk and stops; none is left behind.
    wait_for(lambda: not any(_alive(p) for p in first | replaced), 40, "the processes to stop")
    engine = create_db_engine(database_url)
    try:
        assert_every_ad_scored_once(engine, batch_id)
    finally:
        engine.dispose()
