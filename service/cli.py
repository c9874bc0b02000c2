"""Service commands for the ``screener`` CLI (registered through the ``screener.commands`` entry point).

``screener serve`` runs the API under uvicorn; ``screener keys create|list|revoke`` manage API keys
in the database named by ``SCREENER_DATABASE_URL`` (migrated first).
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from screener.errors import ScreenerError

__all__ = ["register"]

ROLES = ("officer", "moderator", "educator", "admin")


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
    import uvicorn

    from service.app import bootstrap, create_app

    settings = _settings(host=args.host, port=args.port, workers=args.workers)
    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": _log_config(),
        "access_log": False,  # the service logs each request itself (JSON lines, with request ids)
        "timeout_graceful_shutdown": 10,
    }
    if settings.workers > 1:
        # Migrate and create the first admin key once, here, before the workers race to do it; each
        # worker then builds its own app from the environment.
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


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the service's subcommands to the ``screener`` command line."""
    p = subparsers.add_parser("serve", help="jalankan layanan API / run the API service (uvicorn)")
    p.add_argument(
        "--host", default=None, help="alamat / listen address (default SCREENER_HOST or 127.0.0.1)"
    )
    p.add_argument("--port", type=int, default=None, help="port (default SCREENER_PORT or 8000)")
    p.add_argument("--workers", type=int, default=None, help="proses worker / worker processes (default 1)")
    p.set_defaults(func=cmd_serve)

    keys = subparsers.add_parser("keys", help="kelola kunci API / manage API keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    p = keys_sub.add_parser("create", help="buat kunci (dicetak sekali) / create a key (printed once)")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--name", required=True)
    p.set_defaults(func=cmd_keys_create)
    p = keys_sub.add_parser("list", help="daftar kunci / list keys")
    p.set_defaults(func=cmd_keys_list)
    p = keys_sub.add_parser("revoke", help="cabut kunci / revoke a key")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_keys_revoke)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `screener serve` or `screener keys ...`")
