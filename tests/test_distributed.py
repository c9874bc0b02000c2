"""`screener score-file --dask`: a local Dask cluster of two worker processes writes the same file as
one process, from JSONL and from Parquet; an unreachable scheduler is a one-line error in time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from test_parallel import corpus_rows, write_jsonl

from screener.cli import main

pytestmark = pytest.mark.slow  # starts Dask clusters


def test_local_cluster_writes_the_same_file_as_one_process(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    rows = corpus_rows(160)
    source = write_jsonl(tmp_path / "ads.jsonl", rows)
    one, dask_out = tmp_path / "one.jsonl", tmp_path / "dask.jsonl"
    assert main(["score-file", str(source), "--out", str(one), "--jobs", "1"]) == 0
    args = ["--dask", "local", "--jobs", "2", "--batch-size", "20"]  # 8 partitions on 2 worker processes
    assert main(["score-file", str(source), "--out", str(dask_out), *args]) == 0
    assert dask_out.read_bytes() == one.read_bytes()
    assert len(one.read_text().splitlines()) == 160


def test_parquet_on_a_local_cluster_matches_the_jsonl_run(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = corpus_rows(100)
    jsonl = write_jsonl(tmp_path / "ads.jsonl", rows)
    parquet = tmp_path / "ads.parquet"
    # Small row groups: the file is read group by group, not whole.
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=16)
    one, dask_out = tmp_path / "one.jsonl", tmp_path / "dask.jsonl"
    assert main(["score-file", str(jsonl), "--out", str(one), "--jobs", "1"]) == 0
    args = ["--dask", "local", "--jobs", "2", "--batch-size", "25"]
    assert main(["score-file", str(parquet), "--out", str(dask_out), *args]) == 0
    assert dask_out.read_bytes() == one.read_bytes()


def test_a_bad_parquet_row_is_named(tmp_path: Path, capsys) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [*corpus_rows(3), {"id": "blank", "text": "   "}, *corpus_rows(2)]
    parquet = tmp_path / "ads.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    out = tmp_path / "out.jsonl"
    assert main(["score-file", str(parquet), "--out", str(out), "--jobs", "1"]) == 2
    assert f"{parquet}:4:" in capsys.readouterr().err
    assert main(["score-file", str(parquet), "--out", str(out), "--jobs", "1", "--skip-errors"]) == 0
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        "ad-0", "ad-1", "ad-2", "ad-0", "ad-1",
    ]  # fmt: skip


def test_unreachable_scheduler_is_a_clear_error_within_the_timeout(tmp_path: Path, capsys) -> None:
    pytest.importorskip("distributed")
    from live_server import free_port

    source = write_jsonl(tmp_path / "ads.jsonl", corpus_rows(3))
    out = tmp_path / "out.jsonl"
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    assert main(["score-file", str(source), "--out", str(out), "--dask", address, "--dask-timeout", "2"]) == 2
    waited = time.monotonic() - started
    err = capsys.readouterr().err
    assert err.startswith("galat / error:") and address in err and len(err.strip().splitlines()) == 1
    # The timeout bounds the wait (slack for a loaded machine), not the default 10 s or longer.
    assert waited < 2 + 6, waited


def test_the_local_clusters_workers_get_the_bulk_collector_setting() -> None:
    distributed = pytest.importorskip("distributed")
    import gc

    from screener.distributed import DaskScorer
    from screener.runtime import BULK_GC_THRESHOLDS

    client, cluster = DaskScorer("local", local_workers=1)._client(distributed)
    try:
        assert list(client.run(gc.get_threshold).values()) == [BULK_GC_THRESHOLDS]
    finally:
        client.close()
        cluster.close()
