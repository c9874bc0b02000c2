"""Benchmark: importing chat and channel exports into the queue's store, against the CSV ingest.

Generates a WhatsApp group export (default 200,000 messages: ads from the project's corpus with new
numbers, chatter such as "mau kak", system lines, media placeholders, multi-line messages, a few
hundred authors) and a Telegram Desktop ``result.json`` (default 50,000 messages, some with entity
lists, captions, forwards, service messages), and imports each through the batch ingest on a
temporary SQLite file (parse, hash authors, store, commit, as ``POST /api/v1/batches`` does). In the
same run it ingests a CSV of the same ads (the ones each import accepted) the existing way, and
prints the ratio (target: an import no slower than 3x the CSV ingest). The importer's peak Python
memory while streaming the WhatsApp export is measured apart (tracemalloc, parse only).

Scoring is the worker's job and the same for every format (``bench/bench_queue.py``); ``--score``
drains the worker too, for a small run.

The last line is ``whatsapp_msgs_per_s=... telegram_msgs_per_s=... poll_sources_per_s=...``;
``poll_sources_per_s`` is the first poll of ``--sources`` fixture sources (``bench/bench_poll.py``).

    .venv/bin/python bench/bench_sources.py [--whatsapp 200000] [--telegram 50000] [--score]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from screener import Screener, paths
from screener.model import default_model_path
from screener.sources import ImportCounts, iter_import
from service.batches import ingest_file
from service.settings import Settings
from service.store import create_db_engine, migrate, session_factory
from service.worker import ScoringWorker

CORPUS = paths.corpus_dir()
CHATTER = ["mau kak", "ok", "info min", "minat kak 🙏", "siap", "berapa gajinya kak?", "up", "japri ya"]
KEY = "bench-author-key-" + "x" * 20


def corpus_texts(n: int, rng: random.Random) -> list[str]:
    texts = [
        json.loads(line)["text"] for f in sorted(CORPUS.glob("*.jsonl")) for line in f.open(encoding="utf-8")
    ]
    return [re.sub(r"\d", lambda _m: str(rng.randint(0, 9)), rng.choice(texts)) for _ in range(n)]


def write_whatsapp(path: Path, n: int, rng: random.Random) -> None:
    """An Android export with Indonesian dates: 70 % ads, 20 % chatter, 5 % media, 5 % system lines."""
    authors = [
        f"+62 8{rng.randint(11, 99)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}" for _ in range(300)
    ]
    authors += [f"Anggota {i}" for i in range(200)]
    ads = iter(corpus_texts(n, rng))
    when = datetime(2026, 6, 1, 8, 0)
    with path.open("w", encoding="utf-8") as out:
        out.write(f"{when:%d/%m/%y %H.%M} - Pesan dan panggilan terenkripsi secara end-to-end.\n")
        for _ in range(n):
            when += timedelta(seconds=rng.randint(5, 120))
            stamp = f"{when:%d/%m/%y %H.%M}"
            roll = rng.random()
            if roll < 0.05:
                out.write(f"{stamp} - {rng.choice(authors)} bergabung menggunakan tautan undangan grup ini\n")
            elif roll < 0.10:
                out.write(f"{stamp} - {rng.choice(authors)}: <Media tidak disertakan>\n")
            elif roll < 0.30:
                out.write(f"{stamp} - {rng.choice(authors)}: {rng.choice(CHATTER)}\n")
            else:
                out.write(f"{stamp} - {rng.choice(authors)}: {next(ads)}\n")


def write_telegram(path: Path, n: int, rng: random.Random) -> None:
    """A channel's result.json: 80 % text posts (a third as entity lists), 10 % captions, 10 % service."""
    ads = iter(corpus_texts(n, rng))
    start = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "name": "Kanal Loker Bench",\n "type": "public_channel",\n "id": 1,\n "messages": [\n')
        for i in range(n):
            when = start + timedelta(minutes=3 * i)
            message: dict[str, object] = {
                "id": i + 1, "type": "message", "date": when.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_unixtime": str(int(when.timestamp())), "from": "Kanal Loker Bench", "from_id": "channel1",
            }  # fmt: skip
            roll = rng.random()
            text = next(ads)
            if roll < 0.1:
                message.update(type="service", action="pin_message", text="")
            elif roll < 0.2:
                message.update(photo="photos/p.jpg", text="", caption=text)
            elif roll < 0.45:
                head, _, tail = text.partition(" ")
                message["text"] = [{"type": "bold", "text": head}, " " + tail]
            else:
                message["text"] = text
                if roll > 0.9:
                    message["forwarded_from"] = "Kanal Lain"
            out.write(("  " if i == 0 else ",\n  ") + json.dumps(message, ensure_ascii=False))
        out.write("\n ]\n}\n")


def accepted_csv(path: Path, fmt: str, target: Path) -> int:
    """The ads an import accepts, as the project's CSV (the same ads for the comparison)."""
    n = 0
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text"])
        for _, row in iter_import(path, fmt, counts=ImportCounts()):
            if isinstance(row, dict):
                n += 1
                writer.writerow([n, row["text"]])
    return n


def ingest(
    url: str, path: Path, fmt: str, *, n: int, screener: Screener | None
) -> tuple[float, int, int, int]:
    """Seconds to store ``path`` as a batch (and to score it with ``screener``); accepted, rejected, skipped."""
    engine = create_db_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    settings = Settings(database_url=url, environment="test")
    start = time.perf_counter()
    result = ingest_file(
        sessions, path, fmt, key_id=None, filename=path.name, content_type=None, max_ads=n + 1,
        max_text_bytes=settings.max_text_bytes, author_key=KEY,
    )  # fmt: skip
    if screener is not None:
        ScoringWorker(sessions, settings, lambda: screener).drain()
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, result.accepted, result.rejected, result.skipped


def parse_peak_mb(path: Path, fmt: str) -> float:
    """Peak Python memory (MB) while streaming the import without storing it."""
    tracemalloc.start()
    for _ in iter_import(path, fmt, counts=ImportCounts()):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def poll_sources_per_s(n_sources: int = 50) -> float:
    """Watched fixture sources polled per second, first poll (``bench/bench_poll.py``)."""
    from bench_poll import poll_sources_per_s as first_poll_rate  # beside this file, on sys.path

    return first_poll_rate(n_sources)


def compare(folder: Path, name: str, path: Path, fmt: str, n: int, screener: Screener | None) -> float:
    size_mb = path.stat().st_size / 1e6
    seconds, accepted, rejected, skipped = ingest(
        f"sqlite:///{folder}/{name}.db", path, fmt, n=n, screener=screener
    )
    csv_path = folder / f"{name}-same-ads.csv"
    ads = accepted_csv(path, fmt, csv_path)
    csv_seconds, csv_accepted, _, _ = ingest(
        f"sqlite:///{folder}/{name}-csv.db", csv_path, "csv", n=ads, screener=screener
    )
    assert csv_accepted == ads == accepted, (csv_accepted, ads, accepted)
    print(
        f"{name}: {n:,} messages ({size_mb:.1f} MB) -> {accepted:,} ads, {skipped:,} skipped, {rejected:,} reported "
        f"in {seconds:.1f} s = {n / seconds:,.0f} msgs/s ({accepted / seconds:,.0f} ads/s); "
        f"CSV of the same {ads:,} ads: {csv_seconds:.1f} s = {ads / csv_seconds:,.0f} ads/s; "
        f"import / CSV time = {seconds / csv_seconds:.2f}x (target <= 3x)"
    )
    return n / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--whatsapp", type=int, default=200_000, help="messages in the WhatsApp export")
    parser.add_argument("--telegram", type=int, default=50_000, help="messages in the Telegram export")
    parser.add_argument("--sources", type=int, default=50, help="watched fixture sources to poll")
    parser.add_argument("--score", action="store_true", help="score, cluster and queue too (slow)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    screener = None
    if args.score:
        screener = Screener(default_model_path())
        screener.assess("warm up")
    with tempfile.TemporaryDirectory(prefix="bench-sources-") as name:
        folder = Path(name)
        whatsapp = folder / "WhatsApp Chat dengan Loker Bench.txt"
        telegram = folder / "result.json"
        write_whatsapp(whatsapp, args.whatsapp, rng)
        write_telegram(telegram, args.telegram, rng)
        wa = compare(folder, "whatsapp", whatsapp, "whatsapp", args.whatsapp, screener)
        tg = compare(folder, "telegram", telegram, "telegram", args.telegram, screener)
        peak = parse_peak_mb(whatsapp, "whatsapp")
        print(
            f"whatsapp import streaming: peak Python memory {peak:.1f} MB for a {whatsapp.stat().st_size / 1e6:.1f} MB export"
        )
    poll = poll_sources_per_s(args.sources)
    print(f"whatsapp_msgs_per_s={wa:.0f} telegram_msgs_per_s={tg:.0f} poll_sources_per_s={poll:.1f}")


if __name__ == "__main__":
    main()
