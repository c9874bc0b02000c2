"""What keeps a request cheap: guards for the per-request costs cut in issue 15 (performance).

The service's behaviour is covered elsewhere (roles, errors, rate limits); these tests pin down the
costs that no response shows: threadpool hops per API call and SQLite connections reopened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.dependencies import utils as fastapi_dependencies
from service_testing import AD_LEGIT, Service
from sqlalchemy.pool import QueuePool, SingletonThreadPool

from service.store.db import SQLITE_POOL_SIZE, create_db_engine


def test_a_sqlite_file_keeps_a_connection_per_request_thread(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    try:
        assert isinstance(engine.pool, QueuePool)
        assert engine.pool.size() == SQLITE_POOL_SIZE == 40  # anyio's default threadpool
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite://", id="default-memory"),
        pytest.param("sqlite:///:memory:", id="memory"),
    ],
)
def test_an_in_memory_sqlite_keeps_its_own_pool(url: str) -> None:
    engine = create_db_engine(url)
    try:
        assert isinstance(engine.pool, SingletonThreadPool)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("role", "status"),
    [pytest.param("officer", 200, id="allowed"), pytest.param("educator", 403, id="refused")],
)
def test_the_key_and_role_check_is_one_threadpool_hop(
    service: Service, monkeypatch: pytest.MonkeyPatch, role: str, status: int
) -> None:
    """Key look-up, rate limit and role test run in one hop; the cheap dependencies run on the loop."""
    hops: list[str] = []
    original = fastapi_dependencies.run_in_threadpool

    async def counting(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(func, "__qualname__", repr(func)))
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(fastapi_dependencies, "run_in_threadpool", counting)
    path = "/api/v1/score" if role == "officer" else "/api/v1/checks"
    method = service.client.post if role == "officer" else service.client.get
    kwargs: dict[str, Any] = {"json": {"text": AD_LEGIT}} if role == "officer" else {}
    response = method(path, headers=service.auth(role), **kwargs)
    assert response.status_code == status
    assert hops == ["require_role.<locals>.dependency"]
