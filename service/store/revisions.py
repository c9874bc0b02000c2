"""The schema versions this code knows: the Alembic revisions in ``service/migrations``.

``screener db restore`` refuses a backup whose revision is not among them (a newer schema), and
names it.
"""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from service.store.db import MIGRATIONS_DIR

__all__ = ["current_revision", "head_revision", "known_revisions"]


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS_DIR))


def head_revision() -> str:
    """The newest revision (the one ``migrate`` brings a database to)."""
    head = _script().get_current_head()
    assert head is not None, "the migrations have several heads"
    return head


def known_revisions() -> frozenset[str]:
    return frozenset(rev.revision for rev in _script().walk_revisions())


def current_revision(connection: Connection) -> str | None:
    """The revision a database is at (None: never migrated)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)
