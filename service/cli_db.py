"""``screener db backup PATH [--force]`` and ``screener db restore PATH``, on ``SCREENER_DATABASE_URL``.

Stop the service (and ``screener worker``) before a restore: it replaces the whole database. A backup
can run while the service works.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["cmd_db_backup", "cmd_db_restore", "register_db"]


def _fail(exc: Exception) -> Exception:
    from service.cli import ServiceCliError
    from service.store.backup import BackupError

    if isinstance(exc, BackupError):
        return ServiceCliError(exc.message_en, exc.message_id)
    return exc


def cmd_db_backup(args: argparse.Namespace) -> int:
    from service.cli import _settings
    from service.store.backup import BackupError, backup

    settings = _settings()
    try:
        done = backup(settings.resolved_database_url, Path(args.path), force=args.force)
    except BackupError as exc:
        raise _fail(exc) from None
    print(f"cadangan / backup ({done.backend}, schema {done.revision}) ditulis ke / written to {done.path}")
    return 0


def cmd_db_restore(args: argparse.Namespace) -> int:
    from service.cli import _settings
    from service.store.backup import BackupError, restore

    settings = _settings()
    try:
        done = restore(settings.resolved_database_url, Path(args.path))
    except BackupError as exc:
        raise _fail(exc) from None
    print(f"dipulihkan dari / restored from {done.path} ({done.backend}, schema {done.revision})")
    return 0


def register_db(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = subparsers.add_parser(
        "db", help="cadangkan dan pulihkan basis data / back up and restore the database"
    )
    db_sub = db.add_subparsers(dest="db_command", required=True)
    p = db_sub.add_parser(
        "backup",
        help="cadangan konsisten, juga saat layanan berjalan / a consistent backup, also while serving",
    )
    p.add_argument("path", help="berkas cadangan / backup file (SQLite copy, or pg_dump archive)")
    p.add_argument("--force", action="store_true", help="timpa berkas yang ada / overwrite an existing file")
    p.set_defaults(func=cmd_db_backup)
    p = db_sub.add_parser(
        "restore",
        help="ganti basis data dengan cadangan (hentikan layanan dulu) / replace the database (stop the service first)",
    )
    p.add_argument("path", help="berkas cadangan / backup file")
    p.set_defaults(func=cmd_db_restore)
