"""``screener db backup`` / ``restore``: a backup taken in the middle of an upload restores to a state
where every ad the batch had accepted is present (and the batch is then resumed and scored); an
existing backup path is refused without --force; a backup from a newer schema is refused, naming its
version, with the database untouched. SQLite (online backup API) and PostgreSQL (pg_dump)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from queue_testing import LEGIT, repost, scratch_database
from sqlalchemy import func, select, text

from service.batches import IngestResult, ingest_file
from service.settings import Settings
from service.store import create_db_engine, migrate, session_factory, write_transaction
from service.store.backup import BackupError, backup, backup_revision, restore
from service.store.models import Ad, Batch
from service.store.revisions import head_revision
from service.store.stuck import recover_stuck_batches
from service.worker import ScoringWorker


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with scratch_database(request.param, tmp_path, "live.db") as url:
        yield url


def _line(i: int) -> str:
    return json.dumps({"id": f"ad-{i}", "text": repost(i) if i % 2 else f"{LEGIT} Kode {i}."}) + "\n"


def _accepted(sessions: Any) -> tuple[str, int] | None:
    with sessions() as session:
        row = session.execute(select(Batch.status, Batch.accepted).order_by(Batch.id.desc()).limit(1)).first()
    return None if row is None else (row.status, row.accepted)


@pytest.mark.slow  # 3,000 ads uploaded, 2,000 scored, per backend
def test_backup_mid_upload_restores_every_accepted_ad(
    database_url: str, tmp_path: Path, screener: Any
) -> None:
    engine = create_db_engine(database_url)
    migrate(engine)
    sessions = session_factory(engine)
    # The upload streams from a pipe, so it is held half-way for as long as the test likes.
    pipe = tmp_path / "upload.jsonl"
    os.mkfifo(pipe)
    results: list[IngestResult] = []
    upload = threading.Thread(
        target=lambda: results.append(
            ingest_file(
                sessions,
                pipe,
                "jsonl",
                key_id=None,
                filename="upload.jsonl",
                content_type=None,
                max_ads=100_000,
                max_text_bytes=100_000,
            )
        )
    )
    upload.start()
    try:
        with pipe.open("w", encoding="utf-8") as writer:
            writer.write("".join(_line(i) for i in range(2500)))
            writer.flush()
            deadline = time.monotonic() + 60
            while _accepted(sessions) != ("receiving", 2000) and time.monotonic() < deadline:
                time.sleep(0.02)  # two chunks of 1,000 committed, the third still being read
            assert _accepted(sessions) == ("receiving", 2000)
            archive = backup(database_url, tmp_path / "mid-upload.backup")
            assert archive.revision == head_revision()
            writer.write("".join(_line(i) for i in range(2500, 3000)))
    finally:
        upload.join(60)
    assert results and results[0].accepted == 3000  # the upload itself finished after the backup

    restored = restore(database_url, archive.path)
    assert restored.revision == head_revision()
    with sessions() as session:
        batch = session.scalars(select(Batch)).one()
        ids = set(session.scalars(select(Ad.external_id).where(Ad.batch_id == batch.id)))
    assert (batch.status, batch.accepted) == ("receiving", 2000)
    assert ids == {f"ad-{i}" for i in range(2000)}  # every accepted ad, no half chunk

    # After the restore the cut batch is resumed and its ads are scored.
    with write_transaction(sessions) as session:
        recover_stuck_batches(session, timeout=timedelta(0))
    settings = Settings(data_dir=tmp_path, audit_sample_rate=0, worker_chunk_size=500)
    assert ScoringWorker(sessions, settings, lambda: screener).drain() == 2000
    with sessions() as session:
        done = session.scalars(select(Batch)).one()
        assert (done.status, done.scored) == ("done", 2000)
        assert session.scalar(select(func.count()).select_from(Ad).where(Ad.scored.is_(False))) == 0
    engine.dispose()


def test_an_existing_path_is_refused_unless_forced(database_url: str, tmp_path: Path) -> None:
    engine = create_db_engine(database_url)
    migrate(engine)
    engine.dispose()
    target = tmp_path / "db.backup"
    target.write_text("an older backup, kept\n")
    with pytest.raises(BackupError, match="--force") as refused:
        backup(database_url, target)
    assert refused.value.code == "backup_exists"
    assert target.read_text() == "an older backup, kept\n"
    assert backup(database_url, target, force=True).revision == head_revision()
    assert backup_revision(target) == head_revision()


def test_a_backup_from_a_newer_schema_is_refused_naming_the_version(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_db_engine(database_url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    archive = backup(database_url, tmp_path / "newer.backup")
    assert archive.revision == "0999"
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision()})
        connection.execute(text("INSERT INTO batches (status, accepted, rejected, scored, enqueued, created_at, updated_at) "
                                "VALUES ('done', 0, 0, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))  # fmt: skip
    with pytest.raises(BackupError, match="0999") as refused:
        restore(database_url, archive.path)
    assert refused.value.code == "backup_too_new"
    with engine.connect() as connection:  # nothing was touched
        assert connection.execute(text("SELECT count(*) FROM batches")).scalar() == 1
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    engine.dispose()


def test_a_file_that_is_no_backup_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(BackupError, match="neither a SQLite backup"):
        restore(f"sqlite:///{tmp_path}/db.db", junk)
    with pytest.raises(BackupError, match="no backup at"):
        restore(f"sqlite:///{tmp_path}/db.db", tmp_path / "missing.backup")


@pytest.mark.slow  # four CLI processes
def test_the_cli_refuses_an_existing_path_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    env = {**os.environ, "SCREENER_DATABASE_URL": url}
    cli = [sys.executable, "-m", "screener.cli", "db"]
    nothing = subprocess.run(
        [*cli, "backup", str(tmp_path / "b.db")], env=env, capture_output=True, text=True
    )
    assert nothing.returncode == 2 and "no database" in nothing.stderr  # not an empty file made up
    assert not (tmp_path / "cli.db").exists() and not (tmp_path / "b.db").exists()
    engine = create_db_engine(url)
    migrate(engine)
    engine.dispose()
    first = subprocess.run([*cli, "backup", str(tmp_path / "b.db")], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    again = subprocess.run([*cli, "backup", str(tmp_path / "b.db")], env=env, capture_output=True, text=True)
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    with sqlite3.connect(tmp_path / "b.db") as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
    back = subprocess.run([*cli, "restore", str(tmp_path / "b.db")], env=env, capture_output=True, text=True)
    assert back.returncode == 0 and "restored from" in back.stdout, back.stderr
