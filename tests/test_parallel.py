"""`screener score-file --jobs N`: a process pool gives the same file as one process, in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener import paths
from screener.cli import main


def corpus_rows(n: int) -> list[dict[str, str]]:
    texts = [
        json.loads(line)["text"]
        for f in sorted(paths.corpus_dir().glob("*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [{"id": f"ad-{i}", "text": texts[(i * 7) % len(texts)]} for i in range(n)]


def write_jsonl(path: Path, rows: list[dict[str, str]] | list[str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow  # starts two scoring processes, each loading the model
def test_two_processes_write_the_same_file_as_one(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "ads.jsonl", corpus_rows(300))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    # 30-ad batches: ten batches, more than the pool's window of four, so reading waits on scoring.
    assert main(["score-file", str(source), "--out", str(one), "--jobs", "1", "--batch-size", "30"]) == 0
    assert main(["score-file", str(source), "--out", str(two), "--jobs", "2", "--batch-size", "30"]) == 0
    assert two.read_bytes() == one.read_bytes()
    assert [json.loads(line)["id"] for line in two.read_text().splitlines()] == [
        f"ad-{i}" for i in range(300)
    ]


@pytest.mark.slow
def test_a_bad_record_after_several_batches_keeps_every_ad_before_it(tmp_path: Path, capsys) -> None:
    rows: list[dict[str, str] | str] = [*corpus_rows(95), "{not json", *corpus_rows(10)]
    source = tmp_path / "ads.jsonl"
    source.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    assert main(["score-file", str(source), "--out", str(out), "--jobs", "2", "--batch-size", "10"]) == 2
    err = capsys.readouterr().err
    assert ":96:" in err and "95 ads written" in err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [f"ad-{i}" for i in range(95)]


@pytest.mark.parametrize("jobs", [pytest.param("0", id="zero"), pytest.param("-3", id="negative")])
def test_jobs_below_one_is_a_one_line_error(tmp_path: Path, capsys, jobs: str) -> None:
    source = write_jsonl(tmp_path / "ads.jsonl", corpus_rows(3))
    out = tmp_path / "out.jsonl"
    assert main(["score-file", str(source), "--out", str(out), f"--jobs={jobs}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("galat / error:") and "--jobs" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
