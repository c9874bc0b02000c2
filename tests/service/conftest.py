"""Fixtures for the service tests: an app per test on its own temporary SQLite file.

The model is loaded once per session (``screener`` fixture in ``tests/conftest.py``) and handed to
every app; link intake goes through an ``httpx.MockTransport`` and a fake resolver, so nothing leaves
the machine.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from service_testing import ROLES, Service, fake_resolver, fake_site, sqlite_url

from service import Settings, create_app
from service.app import bootstrap


def _settings(folder: Path, name: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": sqlite_url(folder / f"{name}.db"),
        "environment": "test",
        "data_dir": folder,
    }
    values.update(overrides)
    return Settings(**values)


def _build(
    screener: Any,
    settings: Settings,
    *,
    fetch_handler: Callable[[httpx.Request], httpx.Response] = fake_site,
    clock: Callable[[], datetime] | None = None,
) -> Service:
    out = io.StringIO()
    bootstrap(settings, out=out)
    admin_key = out.getvalue().splitlines()[0].rsplit(" ", 1)[-1]
    app = create_app(
        settings,
        screener=screener,
        fetch_transport=httpx.MockTransport(fetch_handler),
        fetch_resolver=fake_resolver,
        clock=clock,
    )
    client = TestClient(app, raise_server_exceptions=False)
    service = Service(app, client)
    service.keys["admin"] = admin_key
    service.key_ids["admin"] = 1
    for role in ROLES[:3]:
        service.key_ids[role], service.keys[role] = service.add_key(role, f"test {role}")
    return service


def _close(service: Service) -> None:
    service.client.close()
    service.services.engine.dispose()


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    counter = itertools.count()

    def build(**overrides: Any) -> Settings:
        return _settings(tmp_path, f"screener-{next(counter)}", **overrides)

    return build


@pytest.fixture
def make_service(screener: Any, settings_for: Callable[..., Settings]) -> Iterator[Callable[..., Service]]:
    """Build services, each on its own new SQLite file, with one key per role."""
    built: list[Service] = []

    def build(
        *,
        fetch_handler: Callable[[httpx.Request], httpx.Response] = fake_site,
        clock: Callable[[], datetime] | None = None,
        **overrides: Any,
    ) -> Service:
        service = _build(screener, settings_for(**overrides), fetch_handler=fetch_handler, clock=clock)
        built.append(service)
        return service

    yield build
    for service in built:
        _close(service)


@pytest.fixture
def service(make_service: Callable[..., Service]) -> Service:
    return make_service()


@pytest.fixture(scope="module")
def module_service(screener: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One service for a whole module: for tests that only read, or write nothing the others see."""
    service = _build(screener, _settings(tmp_path_factory.mktemp("service"), "screener"))
    yield service
    _close(service)


@pytest.fixture(scope="module")
def make_module_service(
    screener: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., Service]]:
    """As ``make_service``, for services shared by a whole module (settings overrides allowed)."""
    built: list[Service] = []
    folder = tmp_path_factory.mktemp("services")
    counter = itertools.count()

    def build(
        *, fetch_handler: Callable[[httpx.Request], httpx.Response] = fake_site, **overrides: Any
    ) -> Service:
        settings = _settings(folder, f"screener-{next(counter)}", **overrides)
        service = _build(screener, settings, fetch_handler=fetch_handler)
        built.append(service)
        return service

    yield build
    for service in built:
        _close(service)
