"""A scored chunk's rows: built before the write transaction, then written with few statements.

:func:`prepare` encodes each ad's assessment and contact rows while the worker holds no lock (it runs
in :func:`service.worker.score_rows`); under the lock :func:`insert_assessments` only sends them, and
:func:`mark_scored` sets each ad's ``scored`` flag with its content hash and campaign in one UPDATE,
the ads having been claimed by :func:`unscored`.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from service.store import bulk
from service.store.db import is_postgres
from service.store.models import Ad, AdAssessment

if TYPE_CHECKING:
    from service.store.campaigns import ScoredAd

__all__ = ["insert_assessments", "mark_scored", "prepare", "slots_of", "unscored", "wide_cache"]

# SQLite's page cache, in KiB, for the connection that writes a chunk (its default is 2,000 KiB).
SCORING_CACHE_KIB = 16_384


def slots_of(assessment: dict[str, Any]) -> dict[str, list[str]]:
    """What reposts of one template vary: phone numbers, salaries, places."""
    phones = [c["value"] for c in assessment.get("contacts", ()) if c["kind"] in ("phone", "whatsapp")]
    salary = assessment.get("salary") or {}
    amount = salary.get("amount") or {}
    salaries = [str(amount["text"])] if amount.get("text") else []
    places = [p["place"]["name_id"] for p in assessment.get("places", ())]
    return {"phones": phones, "salaries": salaries, "places": places}


def prepare(scored: Sequence[ScoredAd]) -> None:
    """Build each ad's assessment and contact rows, JSON encoded, so the write transaction only sends
    them (the worker calls this before taking the write lock). The values are those the SQLAlchemy
    insert wrote: ``json.dumps`` is the engine's JSON serializer (SQLAlchemy's default).
    Idempotent: an ad already prepared is left as it is."""
    for s in scored:
        a = s.assessment
        if a is None or s.assessment_row:
            continue
        s.assessment_row = (
            s.ad_id, str(a["model_version"]), float(a["risk"]), str(a["tier"]), str(a["category"]),
            json.dumps([i["id"] for i in a["indicators"]]), json.dumps(slots_of(a)),
            s.encoded or json.dumps(a),
        )  # fmt: skip
        s.contact_rows = [(s.ad_id, c["kind"], str(c["value"])[:300]) for c in a["contacts"]]


@contextmanager
def wide_cache(session: Session) -> Iterator[None]:
    """While a chunk is written, give its connection a page cache of :data:`SCORING_CACHE_KIB`
    (SQLite), and give the connection its own size back afterwards.

    A chunk of 500 ads changes pages all over the ``ads`` indexes, ``cluster_bands`` and the queue:
    more than SQLite's default 2 MB cache holds, so it wrote dirty pages out to the WAL mid-transaction
    and read pages back that it had just evicted, all while holding the write lock. With 16 MB
    (benchmarked at 8, 16, 32 and 64 MB; the gain stops growing at about 8-16) record_scored took
    ~15 % less CPU, also with another process committing between chunks, which empties the cache (WAL:
    a reader whose snapshot changed drops its cached pages), as several worker processes do. So the
    wide cache is only needed during the chunk: setting the size back after it keeps the pooled
    connections (the app's pool lends any of them to the in-app worker) at SQLite's default, instead
    of up to 16 MB each. Shrinking drops clean pages only; the chunk's dirty ones are written at
    commit as before. PostgreSQL: nothing to do (shared buffers).
    """
    if is_postgres(session):
        yield
        return
    with bulk.driver_cursor(session) as cursor:
        previous = int(cursor.execute("PRAGMA cache_size").fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SCORING_CACHE_KIB}")
    try:
        yield
    finally:
        # A connection that failed mid-chunk is rolled back and may be discarded: nothing to restore.
        with contextlib.suppress(sqlite3.Error), bulk.driver_cursor(session) as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def unscored(session: Session, ids: Sequence[int]) -> set[int]:
    """The ads of ``ids`` nobody has scored yet; they stay ours until the transaction ends.

    Why a read here and the ``scored`` flag set later, with the cluster (:func:`_mark_scored`), is as
    safe as the conditional ``UPDATE ... RETURNING`` it replaces: on SQLite the caller holds the write
    lock (``BEGIN IMMEDIATE``, :func:`~service.store.db.write_transaction`), so no other writer can mark
    them in between (in a deferred transaction, the first write after another's commit fails with
    ``SQLITE_BUSY`` instead); on PostgreSQL ``FOR UPDATE`` locks the rows and, READ COMMITTED, checks
    ``scored`` again on the newest version after waiting for another worker. And ``assessments.ad_id``
    is unique whatever happens.

    The read goes through the driver (:func:`bulk.fetch_plain`); on SQLite it searches
    ``ix_ads_scored_id`` for each id (tests/service/test_store_record.py).
    """
    rows = bulk.fetch_plain(session, claim_statement(session), (bulk.list_value(session, ids), False))
    return {row[0] for row in rows}


def claim_statement(session: Session) -> str:
    """The read of :func:`unscored`: ``?`` for the ids (:func:`bulk.list_value`), ``?`` for false."""
    query = 'SELECT "id" FROM "ads" WHERE ' + bulk.in_plain(session, '"id"') + ' AND "scored" = ?'
    return query + " FOR UPDATE" if is_postgres(session) else query


def insert_assessments(session: Session, good: Sequence[ScoredAd], now: datetime) -> None:
    """The prepared assessment rows through the driver (:func:`bulk.insert_plain`: ``executemany`` on
    SQLite, ``COPY`` on PostgreSQL), ``created_at`` converted once by the column's own type.

    On PostgreSQL ``COPY`` hands the server the JSON texts the worker encoded, which it parses into
    ``jsonb`` as it did for the multi-row INSERT this replaces (SQLAlchemy building that INSERT's
    parameters cost ~29 µs of the worker's CPU per ad: ``bench_worker_stages.py --postgres``)."""
    table = cast(Table, AdAssessment.__table__)
    stamp = bulk.bind_value(session, table.c.created_at, now)
    bulk.insert_plain(session, table.name, ASSESSMENT_COLUMNS, [(*s.assessment_row, stamp) for s in good])


ASSESSMENT_COLUMNS = (
    "ad_id", "model_version", "risk", "tier", "category", "indicators", "slots", "assessment", "created_at",
)  # fmt: skip


def mark_scored(
    session: Session, good: Sequence[ScoredAd], failed: Sequence[ScoredAd], clusters: dict[int, int]
) -> None:
    """Mark the chunk's ads scored, each with its content hash and campaign in the same UPDATE (one
    write of each row instead of two); ads that could not be scored get only the flag."""
    rows = [(True, s.content_hash, clusters[s.ad_id], s.ad_id) for s in good]
    bulk.execute_plain(
        session, 'UPDATE "ads" SET "scored" = ?, "content_hash" = ?, "cluster_id" = ? WHERE "id" = ?', rows
    )
    if failed:
        ads = cast(Table, Ad.__table__)
        ids = [s.ad_id for s in failed]
        session.execute(update(ads).where(bulk.in_values(session, ads.c.id, ids)).values(scored=True))
