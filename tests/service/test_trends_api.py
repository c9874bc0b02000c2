"""Trends through the API, the page and the CSV; the alert webhook against a local HTTP server."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from queue_testing import LEGIT, OTHER_RISKY, jsonl, pg_schema_url, repost
from service_testing import Clock, Service

from service.alerts import WebhookSender, run_alerts

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
CONTACT = "+85512345101"


def _at(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).isoformat()


def _fill(service: Service) -> None:
    rows = [
        {"text": LEGIT, "group": "Grup A", "posted_at": _at(20), "platform": "whatsapp"},
        {"text": repost(1), "group": "Grup A", "posted_at": _at(20), "platform": "whatsapp"},
        {"text": repost(1), "group": "Grup B", "posted_at": _at(1), "platform": "telegram"},
        {"text": repost(1), "group": "Grup C", "posted_at": _at(2), "platform": "facebook"},
        {"text": OTHER_RISKY.format(n=7), "group": "Grup C", "posted_at": _at(1), "platform": "facebook"},
    ]
    headers = {**service.auth("moderator"), "content-type": "application/x-ndjson"}
    assert service.client.post("/api/v1/batches", content=jsonl(rows), headers=headers).status_code == 202
    service.services.worker.drain()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def svc(request: pytest.FixtureRequest, make_service: Callable[..., Service]) -> Iterator[Service]:
    clock = Clock()
    clock.now = NOW
    overrides: dict[str, Any] = {"worker_enabled": False, "rate_limit_per_minute": 0, "clock": clock}
    if request.param == "sqlite":
        service = make_service(**overrides)
        _fill(service)
        yield service
        return
    with pg_schema_url() as url:
        if url is None:
            pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
        service = make_service(database_url=url, **overrides)
        _fill(service)
        yield service


def test_trends_api(svc: Service) -> None:
    response = svc.client.get("/api/v1/trends", params={"weeks": 4}, headers=svc.auth("moderator"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["weeks"] == ["2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]
    assert body["offers"] == [2, 0, 0, 3] and body["flagged"] == [1, 0, 0, 3]
    destinations = {e["value"]: e for e in body["series"]["destination"]}
    assert destinations["Kamboja"]["flagged"] == [1, 0, 0, 2]
    assert destinations["Myawaddy"]["flagged"] == [0, 0, 0, 1]
    platforms = {e["value"] for e in body["series"]["platform"]}
    assert platforms == {"whatsapp", "telegram", "facebook"}
    new = {(n["kind"], n["value"]): n for n in body["new"]}
    assert new[("destination", "Myawaddy")]["why"] == "first_seen"
    assert new[("contact", CONTACT)]["why"] == "more_sources"
    assert (new[("contact", CONTACT)]["sources_before"], new[("contact", CONTACT)]["sources_now"]) == (1, 3)
    assert ("destination", "Indonesia") not in new


def test_roles_and_redaction(svc: Service) -> None:
    assert svc.client.get("/api/v1/trends", headers=svc.auth("officer")).status_code == 403
    body = svc.client.get("/api/v1/trends", headers=svc.auth("educator")).json()
    values = [n["value"] for n in body["new"] if n["kind"] == "contact"]
    assert values and CONTACT not in json.dumps(body) and all("[" in v for v in values)
    assert svc.client.get("/api/v1/trends", params={"weeks": 0}, headers=svc.auth("admin")).status_code == 422


def test_csv_download(svc: Service) -> None:
    response = svc.client.get(
        "/api/v1/trends", params={"weeks": 2, "format": "csv"}, headers=svc.auth("admin")
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    totals = [r for r in rows if r["dimension"] == "all"]
    assert [(r["week"], r["offers"], r["flagged"]) for r in totals] == [
        ("2026-11-23", "0", "0"),
        ("2026-11-30", "3", "3"),
    ]
    assert {
        "week": "2026-11-30",
        "dimension": "destination",
        "value": "Kamboja",
        "offers": "2",
        "flagged": "2",
    } in rows


def _login(service: Service, role: str) -> None:
    response = service.client.get(f"/login?key={service.keys[role]}", follow_redirects=False)
    assert response.status_code in (200, 303), response.text


def test_page_has_charts_tables_and_new_list(svc: Service) -> None:
    _login(svc, "educator")
    page = svc.client.get("/tren?weeks=4")
    assert page.status_code == 200
    html = page.text
    assert html.count("<svg") == 7 and not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert 'id="new-this-week"' in html and "Myawaddy" in html and CONTACT not in html
    assert "script-src 'self'" in page.headers["content-security-policy"]
    download = svc.client.get("/tren.csv?weeks=4")
    assert download.status_code == 200 and "week,dimension,value,offers,flagged" in download.text


class _Hook:
    """A local webhook: fails the first ``failures`` posts with 500, then records what it gets."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[tuple[bytes, str]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.failures > 0:
                    hook.failures -= 1
                    self.send_response(500)
                else:
                    hook.received.append((body, self.headers["X-Screener-Signature"]))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[_Hook]:
    server = _Hook(failures=2)
    yield server
    server.close()


def test_webhook_signed_retried_and_sent_once(svc: Service, hook: _Hook) -> None:
    waits: list[float] = []
    sender = WebhookSender(hook.url, "s" * 40, retries=3, backoff=0.5, sleep=waits.append)
    sent = run_alerts(svc.services.sessions, sender, now=NOW, min_sources=3)
    assert sent == 3 and waits == [0.5, 1.0]  # two 500s, then accepted; backoff doubles
    alerts = []
    for body, header in hook.received:
        assert header == "sha256=" + hmac.new(b"s" * 40, body, hashlib.sha256).hexdigest()
        alerts.append(json.loads(body))
    assert {(a["type"], a["value"]) for a in alerts} == {
        ("new_destination", "Myawaddy"),
        ("new_destination", "Mae Sot"),  # the same ad names both
        ("contact_in_sources", CONTACT),
    }
    assert run_alerts(svc.services.sessions, sender, now=NOW, min_sources=3) == 0  # never twice


def test_webhook_down_keeps_the_alert_for_later(svc: Service) -> None:
    closed = _Hook(failures=0)
    url = closed.url
    closed.close()  # nothing listens there now
    sender = WebhookSender(url, "s" * 40, retries=1, backoff=0, timeout=2, sleep=lambda _: None)
    assert run_alerts(svc.services.sessions, sender, now=NOW, min_sources=3) == 0
    later = _Hook(failures=0)
    try:
        sender.url = later.url
        assert run_alerts(svc.services.sessions, sender, now=NOW, min_sources=3) == 3
    finally:
        later.close()


def test_the_app_runs_the_alert_watcher_when_a_webhook_is_set(make_service: Callable[..., Service]) -> None:
    hook = _Hook(failures=0)
    try:
        clock = Clock()
        clock.now = NOW
        service = make_service(
            worker_enabled=False, rate_limit_per_minute=0, clock=clock, alert_webhook_url=hook.url,
            alert_webhook_secret="w" * 40, alert_check_seconds=0.2, alert_contact_sources=3,
        )  # fmt: skip
        _fill(service)
        with service.client:  # the lifespan starts the watcher
            for _ in range(100):
                if len(hook.received) >= 3:
                    break
                threading.Event().wait(0.1)
        assert sorted(json.loads(body)["type"] for body, _ in hook.received) == [
            "contact_in_sources", "new_destination", "new_destination",
        ]  # fmt: skip
    finally:
        hook.close()
