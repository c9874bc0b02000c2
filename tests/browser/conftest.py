"""A real uvicorn server on a temporary SQLite file, and Debian's chromium driven by Playwright.

Skips cleanly when ``/usr/bin/chromium`` or the ``playwright`` package is missing. Screenshots go
to ``test-output/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)", allow_module_level=True)
playwright_sync = pytest.importorskip("playwright.sync_api")

import uvicorn  # noqa: E402

from service import Settings, create_app  # noqa: E402
from service.app import bootstrap  # noqa: E402
from service.deps import services_of  # noqa: E402
from service.store import keys as key_store  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-output" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

AD_PAGE = (
    "<html><head><title>Lowongan Kamboja</title></head><body><main><p>Dicari admin untuk perusahaan di "
    "Kamboja, gaji 25 juta/bulan, tanpa pengalaman, tiket dan paspor diurus agen.</p></main></body></html>"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test here drives a browser against a live server: seconds each.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def _fake_site(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/lowongan/1":
        return httpx.Response(
            200, headers={"content-type": "text/html; charset=utf-8"}, content=AD_PAGE.encode()
        )
    return httpx.Response(404, headers={"content-type": "text/plain"}, content=b"no")


async def _fake_resolver(host: str, port: int) -> list[str]:
    return ["93.184.216.34"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    keys: dict[str, str] = field(default_factory=dict)
    app: Any = None


@pytest.fixture(scope="module")
def live_server(screener: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    port = _free_port()
    settings = Settings(
        database_url=f"sqlite:///{folder / 'screener.db'}",
        environment="test",
        data_dir=folder,
        host="127.0.0.1",
        port=port,
        secret_key="browser-tests-secret-" + "x" * 20,
        audit_sample_rate=1.0,  # every low-risk ad is queued as an audit sample: the reason filter has one
    )
    out = io.StringIO()
    bootstrap(settings, out=out)
    admin = out.getvalue().splitlines()[0].rsplit(" ", 1)[-1]
    app = create_app(
        settings,
        screener=screener,
        fetch_transport=httpx.MockTransport(_fake_site),
        fetch_resolver=_fake_resolver,
    )
    live = LiveServer(f"http://127.0.0.1:{port}", {"admin": admin}, app)
    with services_of(app).sessions.begin() as session:
        for role in ("officer", "moderator", "educator"):
            live.keys[role] = key_store.create_key(session, name=f"Uji {role}", role=role).secret
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield live
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API keeps an event loop running in this thread until it
    exits, which would break later tests that call ``asyncio.run``."""
    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield launched
        launched.close()


class Session:
    """A browser context logged in (or not) as one role, recording dialogs and CSP violations."""

    def __init__(self, browser: Any, server: LiveServer, viewport: dict[str, int]) -> None:
        self.server = server
        self.context = browser.new_context(viewport=viewport, locale="id-ID")
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.server.url + path)

    def login(self, role: str) -> None:
        self.goto(f"/login?key={self.server.keys[role]}")

    def shot(self, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def desktop(browser: Any, live_server: LiveServer) -> Iterator[Session]:
    session = Session(browser, live_server, DESKTOP)
    yield session
    session.close()


@pytest.fixture
def phone(browser: Any, live_server: LiveServer) -> Iterator[Session]:
    session = Session(browser, live_server, PHONE)
    yield session
    session.close()
