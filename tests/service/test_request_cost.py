"""What keeps a request cheap: guards for the per-request costs cut in issue 15 (performance).

The service's behaviour is covered elsewhere (roles, errors, rate limits); these tests pin down the
costs that no response shows: threadpool hops per API call, SQLite connections reopened, and the
driver-level key look-up (which must answer exactly as the Core query it stands in for).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fastapi.dependencies import utils as fastapi_dependencies
from service_testing import AD_LEGIT, Service
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool, SingletonThreadPool
from starlette.requests import Request

from service import deps, scoring
from service.store import keys as key_store
from service.store.db import SQLITE_POOL_SIZE, create_db_engine, migrate, session_factory
from service.vocabulary import Role


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
        hops.append(getattr(func, "__qualname__", type(func).__qualname__))
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(fastapi_dependencies, "run_in_threadpool", counting)
    path = "/api/v1/score" if role == "officer" else "/api/v1/checks"
    method = service.client.post if role == "officer" else service.client.get
    kwargs: dict[str, Any] = {"json": {"text": AD_LEGIT}} if role == "officer" else {}
    response = method(path, headers=service.auth(role), **kwargs)
    assert response.status_code == status
    assert hops == ["_KeyAndRole"]


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("Bearer tps_abc", id="bearer"),
        pytest.param("bearer tps_abc", id="lower-case"),
        pytest.param("BEARER   tps_abc  ", id="spaces"),
        pytest.param("Bearer tps_a b", id="inner-space"),
        pytest.param("Bearer", id="no-key"),
        pytest.param("Bearer   ", id="blank-key"),
        pytest.param("Bearertps_abc", id="no-space"),
        pytest.param(" Bearer tps_abc", id="leading-space"),
        pytest.param("Bearer\ttps_abc", id="tab"),
        pytest.param("Basic dXNlcjpwdw==", id="basic"),
    ],
)
def test_the_key_check_reads_the_header_as_http_bearer_does(authorization: str | None) -> None:
    """The key check reads ``Authorization`` itself (no sub-dependency on ``bearer``): same key."""
    headers = [] if authorization is None else [(b"authorization", authorization.encode())]
    request = Request({"type": "http", "headers": headers})
    credentials = asyncio.run(deps.bearer(request))
    assert deps._bearer_secret(request) == (None if credentials is None else credentials.credentials)


def test_find_key_answers_as_the_core_lookup(tmp_path: Path) -> None:
    """The driver-level SQLite look-up of every request finds exactly what the Core query finds."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'keys.db'}")
    try:
        migrate(engine)
        with session_factory(engine).begin() as session:
            active = key_store.create_key(session, name="active", role=Role.OFFICER)
            revoked = key_store.create_key(session, name="revoked", role=Role.MODERATOR)
            key_store.revoke_key(session, key_id=revoked.record.id)
        secrets = [
            active.secret,
            revoked.secret,
            active.secret + "x",
            "tps_unknown",
            "no-prefix",
            "tps_" + "a" * 300,
        ]
        with engine.connect() as connection:
            expected = [key_store.lookup_key(connection, secret=s) for s in secrets]
        assert [key_store.find_key(engine, secret=s) for s in secrets] == expected
        assert expected[0] == key_store.KeyIdentity(active.record.id, "active", Role.OFFICER)
        assert expected[1:] == [None] * 5
    finally:
        engine.dispose()


def test_find_key_raises_driver_errors_as_sqlalchemy_errors(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no tables: not migrated
    try:
        with pytest.raises(OperationalError, match="no such table"):
            key_store.find_key(engine, secret="tps_" + "a" * 43)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("repeat", "hops"),
    [pytest.param(1, 0, id="short-on-the-loop"), pytest.param(40, 1, id="long-in-the-threadpool")],
)
def test_only_long_texts_are_assessed_in_the_threadpool(
    service: Service, monkeypatch: pytest.MonkeyPatch, repeat: int, hops: int
) -> None:
    calls: list[int] = []
    original = scoring.run_in_threadpool

    async def counting(func: Any, *args: Any) -> Any:
        calls.append(len(args[0]))
        return await original(func, *args)

    monkeypatch.setattr(scoring, "run_in_threadpool", counting)
    text = " ".join([AD_LEGIT] * repeat)
    assert (len(text) > scoring.INLINE_MAX_CHARS) == bool(hops)
    response = service.client.post("/api/v1/score", json={"text": text}, headers=service.auth("officer"))
    assert response.status_code == 200
    assert response.json() == service.services.screener.assess(text).to_dict()
    assert len(calls) == hops
