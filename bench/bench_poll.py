"""Benchmark: polling watched sources (issue 14), on a temporary SQLite file.

A local fixture site (``bench/watch_site.py``, on 127.0.0.1) serves ``n_sources`` channels, each
with ``posts`` posts, as Telegram previews, RSS, Atom and HTML pages in turn. One poll of every
source is timed (fetch through link intake with its SSRF checks, parse, find the new posts, write
them into the day's batch with their "seen" marks), then a second poll where nothing changed (the
site answers 304 to the conditional requests). Scoring is the worker's job and is not included.
The per-host rate limit is off (every source is on one host here). The last line is ``key=value``
pairs, starting with ``poll_sources_per_s`` (the first poll); ``bench/bench_sources.py`` calls
:func:`poll_sources_per_s`.

    .venv/bin/python bench/bench_poll.py [--sources 50] [--posts 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from service.settings import Settings
from service.store import create_db_engine, migrate, session_factory, write_transaction
from service.store import sources as store
from service.store.models import utcnow
from service.watch import SourcePoller, check_new_source, fetcher_for

try:
    from bench.watch_site import SAMPLE_POSTS, WatchSite
except ImportError:  # run as a script: bench/ itself is on the path
    from watch_site import SAMPLE_POSTS, WatchSite  # type: ignore[no-redef]

__all__ = ["poll_sources", "poll_sources_per_s"]

PATHS = ("/s/{name}", "/feed/{name}.rss", "/feed/{name}.atom", "/page/{name}")


def poll_sources(n_sources: int = 50, posts: int = 20) -> dict[str, float]:
    """Poll ``n_sources`` fixture sources twice; the rates (sources per second) and posts imported."""
    with tempfile.TemporaryDirectory(prefix="bench-poll-") as folder, WatchSite(page_size=20) as site:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'poll.db'}",
            environment="test",
            data_dir=Path(folder),
            allow_private_fetch=True,  # the fixture site is on 127.0.0.1: benchmark only
            source_host_rate_per_minute=0,
        )
        engine = create_db_engine(settings.resolved_database_url)
        try:
            migrate(engine)
            sessions = session_factory(engine)
            fetcher = fetcher_for(settings)
            for i in range(n_sources):
                name = f"loker_{i:03d}"
                site.add_posts(
                    name, [f"{SAMPLE_POSTS[(i + j) % len(SAMPLE_POSTS)]} (#{i}-{j})" for j in range(posts)]
                )
                path = PATHS[i % len(PATHS)].format(name=name)
                selector = "article.post" if path.startswith("/page/") else None
                spec = asyncio.run(
                    check_new_source(fetcher, url=site.base_url + path, every="1m", selector=selector)
                )
                with write_transaction(sessions) as session:
                    store.add_source(
                        session, url=spec.url, kind=spec.kind, name=spec.name, every_seconds=spec.every_seconds,
                        selector=spec.selector, key_id=None, now=utcnow(),
                    )  # fmt: skip
            poller = SourcePoller(sessions, settings, fetcher)
            started = time.perf_counter()
            first = [poller.poll(i + 1) for i in range(n_sources)]
            first_s = time.perf_counter() - started
            started = time.perf_counter()
            second = [poller.poll(i + 1) for i in range(n_sources)]
            second_s = time.perf_counter() - started
        finally:
            engine.dispose()
    failed = [r for r in (*first, *second) if r.outcome == "error"]
    if failed:
        raise AssertionError(f"polls failed: {failed[:3]}")
    return {
        "poll_sources_per_s": n_sources / first_s,
        "unchanged_sources_per_s": n_sources / second_s,
        "posts_imported": float(sum(r.new for r in first)),
        "not_modified": float(sum(r.outcome == "not_modified" for r in second)),
    }


def poll_sources_per_s(n_sources: int = 50) -> float:
    """Sources polled per second on the first poll of ``n_sources`` fixture sources (SQLite)."""
    return poll_sources(n_sources)["poll_sources_per_s"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--posts", type=int, default=20, help="posts per source")
    parser.add_argument("--rounds", type=int, default=3, help="runs; the median counts")
    args = parser.parse_args()
    runs = [poll_sources(args.sources, args.posts) for _ in range(args.rounds)]
    for i, run in enumerate(runs, 1):
        print(
            f"run {i}: first poll {run['poll_sources_per_s']:.1f} sources/s ({run['posts_imported']:.0f} posts), "
            f"unchanged {run['unchanged_sources_per_s']:.1f} sources/s ({run['not_modified']:.0f} answered 304)"
        )
    median = sorted(runs, key=lambda r: r["poll_sources_per_s"])[len(runs) // 2]
    unchanged = sorted(r["unchanged_sources_per_s"] for r in runs)[len(runs) // 2]
    print(
        f"poll_sources_per_s={median['poll_sources_per_s']:.1f} unchanged_sources_per_s={unchanged:.1f} "
        f"sources={args.sources} posts_per_source={args.posts}"
    )


if __name__ == "__main__":
    main()
