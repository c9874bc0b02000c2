"""A real ``screener serve`` process on an ephemeral port, for the end-to-end tests.

Tests get it through the ``live_servers`` fixture (``tests/conftest.py``), which kills whatever is
still running at the end of the session and marks every test using it ``e2e`` and ``slow``.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

import httpx

STARTUP_SECONDS = 90
ADMIN_LINE = re.compile(r"Admin key \(shown once\): (tps_\S+)\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    process: subprocess.Popen[str]
    base_url: str
    database_url: str
    admin_key: str | None  # printed on the first start only
    login_line: str | None


@dataclass
class LiveServers:
    """Starts and stops ``screener serve`` processes; :meth:`close` kills any left running."""

    running: list[LiveServer] = field(default_factory=list)

    def start(
        self, database_url: str, *args: str, env: dict[str, str] | None = None, first: bool = True
    ) -> LiveServer:
        """Start a server on ``database_url`` and wait until ``/healthz`` answers.

        ``first``: the database is new, so the server prints an admin key and a login line (read
        here, before it listens); on a restart it prints nothing.
        """
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "screener.cli", "serve", "--port", str(port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "SCREENER_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        server = LiveServer(process, f"http://127.0.0.1:{port}", database_url, None, None)
        self.running.append(server)
        if first:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = ADMIN_LINE.fullmatch(line)
            assert match is not None, f"no admin key line, got {line!r}"
            server.admin_key, server.login_line = match.group(1), process.stdout.readline().strip()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert process.poll() is None, "the server exited during start-up"
            try:
                if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                    return server
            except httpx.TransportError:
                time.sleep(0.2)  # polling a process we do not control: no clock to inject
        raise AssertionError("the server did not come up")

    def stop(self, server: LiveServer, sig: int = signal.SIGTERM) -> str:
        """Send ``sig`` and wait; returns what the server printed after start-up ("" once stopped)."""
        if server not in self.running:
            return ""
        self.running.remove(server)
        if server.process.poll() is None:
            server.process.send_signal(sig)
        try:
            out, _ = server.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            out, _ = server.process.communicate()
        return out or ""

    def close(self) -> None:
        for server in list(self.running):
            self.stop(server, signal.SIGKILL)
