"""Soak benchmark: the real service for a fixed time under a working day's mix of traffic.

Starts ``screener serve`` (``--workers`` processes, the scoring worker inside) on a free port with a
temporary SQLite file, or with ``--postgres`` in a scratch schema of the local PostgreSQL
(``postgresql+psycopg://postgres@127.0.0.1:5432/test``, dropped afterwards). Then, for ``--seconds``
(default 300):

- ``--officers`` threads score corpus ads (``POST /api/v1/score``) back to back;
- ``--moderators`` threads claim items (``POST /api/v1/queue/claim``) and decide each one they get
  (``POST /api/v1/items/{id}/decision``, verdicts mixed, ``unsure`` among them so items come back);
- a batch of ``--batch-size`` new ads (JSON lines) arrives every ``--batch-every`` seconds
  (``POST /api/v1/batches``), and its status is read once.

Every request is timed. An error is a transport failure or an answer other than the one expected
(200, or 202 for a batch); a decision answered 409 because the item's lease expired or someone else
decided counts too, since with short leases held by one moderator that should not happen. After the
time is up the run waits (up to ``--drain-seconds``) until the worker has scored every batch, then
reads the store directly:

- ``lost_ads``: ads sent in accepted batches that are not in the store;
- ``double_claims``: times a claim handed a moderator an item another moderator still held;
- ``rss_mb_start`` / ``rss_mb_end``: resident memory of the server's process tree after warm-up and
  at the end (``/proc``).

The last line is exactly ``requests=... errors=... p99_ms=... rss_mb_start=... rss_mb_end=...
lost_ads=... double_claims=...``. All traffic stays on 127.0.0.1.

    .venv/bin/python bench/bench_soak.py [--seconds 300] [--postgres] [--officers 4] [--moderators 3]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# The queue benchmark beside this file: its scratch PostgreSQL schema.
import bench_queue
import httpx
from sqlalchemy import text

from screener import paths
from service.store import create_db_engine

VERDICTS = ("legit", "scam", "tppo", "unsure", "legit", "non_offer")
PLACES = ("Kamboja", "Myanmar", "Malaysia", "Batam", "Bekasi", "Taiwan", "Jepang", "Laos", "Dubai")
JOBS = ("admin", "operator", "CS online", "pelayan", "staf gudang", "sopir", "perawat", "marketing")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _corpus_texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for file in sorted(paths.corpus_dir().glob("*.jsonl"))
        for line in file.open(encoding="utf-8")
    ]


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and every descendant, in MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
    return total / 1024


def _database(postgres: bool, folder: Path) -> contextlib.AbstractContextManager[str]:
    """A SQLite file in ``folder``, or a scratch schema of the local PostgreSQL (dropped after)."""
    return (
        bench_queue.scratch_postgres()
        if postgres
        else contextlib.nullcontext(f"sqlite:///{folder / 'soak.db'}")
    )


def _start(url: str, port: int, workers: int) -> tuple[subprocess.Popen[str], str]:
    env = {
        **os.environ,
        "SCREENER_DATABASE_URL": url,
        "SCREENER_WORKERS": str(workers),
        "SCREENER_RATE_LIMIT_PER_MINUTE": "0",
        "SCREENER_BOOKKEEPING_RATE_LIMIT_PER_MINUTE": "0",
        "SCREENER_LEASE_MINUTES": "15",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "screener.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    if "Admin key" not in first:
        process.kill()
        raise SystemExit(f"the server did not print an admin key: {first!r}")
    key = first.rsplit(":", 1)[1].strip()
    threading.Thread(target=lambda: [None for _ in process.stdout or ()], daemon=True).start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            ready = httpx.get(
                f"http://127.0.0.1:{port}/readyz", headers={"Authorization": f"Bearer {key}"}, timeout=5
            )
            if ready.status_code == 200:
                return process, key
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not come up")


@dataclass
class Tally:
    """Everything the load threads record, behind one lock."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    sent_batches: dict[int, int] = field(default_factory=dict)  # batch id -> ads sent
    held: dict[int, str] = field(default_factory=dict)  # item id -> moderator holding it
    double_claims: int = 0
    decisions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(
        self, client: httpx.Client, method: str, url: str, expected: int, what: str, **kwargs: object
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            with self.lock:
                self.latencies.append(time.perf_counter() - started)
                self.errors[f"{what}: {type(exc).__name__}"] += 1
            return None
        with self.lock:
            self.latencies.append(time.perf_counter() - started)
            if response.status_code != expected:
                self.errors[f"{what}: {response.status_code} {response.text[:120]}"] += 1
        return response if response.status_code == expected else None


def officer(base: str, key: str, texts: list[str], stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        while not stop.is_set():
            body = {"text": rng.choice(texts), "save": rng.random() < 0.2}
            tally.request(client, "POST", "/api/v1/score", 200, "score", json=body)


def moderator(base: str, key: str, name: str, stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        while not stop.is_set():
            claimed = tally.request(client, "POST", "/api/v1/queue/claim", 200, "claim", json={"limit": 5})
            items = claimed.json()["items"] if claimed is not None else []
            with tally.lock:
                for item in items:
                    if tally.held.get(item["id"], name) != name:
                        tally.double_claims += 1
                    tally.held[item["id"]] = name
            if not items:
                stop.wait(0.5)
            for item in items:
                body = {"verdict": rng.choice(VERDICTS), "indicators": [], "note": "soak"}
                decided = tally.request(
                    client, "POST", f"/api/v1/items/{item['id']}/decision", 200, "decision", json=body
                )
                with tally.lock:
                    tally.held.pop(item["id"], None)
                    tally.decisions += decided is not None


def batches(
    base: str, key: str, every: float, size: int, stop: threading.Event, tally: Tally, texts: list[str]
) -> None:
    rng = random.Random(7)
    serial = itertools.count(1)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:
        while True:
            n = next(serial)
            rows = []
            for i in range(size):
                # New ads each time: a corpus text with a new job, place and number, so the queue grows.
                extra = f"{rng.choice(JOBS)} {rng.choice(PLACES)} WA 08{rng.randrange(10**9, 10**10)}"
                rows.append(
                    {"id": f"soak-{n}-{i}", "text": f"{rng.choice(texts)}\n{extra}", "platform": "facebook"}
                )
            body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
            created = tally.request(
                client, "POST", "/api/v1/batches", 202, "batch", content=body,
                headers={"Content-Type": "application/x-ndjson"},
            )  # fmt: skip
            if created is not None:
                batch_id = created.json()["id"]
                with tally.lock:
                    tally.sent_batches[batch_id] = size
                tally.request(client, "GET", f"/api/v1/batches/{batch_id}", 200, "batch status")
            if stop.wait(every):
                return


def _drain(base: str, key: str, batch_ids: list[int], seconds: float) -> int:
    """Wait until every batch is scored; returns the ads still unscored when the wait ends."""
    deadline = time.monotonic() + seconds
    unscored = 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        while True:
            unscored = 0
            for batch_id in batch_ids:
                body = client.get(f"/api/v1/batches/{batch_id}").json()
                unscored += body["accepted"] - body["scored"]
            if unscored == 0 or time.monotonic() > deadline:
                return unscored
            time.sleep(1)


def _stored(url: str, batch_ids: list[int]) -> dict[int, int]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT batch_id, COUNT(*) FROM ads GROUP BY batch_id")).all()
    finally:
        engine.dispose()
    found = {int(b): int(n) for b, n in rows}
    return {batch_id: found.get(batch_id, 0) for batch_id in batch_ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="how long the load runs (default 300)")
    parser.add_argument("--postgres", action="store_true", help="run on the local PostgreSQL, not SQLite")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    parser.add_argument("--officers", type=int, default=4, help="threads scoring ads")
    parser.add_argument("--moderators", type=int, default=3, help="threads claiming and deciding")
    parser.add_argument("--batch-every", type=float, default=30.0, help="seconds between batches")
    parser.add_argument("--batch-size", type=int, default=200, help="ads per batch")
    parser.add_argument("--drain-seconds", type=float, default=120.0, help="wait for scoring at the end")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before rss_mb_start")
    args = parser.parse_args()

    texts = _corpus_texts()
    tally = Tally()
    with (
        tempfile.TemporaryDirectory(prefix="screener-soak-") as folder,
        _database(args.postgres, Path(folder)) as url,
    ):
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        process, admin = _start(url, port, args.workers)
        try:
            keys: dict[str, list[str]] = {"officer": [], "moderator": []}
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin}"}) as client:
                for role, count in (("officer", args.officers), ("moderator", args.moderators)):
                    for i in range(count):
                        made = client.post("/api/v1/keys", json={"name": f"soak {role} {i}", "role": role})
                        made.raise_for_status()
                        keys[role].append(made.json()["key"])
            stop = threading.Event()
            threads = [
                threading.Thread(target=officer, args=(base, k, texts, stop, tally, i))
                for i, k in enumerate(keys["officer"])
            ]
            threads += [
                threading.Thread(target=moderator, args=(base, k, f"m{i}", stop, tally, 100 + i))
                for i, k in enumerate(keys["moderator"])
            ]
            threads.append(
                threading.Thread(
                    target=batches,
                    args=(base, keys["moderator"][0], args.batch_every, args.batch_size, stop, tally, texts),
                )
            )
            started = time.monotonic()
            for thread in threads:
                thread.start()
            stop.wait(min(args.warmup, args.seconds))
            rss_start = _rss_mb(process.pid)
            stop.wait(max(0.0, args.seconds - (time.monotonic() - started)))
            stop.set()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            rss_end = _rss_mb(process.pid)
            batch_ids = sorted(tally.sent_batches)
            unscored = _drain(base, admin, batch_ids, args.drain_seconds)
            stored = _stored(url, batch_ids)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    lost = sum(max(0, tally.sent_batches[b] - stored[b]) for b in batch_ids)
    latencies = sorted(tally.latencies)
    requests = len(latencies)
    p50 = latencies[requests // 2] * 1000 if requests else 0.0
    p99 = latencies[min(requests - 1, int(requests * 0.99))] * 1000 if requests else 0.0
    errors = sum(tally.errors.values())
    print(
        f"database: {'postgresql' if args.postgres else 'sqlite'}, {args.workers} worker(s), {elapsed:.0f} s"
    )
    print(f"requests: {requests} ({requests / elapsed:.1f}/s), p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"batches: {len(batch_ids)} x {args.batch_size} ads, unscored after the drain: {unscored}")
    print(f"decisions: {tally.decisions}")
    growth = (rss_end / rss_start - 1) * 100 if rss_start else 0.0
    print(f"server rss: {rss_start:.1f} MB after warm-up, {rss_end:.1f} MB at the end ({growth:+.1f}%)")
    for what, count in tally.errors.most_common(10):
        print(f"error x{count}: {what}")
    print(
        f"requests={requests} errors={errors} p99_ms={p99:.1f} rss_mb_start={rss_start:.1f} "
        f"rss_mb_end={rss_end:.1f} lost_ads={lost} double_claims={tally.double_claims}"
    )


if __name__ == "__main__":
    main()
