"""Issue 13's test of scale: two `screener serve` instances and two `screener worker` processes on one
PostgreSQL schema, sharing a metrics folder, show that

- one key's rate limit holds across both instances (within 5 % of one bucket's allowance);
- no ad is scored twice and no queue item is leased to two moderators at once;
- `/metrics` on either instance adds up every request both instances answered.

Run with the rate-limit buckets in the database, and in Redis when it is reachable.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer, LiveServers
from queue_testing import jsonl, pg_schema_url
from sqlalchemy import func, select

from service.store import create_db_engine
from service.store.models import Ad, AdAssessment, Batch, QueueItem

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.e2e]

PER_MINUTE = 120  # a burst of 120, then 2 a second
WINDOW_SECONDS = 5.0
ADS = 400
REDIS_URL = "redis://127.0.0.1:6379/15"

# Words to make ads that are not near-duplicates of each other (each its own campaign, its own item).
WORDS = [
    "gudang",
    "pabrik",
    "kapal",
    "restoran",
    "hotel",
    "salon",
    "bengkel",
    "kebun",
    "sawit",
    "ternak",
    "toko",
    "apotek",
    "sekolah",
    "kantor",
    "gaji",
    "bonus",
    "lembur",
    "asrama",
    "makan",
    "transport",
    "paspor",
    "visa",
    "tiket",
    "agen",
    "sponsor",
    "kontrak",
    "training",
    "seragam",
    "Batam",
    "Medan",
    "Surabaya",
    "Makassar",
    "Kupang",
    "Pontianak",
    "Jepang",
    "Taiwan",
    "Korea",
    "Malaysia",
    "Dubai",
    "Kamboja",
    "Laos",
    "operator",
    "admin",
    "kasir",
    "koki",
    "sopir",
    "satpam",
    "perawat",
    "pengasuh",
    "teknisi",
    "marketing",
    "gamer",
    "penerjemah",
    "pengalaman",
    "ijazah",
    "usia",
    "tinggi",
    "sehat",
    "jujur",
    "rajin",
    "wanita",
    "pria",
    "lajang",
    "segera",
    "cepat",
    "langsung",
    "berangkat",
]


def varied_ad(i: int) -> str:
    rng = random.Random(i)
    return f"Lowongan {i}: " + " ".join(rng.sample(WORDS, 30)) + f". Hubungi {rng.randrange(10**9, 10**10)}."


@pytest.fixture(params=["database", "redis"])
def backend_env(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "database":
        return {"SCREENER_RATE_LIMIT_BACKEND": "database"}
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    return {"SCREENER_REDIS_URL": REDIS_URL, "SCREENER_REDIS_PREFIX": f"test-{uuid.uuid4().hex[:10]}:"}


@pytest.fixture
def database_url() -> Iterator[str]:
    with pg_schema_url() as url:
        if url is None:
            pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
        yield url


def _create_key(env: dict[str, str], role: str) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "screener.cli",
            "keys",
            "create",
            "--role",
            role,
            "--name",
            f"two-instances {role}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1]


def _requests_counted(metrics_text: str) -> int:
    """Requests in `screener_http_requests_total`, leaving out the start-up polls of /healthz."""
    total = 0.0
    for line in metrics_text.splitlines():
        if line.startswith("screener_http_requests_total{") and 'route="/healthz"' not in line:
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def test_two_instances_and_two_workers_share_one_limit_one_queue_and_their_metrics(
    live_servers: LiveServers, database_url: str, backend_env: dict[str, str], tmp_path: Path
) -> None:
    env = {
        "SCREENER_WORKER_ENABLED": "false",  # the two `screener worker` processes score
        "SCREENER_RATE_LIMIT_PER_MINUTE": str(PER_MINUTE),
        "SCREENER_METRICS_DIR": str(tmp_path / "metrics"),
        "SCREENER_AUDIT_SAMPLE_RATE": "1.0",  # every campaign reaches the queue
        "SCREENER_CAMPAIGN_MIN_ADS": "0",
        "SCREENER_WORKER_CHUNK_SIZE": "25",
        "SCREENER_WORKER_POLL_SECONDS": "0.2",
        **backend_env,
    }
    first = live_servers.start(database_url, env=env)
    second = live_servers.start(database_url, env=env, first=False)
    servers: list[LiveServer] = [first, second]
    cli_env = {**os.environ, "SCREENER_DATABASE_URL": database_url, **env}
    officer = _create_key(cli_env, "officer")
    moderators = [_create_key(cli_env, "moderator"), _create_key(cli_env, "moderator")]
    admin = {"Authorization": f"Bearer {first.admin_key}"}
    sent = Counter[str]()  # requests each instance answered (by base URL), for the metrics
    lock = threading.Lock()

    # -- one key's limit across both instances ---------------------------------------------------
    answers: list[tuple[str, int]] = []

    def hammer(server: LiveServer, stop_at: float) -> None:
        with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {officer}"}) as client:
            while time.monotonic() < stop_at:
                status = client.get("/readyz").status_code
                with lock:
                    answers.append((server.base_url, status))
                    sent[server.base_url] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=hammer, args=(s, started + WINDOW_SECONDS)) for s in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    granted = Counter(url for url, status in answers if status == 200)
    assert set(status for _, status in answers) == {200, 429}, Counter(s for _, s in answers)
    allowance = PER_MINUTE + PER_MINUTE / 60 * elapsed  # one bucket: the burst plus the refill
    total_granted = sum(granted.values())
    print(f"two instances, one key: granted={total_granted} allowance={allowance:.1f} requests={len(answers)} "
          f"elapsed_s={elapsed:.2f} per_instance={dict(granted)}")  # fmt: skip
    assert abs(total_granted - allowance) <= 0.05 * allowance, (total_granted, allowance, granted)
    assert all(granted[s.base_url] > 0 for s in servers)  # both instances took from the one bucket

    # -- two workers score one batch; no ad twice ------------------------------------------------
    rows = [{"id": f"ad-{i}", "text": varied_ad(i)} for i in range(ADS)]
    response = httpx.post(
        f"{first.base_url}/api/v1/batches",
        content=jsonl(rows),
        headers={**admin, "content-type": "application/x-ndjson"},
        timeout=120,
    )
    sent[first.base_url] += 1
    assert response.status_code == 202, response.text
    batch_id = response.json()["id"]
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "screener.cli", "worker"],
            env=cli_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 300
        status = ""
        while time.monotonic() < deadline and status != "done":
            time.sleep(0.5)
            status = httpx.get(f"{second.base_url}/api/v1/batches/{batch_id}", headers=admin).json()["status"]
            sent[second.base_url] += 1
        assert status == "done"
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            _, err = worker.communicate(timeout=60)
            assert "Traceback" not in err, err
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            batch = connection.execute(select(Batch.accepted, Batch.scored).where(Batch.id == batch_id)).one()
            assessed = connection.execute(
                select(AdAssessment.ad_id, func.count()).group_by(AdAssessment.ad_id)
            ).all()
            unscored = connection.scalar(select(func.count()).select_from(Ad).where(Ad.scored.is_(False)))
            open_items = set(connection.scalars(select(QueueItem.id).where(QueueItem.status == "open")))
    finally:
        engine.dispose()
    assert (batch.accepted, batch.scored, unscored) == (ADS, ADS, 0)
    assert len(assessed) == ADS and all(n == 1 for _, n in assessed)  # every ad scored exactly once
    assert len(open_items) >= 50, len(open_items)

    # -- two moderators on two instances claim the queue at once; no item twice ------------------
    claimed: dict[str, list[int]] = {m: [] for m in moderators}
    start = threading.Barrier(2)

    def claim_all(server: LiveServer, key: str) -> None:
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60
        ) as client:
            start.wait()
            while True:
                response = client.post("/api/v1/queue/claim", json={"limit": 3})
                with lock:
                    sent[server.base_url] += 1
                assert response.status_code == 200, response.text
                items = [item["id"] for item in response.json()["items"]]
                if not items:
                    return
                claimed[key].extend(items)

    threads = [
        threading.Thread(target=claim_all, args=(s, k)) for s, k in zip(servers, moderators, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mine, theirs = (claimed[m] for m in moderators)
    assert mine and theirs, "both moderators got items"
    assert not set(mine) & set(theirs), "an item was leased to both moderators"
    assert len(mine) + len(theirs) == len(set(mine) | set(theirs)) == len(open_items)
    assert set(mine) | set(theirs) == open_items

    # -- /metrics on either instance sums both ------------------------------------------------------
    expected = sum(sent.values())
    from_first = httpx.get(f"{first.base_url}/metrics", headers=admin)
    from_second = httpx.get(f"{second.base_url}/metrics", headers=admin)
    assert from_first.status_code == from_second.status_code == 200
    print(f"metrics: sent={expected} first_instance_reports={_requests_counted(from_first.text)}")
    assert _requests_counted(from_first.text) == expected, (expected, sent)
    assert _requests_counted(from_second.text) == expected + 1  # and the first /metrics request
