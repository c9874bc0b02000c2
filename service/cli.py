"""Service commands for the ``screener`` CLI (registered through the ``screener.commands`` entry point).

``screener serve`` runs the API under uvicorn; ``screener keys create|list|revoke`` manage API keys
in the database named by ``SCREENER_DATABASE_URL`` (migrated first).
"""

from __future__ import annotations

import argparse
import copy
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from screener.errors import ScreenerError
from service.vocabulary import Role, Verdict

__all__ = ["register"]


class ServiceCliError(ScreenerError):
    status = 2
    code = "service_cli"


def _settings(**overrides: Any) -> Any:
    from pydantic import ValidationError

    from service.settings import Settings

    try:
        base = Settings()
        return base.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ServiceCliError(f"invalid settings: {problems}", f"pengaturan tidak sah: {problems}") from None


@contextmanager
def _session() -> Iterator[Any]:
    from sqlalchemy.exc import SQLAlchemyError

    from service.store import create_db_engine, migrate, session_factory

    settings = _settings()
    engine = create_db_engine(settings.resolved_database_url)
    try:
        migrate(engine)
        with session_factory(engine).begin() as session:
            yield session
    except SQLAlchemyError as exc:
        raise ServiceCliError(
            f"database error: {exc.__class__.__name__}: {str(exc).splitlines()[0]}",
            f"galat basis data: {exc.__class__.__name__}",
        ) from exc
    finally:
        engine.dispose()


def _log_config() -> dict[str, Any]:
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["json_line"] = {"format": "%(message)s"}
    config["handlers"]["service"] = {
        "class": "logging.StreamHandler",
        "formatter": "json_line",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["screener.service"] = {"handlers": ["service"], "level": "INFO", "propagate": False}
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(host=args.host, port=args.port, workers=args.workers)
    # Before anything imports prometheus_client's metrics: /metrics sums every process using the folder.
    from service.metrics import prepare_multiprocess

    prepare_multiprocess(settings.metrics_dir)

    import uvicorn

    from service.app import bootstrap, create_app

    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": _log_config(),
        "access_log": False,  # the service logs each request itself (JSON lines, with request ids)
        "timeout_graceful_shutdown": 10,
    }
    if settings.workers > 1:
        # Migrate and create the first admin key once, here, before the workers race to do it; each
        # worker then builds its own app from the environment (which must then say how many there are:
        # the rate limit's backend depends on it).
        import os

        os.environ["SCREENER_WORKERS"] = str(settings.workers)
        bootstrap(settings)
        uvicorn.run("service.app:create_app", factory=True, workers=settings.workers, **common)
    else:
        uvicorn.run(create_app(settings), **common)
    return 0


