"""Benchmark the review queue end to end: ingest + score + cluster N ads (default 100,000).

Ads are corpus texts reposted with new numbers and emoji, so campaigns form. Runs on a temporary
SQLite file and, when reachable, on the local PostgreSQL (``postgresql+psycopg://postgres@127.0.0.1:5432/test``,
in a scratch schema); then clustering alone (canonical text + MinHash + LSH, in memory). Prints
figures; the last line is ``key=value`` pairs.

    .venv/bin/python bench/bench_queue.py [--n 100000] [--chunk 500] [--workers N] [--no-postgres]

``--workers N`` scores with N worker processes (``screener worker --processes N``; default: all cores),
``--workers 1`` with the single in-process worker as before. The processes are started, and have
loaded the model, before the clock starts, as in a running service: the time is from the upload's
first row to its last ad queued (the processes notice the complete batch within 0.05 s).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text

from screener import Screener, paths
from screener.dedupe import NearDuplicateIndex
from screener.model import default_model_path
from screener.parallel import default_jobs
from service.batches import ingest_file
from service.settings import Settings
from service.store import create_db_engine, migrate, session_factory
from service.vocabulary import BatchStatus
from service.worker import ScoringWorker
from service.worker_pool import WorkerPool

CORPUS = paths.corpus_dir()
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EMOJI = ["🔥", "✅", "💰", "📲", "✈️", "🙏", ""]


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """The URL of a new schema of the local PostgreSQL (:data:`PG_URL`), dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_db_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield f"{PG_URL}?options=-csearch_path%3D{schema}"
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def generate(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    texts = [
        json.loads(line)["text"] for f in sorted(CORPUS.glob("*.jsonl")) for line in f.open(encoding="utf-8")
    ]
    out = []
    for _ in range(n):
        base = rng.choice(texts)
        varied = re.sub(r"\d", lambda _m: str(rng.randint(0, 9)), base)
        out.append(f"{rng.choice(EMOJI)} {varied} {rng.choice(EMOJI)}".strip())
    return out


def drain(sessions: Any, settings: Settings, screener: Screener) -> int:
    """Score everything pending in this process (``--workers 1``); returns ads scored."""
    return ScoringWorker(sessions, settings, lambda: screener).drain()


def _scored(sessions: Any) -> int:
    with sessions() as session:
        return int(session.execute(text("SELECT count(*) FROM ads WHERE scored")).scalar_one())


def warm_pool(settings: Settings, workers: int) -> WorkerPool:
    """``workers`` scoring processes, started and with their models loaded, as in a running service."""
    pool = WorkerPool(settings, workers)
    pool.start()
    if not pool.wait_ready(timeout=300):
        pool.stop()
        raise SystemExit("the scoring processes did not load the model")
    return pool


def wait_scored(sessions: Any, batch_id: int) -> int:
    """Wait until the batch is done (the pool's processes do the work); returns the ads scored.

    Polls the batch's one row, which turns ``done`` in the transaction that queues its last ads:
    counting the scored ads every 0.05 s instead scanned a growing index, CPU taken from the
    scoring processes on a small machine.
    """
    query = text("SELECT status FROM batches WHERE id = :id")
    finished = (BatchStatus.DONE, BatchStatus.FAILED)
    while True:
        with sessions() as session:
            if session.execute(query, {"id": batch_id}).scalar_one() in finished:
                return _scored(sessions)
        time.sleep(0.05)


def run(
    url: str, texts: list[str], screener: Screener, chunk: int, folder: Path, workers: int = 1
) -> dict[str, float]:
    engine = create_db_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    path = folder / "bench.jsonl"
    path.write_text(
        "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8"
    )
    settings = Settings(
        database_url=url, environment="test", worker_chunk_size=chunk, worker_poll_seconds=0.05
    )
    pool = warm_pool(settings, workers) if workers > 1 else None
    try:
        start = time.perf_counter()
        result = ingest_file(
            sessions, path, "jsonl", key_id=None, filename="bench.jsonl", content_type=None,
            max_ads=len(texts), max_text_bytes=settings.max_text_bytes,
        )  # fmt: skip
        ingested = time.perf_counter()
        scored = (
            drain(sessions, settings, screener) if pool is None else wait_scored(sessions, result.batch_id)
        )
        done = time.perf_counter()
    finally:
        if pool is not None:
            pool.stop()
    with engine.connect() as connection:
        clusters = connection.execute(text("SELECT count(*) FROM clusters")).scalar()
        items = connection.execute(text("SELECT count(*) FROM queue_items")).scalar()
    engine.dispose()
    assert scored == result.accepted == len(texts)
    total = done - start
    print(
        f"  {len(texts)} ads: ingest {ingested - start:.1f} s ({len(texts) / (ingested - start):,.0f} ads/s), "
        f"score+cluster+queue {done - ingested:.1f} s; total {total:.1f} s = {len(texts) / total:,.0f} ads/s; "
        f"{clusters} campaigns, {items} queue items"
    )
    return {"ads_per_s": len(texts) / total, "total_s": total, "ingest_s": ingested - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument(
        "--workers", type=int, default=default_jobs(), help="worker processes (default: all cores)"
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    texts = generate(args.n)
    screener = Screener(default_model_path())
    screener.assess(texts[0])
    figures: dict[str, float | str] = {"n": args.n}
    print(f"{args.workers} worker process(es)")
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite:")
        sqlite = run(f"sqlite:///{folder}/bench.db", texts, screener, args.chunk, Path(folder), args.workers)
        figures.update(
            sqlite_ads_per_s=round(sqlite["ads_per_s"]), sqlite_total_s=round(sqlite["total_s"], 1)
        )
        figures["postgres_ads_per_s"] = "skipped"
        if not args.no_postgres:
            with ExitStack() as stack:
                try:
                    url = stack.enter_context(scratch_postgres())
                except Exception as exc:  # unreachable: report and go on
                    print(f"PostgreSQL skipped: {exc.__class__.__name__}")
                else:
                    print("PostgreSQL:")
                    pg = run(url, texts, screener, args.chunk, Path(folder), args.workers)
                    figures.update(
                        postgres_ads_per_s=round(pg["ads_per_s"]), postgres_total_s=round(pg["total_s"], 1)
                    )
    start = time.perf_counter()
    index = NearDuplicateIndex()
    for first in range(0, len(texts), args.chunk):  # chunks, as the worker sketches them
        index.add_many(texts[first : first + args.chunk])
    seconds = time.perf_counter() - start
    campaigns = len({index.cluster(i) for i in range(len(texts))})
    print(f"clustering alone (in memory): {len(texts) / seconds:,.0f} ads/s, {campaigns} campaigns")
    figures["cluster_ads_per_s"] = round(len(texts) / seconds)
    figures["workers"] = args.workers
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
