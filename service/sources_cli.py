"""``screener sources add|list|pause|resume|remove|poll``: watched public sources, on the database
named by ``SCREENER_DATABASE_URL`` (migrated first), like ``screener keys``.

``poll`` fetches the due sources now (or the ones named), then scores what they brought, as the
service's worker would; without ``--no-score`` it loads the model.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["register_sources"]


@contextmanager
def _database() -> Iterator[tuple[Any, Any]]:
    """``(settings, sessions)`` on the migrated database."""
    from service.cli import ServiceCliError, _settings
    from service.store import create_db_engine, migrate, session_factory
    from service.store.errors import StoreError

    settings = _settings()
    engine = create_db_engine(settings.resolved_database_url)
    try:
        migrate(engine)
        yield settings, session_factory(engine)
    except StoreError as exc:  # unknown id, address watched already: one line, no traceback
        raise ServiceCliError(exc.message_en, exc.message_id) from None
    finally:
        engine.dispose()


def _fetcher(settings: Any) -> Any:
    from service.watch import fetcher_for

    return fetcher_for(settings)


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def _every(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def cmd_sources_add(args: argparse.Namespace) -> int:
    from service.store import sources, write_transaction
    from service.store.models import utcnow
    from service.watch import check_new_source

    with _database() as (settings, sessions):
        spec = asyncio.run(
            check_new_source(
                _fetcher(settings),
                url=args.url,
                every=args.every,
                name=args.name,
                selector=args.selector,
                kind=args.kind,
            )
        )
        with write_transaction(sessions) as session:
            source = sources.add_source(
                session,
                url=spec.url,
                kind=spec.kind,
                name=spec.name,
                every_seconds=spec.every_seconds,
                selector=spec.selector,
                key_id=None,
                now=utcnow(),
            )
            source_id = source.id
    print(
        f"Sumber {source_id} ditambahkan / source {source_id} added: {spec.kind} {spec.url} "
        f"every {_every(spec.every_seconds)} ({spec.name!r})"
    )
    return 0


def cmd_sources_list(args: argparse.Namespace) -> int:
    from service.store import sources
    from service.watch import source_health

    with _database() as (settings, sessions), sessions() as session:
        rows = sources.list_sources(session)
        print(
            f"{'id':>4}  {'kind':<8}  {'every':>5}  {'health':<7}  {'last success':<19}  "
            f"{'next run':<19}  {'new':>5}  name / url / problem"
        )
        for s in rows:
            health, problem = source_health(s, settings.source_empty_after)
            print(
                f"{s.id:>4}  {s.kind:<8}  {_every(s.every_seconds):>5}  {health:<7}  "
                f"{_when(s.last_success_at):<19}  {_when(s.next_run_at if s.status == 'active' else None):<19}  "
                f"{s.imported:>5}  {s.name}  {s.url}" + (f"  ! {problem}" if problem else "")
            )
    return 0


def _set_status(source_id: int, status: str) -> int:
    from service.store import sources, write_transaction
    from service.store.models import utcnow

    with _database() as (_settings, sessions), write_transaction(sessions) as session:
        sources.set_status(session, source_id=source_id, status=status, now=utcnow())
    word = "dijeda / paused" if status == "paused" else "dilanjutkan / resumed"
    print(f"Sumber {source_id} {word}")
    return 0


def cmd_sources_pause(args: argparse.Namespace) -> int:
    return _set_status(args.id, "paused")


def cmd_sources_resume(args: argparse.Namespace) -> int:
    return _set_status(args.id, "active")


def cmd_sources_remove(args: argparse.Namespace) -> int:
    from service.store import sources, write_transaction

    with _database() as (_settings, sessions), write_transaction(sessions) as session:
        sources.remove_source(session, source_id=args.id)
    print(f"Sumber {args.id} dihapus / source {args.id} removed (its ads stay)")
    return 0


def cmd_sources_poll(args: argparse.Namespace) -> int:
    from service.watch import SourcePoller
    from service.worker import ScoringWorker, load_default_screener

    with _database() as (settings, sessions):
        poller = SourcePoller(sessions, settings, _fetcher(settings))
        results = [poller.poll(i) for i in args.id] if args.id else poller.poll_due(wait=True)
        for r in results:
            line = f"sumber/source {r.source_id} {r.name}: {r.outcome}, {r.found} found, {r.new} new"
            print(line + (f" - {r.error}" if r.error else ""))
        new = sum(r.new for r in results)
        print(
            f"{len(results)} sumber diambil, {new} postingan baru / {len(results)} sources polled, {new} new posts"
        )
        if new and not args.no_score:
            screener = load_default_screener(settings.model_path)
            scored = ScoringWorker(sessions, settings, lambda: screener).drain()
            print(f"{scored} iklan dinilai / ads scored", flush=True)
    return 1 if any(r.outcome == "error" for r in results) else 0


def register_sources(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from screener.watch import KINDS

    sources = subparsers.add_parser("sources", help="sumber publik yang dipantau / watched public sources")
    sub = sources.add_subparsers(dest="sources_command", required=True)
    p = sub.add_parser(
        "add", help="pantau alamat / watch an address (t.me/s/..., a feed, a page + --selector)"
    )
    p.add_argument("url")
    p.add_argument("--every", default="30m", help="selang / interval: 30m, 2h, 1d (min 1m; default 30m)")
    p.add_argument("--name", default=None, help="nama / a name (default: host and path)")
    p.add_argument("--selector", default=None, help="selektor CSS blok postingan / CSS selector of the posts")
    p.add_argument("--kind", default=None, choices=KINDS, help="jenis / kind (default: guessed)")
    p.set_defaults(func=cmd_sources_add)
    p = sub.add_parser("list", help="daftar sumber dan statusnya / sources and their status")
    p.set_defaults(func=cmd_sources_list)
    for name, func, text in (
        ("pause", cmd_sources_pause, "jeda / pause"),
        ("resume", cmd_sources_resume, "lanjutkan / resume"),
        ("remove", cmd_sources_remove, "berhenti memantau (iklannya tetap) / stop watching (ads stay)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("id", type=int)
        p.set_defaults(func=func)
    p = sub.add_parser("poll", help="ambil sumber yang jatuh tempo lalu nilai / poll due sources, then score")
    p.add_argument("id", type=int, nargs="*", help="sumber ini saja, sekarang / only these, now")
    p.add_argument("--no-score", action="store_true", help="jangan nilai / do not score")
    p.set_defaults(func=cmd_sources_poll)
