"""``create_app(settings)``: the one place the service is wired together.

It builds the engine and session factory, applies the migrations, loads the model once, creates an
admin key on first start (printing it and a login link once), gathers the parts in one
:class:`~service.services.Services` (routes take them through :mod:`service.deps`), and mounts the
routers, the error handlers and the request middleware. Tests build as many apps as they like, each
with its own database, registry and rate limiter; ``screener serve --workers N`` imports ``service.app:create_app``
as a factory, with settings from the environment.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import TextIO

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from screener import Screener, __version__
from screener.runtime import tune_for_bulk_assessment
from service.alerts import alert_watcher
from service.auth import KeyToucher
from service.deps import install_services
from service.errors import install_error_handlers
from service.intake import LinkFetcher
from service.metrics import Metrics
from service.middleware import RequestMiddleware
from service.pages import EVALUATION_DIR, install_pages
from service.ratelimit_shared import build_limiter
from service.routes import api, examples, ops, privacy, queue, sources, trends
from service.services import Services
from service.settings import Settings
from service.store import create_db_engine, migrate, session_factory
from service.store.keys import ensure_admin_key
from service.store.models import utcnow
from service.worker import load_default_screener

__all__ = ["bootstrap", "create_app"]

DESCRIPTION = """Menilai iklan lowongan kerja untuk pola TPPO/TPPM.
Screens Indonesian recruitment ads for trafficking (TPPO) and smuggling (TPPM) patterns.

Every endpoint except `/healthz` needs `Authorization: Bearer <key>`. Errors are JSON:
`{"error": {"code", "message", "message_id", "message_en"}}`.
"""


def bootstrap(settings: Settings, *, out: TextIO | None = None) -> None:
    """Migrate the database and, when it has no key yet, create an admin key and print it once.

    ``screener serve`` calls this before starting several workers, so only one process creates the
    key; ``create_app`` calls it too (a no-op once there is a key).
    """
    engine = create_db_engine(settings.resolved_database_url)
    try:
        _bootstrap(engine, settings, out)
    finally:
        engine.dispose()


def _bootstrap(engine: Engine, settings: Settings, out: TextIO | None) -> None:
    migrate(engine)
    with session_factory(engine).begin() as session:
        new = ensure_admin_key(session)
    if new is not None:
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
        host = f"[{host}]" if ":" in host else host
        stream = out or sys.stdout
        print(f"Admin key (shown once): {new.secret}", file=stream)
        print(f"Login: http://{host}:{settings.port}/login?key={new.secret}", file=stream, flush=True)


def create_app(
    settings: Settings | None = None,
    *,
    screener: Screener | None = None,
    fetch_transport: httpx.AsyncBaseTransport | None = None,
    fetch_resolver: Callable[[str, int], Awaitable[list[str]]] | None = None,
    evaluation_dir: Path | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """Build the service.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to ``Settings()`` (the ``SCREENER_*`` environment).
    screener : Screener, optional
        An already loaded model (tests share one); by default ``settings.model_path`` is loaded.
    fetch_transport : httpx.AsyncBaseTransport, optional
        The transport for link intake (tests pass a mock; nothing then leaves the machine).
    fetch_resolver : async callable, optional
        ``(host, port) -> [ip, ...]`` for link intake's address checks; default ``getaddrinfo``.
    evaluation_dir : Path, optional
        Where the model page finds ``screener evaluate``'s report; default ``reports/evaluation``.
    clock : callable, optional
        ``() -> datetime`` (UTC) for the review queue's leases; tests pass a clock they move.
    """
    settings = settings or Settings()
    tune_for_bulk_assessment()  # each of uvicorn's worker processes builds its app here
    engine = create_db_engine(settings.resolved_database_url)
    try:
        _bootstrap(engine, settings, None)
        loaded = screener if screener is not None else load_default_screener(settings.model_path)
    except BaseException:
        engine.dispose()
        raise

    services = Services(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        screener=loaded,
        metrics=Metrics(),
        rate_limiter=build_limiter(settings, engine, settings.rate_limit_per_minute, name="api"),
        key_toucher=KeyToucher(),
        fetcher=LinkFetcher(
            timeout=settings.fetch_timeout,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
            allow_private=settings.allow_private_fetch,
            transport=fetch_transport,
            resolver=fetch_resolver,
        ),
        evaluation_dir=evaluation_dir or EVALUATION_DIR,
        clock=clock or utcnow,
    )

    alerts = alert_watcher(settings, services.sessions, services.clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = None
        if settings.worker_enabled and settings.worker_processes > 1:
            from service.worker_pool import WorkerPool

            pool = WorkerPool(settings, settings.worker_processes)
            pool.start()
        elif settings.worker_enabled:
            services.worker.start()
        if alerts is not None:
            alerts.start()
        yield
        if alerts is not None:
            alerts.stop()
        if pool is not None:
            pool.stop()
        services.worker.stop()
        services.metrics.process_exit()
        for limiter in (services.rate_limiter, services.bookkeeping_limiter):
            close = getattr(limiter, "close", None)  # shared limiters hold a pool or a client
            if close is not None:
                close()
        engine.dispose()

    app = FastAPI(
        title="tppo-screener",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
    )
    install_services(app, services)
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(queue.router)
    app.include_router(ops.router)
    app.include_router(examples.router)
    app.include_router(privacy.router)
    app.include_router(sources.router)
    app.include_router(trends.router)
    install_pages(app)  # the HTML pages, /static and their security headers
    app.add_middleware(RequestMiddleware, metrics=services.metrics)
    return app
