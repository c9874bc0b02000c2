"""The store on SQLite and, where one is reachable, PostgreSQL: migrations, keys and checks."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from service.store import checks as check_store
from service.store import create_db_engine, migrate, session_factory
from service.store import keys as key_store
from service.store.models import Base
from service.vocabulary import Verdict

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path}/store.db")
        migrate(engine)
        yield engine
        engine.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}")
    engine = create_db_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine).begin() as session:
        yield session


def test_migrations_create_the_tables_and_match_the_models(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {"api_keys", "checks", "alembic_version"} <= names
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrating_twice_is_a_no_op(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0006"


def test_the_database_accepts_every_verdict(engine: Engine) -> None:
    # Verdict grows with the library's Category; the decisions table's CHECK needs a migration then.
    [check] = [
        c for c in inspect(engine).get_check_constraints("decisions") if c["name"] == "ck_decisions_verdict"
    ]
    assert set(re.findall(r"'([a-z_]+)'", check["sqltext"])) == {str(v) for v in Verdict}


def test_keys_are_stored_hashed_and_authenticate(session: Session) -> None:
    new = key_store.create_key(session, name="Polda", role="officer")
    assert new.secret.startswith("tps_") and len(new.secret) > 40
    assert new.record.key_hash == key_store.hash_key(new.secret) != new.secret
    assert new.record.prefix == new.secret[:12]
    row = session.execute(text("SELECT * FROM api_keys")).mappings().one()
    assert new.secret not in {str(v) for v in row.values()}
    assert key_store.authenticate(session, secret=new.secret).id == new.record.id
    assert key_store.authenticate(session, secret=new.secret + "x") is None
    assert key_store.authenticate(session, secret="not-a-key") is None
    key_store.revoke_key(session, key_id=new.record.id)
    assert key_store.authenticate(session, secret=new.secret) is None
    assert key_store.revoke_key(session, key_id=999) is None


def test_unknown_role_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        key_store.create_key(session, name="x", role="superuser")


def test_first_admin_key_only_once(session: Session) -> None:
    first = key_store.ensure_admin_key(session)
    assert first is not None and first.record.role == "admin"
    assert key_store.ensure_admin_key(session) is None
    assert key_store.count_keys(session) == 1


def test_checks_round_trip_newest_first(session: Session, screener) -> None:
    owner = key_store.create_key(session, name="a", role="officer").record
    other = key_store.create_key(session, name="b", role="officer").record
    texts = ["Lowongan kerja Kamboja gaji 30 juta", "Lowongan staf gudang Bekasi sesuai UMK", "Kerja Jepang"]
    ids = []
    for t in texts:
        assessment = screener.assess(t).to_dict()
        ids.append(
            check_store.create_check(session, key_id=owner.id, text=t, url=None, assessment=assessment).id
        )
    check_store.create_check(
        session, key_id=other.id, text="x", url="https://e.org", assessment=screener.assess("kerja").to_dict()
    )
    listed = check_store.list_checks(session, key_id=owner.id, limit=2, offset=0)
    assert [c.id for c in listed] == ids[::-1][:2]
    assert check_store.count_checks(session, key_id=owner.id) == 3
    one = check_store.get_check(session, check_id=ids[0], key_id=owner.id)
    assert one is not None and one.text == texts[0]
    assert one.assessment["tier"] == one.tier == screener.assess(texts[0]).tier
    assert one.created_at.tzinfo is not None
    assert check_store.get_check(session, check_id=ids[0], key_id=other.id) is None
    assert check_store.get_check(session, check_id=ids[0]) is not None


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/nested/folder/x.db")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert (tmp_path / "nested" / "folder" / "x.db").exists()
    finally:
        engine.dispose()
