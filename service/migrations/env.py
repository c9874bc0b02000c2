"""Alembic environment: the connection (or URL) comes from the app, never from an ini file.

``service.store.db.migrate`` passes an open connection in ``config.attributes["connection"]``;
running ``alembic`` by hand uses ``sqlalchemy.url`` from the config, else ``SCREENER_DATABASE_URL``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from service.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch mode for ALTER
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from service.settings import Settings
    from service.store.db import create_db_engine

    url = config.get_main_option("sqlalchemy.url") or Settings().resolved_database_url
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them against a database")
run_migrations_online()
