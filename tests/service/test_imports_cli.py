"""`screener batch submit` with chat exports against a real `screener serve` process."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import LiveServer, LiveServers

FIXTURES = Path(__file__).resolve().parents[1] / "sources" / "fixtures"


@pytest.fixture(scope="module")
def server(live_servers: LiveServers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("imports-e2e")
    server = live_servers.start(f"sqlite:///{folder}/e2e.db")
    yield server
    live_servers.stop(server)
    assert server.process.returncode in (0, -signal.SIGTERM)


def _submit(server: LiveServer, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screener.cli", "batch", "submit", str(path), "--url", server.base_url,
         "--key", server.admin_key, *extra],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def test_whatsapp_export_through_the_cli(server: LiveServer) -> None:
    result = _submit(server, FIXTURES / "WhatsApp Chat dengan Info Kerja Contoh.txt")
    assert result.returncode == 0, result.stderr
    assert "3 diterima / accepted, 1 ditolak / rejected" in result.stdout
    assert "format whatsapp: 7 dilewati (bukan iklan) / skipped (not ads)" in result.stdout
    assert "status done: 3 dinilai / scored" in result.stdout


def test_telegram_html_with_format_option(server: LiveServer) -> None:
    result = _submit(server, FIXTURES / "telegram_messages.html", "--format", "telegram_html")
    assert result.returncode == 0, result.stderr
    assert "3 diterima / accepted, 0 ditolak / rejected" in result.stdout
    refused = _submit(server, FIXTURES / "telegram_messages.html", "--format", "telegram")
    assert refused.returncode == 2 and "422" in refused.stderr + refused.stdout
