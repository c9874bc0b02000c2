"""Prometheus metrics, in a registry per app (so tests can build many apps in one process).

Without a metrics folder each process answers ``/metrics`` with its own counts. With one
(``SCREENER_METRICS_DIR`` or ``PROMETHEUS_MULTIPROC_DIR``), prometheus_client's multiprocess mode
keeps every process's values in files there and ``/metrics`` answers the sum over all the processes
that use the folder: every uvicorn worker and every instance on the host. :func:`prepare_multiprocess`
must run before ``prometheus_client`` makes its first metric (``screener serve`` calls it first thing);
it clears the files of processes no longer running, as prometheus_client's documentation asks (files of
live processes stay: another instance may be using the folder).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["MULTIPROC_ENV", "Metrics", "multiprocess_dir", "prepare_multiprocess"]

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_PID_FILE = re.compile(r".+_(\d+)\.db")


def multiprocess_dir() -> Path | None:
    """The folder multiprocess mode writes to, when it is on."""
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def prepare_multiprocess(folder: Path | None) -> Path | None:
    """Turn multiprocess mode on for ``folder`` (else for ``PROMETHEUS_MULTIPROC_DIR`` if set).

    Creates the folder, removes the files of processes that are gone, and exports the variable so
    the worker processes started from here use it too. Returns the folder (None: mode off).
    """
    if folder is not None:
        os.environ[MULTIPROC_ENV] = str(folder)
    chosen = multiprocess_dir()
    if chosen is None:
        return None
    chosen.mkdir(parents=True, exist_ok=True)
    for path in chosen.glob("*.db"):
        match = _PID_FILE.fullmatch(path.name)
        if match and not _alive(int(match.group(1))):
            path.unlink(missing_ok=True)
    # prometheus_client chooses how values are stored when it is imported: if it was imported before
    # the variable was set, choose again (metrics made from now on use the files).
    from prometheus_client import values

    values.ValueClass = values.get_value_class()
    return chosen


class Metrics:
    def __init__(self) -> None:
        self.multiprocess = multiprocess_dir() is not None
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "screener_http_requests_total",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "screener_http_request_duration_seconds",
            "HTTP request latency by method, route template and status.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.scores = Counter(
            "screener_scores_total", "Ads scored, by risk tier.", ["tier"], registry=self.registry
        )
        self.model_info = Gauge(
            "screener_model_info",
            "The loaded model (value 1).",
            ["version"],
            registry=self.registry,
            # Across processes: 1 when any live process runs that version.
            multiprocess_mode="livemax",
        )
        self._request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            # ``labels()`` takes a lock and checks every label on each call: keep its answers
            # (bounded: routes are templates, unmatched paths share one label).
            labels = (method, route, str(status))
            children = self._request_children[key] = (
                self.requests.labels(*labels),
                self.latency.labels(*labels),
            )
        children[0].inc()
        children[1].observe(seconds)

    def exposition_registry(self) -> CollectorRegistry:
        """What ``/metrics`` renders: this process's registry, or the sum over the folder's processes."""
        if not self.multiprocess:
            return self.registry
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry

    def process_exit(self) -> None:
        """This process stops: its live gauges (the model it ran) leave the sum; counters stay."""
        if self.multiprocess:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(os.getpid())
