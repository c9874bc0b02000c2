"""The queue's write path on PostgreSQL: the plans of the worker's hot queries during a large upload,
when the statistics are the ones taken as the upload ended (every ad unscored, none clustered), and
the compression of the stored assessments."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from queue_testing import jsonl, migrated_engine, repost
from sqlalchemy import Engine, event, text

from service.batches import ingest_file
from service.store import campaigns, ingest, session_factory

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine("postgresql", tmp_path) as made:
        yield made


def _upload(engine: Engine, tmp_path: Path, n: int) -> int:
    path = tmp_path / "ads.jsonl"
    path.write_bytes(jsonl([{"text": repost(i)} for i in range(n)]))
    result = ingest_file(
        session_factory(engine), path, "jsonl", key_id=None, filename="ads.jsonl", content_type=None,
        max_ads=n, max_text_bytes=10_000,
    )  # fmt: skip
    return result.batch_id


def test_a_large_upload_refreshes_the_statistics_of_ads(engine: Engine, tmp_path: Path) -> None:
    query = text("SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'ads'")
    with engine.connect() as connection:
        assert connection.execute(query).scalar_one() == 0
    _upload(engine, tmp_path, ingest.ANALYZE_MIN_ADS)
    with engine.connect() as connection:
        assert connection.execute(query).scalar_one() > 0


def test_the_claim_reads_the_pending_index_while_the_upload_is_scored(engine: Engine, tmp_path: Path) -> None:
    _upload(engine, tmp_path, 3000)
    with engine.begin() as connection:  # half of it scored since the statistics were taken
        connection.execute(text("UPDATE ads SET scored = true WHERE id <= 1500"))
    claims: list[tuple[str, dict]] = []

    def keep(_conn, _cursor, statement, params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if "FOR UPDATE" in statement and "FROM ads" in statement:
            claims.append((statement, params))

    event.listen(engine, "before_cursor_execute", keep)
    with session_factory(engine).begin() as session:
        rows = campaigns.pending_ads(session, limit=500, lock=True)
    event.remove(engine, "before_cursor_execute", keep)
    assert [r.id for r in rows] == list(range(1501, 2001))
    [(statement, params)] = claims
    with engine.connect() as connection:
        plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, params))
    assert "ix_ads_pending" in plan, plan


def test_stored_assessments_are_compressed_with_lz4(engine: Engine) -> None:
    with engine.connect() as connection:
        if not connection.exec_driver_sql(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        ).scalar():
            pytest.skip("this PostgreSQL was built without lz4")
        methods = connection.exec_driver_sql(
            "SELECT attrelid::regclass::text, attcompression FROM pg_attribute "
            "WHERE attname = 'assessment' AND attrelid IN ('assessments'::regclass, 'checks'::regclass)"
        ).all()
    assert sorted(methods) == [("assessments", "l"), ("checks", "l")]
