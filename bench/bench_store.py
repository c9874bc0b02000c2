"""Benchmark the store path alone: writing scored chunks (assessments, contacts, campaigns, queue items).

Scores N ads once (default 3,000, corpus texts reposted as in ``bench_queue.py``), then writes the
same scored chunks into fresh SQLite databases with :func:`service.store.campaigns.record_scored`
and, with ``--compare FILE``, with another version of that module (e.g. main's
``service/store/campaigns.py``), alternating, so both see the same machine load. Prints seconds per
run; the last line is ``key=value`` pairs (``ratio`` = this version's time / the other's).

    .venv/bin/python bench/bench_store.py [--n 3000] [--chunk 500] [--rounds 2] [--compare PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))
from bench_queue import generate

from screener import Screener
from screener.model import default_model_path
from service.batches import ingest_file
from service.store import campaigns, create_db_engine, migrate, session_factory, write_transaction
from service.store.campaigns import pending_ads
from service.worker import score_rows

OPTIONS = {"review_threshold": 0.5, "uncertain_margin": 0.05, "similarity_threshold": 0.6,
           "audit_sample_rate": 0.01, "campaign_min_ads": 20}  # fmt: skip


def fresh(folder: Path, name: str, texts: list[str]) -> Any:
    url = f"sqlite:///{folder}/{name}.db"
    engine = create_db_engine(url)
    migrate(engine)
    path = folder / "ads.jsonl"
    if not path.exists():
        path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), "utf-8")
    sessions = session_factory(engine)
    ingest_file(sessions, path, "jsonl", key_id=None, filename="ads.jsonl", content_type=None,
                max_ads=len(texts), max_text_bytes=100_000)  # fmt: skip
    return engine, sessions


def write_all(module: ModuleType, sessions: Any, chunks: list[list[Any]]) -> float:
    start = time.perf_counter()
    for scored in chunks:
        with write_transaction(sessions) as session:
            module.record_scored(session, scored=scored, **OPTIONS)
    return time.perf_counter() - start


def counts(engine: Any) -> tuple[int, int, int]:
    with engine.connect() as c:
        return tuple(c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # type: ignore[return-value]
                     for t in ("assessments", "clusters", "queue_items"))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--compare", default=None, help="another campaigns.py to time against")
    args = parser.parse_args()
    other = None
    if args.compare:
        spec = importlib.util.spec_from_file_location("campaigns_other", args.compare)
        assert spec is not None and spec.loader is not None
        other = importlib.util.module_from_spec(spec)
        sys.modules["campaigns_other"] = other  # dataclasses look their module up
        spec.loader.exec_module(other)
    texts = generate(args.n)
    screener = Screener(default_model_path())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine, sessions = fresh(folder, "score", texts)
        chunks = []
        with sessions() as session:
            rows = pending_ads(session, limit=args.n, lock=False)
        for i in range(0, len(rows), args.chunk):
            chunks.append(score_rows(screener, rows[i : i + args.chunk]))
        engine.dispose()
        times: dict[str, list[float]] = {"this": [], "other": []}
        results = {}
        for r in range(args.rounds):
            for name, module in (("this", campaigns), ("other", other)):
                if module is None:
                    continue
                engine, sessions = fresh(folder, f"{name}{r}", texts)
                times[name].append(write_all(module, sessions, chunks))
                results[name] = counts(engine)
                engine.dispose()
                print(
                    f"  {name}: {times[name][-1]:.2f} s for {args.n} ads; assessments, campaigns, items = {results[name]}"
                )
    figures: dict[str, Any] = {"n": args.n, "store_s": round(statistics.median(times["this"]), 2),
                               "store_ads_per_s": round(args.n / statistics.median(times["this"]))}  # fmt: skip
    if other is not None:
        figures["other_store_s"] = round(statistics.median(times["other"]), 2)
        figures["ratio"] = round(statistics.median(times["this"]) / statistics.median(times["other"]), 2)
        figures["same_counts"] = results["this"] == results["other"]
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
