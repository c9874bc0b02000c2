"""Benchmark: the real service under load from a separate process.

Starts ``screener serve --workers 2`` on a free port with a temporary SQLite store, then drives it
from a separate load process with concurrent keep-alive HTTP clients:

1. ``GET /healthz`` as fast as possible for ``--seconds``;
2. ``POST /api/v1/score`` with corpus ads as fast as possible for ``--seconds`` (every digit of each
   ad drawn anew, so no request repeats a phone number the server has parsed);
3. ``POST /api/v1/score`` paced at ``--rate`` requests/s (open loop) for ``--seconds``, for latency.

Prints requests/s for 1 and 2 with their ratio, and p50/p99 latency of 3. The last line is
``key=value`` pairs. All traffic stays on 127.0.0.1.

    python bench/bench_service.py [--seconds 10] [--clients 32] [--rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx  # only to wait for the server to come up


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(port: int, data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ)
    env.update(
        SCREENER_DATABASE_URL=f"sqlite:///{data_dir / 'bench.db'}",
        SCREENER_RATE_LIMIT_PER_MINUTE="100000000",
        SCREENER_ENVIRONMENT="development",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "screener.cli", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    key = ""
    deadline = time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if "Admin key" in line:
            key = line.rsplit(":", 1)[1].strip()
            break
    if not key:
        process.kill()
        raise SystemExit("the server did not print an admin key")
    # Keep reading the server's output (request logs) so a full pipe never blocks it.
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                # both workers must have loaded the model: ask /readyz a few times
                for _ in range(20):
                    httpx.get(
                        f"http://127.0.0.1:{port}/readyz",
                        headers={"Authorization": f"Bearer {key}"},
                        timeout=5,
                    )
                return process, key
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not become ready")


class _Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams.

    httpx's async pool costs more CPU per request than the server under test on this 2-core machine,
    which would measure the client; this sends a prepared request and reads one response.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> int:
        reused = self.writer is not None
        try:
            return await self._request(raw)
        except (asyncio.IncompleteReadError, ConnectionError):
            if not reused:
                raise
            # The server closed a connection left idle past its keep-alive limit: open a new one.
            await self.close()
            self.reader = self.writer = None
            return await self._request(raw)

    async def _request(self, raw: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _requests(path: str, key: str, bodies: list[bytes] | None) -> list[bytes]:
    if bodies is None:
        return [f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()]
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        "Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    return [head.format(length=len(body)).encode() + body for body in bodies]


async def _closed_loop(port: int, raws: list[bytes], seconds: float, clients: int) -> dict:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal errors
        connection = _Connection(port)
        i = offset
        while time.perf_counter() < stop:
            started = time.perf_counter()
            status = await connection.request(raws[i % len(raws)])
            latencies.append(time.perf_counter() - started)
            errors += status != 200
            i += clients
        await connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    elapsed = time.perf_counter() - began
    return {"rps": len(latencies) / elapsed, "n": len(latencies), "errors": errors, "latencies": latencies}


async def _open_loop(port: int, raws: list[bytes], seconds: float, rate: float) -> dict:
    """Requests sent on a fixed schedule (``rate`` per second) over a pool of connections."""
    latencies: list[float] = []
    errors = 0
    idle: list[_Connection] = []

    async def one(i: int) -> None:
        nonlocal errors
        connection = idle.pop() if idle else _Connection(port)
        started = time.perf_counter()
        status = await connection.request(raws[i % len(raws)])
        latencies.append(time.perf_counter() - started)
        errors += status != 200
        idle.append(connection)

    tasks = []
    began = time.perf_counter()
    for i in range(int(seconds * rate)):
        delay = began + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    for connection in idle:
        await connection.close()
    return {"n": len(latencies), "errors": errors, "latencies": latencies}


def _load(port: int, key: str, seconds: float, clients: int, rate: float, queue: mp.Queue) -> None:
    import json
    import random
    import re

    from screener.datasets import load_corpus

    rng = random.Random(0)
    texts = load_corpus().texts

    def fresh_ads(n: int) -> list[bytes]:
        # Corpus ads with every digit drawn anew: phone numbers the server has not parsed before (it
        # remembers recent ones), as in a feed of new posts.
        ads = (re.sub(r"\d", lambda _m: str(rng.randint(0, 9)), rng.choice(texts)) for _ in range(n))
        return [json.dumps({"text": t}).encode() for t in ads]

    health_requests = _requests("/healthz", key, None)
    asyncio.run(_closed_loop(port, _requests("/api/v1/score", key, fresh_ads(50)), 2, clients))  # warm-up
    health = asyncio.run(_closed_loop(port, health_requests, seconds, clients))
    score = asyncio.run(
        _closed_loop(port, _requests("/api/v1/score", key, fresh_ads(20_000)), seconds, clients)
    )
    paced = asyncio.run(
        _open_loop(port, _requests("/api/v1/score", key, fresh_ads(int(seconds * rate) + 1)), seconds, rate)
    )
    for result in (health, score, paced):
        result["latencies"] = sorted(result["latencies"])
    queue.put((health, score, paced))


def _percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200.0, help="paced requests/s for the latency phase")
    args = parser.parse_args()

    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server, key = _start_server(port, Path(tmp))
        try:
            queue: mp.Queue = mp.get_context("spawn").Queue()
            load = mp.get_context("spawn").Process(
                target=_load, args=(port, key, args.seconds, args.clients, args.rate, queue)
            )
            load.start()
            health, score, paced = queue.get(timeout=args.seconds * 3 + 300)
            load.join()
        finally:
            server.terminate()
            server.wait(timeout=30)

    ratio = score["rps"] / health["rps"]
    p50 = statistics.median(paced["latencies"]) * 1000
    p99 = _percentile(paced["latencies"], 0.99)
    print(f"server: screener serve --workers 2, SQLite, {os.cpu_count()} CPUs shared with the load process")
    print(
        f"/healthz:       {health['rps']:,.0f} req/s ({health['n']} requests, {health['errors']} errors, {args.clients} clients)"
    )
    print(
        f"/api/v1/score:  {score['rps']:,.0f} req/s ({score['n']} requests, {score['errors']} errors, {args.clients} clients)"
    )
    print(
        f"/api/v1/score paced at {args.rate:.0f} req/s: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
        f"({paced['n']} requests, {paced['errors']} errors)"
    )
    print(
        f"score_rps={score['rps']:.0f} healthz_rps={health['rps']:.0f} ratio={ratio:.2f} p50_ms={p50:.1f} p99_ms={p99:.1f}"
    )


if __name__ == "__main__":
    main()
