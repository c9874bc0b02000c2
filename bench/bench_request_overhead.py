"""Benchmark: the service's own CPU per ``POST /api/v1/score``, the assessment taken out.

Builds the app in-process (temporary SQLite, an officer key) with a screener whose ``assess``
returns assessments computed beforehand, then drives the ASGI app directly with ``--clients``
concurrent requests on uvloop: what is measured is the service around the assessment (middleware,
dependencies, key look-up, threadpool hops, JSON, log line, metrics), without HTTP parsing.

Process CPU time is noisy on a shared machine; for a steadier figure count instructions with
callgrind (``--callgrind N`` switches instrumentation on for N requests only)::

    valgrind --tool=callgrind --instr-atstart=no python bench/bench_request_overhead.py --callgrind 300

To compare two checkouts, run it from outside both with ``PYTHONPATH=<checkout>``. The last line is
``key=value`` pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any


def _build(texts: list[str]) -> tuple[Any, str]:
    os.environ.update(
        SCREENER_DATABASE_URL=f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}",
        SCREENER_RATE_LIMIT_PER_MINUTE="100000000",
        SCREENER_ENVIRONMENT="development",
        SCREENER_WORKER_ENABLED="false",
    )
    from screener.assessment import Screener
    from service.app import create_app
    from service.deps import services_of
    from service.settings import Settings
    from service.store.keys import create_key

    real = Screener()
    done = {text: real.assess(text) for text in texts}

    class Precomputed:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def assess(self, text: str) -> Any:
            return done[text]

        def assess_many(self, texts: list[str]) -> list[Any]:  # the service batches concurrent ads
            return [done[text] for text in texts]

    with redirect_stdout(io.StringIO()):
        app = create_app(Settings(), screener=Precomputed())  # type: ignore[arg-type]
    with services_of(app).sessions.begin() as session:
        key = create_key(session, name="bench", role="officer").secret
    # As `screener serve` logs: one JSON line per request (here to nowhere).
    service_logger = logging.getLogger("screener.service")
    service_logger.addHandler(logging.StreamHandler(open(os.devnull, "w")))  # noqa: SIM115
    service_logger.setLevel(logging.INFO)
    service_logger.propagate = False
    return app, key


def _scope(key: str, body: bytes) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {key}".encode()),
               (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]  # fmt: skip
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/api/v1/score", "raw_path": b"/api/v1/score", "root_path": "",
            "query_string": b"", "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5555),
            "headers": headers}  # fmt: skip


async def _one(app: Any, key: str, body: bytes) -> None:
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            await asyncio.sleep(3600)  # no disconnect while the response is sent
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(_scope(key, body), receive, send)
    if statuses != [200]:
        raise SystemExit(f"unexpected answer {statuses}")


async def _run(app: Any, key: str, bodies: list[bytes], n: int, clients: int) -> None:
    async def client(offset: int) -> None:
        for i in range(offset, n, clients):
            await _one(app, key, bodies[i % len(bodies)])

    await asyncio.gather(*(client(k) for k in range(clients)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=3000, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--callgrind", type=int, default=0, help="instrument this many requests, then stop")
    args = parser.parse_args()

    import uvloop

    from screener.datasets import load_corpus

    texts = load_corpus().texts[:300]
    app, key = _build(texts)
    bodies = [json.dumps({"text": text}).encode() for text in texts]
    loop = uvloop.new_event_loop()
    loop.run_until_complete(_run(app, key, bodies, 600, args.clients))  # warm-up
    if args.callgrind:
        pid = str(os.getpid())
        subprocess.run(["callgrind_control", "-i", "on", pid], capture_output=True, check=False)
        loop.run_until_complete(_run(app, key, bodies, args.callgrind, args.clients))
        subprocess.run(["callgrind_control", "-i", "off", pid], capture_output=True, check=False)
        print(f"requests={args.callgrind} (divide callgrind's 'Collected' by this)")
        return
    rounds = []
    for _ in range(args.rounds):
        started = time.process_time()
        loop.run_until_complete(_run(app, key, bodies, args.requests, args.clients))
        rounds.append((time.process_time() - started) / args.requests * 1e6)
    print("CPU µs per request by round:", " ".join(f"{r:.0f}" for r in rounds), file=sys.stderr)
    print(f"overhead_us_per_request={min(rounds):.0f} clients={args.clients} requests={args.requests}")


if __name__ == "__main__":
    main()