def cmd_keys_create(args: argparse.Namespace) -> int:
    from service.store.keys import create_key

    with _session() as session:
        new = create_key(session, name=args.name, role=args.role)
        key_id = new.record.id
    print(f"Kunci {key_id} dibuat / created key {key_id} ({args.role}, {args.name!r}); shown once:")
    print(new.secret, flush=True)
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    from service.store.keys import list_keys

    with _session() as session:
        rows = list_keys(session)
        print(
            f"{'id':>4}  {'role':<9}  {'prefix':<12}  {'status':<7}  {'created':<19}  {'last used':<19}  name"
        )
        for k in rows:
            status = "active" if k.revoked_at is None else "revoked"
            last = k.last_used_at.strftime("%Y-%m-%d %H:%M:%S") if k.last_used_at else "-"
            created = k.created_at.strftime("%Y-%m-%d %H:%M:%S")
            print(f"{k.id:>4}  {k.role:<9}  {k.prefix:<12}  {status:<7}  {created:<19}  {last:<19}  {k.name}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from service.store.keys import revoke_key

    with _session() as session:
        record = revoke_key(session, key_id=args.id)
        if record is None:
            raise ServiceCliError(f"no key {args.id}", f"tidak ada kunci {args.id}")
    print(f"Kunci {args.id} dicabut / key {args.id} revoked")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Score pending batches (the same worker the service runs in a thread)."""
    from screener import Screener
    from service.store import create_db_engine, migrate, session_factory
    from service.watch import SourcePoller, fetcher_for
    from service.worker import ScoringWorker, load_default_screener

    settings = _settings()
    processes = settings.worker_processes if args.processes is None else args.processes
    if processes < 1:
        raise ServiceCliError(
            f"--processes must be 1 or more (got {processes})",
            f"--processes harus 1 atau lebih (bukan {processes})",
        )
    engine = create_db_engine(settings.resolved_database_url)
    if processes > 1:
        try:
            migrate(engine)
        finally:
            engine.dispose()
        return _run_worker_pool(settings, processes, once=args.once)
    try:
        migrate(engine)
        screener: Screener = load_default_screener(settings.model_path)
        sessions = session_factory(engine)
        poller = SourcePoller(sessions, settings, fetcher_for(settings))  # watched sources, when due
        worker = ScoringWorker(sessions, settings, lambda: screener, poller=poller)
        from service.privacy import RetentionSchedule, run_retention

        worker.schedules.append(RetentionSchedule(settings, lambda: run_retention(sessions, settings)))
        if args.once:
            total = worker.drain()
            print(f"{total} iklan dinilai / ads scored", flush=True)
            return 0
        print("worker berjalan / worker running (Ctrl-C to stop)", flush=True)
        with suppress(KeyboardInterrupt):
            worker.loop()
    finally:
        engine.dispose()
    return 0


def _run_worker_pool(settings: Any, processes: int, *, once: bool) -> int:
    from service.worker_pool import WorkerPool

    pool = WorkerPool(settings, processes, drain=once)
    pool.start()
    print(f"{processes} proses penilai / scoring processes (Ctrl-C to stop)", flush=True)
    try:
        if once:
            while not pool.wait(timeout=1.0):
                pass
            print("antrean habis / nothing left to score", flush=True)
        else:
            signal.signal(signal.SIGTERM, lambda *_: pool.request_stop())
            while not pool.stopping(1.0):
                pass
    except KeyboardInterrupt:
        pass
    finally:
        pool.stop()
    return 0


def cmd_export_decisions(args: argparse.Namespace) -> int:
    """Decided ads in the corpus schema; redacted unless --unredacted with a --purpose (training)."""
    from pathlib import Path

    from screener.datasets import PLATFORMS
    from screener.redact import redact
    from service.store.export import decided_rows

    if args.unredacted and len(" ".join((args.purpose or "").split())) < 5:
        raise ServiceCliError(
            "--unredacted needs --purpose (why the raw texts are needed; recorded in the access log)",
            "--unredacted memerlukan --purpose (alasan teks mentah diperlukan; dicatat di log akses)",
        )
    out = Path(args.out)
    count = 0
    with _session() as session, out.open("w", encoding="utf-8") as handle:
        for row in decided_rows(session, platforms=PLATFORMS, fallback_platform="facebook"):
            if not args.unredacted:
                row = {**row, "text": redact(row["text"]).text}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        if args.unredacted:
            from service.store.models import AccessEntry

            session.add(AccessEntry(key_id=None, role="cli", purpose=args.purpose[:300], action="export_unredacted",
                                    object_type="decisions", count=count))  # fmt: skip
    kind = "tanpa penyamaran / unredacted" if args.unredacted else "disamarkan / redacted"
    print(f"{count} iklan ditulis ke / ads written to {out} ({kind})")
    return 0


def cmd_models_promote(args: argparse.Namespace) -> int:
    """Compare the candidate with the current model on the frozen split; promote only without regression."""
    from screener import registry

    result = registry.promote(
        args.path,
        data=args.data,
        holdout=args.holdout,
        tolerance=args.tolerance,
        force=args.force,
    )
    print(f"evaluated on / dinilai pada: {result.evaluated_on}")
    for warning in result.warnings:
        print(f"peringatan / warning: {warning}", file=sys.stderr)
    decision = result.decision
    if not decision.promote:
        raise ServiceCliError(decision.message, decision.message_id)
    assert result.installed is not None
    print(f"{result.installed.name} sekarang model bawaan / is now the default "
          f"({result.installed.parent / 'DEFAULT'}); the service reloads it within "
          "SCREENER_MODEL_RELOAD_SECONDS or on POST /api/v1/model/reload")  # fmt: skip
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from service import settings_doc

    print(settings_doc.markdown_table() if args.markdown else settings_doc.text_listing(), end="")
    return 0


def _client_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=None, help="alamat layanan / service URL (default SCREENER_API_URL)")
    parser.add_argument("--key", default=None, help="kunci API / API key (default SCREENER_API_KEY)")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the service's subcommands to the ``screener`` command line."""
    from service.client import (
        cmd_batch_status,
        cmd_batch_submit,
        cmd_queue_claim,
        cmd_queue_decide,
        cmd_queue_release,
    )

    p = subparsers.add_parser(
        "serve",
        help="jalankan layanan API / run the API service (uvicorn)",
        epilog="Settings: SCREENER_* environment variables; `screener settings` lists them with their descriptions.",
    )
    p.add_argument(
        "--host", default=None, help="alamat / listen address (default SCREENER_HOST or 127.0.0.1)"
    )
    p.add_argument("--port", type=int, default=None, help="port (default SCREENER_PORT or 8000)")
    p.add_argument("--workers", type=int, default=None, help="proses worker / worker processes (default 1)")
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser(
        "settings", help="pengaturan SCREENER_* / the SCREENER_* settings, defaults and meaning"
    )
    p.add_argument("--markdown", action="store_true", help="sebagai tabel / as the README's Markdown table")
    p.set_defaults(func=cmd_settings)

    keys = subparsers.add_parser("keys", help="kelola kunci API / manage API keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    p = keys_sub.add_parser("create", help="buat kunci (dicetak sekali) / create a key (printed once)")
    p.add_argument("--role", required=True, choices=[str(r) for r in Role])
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_keys_create)
    p = keys_sub.add_parser("list", help="daftar kunci / list keys")
    p.set_defaults(func=cmd_keys_list)
    p = keys_sub.add_parser("revoke", help="cabut kunci / revoke a key")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_keys_revoke)

    p = subparsers.add_parser("worker", help="nilai batch yang menunggu / score pending batches")
    p.add_argument("--once", action="store_true", help="habiskan antrean lalu keluar / drain, then exit")
    p.add_argument(
        "--processes",
        type=int,
        default=None,
        help="proses penilai / scoring processes (default SCREENER_WORKER_PROCESSES, 1)",
    )
    p.set_defaults(func=cmd_worker)

    batch = subparsers.add_parser("batch", help="kirim batch iklan / submit batches of ads")
    batch_sub = batch.add_subparsers(dest="batch_command", required=True)
    p = batch_sub.add_parser(
        "submit",
        help="kirim berkas CSV/JSONL/JSON, ekspor WhatsApp/Telegram / submit a CSV, JSONL, JSON file or a chat export",
    )
    p.add_argument("file")
    p.add_argument(
        "--format", default=None, help="baca sebagai format ini / read as this format (default: detected)"
    )
    p.add_argument("--url", default=None, help="alamat layanan / service URL (default SCREENER_API_URL)")
    p.add_argument("--key", default=None, help="kunci API / API key (default SCREENER_API_KEY)")
    p.add_argument("--no-wait", action="store_true", help="jangan tunggu penilaian / do not wait for scoring")
    p.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_batch_submit)
    p = batch_sub.add_parser("status", help="status batch / a batch's status (--watch: follow it)")
    p.add_argument("id", type=int)
    p.add_argument("--watch", action="store_true", help="ikuti sampai selesai / follow until done")
    p.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)
    _client_arguments(p)
    p.set_defaults(func=cmd_batch_status)

    queue = subparsers.add_parser("queue", help="antrean tinjauan / the review queue (client)")
    queue_sub = queue.add_subparsers(dest="queue_command", required=True)
    p = queue_sub.add_parser("claim", help="ambil item (JSON per baris) / lease items (JSON lines)")
    p.add_argument("--limit", type=int, default=10)
    _client_arguments(p)
    p.set_defaults(func=cmd_queue_claim)
    p = queue_sub.add_parser("decide", help="putuskan item yang dipegang / decide a leased item")
    p.add_argument("id", type=int)
    p.add_argument("--verdict", required=True, choices=[str(v) for v in Verdict])
    p.add_argument(
        "--indicator",
        action="append",
        help="indikator yang dikonfirmasi (boleh berulang) / confirmed indicator",
    )
    p.add_argument("--note", default="")
    _client_arguments(p)
    p.set_defaults(func=cmd_queue_decide)
    p = queue_sub.add_parser("release", help="lepas item / release leased items (ids, or --all)")
    p.add_argument("id", type=int, nargs="*")
    p.add_argument("--all", action="store_true", help="lepas semua yang dipegang / release all you hold")
    _client_arguments(p)
    p.set_defaults(func=cmd_queue_release)

    export = subparsers.add_parser("export", help="ekspor / export")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    p = export_sub.add_parser("decisions", help="iklan yang sudah diputuskan (skema korpus) / decided ads")
    p.add_argument("--out", required=True, help="berkas JSONL / output JSONL file")
    p.add_argument(
        "--unredacted", action="store_true", help="teks mentah (perlu --purpose) / raw texts, for training"
    )
    p.add_argument("--purpose", default=None, help="tujuan, dicatat / why (recorded in the access log)")
    p.set_defaults(func=cmd_export_decisions)

    models = subparsers.add_parser("models", help="kelola model / manage models")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    p = models_sub.add_parser(
        "promote", help="jadikan model bawaan bila tidak menurun / promote unless it regresses"
    )
    p.add_argument(
        "path",
        help="artefak .joblib kandidat (di mana saja; disalin ke models/) / the candidate .joblib, anywhere "
        "(copied into models/ when promoted)",
    )
    p.add_argument(
        "--data",
        default=None,
        help="data evaluasi pengganti holdout / corpus-format data to compare on instead of the frozen "
        "holdout (neither model may have trained on it)",
    )
    p.add_argument(
        "--holdout", default=None, help="berkas holdout / the frozen split file (default: models/holdout.txt)"
    )
    p.add_argument("--tolerance", type=float, default=0.005, help="penurunan yang diizinkan / allowed drop")
    p.add_argument("--force", action="store_true", help="promosikan walau menurun / promote anyway")
    p.set_defaults(func=cmd_models_promote)

    from service.cli_db import register_db
    from service.privacy_cli import register as register_privacy
    from service.sources_cli import register_sources

    register_db(subparsers)  # screener db backup|restore
    register_privacy(subparsers)  # screener privacy retention|erase, screener audit verify
    register_sources(subparsers)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `screener serve` or `screener keys ...`")
