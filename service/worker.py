"""The scoring worker: claims unscored ads in chunks, scores, clusters and queues them.

It runs as a thread started by the app's lifespan (``worker_enabled``) or as ``screener worker``.
Each chunk is read, scored with ``Screener.assess_many`` and sketched with ``screener.dedupe`` outside
the write transaction, then written in one transaction that marks the ads scored (see
:mod:`service.store.campaigns`): a crash loses at most the chunk in flight, which the next run scores.
The same loop checks ``models/DEFAULT`` and swaps in a promoted model without downtime. With a
:class:`~service.watch.SourcePoller`, a second thread polls the watched sources that are due every
``source_poll_seconds`` and wakes the scoring loop when they bring new posts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from screener import Screener
from service.settings import Settings
from service.store import campaigns, leases, stuck, write_transaction

if TYPE_CHECKING:
    from service.watch import SourcePoller

__all__ = ["ModelWatcher", "ScoringWorker", "load_default_screener", "score_rows", "sketch", "sketch_many"]

logger = logging.getLogger("screener.service")


def sketch(text: str) -> tuple[str, Any, list[int]]:
    """Content hash of the canonical text, its MinHash signature and LSH band keys."""
    from screener.dedupe import band_keys, canonical_text, signature

    canonical = canonical_text(text)
    sig = signature(canonical, canonical=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest(), sig, band_keys(sig)


def sketch_many(texts: Sequence[str]) -> list[tuple[str, Any, list[int]]]:
    """:func:`sketch` of each text, the MinHash signatures and band keys computed for all of them at
    once (:func:`screener.dedupe.signatures` and :func:`~screener.dedupe.band_keys_many`, equal row for
    row to :func:`~screener.dedupe.signature` and :func:`~screener.dedupe.band_keys`)."""
    from screener.dedupe import band_keys_many, canonical_text, signatures

    canonicals = [canonical_text(t) for t in texts]
    sigs = signatures(canonicals)
    return [
        (hashlib.sha256(canonical.encode("utf-8")).hexdigest(), sig, keys)
        for canonical, sig, keys in zip(canonicals, sigs, band_keys_many(sigs), strict=True)
    ]


def score_rows(screener: Screener, rows: Sequence[Any]) -> list[campaigns.ScoredAd]:
    """Assess and sketch a chunk; an ad that cannot be scored is reported, never retried forever."""
    try:
        results: list[Any] = [a.to_dict() for a in screener.assess_many([r.text for r in rows])]
    except Exception:  # one bad text must not block the chunk: fall back to one at a time
        results = []
        for r in rows:
            try:
                results.append(screener.assess(r.text).to_dict())
            except Exception as exc:
                results.append(exc)
    good_texts = [r.text for r, a in zip(rows, results, strict=True) if not isinstance(a, Exception)]
    sketches = iter(sketch_many(good_texts))  # in row order, one per scored row
    scored = []
    for row, result in zip(rows, results, strict=True):
        if isinstance(result, Exception):
            scored.append(
                campaigns.ScoredAd(
                    row.id, row.batch_id, row.platform, None, error=f"scoring failed: {result}"
                )
            )
            continue
        digest, sig, keys = next(sketches)
        scored.append(
            campaigns.ScoredAd(
                row.id, row.batch_id, row.platform, result, digest, sig, keys, encoded=json.dumps(result)
            )
        )
    # The rows to write, encoded before the write lock is taken; a malformed assessment is left for
    # record_scored, which prepares it again and fails the chunk there, as it always did.
    with contextlib.suppress(KeyError, TypeError, ValueError):
        campaigns.prepare(scored)
    return scored


class ScoringWorker:
    """Scores pending ads chunk by chunk; :meth:`run_once` is one chunk, :meth:`start` a thread."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        get_screener: Callable[[], Screener],
        *,
        watcher: ModelWatcher | None = None,
        poller: SourcePoller | None = None,
        share: tuple[int, int] | None = None,
    ) -> None:
        """``share=(i, n)``: this is worker process ``i`` of ``n`` (see :func:`campaigns.pending_ads`)."""
        self.sessions = sessions
        self.poller = poller
        self.share = share
        self.settings = settings
        self.get_screener = get_screener
        self.watcher = watcher
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        # Daily jobs run between chunks (the retention job: service.privacy.RetentionSchedule).
        self.schedules: list[Any] = []
        self._poll_thread: threading.Thread | None = None

    def review_threshold(self, screener: Screener) -> float:
        configured = self.settings.review_threshold
        return float(configured if configured is not None else screener.thresholds["sedang"])

    def run_once(self) -> int:
        """Score one chunk; returns the number of ads this call scored (0: nothing pending)."""
        screener = self.get_screener()
        limit = self.settings.worker_chunk_size
        options: dict[str, Any] = {
            "review_threshold": self.review_threshold(screener),
            "uncertain_margin": self.settings.uncertain_margin,
            "similarity_threshold": self.settings.cluster_similarity,
            "audit_sample_rate": self.settings.audit_sample_rate,
            "campaign_min_ads": self.settings.campaign_min_ads,
        }
        engine = self.sessions.kw["bind"]
        if engine.dialect.name == "postgresql":
            # Rows stay locked (SKIP LOCKED for other workers) while they are scored, then written.
            with self.sessions.begin() as session:
                rows = campaigns.pending_ads(session, limit=limit, lock=True)
                if not rows:
                    return 0
                return campaigns.record_scored(session, scored=score_rows(screener, rows), **options)
        with self.sessions() as session:
            rows = campaigns.pending_ads(session, limit=limit, lock=False, share=self.share)
        if not rows:
            return 0
        scored = score_rows(screener, rows)
        with write_transaction(self.sessions) as session:
            return campaigns.record_scored(session, scored=scored, **options)

    def drain(self) -> int:
        """Score until nothing is pending (interrupted uploads resumed first); returns the ads scored."""
        self.recover_stuck_batches()
        total = 0
        while not self._stop.is_set():
            n = self.run_once()
            if n == 0:
                if not self._pending():
                    break
                # What is left is being scored by another process (rows locked, or its share).
                self._stop.wait(0.05)
            total += n
        return total

    def _pending(self) -> bool:
        with self.sessions() as session:
            return bool(campaigns.pending_ads(session, limit=1, lock=False))

    def expire_leases(self) -> int:
        with write_transaction(self.sessions) as session:
            return leases.expire_leases(session)

    def poll_sources(self) -> int:
        """Poll the watched sources that are due; returns the number of new posts they brought."""
        if self.poller is None:
            return 0
        new = sum(r.new for r in self.poller.poll_due())
        if new:
            self.wake()
        return new

    def poll_loop(self) -> None:
        """Poll due sources every ``source_poll_seconds`` (its own thread: a slow site, or a host's
        rate limit, must not hold up scoring)."""
        while not self._stop.is_set():
            try:
                self.poll_sources()
            except Exception:  # keep polling; the poller records per-source failures itself
                logger.exception("source poller: turn failed")
            self._stop.wait(self.settings.source_poll_seconds)

    def _start_poller(self) -> None:
        if self.poller is not None and self.settings.source_poll_seconds > 0 and self._poll_thread is None:
            self._poll_thread = threading.Thread(target=self.poll_loop, name="screener-sources", daemon=True)
            self._poll_thread.start()

    def recover_stuck_batches(self) -> list[stuck.RecoveredBatch]:
        """Resume (or fail, when empty) batches whose upload a crash cut short; logs each one."""
        timeout = timedelta(minutes=self.settings.stuck_batch_minutes)
        with write_transaction(self.sessions) as session:
            recovered = stuck.recover_stuck_batches(session, timeout=timeout)
        for batch in recovered:
            logger.warning(
                "batch %d: upload interrupted, %s with %d ads received",
                batch.batch_id,
                batch.status,
                batch.accepted,
            )
        return recovered

    def loop(self) -> None:
        self._start_poller()
        next_housekeeping = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_housekeeping:
                    self.expire_leases()
                    self.recover_stuck_batches()
                    if self.watcher is not None:
                        self.watcher.check()
                    for schedule in self.schedules:
                        schedule.check()
                    next_housekeeping = time.monotonic() + 5.0
                if self.run_once() == 0:
                    self._wake.wait(self.settings.worker_poll_seconds)
                    self._wake.clear()
            except Exception:  # keep the worker alive; the chunk is retried on the next turn
                logger.exception("scoring worker: chunk failed")
                self._stop.wait(self.settings.worker_poll_seconds)

    def wake(self) -> None:
        """New ads arrived: stop idling now."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.loop, name="screener-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in (self._thread, self._poll_thread):
            if thread is not None:
                thread.join(timeout)


class ModelWatcher:
    """Reloads the model when ``models/DEFAULT`` changes (``screener models promote`` writes it).

    Only when the service runs the default model (``model_path`` unset). The new model is loaded and
    warmed up first, then swapped in with one attribute assignment: requests in flight finish on the
    old one, no request waits.
    """

    def __init__(
        self, swap: Callable[[Screener], None], interval: float, pointer: Path | None = None
    ) -> None:
        from screener.model import DEFAULT_POINTER

        self.swap = swap
        self.interval = interval
        self.pointer = pointer or DEFAULT_POINTER
        self._seen = self._mtime()
        self._next = time.monotonic() + interval

    def _mtime(self) -> float | None:
        try:
            return self.pointer.stat().st_mtime
        except OSError:
            return None

    def check(self) -> bool:
        if self.interval <= 0 or time.monotonic() < self._next:
            return False
        self._next = time.monotonic() + self.interval
        mtime = self._mtime()
        if mtime == self._seen:
            return False
        self._seen = mtime
        self.swap(load_default_screener())
        return True


WARM_UP_TEXT = "Lowongan kerja staf gudang di Bekasi, gaji sesuai UMK, hubungi kantor."


def load_default_screener(path: Path | None = None) -> Screener:
    """Load ``path`` (default: the promoted model) and warm it up."""
    from screener.model import default_model_path

    screener = Screener(path or default_model_path())
    # The first assessment pays for lazy set-up (about 0.4 s); pay it here, not in a request.
    screener.assess(WARM_UP_TEXT)
    return screener
