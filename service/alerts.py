"""Alert webhook (``SCREENER_ALERT_WEBHOOK_URL``): tell an outside system when a new destination
appears among flagged offers, or when one contact shows up in ``SCREENER_ALERT_CONTACT_SOURCES``
sources or more.

:func:`find_alerts` reads the trends' *new this week* (:mod:`screener.trends`) and leaves out what was
already sent (the ``alerts_sent`` table, migration 0009); :class:`WebhookSender` POSTs each alert as
JSON with ``X-Screener-Signature: sha256=<HMAC-SHA256 of the body with SCREENER_ALERT_WEBHOOK_SECRET>``
and retries with exponential backoff on connection errors and 5xx answers; :class:`AlertWatcher` runs
both every ``SCREENER_ALERT_CHECK_SECONDS`` in a thread. An alert is recorded as sent only once the
hook accepted it (2xx), so a hook that is down gets it on a later check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from screener.trends import compute_trends
from service.settings import Settings
from service.store import write_transaction
from service.store.models import AlertSent
from service.store.trends import trend_records

__all__ = [
    "AlertWatcher",
    "WebhookSender",
    "alert_watcher",
    "find_alerts",
    "mark_sent",
    "run_alerts",
    "signature",
]

logger = logging.getLogger(__name__)


def signature(secret: str, body: bytes) -> str:
    """The ``X-Screener-Signature`` header value for ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def find_alerts(session: Session, *, now: datetime, min_sources: int) -> list[dict[str, Any]]:
    """Alerts due now and not sent before: new destinations among flagged offers, contacts in
    ``min_sources`` sources or more."""
    found = compute_trends(trend_records(session, until=now), now=now, weeks=1)
    sent = {(k, v) for k, v in session.execute(select(AlertSent.kind, AlertSent.value))}
    alerts = []
    for item in found.new:
        if item.kind == "destination" and item.first_seen_this_week and item.flagged_this_week:
            kind = "new_destination"
        elif item.kind == "contact" and min_sources > 0 and item.sources_now >= min_sources:
            kind = "contact_in_sources"
        else:
            continue
        if (kind, item.value) in sent:
            continue
        alerts.append(
            {
                "type": kind,
                "value": item.value,
                "first_seen": item.first_seen.isoformat(),
                "sources": item.sources_now,
                "ads_this_week": item.ads_this_week,
                "flagged_this_week": item.flagged_this_week,
                "at": now.isoformat(),
            }
        )
    return alerts


def mark_sent(session: Session, *, alert: dict[str, Any], now: datetime) -> None:
    session.execute(insert(AlertSent).values(kind=alert["type"], value=alert["value"][:300], sent_at=now))


class WebhookSender:
    """POST signed JSON to the hook; ``send`` returns True once it answered 2xx."""

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        retries: int = 3,
        backoff: float = 1.0,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.secret = secret
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.transport = transport
        self.sleep = sleep

    def send(self, alert: dict[str, Any]) -> bool:
        body = json.dumps(alert, ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {"Content-Type": "application/json", "X-Screener-Signature": signature(self.secret, body)}
        with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
            for attempt in range(self.retries + 1):
                if attempt:
                    self.sleep(self.backoff * 2 ** (attempt - 1))
                try:
                    response = client.post(self.url, content=body, headers=headers)
                except httpx.HTTPError as exc:
                    logger.warning("alert webhook: %s (attempt %d)", exc, attempt + 1)
                    continue
                if response.is_success:
                    return True
                logger.warning("alert webhook answered %d (attempt %d)", response.status_code, attempt + 1)
                if response.status_code < 500 and response.status_code != 429:
                    return False  # refused: retrying the same body will not help
        return False


def run_alerts(
    sessions: sessionmaker[Session], sender: WebhookSender, *, now: datetime, min_sources: int
) -> int:
    """Find and send the alerts due; returns how many the hook accepted."""
    with sessions() as session:
        alerts = find_alerts(session, now=now, min_sources=min_sources)
    delivered = 0
    for alert in alerts:
        if sender.send(alert):
            with write_transaction(sessions) as session:
                mark_sent(session, alert=alert, now=now)
            delivered += 1
    return delivered


class AlertWatcher:
    """A thread running :func:`run_alerts` every ``interval`` seconds."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        sender: WebhookSender,
        *,
        interval: float,
        min_sources: int,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions = sessions
        self.sender = sender
        self.interval = interval
        self.min_sources = min_sources
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                run_alerts(self.sessions, self.sender, now=self.clock(), min_sources=self.min_sources)
            except Exception:  # keep watching: one bad check must not end the thread
                logger.exception("alert check failed")

    def start(self) -> None:
        self._thread = threading.Thread(target=self.loop, name="screener-alerts", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


def alert_watcher(
    settings: Settings, sessions: sessionmaker[Session], clock: Callable[[], datetime]
) -> AlertWatcher | None:
    """The watcher the app starts, or None without a webhook URL."""
    if not settings.alert_webhook_url:
        return None
    sender = WebhookSender(settings.alert_webhook_url, settings.alert_webhook_secret)
    return AlertWatcher(
        sessions,
        sender,
        interval=settings.alert_check_seconds,
        min_sources=settings.alert_contact_sources,
        clock=clock,
    )
