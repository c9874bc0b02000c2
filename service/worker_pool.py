"""Several scoring worker processes, supervised: ``screener worker --processes N`` and the in-app worker
with ``SCREENER_WORKER_PROCESSES`` above 1.

Each process loads the model once and runs the same :class:`~service.worker.ScoringWorker` loop as the
single worker, claiming chunks by transaction: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, its share of
the chunks on SQLite (:func:`service.store.campaigns.pending_ads`). A chunk is written in one
transaction that marks its ads scored only if they are not yet, so a process killed mid-chunk (OOM,
SIGKILL) loses nothing and no ad is written twice: the supervisor starts a new process in its place,
which takes the chunk again. Processes die with their supervisor (``PR_SET_PDEATHSIG`` on Linux, and a
parent check), so a killed service leaves no orphan scoring on.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from service.settings import Settings

__all__ = ["WorkerPool"]

logger = logging.getLogger("screener.service")

PR_SET_PDEATHSIG = 1
STOP_SECONDS = 30.0


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the watch thread below is enough
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_worker_process(
    settings: Settings, index: int, count: int, drain: bool, parent: int, ready: Any = None
) -> None:
    """The body of one worker process: load the model, score until stopped (or until drained).

    ``ready``: an event set once the model is loaded (see :meth:`WorkerPool.wait_ready`)."""
    _die_with_parent(parent)
    from screener import Screener
    from screener.runtime import tune_for_bulk_assessment
    from service.store import create_db_engine, session_factory
    from service.worker import ModelWatcher, ScoringWorker, load_default_screener

    tune_for_bulk_assessment()  # a spawned process starts with the defaults
    engine = create_db_engine(settings.resolved_database_url)
    holder: list[Screener] = [load_default_screener(settings.model_path)]

    def swap(new: Screener) -> None:
        holder[0] = new

    watcher = None
    if settings.model_path is None and settings.model_reload_seconds > 0 and not drain:
        watcher = ModelWatcher(swap, settings.model_reload_seconds)
    sessions = session_factory(engine)
    if ready is not None:
        ready.set()
    housekeeper = index == 0 and not drain  # watched sources and retention run once, in process 0
    poller = None
    if housekeeper:
        from service.watch import SourcePoller, fetcher_for

        poller = SourcePoller(sessions, settings, fetcher_for(settings))
    worker = ScoringWorker(
        sessions, settings, lambda: holder[0], watcher=watcher, share=(index, count), poller=poller
    )
    if housekeeper:
        from service.privacy import RetentionSchedule, run_retention

        worker.schedules.append(RetentionSchedule(settings, lambda: run_retention(sessions, settings)))
    signal.signal(signal.SIGTERM, lambda *_: worker.stop(timeout=0))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the supervisor, which stops us
    try:
        if drain:
            worker.drain()
        else:
            worker.loop()
    finally:
        engine.dispose()


@dataclass(eq=False)
class _Slot:
    index: int
    process: Any = None
    started: float = 0.0
    failures: int = 0  # quick deaths in a row, for the back-off
    not_before: float = 0.0
    done: bool = False


@dataclass(eq=False)
class WorkerPool:
    """``processes`` scoring processes; one that dies is replaced. ``drain``: each exits when nothing
    is pending, and :meth:`wait` returns when all have."""

    settings: Settings
    processes: int
    drain: bool = False
    restarts: int = 0
    _slots: list[_Slot] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # spawn, not fork: the service holds threads, sockets and a database pool.
        self._context = multiprocessing.get_context("spawn")
        self._slots = [_Slot(i) for i in range(self.processes)]
        self._ready = [self._context.Event() for _ in range(self.processes)]

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return [s.process.pid for s in self._slots if s.process is not None and s.process.is_alive()]

    def _spawn(self, slot: _Slot) -> None:
        process = self._context.Process(
            target=run_worker_process,
            args=(
                self.settings,
                slot.index,
                self.processes,
                self.drain,
                os.getpid(),
                self._ready[slot.index],
            ),
            name=f"screener-worker-{slot.index}",
            daemon=False,
        )
        process.start()
        slot.process, slot.started = process, time.monotonic()

    def start(self) -> None:
        """Start the processes and the thread that replaces those that die."""
        with self._lock:
            for slot in self._slots:
                self._spawn(slot)
        # Processes are created from this one long-lived thread: PR_SET_PDEATHSIG fires when the
        # thread that created a process ends.
        self._thread = threading.Thread(target=self._supervise, name="screener-worker-pool", daemon=True)
        self._thread.start()

    def _supervise(self) -> None:
        while not self._stop.wait(0.2):
            with self._lock:
                for slot in self._slots:
                    self._check(slot)
                if self.drain and all(s.done for s in self._slots):
                    return

    def _check(self, slot: _Slot) -> None:
        if slot.done or self._stop.is_set():
            return
        process = slot.process
        if process is None:
            if time.monotonic() >= slot.not_before:
                self._spawn(slot)
            return
        if process.is_alive():
            return
        process.join()
        if process.exitcode == 0 and self.drain:
            slot.done = True
            return
        lived = time.monotonic() - slot.started
        slot.failures = slot.failures + 1 if lived < 10 else 0
        delay = min(30.0, 0.5 * 2 ** max(0, slot.failures - 1)) if slot.failures else 0.0
        logger.warning(
            "scoring process %s (pid %s) ended with %s after %.1f s; starting another in %.1f s",
            slot.index, process.pid, process.exitcode, lived, delay,
        )  # fmt: skip
        self.restarts += 1
        slot.process, slot.not_before = None, time.monotonic() + delay
        if delay == 0:
            self._spawn(slot)

    def wait_ready(self, timeout: float) -> bool:
        """Wait until every process has loaded its model (once; a replacement is not waited for)."""
        deadline = time.monotonic() + timeout
        return all(event.wait(max(0.0, deadline - time.monotonic())) for event in self._ready)

    def wait(self, timeout: float | None = None) -> bool:
        """Drain mode: wait until every process has finished; True when they have."""
        if self._thread is not None:
            self._thread.join(timeout)
        return all(s.done for s in self._slots)

    def request_stop(self) -> None:
        """Stop replacing processes (safe from a signal handler); :meth:`stop` then ends them."""
        self._stop.set()

    def stopping(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for :meth:`request_stop`; True once it was called."""
        return self._stop.wait(timeout)

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Ask every process to finish its chunk and stop (SIGTERM); kill those still running after
        ``timeout`` seconds."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            running = [s.process for s in self._slots if s.process is not None]
        for process in running:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + timeout
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
