"""The tables record_scored writes, after reposts scored in many small chunks over several batches.

Campaigns do not depend on how the ads were cut into chunks: an ad joins the campaign of the first
clustered ad with its hash, else its most similar candidate, whether that campaign was made earlier
in its chunk or in an earlier chunk (read back from the database). So the campaigns, bands and
(campaign, batch) pairs of a run in chunks of 4 equal those of one chunk of everything; and every
counter the chunks add to (members, batches, the batches' scored and enqueued) equals a count of
the rows it counts. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from queue_testing import LEGIT, OTHER_RISKY, migrated_engine, repost
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from service.store import campaigns, chunk_rows, session_factory, write_transaction
from service.store.models import Ad, AdAssessment, Batch, utcnow
from service.worker import score_rows

OPTIONS = {
    "review_threshold": 0.5,
    "uncertain_margin": 0.1,
    "similarity_threshold": 0.6,
    "audit_sample_rate": 0.3,
    "campaign_min_ads": 3,
}
# Three uploads: reposts of two templates (exact and near duplicates), a legitimate ad, repeated.
UPLOADS = [
    [repost(i) for i in range(6)] + [OTHER_RISKY.format(n=i % 2) for i in range(3)] + [LEGIT],
    [LEGIT, *(repost(i) for i in range(3, 9)), OTHER_RISKY.format(n=5)],
    [repost(0), OTHER_RISKY.format(n=1), LEGIT, repost(20)],
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _score(engine: Engine, screener: Any, chunk: int) -> None:
    sessions = session_factory(engine)
    for texts in UPLOADS:
        with sessions.begin() as session:
            _upload(session, texts)
        with sessions() as session:
            rows = list(
                session.execute(
                    select(Ad.id, Ad.batch_id, Ad.text, Ad.platform)
                    .where(Ad.scored.is_(False))
                    .order_by(Ad.id)
                )
            )
        for start in range(0, len(rows), chunk):
            with write_transaction(sessions) as session:
                campaigns.record_scored(
                    session, scored=score_rows(screener, rows[start : start + chunk]), **OPTIONS
                )


def _upload(session: Session, texts: list[str]) -> None:
    now = utcnow()
    batch_id = session.execute(
        insert(Batch)
        .values(status="queued", accepted=len(texts), created_at=now, updated_at=now)
        .returning(Batch.id)
    ).scalar_one()
    for t in texts:
        session.execute(insert(Ad).values(batch_id=batch_id, text=t, platform="wa", received_at=now))


def _rows(engine: Engine, query: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


CAMPAIGNS = {
    "ads": "SELECT id, batch_id, content_hash, cluster_id FROM ads ORDER BY id",
    "clusters": "SELECT id, representative_ad_id, content_hash, signature, member_count, batch_count "
    "FROM clusters ORDER BY id",
    "bands": "SELECT band_key, cluster_id FROM cluster_bands ORDER BY band_key, cluster_id",
    "pairs": "SELECT cluster_id, batch_id FROM cluster_batches ORDER BY cluster_id, batch_id",
}


@pytest.fixture
def chunked(kind: str, tmp_path: Path, screener: Any) -> Iterator[Engine]:
    with migrated_engine(kind, tmp_path / "chunked") as engine:
        _score(engine, screener, chunk=4)
        yield engine


def test_campaigns_do_not_depend_on_the_chunks(
    chunked: Engine, kind: str, tmp_path: Path, screener: Any
) -> None:
    with migrated_engine(kind, tmp_path / "whole") as whole:
        _score(whole, screener, chunk=1000)
        for name, query in CAMPAIGNS.items():
            assert _rows(chunked, query) == _rows(whole, query), name


def test_counters_equal_the_rows_they_count(chunked: Engine) -> None:
    ads = _rows(chunked, "SELECT id, batch_id, scored, content_hash, cluster_id FROM ads ORDER BY id")
    assert all(scored for _, _, scored, _, _ in ads)
    campaign_of_hash = {h: c for _, _, _, h, c in ads}
    assert all(campaign_of_hash[h] == c for _, _, _, h, c in ads)  # exact duplicates share one
    members: dict[int, int] = {}
    for _, _, _, _, c in ads:
        members[c] = members.get(c, 0) + 1
    pairs = sorted({(c, b) for _, b, _, _, c in ads})
    assert _rows(chunked, CAMPAIGNS["pairs"]) == pairs
    clusters = _rows(chunked, CAMPAIGNS["clusters"])
    assert len(clusters) > 2 and any(row[5] > 1 for row in clusters)  # campaigns across batches
    first_ad = {c: min(i for i, _, _, _, cid in ads if cid == c) for c in members}
    for cid, representative, _, _, member_count, batch_count in clusters:
        assert representative == first_ad[cid]
        assert member_count == members[cid]
        assert batch_count == sum(1 for c, _ in pairs if c == cid)
    items = _rows(chunked, "SELECT cluster_id, ad_id, batch_id, reason, risk FROM queue_items ORDER BY id")
    assert {reason for *_, reason, _ in items} >= {"threshold", "campaign"}
    risks = dict(_rows(chunked, "SELECT ad_id, risk FROM assessments"))
    for cid, ad_id, batch_id, _, risk in items:
        assert (ad_id, batch_id) in {(i, b) for i, b, _, _, c in ads if c == cid}
        assert risks[ad_id] <= risk <= max(risks[i] for i, _, _, _, c in ads if c == cid)
    enqueued = {b: sum(1 for _, _, item_batch, _, _ in items if item_batch == b) for b in (1, 2, 3)}
    batches = _rows(chunked, "SELECT id, status, accepted, scored, enqueued FROM batches ORDER BY id")
    assert batches == [(b, "done", len(UPLOADS[b - 1]), len(UPLOADS[b - 1]), enqueued[b]) for b in (1, 2, 3)]


def test_a_sqlite_connection_gets_its_own_cache_size_back_after_a_chunk(
    tmp_path: Path, screener: Any
) -> None:
    """The chunk is written with a wide page cache (chunk_rows.wide_cache), and the pooled connection
    that wrote it returns to the pool with the size it had, also when the chunk fails."""
    with migrated_engine("sqlite", tmp_path / "cache") as engine:
        sessions = session_factory(engine)
        with sessions.begin() as session:
            _upload(session, UPLOADS[0][:3])
        with sessions() as session:
            rows = list(session.execute(select(Ad.id, Ad.batch_id, Ad.text, Ad.platform).order_by(Ad.id)))
        seen: list[int] = []
        with write_transaction(sessions) as session:
            size = session.execute(text("PRAGMA cache_size")).scalar_one()
            with chunk_rows.wide_cache(session):
                seen.append(session.execute(text("PRAGMA cache_size")).scalar_one())
                campaigns.record_scored(session, scored=score_rows(screener, rows), **OPTIONS)
            assert session.execute(text("PRAGMA cache_size")).scalar_one() == size
        assert seen == [-chunk_rows.SCORING_CACHE_KIB] and size != seen[0]
        with write_transaction(sessions) as session:
            with pytest.raises(RuntimeError), chunk_rows.wide_cache(session):
                raise RuntimeError("the chunk failed")
            assert session.execute(text("PRAGMA cache_size")).scalar_one() == size


def test_assessments_are_stored_with_the_time_they_were_written(
    kind: str, tmp_path: Path, screener: Any
) -> None:
    """The assessment rows go through the driver (COPY on PostgreSQL): read back through the ORM, each
    has its JSON and a created_at of the run."""
    with migrated_engine(kind, tmp_path / "stamps") as engine:
        started = utcnow()
        _score(engine, screener, chunk=5)
        ended = utcnow()
        with session_factory(engine)() as session:
            stored = list(session.scalars(select(AdAssessment).order_by(AdAssessment.id)))
        assert len(stored) == sum(len(texts) for texts in UPLOADS)
        for row in stored:
            assert started <= row.created_at.replace(tzinfo=row.created_at.tzinfo or UTC) <= ended
            assert row.assessment["tier"] == row.tier and row.assessment["risk"] == row.risk
