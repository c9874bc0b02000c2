"""``screener privacy retention|erase`` and ``screener audit verify`` (registered by ``service.cli``).

They work on the database named by ``SCREENER_DATABASE_URL`` (migrated first), like ``screener keys``.
Exit codes: 0 done; 1 the audit chain is broken; 2 bad input (an erasure of a value that is nowhere,
an ad that does not exist) or a database error, with a one-line message.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["register"]


@contextmanager
def _store() -> Iterator[tuple[Any, Any]]:
    from sqlalchemy.exc import SQLAlchemyError

    from service.cli import ServiceCliError, _settings
    from service.store import create_db_engine, migrate, session_factory

    settings = _settings()
    engine = create_db_engine(settings.resolved_database_url)
    try:
        migrate(engine)
        yield settings, session_factory(engine)
    except SQLAlchemyError as exc:
        raise ServiceCliError(
            f"database error: {exc.__class__.__name__}: {str(exc).splitlines()[0]}",
            f"galat basis data: {exc.__class__.__name__}",
        ) from exc
    finally:
        engine.dispose()


def cmd_retention(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from service.privacy import run_retention
    from service.store import privacy as store
    from service.store.models import utcnow

    with _store() as (settings, sessions):
        if settings.retention_days_raw <= 0:
            print("retensi mati / retention is off (SCREENER_RETENTION_DAYS_RAW=0)")
            return 0
        if not args.now:
            cutoff = utcnow() - timedelta(days=settings.retention_days_raw)
            with sessions() as session:
                ads = len(store.retention_candidates(session, cutoff=cutoff, limit=10**9))
                checks = len(store.retention_checks(session, cutoff=cutoff, limit=10**9))
            print(f"jatuh tempo / due: ads={ads} checks={checks} (older than {settings.retention_days_raw} days); "
                  "run with --now to retire them")  # fmt: skip
            return 0
        result = run_retention(sessions, settings)
    print(result.line(), flush=True)
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from service.cli import ServiceCliError
    from service.privacy import erase_ad, erase_contact
    from service.store.errors import NotFound

    if (args.contact is None) == (args.ad is None):
        raise ServiceCliError("give exactly one of --contact VALUE or --ad ID", "berikan --contact ATAU --ad")
    with _store() as (settings, sessions):
        try:
            if args.contact is not None:
                counts = erase_contact(sessions, settings, value=args.contact, key_id=None)
            else:
                counts = erase_ad(sessions, settings, ad_id=args.ad, key_id=None)
        except NotFound as exc:
            raise ServiceCliError(exc.message_en, exc.message_id) from None
    print("dihapus / erased: " + " ".join(f"{k}={v}" for k, v in counts.items()), flush=True)
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from service.store.chain import verify_chain

    with _store() as (_, sessions), sessions() as session:
        count, head, broken = verify_chain(session)
    if broken is not None:
        print(f"RANTAI RUSAK / CHAIN BROKEN at audit row {broken.row_id}: {broken.reason} "
              f"({count - 1} rows before it are intact)", flush=True)  # fmt: skip
        return 1
    print(f"rantai utuh / chain intact: {count} rows, head {head}", flush=True)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = subparsers.add_parser(
        "privacy", help="retensi dan penghapusan data pribadi / retention and erasure"
    )
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    p = privacy_sub.add_parser(
        "retention",
        help="samarkan teks mentah yang lewat masa simpan / retire raw text past SCREENER_RETENTION_DAYS_RAW",
        description="Without --now: print how many ads and checks are due. With --now: retire them "
        "(redacted text, hashed contacts), one ad per transaction; an interrupted run resumes.",
    )
    p.add_argument(
        "--now", action="store_true", help="jalankan sekarang / retire them now (else: count only)"
    )
    p.set_defaults(func=cmd_retention)
    p = privacy_sub.add_parser(
        "erase",
        help="hapus nilai kontak atau data pribadi iklan / erase a contact value or one ad's personal data",
    )
    p.add_argument("--contact", default=None, help="nilai kontak / a phone number, handle, e-mail or link")
    p.add_argument("--ad", type=int, default=None, help="id iklan / an ad's id")
    p.set_defaults(func=cmd_erase)

    audit = subparsers.add_parser("audit", help="log audit / the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    p = audit_sub.add_parser(
        "verify", help="periksa rantai hash / check the hash chain, name the first broken row"
    )
    p.set_defaults(func=cmd_audit_verify)
