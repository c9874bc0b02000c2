"""Benchmark: how long link intake takes to give up on a slow-drip site.

A local server answers one byte every 50 ms, in the body or in the headers, so no single read ever
times out; ``fetch_page``'s overall deadline must still stop it. Prints, per kind of drip, the seconds
from the request to ``FetchTimeout`` over ``--rounds`` runs (the worst one counts). The last line is
``key=value`` pairs; the target is under twice the timeout.

    python bench/bench_intake.py [--timeout 0.5] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

from service.intake import FetchTimeout, fetch_page

Drip = Callable[[asyncio.StreamWriter], Awaitable[None]]


async def drip_body(writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<p>")
    while True:
        writer.write(b"a")
        await writer.drain()
        await asyncio.sleep(0.05)


async def drip_headers(writer: asyncio.StreamWriter) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: " + b"p" * 10_000:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.05)


async def time_to_give_up(drip: Drip, timeout: float) -> float:
    tasks: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)  # type: ignore[arg-type]
        try:
            await reader.readuntil(b"\r\n\r\n")
            await drip(writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client gave up, or the benchmark stops the server: both are the normal end
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    started = time.monotonic()
    try:
        await fetch_page(f"http://{host}:{port}/", timeout=timeout, allow_private=True)
    except FetchTimeout:
        return time.monotonic() - started
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        server.close()
        await server.wait_closed()
    raise AssertionError("the slow-drip site did not time out")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--timeout", type=float, default=0.5, help="fetch_page's timeout in seconds")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    figures: dict[str, object] = {"timeout": args.timeout}
    for name, drip in (("body", drip_body), ("headers", drip_headers)):
        seconds = [asyncio.run(time_to_give_up(drip, args.timeout)) for _ in range(args.rounds)]
        worst = max(seconds)
        print(
            f"slow drip in the {name}: gave up after {min(seconds):.3f}-{worst:.3f} s (timeout {args.timeout} s)"
        )
        figures[f"{name}_worst_s"] = round(worst, 3)
        figures[f"{name}_within_2x"] = worst < 2 * args.timeout
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
