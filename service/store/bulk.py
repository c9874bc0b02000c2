"""One statement per chunk, whatever its size: ``IN`` lists as one parameter, ids allocated in bulk.

``IN (...)`` with one bound parameter per value hits SQLite's limit on parameters (999) and costs a
compile per list length; :func:`in_values` passes the whole list as one parameter instead: a JSON array
read by ``json_each`` on SQLite, an array with ``= ANY(...)`` on PostgreSQL. Both use the column's
index (``EXPLAIN`` shows a search, see tests/service/test_store_bulk.py).

:func:`next_id` and :func:`claim_ids` give a chunk's new rows their primary keys before they are
written, so a chunk's new campaigns go in one multi-row INSERT instead of one INSERT ... RETURNING each.
They must run in the transaction that holds the clustering lock (SQLite's write lock, or the advisory
lock on PostgreSQL): nobody else inserts into the table meanwhile, so the ids are exactly those the
database would have given one by one.

:func:`insert_plain` writes many rows of plain integers and strings (band keys, contacts) straight
through the driver, ``executemany`` on SQLite and ``COPY`` on PostgreSQL, in the session's
transaction: SQLAlchemy's per-row parameter processing costs more than the database does there.
:func:`fetch_plain` is the same for the reads of the scoring transaction (with :func:`in_plain` and
:func:`list_value` for an ``IN`` list as one parameter): building, caching and executing a SQLAlchemy
``select`` through the session cost more CPU than SQLite's search of the index it reads (~2 ms of
Python against ~0.1 ms of SQLite to claim a chunk of 500 ads), and that transaction holds the write lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Table,
    any_,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

__all__ = [
    "bind_value",
    "claim_ids",
    "driver_cursor",
    "execute_plain",
    "fetch_plain",
    "in_plain",
    "in_values",
    "insert_plain",
    "insert_rows",
    "list_value",
    "next_id",
]


def in_values(session: Session, column: Any, values: Sequence[int]) -> ColumnElement[bool]:
    """``column IN values`` as one bound parameter (integers)."""
    listed = [int(v) for v in values]
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, listed, type_=ARRAY(BigInteger)))
    each: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam(None, json.dumps(listed)))
    )
    return column.in_(each)


def in_plain(session: Session, column: str, sql_type: str = "bigint") -> str:
    """SQL for ``column IN`` a list passed as one ``?`` parameter (:func:`list_value`), as
    :func:`in_values` writes it: ``json_each`` on SQLite, ``= ANY`` of an array of ``sql_type`` on
    PostgreSQL. For the statements of :func:`fetch_plain` and :func:`execute_plain`."""
    if session.get_bind().dialect.name == "postgresql":
        return f"{column} = ANY(?::{sql_type}[])"
    return f"{column} IN (SELECT value FROM json_each(?))"


def list_value(session: Session, values: Sequence[Any]) -> Any:
    """``values`` (ints or strs) as the parameter of :func:`in_plain`: a JSON array on SQLite."""
    listed = list(values)
    return listed if session.get_bind().dialect.name == "postgresql" else json.dumps(listed)


def fetch_plain(session: Session, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` (``?`` placeholders, no other ``?``) through the driver, in the
    session's transaction: as the driver returns them, so only for columns whose type converts nothing
    on the way out (ints, floats, strs, bytes; not datetimes, JSON or booleans on SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.replace("?", "%s")
    with driver_cursor(session) as cursor:
        cursor.execute(statement, tuple(params))
        return list(cursor.fetchall())


def next_id(session: Session, table: str) -> int:
    """The primary key the next INSERT into ``table`` would get. Call only while holding the lock
    that serialises inserts into ``table``, and :func:`claim_ids` before letting it go."""
    if session.get_bind().dialect.name == "postgresql":
        last = session.execute(
            text("SELECT pg_sequence_last_value(pg_get_serial_sequence(:t, 'id')::regclass)"), {"t": table}
        ).scalar_one()
        return int(last or 0) + 1
    # SQLite: an INTEGER PRIMARY KEY without AUTOINCREMENT takes max(id) + 1.
    top = session.execute(text(f'SELECT coalesce(max(id), 0) FROM "{table}"')).scalar_one()
    return int(top) + 1


def claim_ids(session: Session, table: str, last: int) -> None:
    """Rows up to id ``last`` were inserted with explicit ids: move the sequence past them (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :last)"), {"t": table, "last": last}
        )


def insert_plain(session: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (tuples of ints and strs, in ``columns`` order) into ``table`` in the session's
    transaction, through the driver: no type processing, so only for columns that need none."""
    if not rows:
        return
    names = ", ".join(f'"{c}"' for c in columns)
    if session.get_bind().dialect.name == "postgresql":
        with driver_cursor(session) as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    execute_plain(session, f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def execute_plain(session: Session, statement: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run ``statement`` (``?`` placeholders, no other ``?``) once per row through the driver's
    ``executemany``, in the session's transaction: for values the driver stores as SQLAlchemy would
    (ints, strs, floats, bools; convert others with :func:`bind_value`)."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.replace("?", "%s")
    with driver_cursor(session) as cursor:
        cursor.executemany(statement, rows)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``session.execute(insert(table), rows)`` (rows with the same keys), with SQLAlchemy's per-row
    parameter handling skipped on SQLite. Exact because it sends what SQLAlchemy sends: each value
    through its column type's bind processor, and a missing column's scalar default as a value (a
    callable default falls back to SQLAlchemy); then the driver's ``executemany``. PostgreSQL keeps
    SQLAlchemy's multi-row INSERT."""
    if not rows:
        return
    given = list(rows[0])
    defaults = {c.name: c.default for c in table.columns if c.name not in rows[0] and c.default is not None}
    scalar = all(getattr(d, "is_scalar", False) for d in defaults.values())
    if session.get_bind().dialect.name == "postgresql" or not scalar:
        session.execute(insert(table), rows)
        return
    columns = given + list(defaults)
    constants = [getattr(d, "arg", None) for d in defaults.values()]
    dialect = session.get_bind().dialect
    processors = [
        (i, p)
        for i, name in enumerate(columns)
        if (p := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    values = []
    for row in rows:
        value = [row[name] for name in given] + constants
        for i, processor in processors:
            value[i] = processor(value[i])
        values.append(value)
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    execute_plain(session, f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', values)


def bind_value(session: Session, column: Any, value: Any) -> Any:
    """``value`` as SQLAlchemy would send it to the driver for ``column`` (its type's bind processor,
    a TypeDecorator's own conversion included)."""
    dialect = session.get_bind().dialect
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None else value


@contextmanager
def driver_cursor(session: Session) -> Iterator[Any]:
    """A cursor of the driver's connection, in the session's transaction."""
    dbapi = session.connection().connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
