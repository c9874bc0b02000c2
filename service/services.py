"""The service's parts in one typed object, built once by ``create_app`` (routes get it from ``deps``).

Everything a request may need lives here: the settings, the database engine and session factory,
the loaded model, the key toucher and rate limiter, the link fetcher, the metrics and the scoring
worker. Only :attr:`Services.screener` changes after start-up (:meth:`Services.swap_screener`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from screener import Screener
from service.auth import KeyToucher
from service.batching import AssessBatcher
from service.intake import LinkFetcher
from service.metrics import Metrics
from service.ratelimit import Limiter
from service.settings import Settings
from service.store.models import utcnow
from service.watch import SourcePoller
from service.worker import ModelWatcher, ScoringWorker, load_default_screener

__all__ = ["Services"]

logger = logging.getLogger("screener.service")


@dataclass(eq=False)
class Services:
    """The service's parts; ``worker`` is built from the others."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    screener: Screener
    metrics: Metrics
    rate_limiter: Limiter
    key_toucher: KeyToucher
    fetcher: LinkFetcher
    evaluation_dir: Path
    # The time leases are claimed, checked and released at: a seam for tests (no sleeping).
    clock: Callable[[], datetime] = utcnow
    worker: ScoringWorker = field(init=False)
    # Short texts of concurrent requests are assessed together (the lambda: a swapped model at once).
    batcher: AssessBatcher = field(init=False)
    poller: SourcePoller = field(init=False)  # watched sources, polled by the worker's loop
    # Queue bookkeeping (claims, releases, listings) has its own bucket: releasing 40 items one by
    # one must not use up the scoring limit, nor be refused by it.
    bookkeeping_limiter: Limiter = field(init=False)

    def __post_init__(self) -> None:
        from service.ratelimit_shared import build_limiter

        self.bookkeeping_limiter = build_limiter(
            self.settings, self.engine, self.settings.bookkeeping_rate_limit_per_minute, name="bookkeeping"
        )
        self.metrics.model_info.labels(self.screener.version).set(1)
        self.batcher = AssessBatcher(lambda: self.screener)
        watcher = None
        # A model given by path is pinned; only the default model follows `screener models promote`.
        if self.settings.model_path is None and self.settings.model_reload_seconds > 0:
            watcher = ModelWatcher(self.swap_screener, self.settings.model_reload_seconds)
        # The lambda reads the attribute on every chunk, so a swapped model is used at once.
        self.poller = SourcePoller(self.sessions, self.settings, self.fetcher, clock=self.clock)
        self.worker = ScoringWorker(
            self.sessions, self.settings, lambda: self.screener, watcher=watcher, poller=self.poller
        )
        from service.privacy import RetentionSchedule, run_retention

        self.worker.schedules.append(
            RetentionSchedule(self.settings, lambda: run_retention(self.sessions, self.settings))
        )

    def load_screener(self) -> Screener:
        """Load (and warm up) the configured model: ``model_path``, else the promoted default."""
        return load_default_screener(self.settings.model_path)

    def swap_screener(self, new: Screener) -> None:
        """Serve ``new`` from now on; requests in flight finish on the old model."""
        old = self.screener
        self.screener = new  # one reference assignment: atomic for every reader
        if old.version != new.version:
            self.metrics.model_info.labels(old.version).set(0)
        self.metrics.model_info.labels(new.version).set(1)
        logger.info("model %s loaded (was %s)", new.version, old.version)
