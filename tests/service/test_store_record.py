"""record_scored's write path: the ``scored`` flag set with the campaign in one UPDATE after a read of
the chunk's unscored ads, rows prepared before the transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from queue_testing import migrated_engine
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from service.store import campaigns, create_db_engine, migrate, session_factory, write_transaction
from service.store.models import Ad, AdAssessment, AdContact, Batch, BatchError, utcnow
from service.worker import score_rows

OPTIONS = {"review_threshold": 0.5, "uncertain_margin": 0.05, "similarity_threshold": 0.6}
TEXTS = [
    "Dicari TKW ke Malaysia, gaji 8 juta, tanpa biaya, paspor diurus agen. WA 0812-3456-7890",
    "Lowongan kerja staf gudang di Bekasi, gaji sesuai UMK, hubungi kantor.",
    "Dicari TKW ke Malaysia, gaji 8 juta, tanpa biaya, paspor diurus agen. WA 0812-3456-7890",
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(request.param, tmp_path) as made:
        yield made


def _ads(session: Session, texts: list[str]) -> list[Any]:
    batch_id = session.execute(
        insert(Batch)
        .values(status="queued", accepted=len(texts), created_at=utcnow(), updated_at=utcnow())
        .returning(Batch.id)
    ).scalar_one()
    for t in texts:
        session.execute(insert(Ad).values(batch_id=batch_id, text=t, received_at=utcnow()))
    return list(session.execute(select(Ad.id, Ad.batch_id, Ad.text, Ad.platform).order_by(Ad.id)))


def test_failed_ads_get_only_the_flag_and_a_second_write_of_the_chunk_writes_nothing(
    engine: Engine, screener: Any
) -> None:
    sessions = session_factory(engine)
    with sessions.begin() as session:
        rows = _ads(session, TEXTS)
    scored = score_rows(screener, rows)
    failed = campaigns.ScoredAd(rows[1].id, rows[1].batch_id, None, None, error="scoring failed: boom")
    chunk = [scored[0], failed, scored[2]]
    with write_transaction(sessions) as session:
        assert campaigns.record_scored(session, scored=chunk, **OPTIONS) == 3
    with write_transaction(sessions) as session:  # another worker's copy of the chunk
        assert campaigns.record_scored(session, scored=chunk, **OPTIONS) == 0
    with sessions() as session:
        ads = session.execute(select(Ad.id, Ad.scored, Ad.content_hash, Ad.cluster_id).order_by(Ad.id)).all()
        assert [a.scored for a in ads] == [True, True, True]
        assert ads[1].content_hash is None and ads[1].cluster_id is None
        assert ads[0].content_hash == scored[0].content_hash and ads[0].cluster_id is not None
        assert ads[0].cluster_id == ads[2].cluster_id  # the same text: one campaign
        assert session.execute(select(BatchError.message)).scalars().all() == [
            f"ad {rows[1].id}: scoring failed: boom"
        ]
        stored = session.execute(select(AdAssessment).order_by(AdAssessment.ad_id)).scalars().all()
        assert [a.ad_id for a in stored] == [rows[0].id, rows[2].id]
        first = scored[0].assessment
        assert first is not None
        assert stored[0].assessment == json.loads(json.dumps(first))
        assert stored[0].indicators == [i["id"] for i in first["indicators"]]
        assert stored[0].slots == campaigns.slots_of(first)
        assert stored[0].created_at.tzinfo is not None
        contacts = session.execute(select(AdContact.ad_id, AdContact.kind, AdContact.value)).all()
        assert sorted(contacts) == sorted(
            (s.ad_id, c["kind"], c["value"]) for s in (scored[0], scored[2]) for c in s.assessment["contacts"]
        )


def test_unprepared_chunks_are_prepared_in_the_transaction(engine: Engine, screener: Any) -> None:
    """A caller that builds ScoredAd itself (no score_rows) gets the same rows written."""
    sessions = session_factory(engine)
    with sessions.begin() as session:
        rows = _ads(session, TEXTS[:2])
    scored = score_rows(screener, rows)
    bare = [
        campaigns.ScoredAd(
            s.ad_id, s.batch_id, s.platform, s.assessment, s.content_hash, s.signature, s.band_keys
        )
        for s in scored
    ]
    with write_transaction(sessions) as session:
        assert campaigns.record_scored(session, scored=bare, **OPTIONS) == 2
    with sessions() as session:
        stored = session.execute(select(AdAssessment.assessment).order_by(AdAssessment.ad_id)).scalars().all()
    assert stored == [json.loads(s.encoded) for s in scored]


def test_score_rows_leaves_a_malformed_assessment_for_record_scored_to_reject() -> None:
    class Partial:
        def assess_many(self, texts: list[str]) -> list[Any]:
            return [SimpleNamespace(to_dict=lambda: {"risk": 0.5}) for _ in texts]

    rows = [SimpleNamespace(id=1, batch_id=1, platform=None, text="Lowongan kerja staf gudang di Bekasi")]
    scored = score_rows(Partial(), rows)  # type: ignore[arg-type]
    assert scored[0].assessment_row == ()
    with pytest.raises(KeyError):
        campaigns.prepare(scored)


def _raw(path: Path, table: str) -> list[tuple[Any, ...]]:
    import sqlite3

    with sqlite3.connect(path) as connection:
        columns = [r[1] for r in connection.execute(f'PRAGMA table_info("{table}")')]
        typed = ", ".join(f'"{c}", typeof("{c}")' for c in columns)
        return connection.execute(f'SELECT {typed} FROM "{table}" ORDER BY rowid').fetchall()


def test_insert_rows_stores_exactly_what_sqlalchemy_stores(tmp_path: Path) -> None:
    """Timestamps, blobs, enums and a column left to its default, byte for byte (SQLite)."""
    from service.store import bulk
    from service.store.models import Cluster, QueueItem
    from service.vocabulary import ItemReason, ItemStatus

    now = utcnow()
    clusters = [
        {"id": i, "representative_ad_id": i, "content_hash": f"{i:064x}", "signature": bytes([i]) * 16,
         "member_count": i, "batch_count": 1, "created_at": now, "updated_at": now}
        for i in (1, 2)
    ]  # fmt: skip
    items = [
        {"cluster_id": i, "ad_id": i, "batch_id": 1, "status": ItemStatus.OPEN, "reason": ItemReason.AUDIT,
         "priority": 0.123456, "risk": 0.25, "tier": "rendah", "scope": "offer", "platform": None,
         "indicators_text": ",a,", "places_text": "", "review_round": 1, "created_at": now, "updated_at": now}
        for i in (1, 2)
    ]  # fmt: skip
    dumps = []
    for name, write in (("driver", bulk.insert_rows), ("orm", lambda s, t, r: s.execute(insert(t), r))):
        engine = create_db_engine(f"sqlite:///{tmp_path}/{name}.db")
        migrate(engine)
        with write_transaction(session_factory(engine)) as session:
            write(session, Cluster.__table__, clusters)
            write(session, QueueItem.__table__, items)
        engine.dispose()
        dumps.append([_raw(tmp_path / f"{name}.db", t) for t in ("clusters", "queue_items")])
    assert dumps[0] == dumps[1]
    assert dumps[0][1][0]  # rows were written


def test_the_scoring_reads_search_their_indexes(tmp_path: Path) -> None:
    """The driver-level reads of record_scored look each value up: no scan of a table. The claim of a
    chunk (chunk_rows.unscored) reads ads by id, the exact-duplicate read a hash's first clustered ad
    in id order without sorting, the (campaign, batch) read both columns of the primary key."""
    from service.store import bulk, chunk_rows
    from service.store.campaigns import _exact_statement

    engine = create_db_engine(f"sqlite:///{tmp_path}/plan.db")
    migrate(engine)
    with session_factory(engine)() as session:

        def plan(statement: str, *params: object) -> str:
            rows = bulk.fetch_plain(session, f"EXPLAIN QUERY PLAN {statement}", params)
            return " ".join(str(row[-1]) for row in rows)

        claim = plan(chunk_rows.claim_statement(session), "[1, 2, 3]", False)
        exact = plan(_exact_statement(session), '["a", "b"]')
        in_ = bulk.in_plain(session, "cluster_id") + " AND " + bulk.in_plain(session, "batch_id")
        pairs = plan(f"SELECT cluster_id, batch_id FROM cluster_batches WHERE {in_}", "[1]", "[2]")
    engine.dispose()
    assert "SEARCH ads" in claim and "SCAN ads" not in claim, claim
    assert "SEARCH ads USING INDEX ix_ads_content_hash" in exact and "TEMP B-TREE" not in exact, exact
    assert "(cluster_id=? AND batch_id=?)" in pairs and "SCAN cluster_batches" not in pairs, pairs
