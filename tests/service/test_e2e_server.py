"""End to end: `screener serve` as a real uvicorn process on an ephemeral port, driven with httpx."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer, LiveServers
from service_testing import AD_RISKY

from screener import Screener
from screener.datasets import load_corpus


@pytest.fixture(scope="module")
def server(live_servers: LiveServers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("e2e")
    server = live_servers.start(f"sqlite:///{folder}/e2e.db")
    yield server
    live_servers.stop(server)
    assert server.process.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled


def test_login_line(server: LiveServer) -> None:
    assert server.login_line == f"Login: {server.base_url}/login?key={server.admin_key}"


def test_scores_an_ad_with_the_printed_key(server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {server.admin_key}", "X-Request-ID": "e2e-1"}
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        response = client.post("/api/v1/score", json={"text": AD_RISKY}, headers=headers)
        assert response.status_code == 200
        assert response.json()["tier"] == "tinggi"
        assert response.headers["x-request-id"] == "e2e-1"
        assert client.get("/readyz", headers=headers).json()["status"] == "ready"


def test_refused_without_a_key(server: LiveServer) -> None:
    response = httpx.post(f"{server.base_url}/api/v1/score", json={"text": AD_RISKY}, timeout=10)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"


def test_two_workers_share_one_first_admin_key(live_servers: LiveServers, tmp_path: Path) -> None:
    server = live_servers.start(f"sqlite:///{tmp_path}/e2e.db", "--workers", "2")
    try:
        headers = {"Authorization": f"Bearer {server.admin_key}"}
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            for _ in range(6):  # new connections spread over both workers
                response = client.post(
                    "/api/v1/score", json={"text": AD_RISKY}, headers={**headers, "Connection": "close"}
                )
                assert response.status_code == 200
    finally:
        rest = live_servers.stop(server)
    assert "Admin key" not in rest  # printed once, by the parent, not again by each worker


def test_batch_submit_cli_uploads_and_waits_for_scoring(server: LiveServer, tmp_path: Path) -> None:
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


def test_moderator_script_through_the_cli(server: LiveServer, tmp_path: Path) -> None:
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
    db = server.database_url
    exported = subprocess.run(
        [sys.executable, "-m", "screener.cli", "export", "decisions", "--out", str(out)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "SCREENER_DATABASE_URL": db},
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    exported_rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert exported_rows and {row["category"] for row in exported_rows} == {"scam"}


def test_concurrent_requests_each_get_their_own_assessment(server: LiveServer, screener: Screener) -> None:
    """Requests arriving together are assessed in one batch (``service.batching``): each answer is
    still exactly its own text's assessment."""
    texts = load_corpus().texts[:24]
    headers = {"Authorization": f"Bearer {server.admin_key}"}

    async def send_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
            return await asyncio.gather(
                *(client.post("/api/v1/score", json={"text": text}, headers=headers) for text in texts)
            )

    responses = asyncio.run(send_all())
    assert [r.status_code for r in responses] == [200] * len(texts)
    expected = [json.loads(json.dumps(screener.assess(text).to_dict())) for text in texts]
    assert [r.json() for r in responses] == expected
