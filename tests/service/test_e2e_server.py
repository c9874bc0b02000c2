"""End to end: `screener serve` as a real uvicorn process on an ephemeral port, driven with httpx."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from service_testing import AD_RISKY

STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[str]
    base_url: str
    admin_key: str
    login_line: str
    database: Path


def start_server(tmp_path: Path, *extra: str) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "SCREENER_DATABASE_URL": f"sqlite:///{tmp_path}/e2e.db",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "screener.cli", "serve", "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    second = process.stdout.readline()
    match = re.fullmatch(r"Admin key \(shown once\): (tps_\S+)\n", first)
    if match is None:
        process.kill()
        raise AssertionError(f"no admin key line, got {first!r}")
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return Server(process, base_url, match.group(1), second.strip(), tmp_path / "e2e.db")
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("server did not come up")


def stop_server(server: Server) -> str:
    server.process.send_signal(signal.SIGTERM)
    try:
        out, _ = server.process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        out, _ = server.process.communicate()
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("e2e"))
    yield server
    stop_server(server)
    assert server.process.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled


def test_login_line(server: Server) -> None:
    assert server.login_line == f"Login: {server.base_url}/login?key={server.admin_key}"


def test_scores_an_ad_with_the_printed_key(server: Server) -> None:
    headers = {"Authorization": f"Bearer {server.admin_key}", "X-Request-ID": "e2e-1"}
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        response = client.post("/api/v1/score", json={"text": AD_RISKY}, headers=headers)
        assert response.status_code == 200
        assert response.json()["tier"] == "tinggi"
        assert response.headers["x-request-id"] == "e2e-1"
        assert client.get("/readyz", headers=headers).json()["status"] == "ready"


def test_refused_without_a_key(server: Server) -> None:
    response = httpx.post(f"{server.base_url}/api/v1/score", json={"text": AD_RISKY}, timeout=10)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"


def test_two_workers_share_one_first_admin_key(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--workers", "2")
    try:
        headers = {"Authorization": f"Bearer {server.admin_key}"}
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            for _ in range(6):  # new connections spread over both workers
                response = client.post(
                    "/api/v1/score", json={"text": AD_RISKY}, headers={**headers, "Connection": "close"}
                )
                assert response.status_code == 200
    finally:
        rest = stop_server(server)
    assert "Admin key" not in rest  # printed once, by the parent, not again by each worker


def test_batch_submit_cli_uploads_and_waits_for_scoring(server: Server, tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    rows = [{"id": f"ad-{i}", "text": f"{AD_RISKY} (ref {i})"} for i in range(5)]
    batch.write_text(
        "\n".join([*map(json.dumps, rows), '{"id": "broken", "text": ']) + "\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "screener.cli", "batch", "submit", str(batch), "--url", server.base_url,
         "--key", server.admin_key],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "5 diterima / accepted, 1 ditolak / rejected" in result.stdout
    assert "baris / row 6" in result.stdout
    assert "status done: 5 dinilai / scored" in result.stdout


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screener.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_moderator_script_through_the_cli(server: Server, tmp_path: Path) -> None:
    """Submit a batch, wait for it, claim, decide and export, all with `screener` commands."""
    client = ("--url", server.base_url, "--key", server.admin_key)
    batch = tmp_path / "campaign.jsonl"
    rows = [
        {"id": f"c-{i}", "text": AD_RISKY.replace("Phnom Penh", f"Phnom Penh {i} kantor")} for i in range(3)
    ]
    batch.write_text("\n".join(map(json.dumps, rows)) + "\n", encoding="utf-8")
    assert _cli("batch", "submit", str(batch), *client).returncode == 0

    claimed = _cli("queue", "claim", "--limit", "5", *client)
    assert claimed.returncode == 0, claimed.stderr
    items = [json.loads(line) for line in claimed.stdout.splitlines()]
    assert items and all(item["status"] == "leased" for item in items)

    decided = _cli(
        "queue", "decide", str(items[0]["id"]), "--verdict", "scam", "--indicator", "dest_scam_hub", *client
    )
    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["final_verdict"] == "scam"

    again = _cli("queue", "decide", "999999", "--verdict", "scam", *client)
    assert again.returncode == 2 and "galat / error" in again.stderr

    out = tmp_path / "decisions.jsonl"
    db = f"sqlite:///{server.database}"
    exported = subprocess.run(
        [sys.executable, "-m", "screener.cli", "export", "decisions", "--out", str(out)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "SCREENER_DATABASE_URL": db},
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    exported_rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert exported_rows and {row["category"] for row in exported_rows} == {"scam"}
