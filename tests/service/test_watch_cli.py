"""Issue 14's done-when for watched sources, through the CLI: ``screener sources add
http://127.0.0.1:PORT/s/loker_demo --every 1m`` against the fixture site brings new posts into the
queue on the next poll, and only the new ones on the one after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bench.watch_site import SAMPLE_POSTS, WatchSite
from screener.cli import main
from service.store import create_db_engine, session_factory
from service.store.models import Ad, QueueItem

RISKY = [SAMPLE_POSTS[i] for i in (0, 1, 3, 6)]
NEW_RISKY = [SAMPLE_POSTS[8], SAMPLE_POSTS[10]]


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, screener: Any) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/sources.db"
    monkeypatch.setenv("SCREENER_DATABASE_URL", url)
    monkeypatch.setenv("SCREENER_ENVIRONMENT", "test")
    monkeypatch.setenv("SCREENER_ALLOW_PRIVATE_FETCH", "true")  # the fixture site is on 127.0.0.1
    monkeypatch.setenv("SCREENER_AUDIT_SAMPLE_RATE", "0")
    # The session's model (the shipped default) instead of loading it again for each poll.
    monkeypatch.setattr("service.worker.load_default_screener", lambda path=None: screener)
    yield url


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def queued_ads(url: str) -> dict[str, int]:
    """external id -> queue item id, for the ads whose campaign is in the queue."""
    engine = create_db_engine(url)
    try:
        with session_factory(engine)() as session:
            rows = session.execute(
                select(Ad.external_id, QueueItem.id).join(QueueItem, QueueItem.cluster_id == Ad.cluster_id)
            ).all()
            total = session.scalar(select(func.count()).select_from(Ad))
        return {str(e): i for e, i in rows} | {"__ads__": int(total or 0)}
    finally:
        engine.dispose()


def test_sources_add_poll_and_only_new_posts_next_time(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with WatchSite() as site:
        site.add_posts("loker_demo", [*RISKY, SAMPLE_POSTS[2]])
        code, out, err = run(["sources", "add", f"{site.base_url}/s/loker_demo", "--every", "1m"], capsys)
        assert code == 0, err
        assert "source 1 added: telegram" in out and "every 1m" in out

        code, out, err = run(["sources", "poll"], capsys)
        assert code == 0, err
        assert "1 sources polled, 5 new posts" in out and "5 iklan dinilai / ads scored" in out
        first = queued_ads(cli_env)
        assert first["__ads__"] == 5
        assert {f"loker_demo/{n}" for n in (101, 102, 103, 104)} <= set(first)  # the risky ones

        code, out, _ = run(["sources", "poll"], capsys)  # not due for another minute
        assert "0 sources polled" in out

        site.add_posts("loker_demo", NEW_RISKY)
        code, out, err = run(["sources", "poll", "1"], capsys)
        assert code == 0, err
        assert "2 new posts" in out and "2 iklan dinilai / ads scored" in out
        second = queued_ads(cli_env)
        assert second["__ads__"] == 7  # only the two new posts were added
        assert {"loker_demo/106", "loker_demo/107"} <= set(second)
        assert {k: v for k, v in second.items() if k in first and k != "__ads__"} == {
            k: v for k, v in first.items() if k != "__ads__"
        }  # earlier queue items untouched

        code, out, _ = run(["sources", "list"], capsys)
        assert "loker_demo" in out and " ok " in out and "      7  " in out

        assert run(["sources", "pause", "1"], capsys)[0] == 0
        assert " paused " in run(["sources", "list"], capsys)[1]
        assert run(["sources", "resume", "1"], capsys)[0] == 0
        assert run(["sources", "remove", "1"], capsys)[0] == 0
        assert queued_ads(cli_env)["__ads__"] == 7  # removing a source keeps its ads


def test_sources_cli_errors_are_one_line(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["sources", "pause", "9"], capsys)
    assert code == 2 and err.strip() == "galat / error: tidak ada sumber 9 / no source 9"
    code, _, err = run(["sources", "add", "http://127.0.0.1:9/s/x", "--every", "10s"], capsys)
    assert code == 2 and "1m" in err and "\n" not in err.strip()
    code, _, err = run(["sources", "add", "ftp://example.com/feed"], capsys)
    assert code == 2 and "http" in err


def test_a_private_address_is_refused_by_the_cli(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENER_ALLOW_PRIVATE_FETCH", "false")
    code, _, err = run(["sources", "add", "http://127.0.0.1:8080/s/loker_demo"], capsys)
    assert code == 2 and "private" in err
