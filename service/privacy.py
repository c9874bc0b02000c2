"""Privacy by design (UU No. 27 Tahun 2022, Pelindungan Data Pribadi): the service-level jobs.

- :func:`run_retention`: after ``SCREENER_RETENTION_DAYS_RAW`` days, decided ads (and saved checks)
  keep only their redacted text and keyed hashes of their contacts; one ad per transaction, so a run
  stopped halfway resumes where it stopped and never leaves a half-redacted ad. The in-app worker runs
  it every ``SCREENER_RETENTION_INTERVAL_HOURS`` (:class:`RetentionSchedule`); ``screener privacy
  retention`` runs it by hand. Each run logs its counts and writes one audit entry.
- :func:`erase_contact` / :func:`erase_ad`: erasure on request (CLI and ``DELETE /api/v1/contacts``).
- :func:`keyed_hash`: HMAC-SHA256 under ``SCREENER_PRIVACY_KEY``, what replaces a contact value.
- :func:`log_access`: one row in the access log per read of personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from service.settings import Settings
from service.store import privacy as store
from service.store import write_transaction
from service.store.audit import audit
from service.store.models import AccessEntry, utcnow

__all__ = [
    "RetentionResult",
    "RetentionSchedule",
    "erase_ad",
    "erase_contact",
    "hasher",
    "keyed_hash",
    "log_access",
    "run_retention",
]

logger = logging.getLogger("screener.service")


def keyed_hash(key: str, value: str) -> str:
    """``h:`` + HMAC-SHA256 of ``value`` under ``key`` (hex): stable, unreadable without the key."""
    digest = hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()
    return store.HASH_PREFIX + digest


def hasher(settings: Settings) -> Callable[[str], str]:
    return lambda value: keyed_hash(settings.privacy_key, value)


@dataclass(frozen=True)
class RetentionResult:
    ads: int
    checks: int
    cutoff: datetime | None
    failed: int = 0

    def line(self) -> str:
        when = self.cutoff.isoformat(timespec="seconds") if self.cutoff else "-"
        return f"retention: ads_retired={self.ads} checks_retired={self.checks} failed={self.failed} cutoff={when}"


def _ids(
    sessions: sessionmaker[Session], query: Callable[..., list[int]], cutoff: datetime, chunk: int, after: int
) -> list[int]:
    with sessions() as session:
        return query(session, cutoff=cutoff, limit=chunk, after_id=after)


def run_retention(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    now: datetime | None = None,
    chunk: int = 200,
    on_ad: Callable[[int], None] | None = None,
) -> RetentionResult:
    """Retire everything older than the retention period; returns the counts (also logged).

    ``on_ad`` is called after each ad's transaction commits (tests stop a run there).
    """
    if settings.retention_days_raw <= 0:
        return RetentionResult(0, 0, None)
    now = now or utcnow()
    cutoff = now - timedelta(days=settings.retention_days_raw)
    hash_value = hasher(settings)
    ads = checks = failed = 0
    last = 0  # an id cursor: each ad is tried once per run, so one that fails cannot stall the job
    while ids := _ids(sessions, store.retention_candidates, cutoff, chunk, last):
        for ad_id in ids:
            last = ad_id
            try:
                with write_transaction(sessions) as session:  # one ad, one transaction
                    ads += store.retire_ad(
                        session, ad_id=ad_id, hash_value=hash_value, reason="retention", now=now
                    )
            except Exception:
                failed += 1
                logger.exception(
                    "retention: ad %s could not be retired; left whole, tried again next run", ad_id
                )
            if on_ad is not None:
                on_ad(ad_id)
    last = 0
    while ids := _ids(sessions, store.retention_checks, cutoff, chunk, last):
        for check_id in ids:
            last = check_id
            with write_transaction(sessions) as session:
                checks += store.retire_check(session, check_id=check_id, hash_value=hash_value, now=now)
    result = RetentionResult(ads, checks, cutoff, failed)
    if ads or checks or failed:
        with write_transaction(sessions) as session:
            audit(session, key_id=None, action="retention", object_type="store", object_id=None,
                  after={"ads": ads, "checks": checks, "failed": failed, "cutoff": cutoff.isoformat(),
                         "days": settings.retention_days_raw}, when=now)  # fmt: skip
    logger.info(result.line())
    return result


class RetentionSchedule:
    """When the worker's housekeeping should run the retention job next (every N hours)."""

    def __init__(self, settings: Settings, run: Callable[[], Any]) -> None:
        self.interval = settings.retention_interval_hours * 3600
        self.enabled = self.interval > 0 and settings.retention_days_raw > 0
        self.run = run
        self._next = time.monotonic() + 60.0  # not in the first minute: let the service start first

    def check(self) -> bool:
        if not self.enabled or time.monotonic() < self._next:
            return False
        self._next = time.monotonic() + self.interval
        try:
            self.run()
        except Exception:  # the next turn resumes where this one stopped
            logger.exception("retention job failed; it resumes on the next run")
        return True


def erase_contact(
    sessions: sessionmaker[Session], settings: Settings, *, value: str, key_id: int | None
) -> dict[str, int]:
    """Erase a contact value everywhere (one transaction); NotFound when it is nowhere."""
    with write_transaction(sessions) as session:
        counts = store.erase_contact(
            session, value=value, hash_value=hasher(settings), key_id=key_id, now=utcnow()
        )
    logger.info("erasure: contact %s", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def erase_ad(
    sessions: sessionmaker[Session], settings: Settings, *, ad_id: int, key_id: int | None
) -> dict[str, int]:
    """Erase one ad's personal data (one transaction); NotFound when there is no such ad."""
    with write_transaction(sessions) as session:
        counts = store.erase_ad(
            session, ad_id=ad_id, hash_value=hasher(settings), key_id=key_id, now=utcnow()
        )
    logger.info("erasure: ad %s %s", ad_id, " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def log_access(
    sessions: sessionmaker[Session],
    *,
    key_id: int | None,
    role: str,
    purpose: str,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    count: int = 1,
) -> None:
    """Write one read of personal data to the access log (its own short transaction)."""
    with write_transaction(sessions) as session:
        session.execute(
            insert(AccessEntry).values(
                key_id=key_id, role=role, purpose=purpose[:300], action=action, object_type=object_type,
                object_id=None if object_id is None else str(object_id)[:300], count=count, created_at=utcnow(),
            )
        )  # fmt: skip
