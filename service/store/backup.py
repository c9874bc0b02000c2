"""``screener db backup PATH`` and ``screener db restore PATH``.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while the
  service keeps writing; the copy is written beside ``PATH`` and renamed into place.
- PostgreSQL: ``pg_dump --format=custom`` of the database's schema (one snapshot, taken in a
  repeatable-read transaction); restore drops that schema and loads the dump (``pg_restore`` to SQL,
  run by ``psql``) in one transaction.
  Needs the PostgreSQL client programs (Debian ``postgresql-client``).

Either way a backup holds every ad whose upload chunk had committed when it began, with the batch's
``accepted`` count in step (a batch caught mid-upload comes back ``receiving`` and is resumed by the
stuck-batch recovery). Refused: a backup over an existing file without ``force``; restoring a backup
whose schema version (Alembic revision) this code does not know, i.e. one from a newer release.
A restored older backup is migrated up to this code's version.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, make_url, text

from service.store.db import create_db_engine, migrate
from service.store.errors import StoreError
from service.store.revisions import head_revision, known_revisions

__all__ = ["BackupError", "BackupResult", "backup", "backup_revision", "restore"]


class BackupError(StoreError):
    code = "backup_refused"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    revision: str | None
    backend: str  # sqlite or postgresql


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"cannot back up the SQLite database {database!r}", f"basis data SQLite {database!r} tidak dapat dicadangkan")  # fmt: skip
    return Path(database).expanduser()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client programs (Debian: postgresql-client)",
            f"{name} tidak ditemukan: pasang program klien PostgreSQL (Debian: postgresql-client)",
        )
    return found


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        problem = (done.stderr or done.stdout).strip().splitlines()
        detail = problem[-1] if problem else f"exit code {done.returncode}"
        raise BackupError(
            f"{Path(command[0]).name} failed: {detail}", f"{Path(command[0]).name} gagal: {detail}"
        )
    return done.stdout


def _schema(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT current_schema()")).scalar())


def backup(url: str, path: Path, *, force: bool = False) -> BackupResult:
    """Write a consistent copy of the database at ``url`` to ``path`` (refused if it exists, unless ``force``)."""
    path = Path(path)
    if path.exists() and not force:
        raise BackupError(
            f"{path} already exists; choose another path or pass --force to overwrite it",
            f"{path} sudah ada; pilih jalur lain atau pakai --force untuk menimpanya",
            code="backup_exists",
        )
    if path.is_dir():
        raise BackupError(f"{path} is a folder", f"{path} adalah folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    engine = create_db_engine(url)
    try:
        backend = engine.dialect.name
        if backend == "sqlite":
            database = _sqlite_file(url)
            if not database.is_file():
                raise BackupError(f"no database at {database}", f"tidak ada basis data di {database}")
            source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
            target = sqlite3.connect(partial)
            try:
                source.backup(target)  # the whole database in one step: one consistent snapshot
            finally:
                target.close()
                source.close()
        elif backend == "postgresql":
            schema = _schema(engine)
            _run([_tool("pg_dump"), "--format=custom", f"--schema={schema}", f"--file={partial}", f"--dbname={_libpq(url)}"])  # fmt: skip
        else:
            raise BackupError(
                f"no backup for {backend} databases", f"tidak ada cadangan untuk basis data {backend}"
            )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
        engine.dispose()
    return BackupResult(path, backup_revision(path), backend)


_COPY_VERSION = re.compile(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)\n\\\.", re.M | re.S)


def backup_revision(path: Path) -> str | None:
    """The schema version (Alembic revision) a backup was taken at; None when it has none."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}", f"tidak ada cadangan di {path}", code="backup_missing")
    with path.open("rb") as handle:
        magic = handle.read(16)
    if magic.startswith(b"SQLite format 3"):
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
        finally:
            connection.close()
        return None if row is None else str(row[0])
    if magic.startswith(b"PGDMP"):
        dump = _run([_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(path)])
        match = _COPY_VERSION.search(dump)
        return match.group(1).strip() if match and match.group(1).strip() else None
    raise BackupError(
        f"{path} is neither a SQLite backup nor a pg_dump archive",
        f"{path} bukan cadangan SQLite maupun arsip pg_dump",
        code="backup_unreadable",
    )


def restore(url: str, path: Path) -> BackupResult:
    """Replace the database at ``url`` with the backup at ``path``, then migrate it to this code's version.

    Refused, before anything is touched, when the backup is from a schema version this code does not
    know (a newer release) or is of the other backend.
    """
    path = Path(path)
    revision = backup_revision(path)
    if revision is not None and revision not in known_revisions():
        raise BackupError(
            f"the backup is at schema version {revision}, which this code does not know (its latest is "
            f"{head_revision()}): restore it with the release that made it, or upgrade first",
            f"cadangan ini berversi skema {revision}, yang tidak dikenal kode ini (terbaru {head_revision()}): "
            "pulihkan dengan rilis yang membuatnya, atau perbarui dahulu",
            code="backup_too_new",
        )
    with path.open("rb") as handle:
        kind = "sqlite" if handle.read(16).startswith(b"SQLite format 3") else "postgresql"
    engine = create_db_engine(url)
    try:
        if engine.dialect.name != kind:
            raise BackupError(
                f"{path} is a {kind} backup; the database is {engine.dialect.name}",
                f"{path} adalah cadangan {kind}; basis datanya {engine.dialect.name}",
                code="backup_wrong_backend",
            )
        if kind == "sqlite":
            engine.dispose()
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            target = sqlite3.connect(_sqlite_file(url))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            # One transaction drops the schema and loads the backup: a failure leaves the database as it was.
            schema = _schema(engine)
            folder = tempfile.TemporaryDirectory(prefix="screener-restore-")
            script = Path(folder.name) / "restore.sql"
            try:
                _run([_tool("pg_restore"), "--no-owner", f"--file={script}", str(path)])
                body = script.read_text(encoding="utf-8")
                script.write_text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE;\n' + body, encoding="utf-8")
                _run([_tool("psql"), "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", f"--file={script}", f"--dbname={_libpq(url)}"])  # fmt: skip
            finally:
                folder.cleanup()
        migrate(engine)  # an older backup comes up to this code's schema
    finally:
        engine.dispose()
    return BackupResult(path, revision, kind)
