"""The cheaper store path: one-parameter IN lists, ids taken ahead under the lock, and the queue's hot
queries on their indexes (SQLite ``EXPLAIN QUERY PLAN``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from queue_testing import migrated_engine
from sqlalchemy import Engine, insert, literal_column, select, text
from sqlalchemy.orm import Session

from service.store import bulk, create_db_engine, leases, migrate, session_factory
from service.store.models import Ad, Batch, ClusterBand, QueueItem, utcnow


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(request.param, tmp_path) as made:
        yield made


def test_in_values_takes_more_values_than_sqlite_has_parameters(engine: Engine) -> None:
    keys = [(1 << 62) + i * 7919 for i in range(3000)]  # 63-bit band keys, past SQLite's 999 parameters
    with session_factory(engine).begin() as session:
        session.execute(
            insert(ClusterBand), [{"band_key": k, "cluster_id": i % 50} for i, k in enumerate(keys)]
        )
        wanted = [*keys[::3], 5, 6]  # two keys nobody has
        found = session.execute(
            select(ClusterBand.band_key).where(bulk.in_values(session, ClusterBand.band_key, wanted))
        ).scalars()
        assert sorted(found) == sorted(keys[::3])
        assert (
            list(
                session.execute(
                    select(ClusterBand.band_key).where(bulk.in_values(session, ClusterBand.band_key, []))
                )
            )
            == []
        )


def test_ids_taken_ahead_are_the_ones_the_database_gives_next(engine: Engine) -> None:
    def new_batch(session: Session, **values: object) -> int:
        now = utcnow()
        row = {"status": "queued", "accepted": 0, "rejected": 0, "scored": 0, "enqueued": 0,
               "created_at": now, "updated_at": now, **values}  # fmt: skip
        return int(session.execute(insert(Batch).values(**row).returning(Batch.id)).scalar_one())

    sessions = session_factory(engine)
    with sessions.begin() as session:
        assert bulk.next_id(session, "batches") == 1
        first = new_batch(session)
        assert first == 1
        ahead = bulk.next_id(session, "batches")
        assert ahead == 2
        # Two rows written with the ids taken ahead, in one statement...
        for offset in range(2):
            new_batch(session, id=ahead + offset)
        bulk.claim_ids(session, "batches", ahead + 1)
    with sessions.begin() as session:
        # ...and the next ordinary insert does not collide with them.
        assert new_batch(session) == ahead + 2 == bulk.next_id(session, "batches") - 1


def _plan(session: Session, query: str) -> str:
    return "\n".join(str(row[-1]) for row in session.execute(text("EXPLAIN QUERY PLAN " + query)))


def test_hot_queries_use_indexes_on_sqlite(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/plans.db")
    migrate(engine)
    try:
        with session_factory(engine)() as session:
            dialect = engine.dialect

            def sql(statement: object) -> str:
                compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
                return str(compiled)

            pending = (
                select(Ad.id)
                .join(Batch, Batch.id == Ad.batch_id)
                .where(Ad.scored.is_(False), Batch.status.in_(("queued", "scoring")))
                .order_by(Ad.id)
                .limit(500)
            )
            assert "INDEX ix_ads_scored_id" in _plan(session, sql(pending))
            claim = (
                select(QueueItem.id)
                .where(leases._claimable(literal_column("'2026-01-01'"), 1))  # type: ignore[arg-type]
                .order_by(*leases.queue_order())
                .limit(20)
            )
            plan = _plan(session, sql(claim))
            assert "ix_queue_items_status_priority" in plan and "ix_decisions_item_id" in plan
            by_batch = select(QueueItem.id).where(
                QueueItem.status.in_(("open", "leased")), QueueItem.batch_id == 3
            )
            assert "INDEX ix_queue_items_batch_status" in _plan(session, sql(by_batch))
            by_reason = select(QueueItem.id).where(QueueItem.status == "open", QueueItem.reason == "audit")
            assert "INDEX ix_queue_items_status_reason" in _plan(session, sql(by_reason))
            bands = select(ClusterBand.cluster_id).where(
                bulk.in_values(session, ClusterBand.band_key, [1, 2])
            )
            assert "SEARCH cluster_bands USING COVERING INDEX" in _plan(session, sql(bands))
    finally:
        engine.dispose()


def test_plain_rows_through_the_driver_are_in_the_transaction(engine: Engine) -> None:
    """``insert_plain`` (executemany on SQLite, COPY on PostgreSQL) writes 63-bit keys exactly, and a
    rolled-back transaction takes its rows with it."""
    rows = [((1 << 62) + i * 104_729, i % 7) for i in range(2000)]
    with session_factory(engine).begin() as session:
        bulk.insert_plain(session, "cluster_bands", ("band_key", "cluster_id"), rows)
    with session_factory(engine)() as session:
        stored = session.execute(select(ClusterBand.band_key, ClusterBand.cluster_id)).all()
        assert sorted(map(tuple, stored)) == sorted(rows)
        bulk.insert_plain(session, "cluster_bands", ("band_key", "cluster_id"), [(5, 5)])
        session.rollback()
        assert session.execute(select(ClusterBand).where(ClusterBand.band_key == 5)).first() is None


def test_json_encoded_ahead_is_stored_as_given(engine: Engine) -> None:
    """A value encoded before the write transaction and written through the driver
    (:func:`bulk.insert_plain`, as the worker writes assessments) reads back as the same data as one
    the engine encodes itself."""
    from service.store.models import AdAssessment

    data = {"risk": 0.25, "indicators": [{"id": "x", "evidence": [{"text": "Kamboja 🇰🇭"}]}], "n": None}
    with session_factory(engine).begin() as session:
        batch_id = session.execute(
            insert(Batch).values(status="queued", accepted=1, rejected=0, scored=0, enqueued=0,
                                 created_at=utcnow(), updated_at=utcnow()).returning(Batch.id)
        ).scalar_one()  # fmt: skip
        ad_ids = session.execute(
            insert(Ad).returning(Ad.id),
            [{"batch_id": batch_id, "row": i, "text": "t", "scored": True, "created_at": utcnow()} for i in (1, 2)],
        ).scalars().all()  # fmt: skip
        stamp = bulk.bind_value(session, AdAssessment.__table__.c.created_at, utcnow())
        bulk.insert_plain(
            session,
            "assessments",
            (
                "ad_id",
                "model_version",
                "risk",
                "tier",
                "category",
                "indicators",
                "slots",
                "assessment",
                "created_at",
            ),
            [(ad_ids[0], "t", 0.25, "rendah", "c", "[]", "{}", json.dumps(data), stamp)],
        )
        session.execute(
            insert(AdAssessment).values(ad_id=ad_ids[1], model_version="t", risk=0.25, tier="rendah",
                                        category="c", indicators=[], slots={}, assessment=data,
                                        created_at=utcnow())
        )  # fmt: skip
    with session_factory(engine)() as session:
        stored = session.execute(select(AdAssessment.assessment).order_by(AdAssessment.ad_id)).scalars().all()
        assert stored == [data, data]
