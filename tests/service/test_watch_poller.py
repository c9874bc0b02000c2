"""The watched-source poller against a real local site (127.0.0.1, allowed here only) on real SQLite
and PostgreSQL:
paging, conditional requests, a changed post, a removed post, a 500, a slow page, a page over the
size cap, a layout change, a private address, the per-host rate and a fetch failing half-way."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from queue_testing import scratch_database
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bench.watch_site import SAMPLE_POSTS, WatchSite
from service.intake import LinkFetcher, UrlRefused
from service.settings import Settings
from service.store import create_db_engine, migrate, session_factory, write_transaction
from service.store import sources as store
from service.store.models import Ad, Batch, Source
from service.watch import HostThrottle, SourcePoller, check_new_source, parse_every, source_health

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Rig:
    site: WatchSite
    sessions: sessionmaker[Session]
    settings: Settings
    clock: Clock
    poller: SourcePoller

    def add(
        self, path: str, *, every: str = "1m", selector: str | None = None, kind: str | None = None
    ) -> int:
        spec = asyncio.run(
            check_new_source(
                self.poller.fetcher, url=self.site.base_url + path, every=every, selector=selector, kind=kind
            )
        )
        with write_transaction(self.sessions) as session:
            return store.add_source(
                session, url=spec.url, kind=spec.kind, name=spec.name, every_seconds=spec.every_seconds,
                selector=spec.selector, key_id=None, now=self.clock(),
            ).id  # fmt: skip

    def source(self, source_id: int) -> Source:
        with self.sessions() as session:
            return store.get_source(session, source_id=source_id)

    def ads(self) -> list[Any]:
        with self.sessions() as session:
            return list(
                session.execute(select(Ad.external_id, Ad.text, Ad.platform, Ad.batch_id).order_by(Ad.id))
            )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with scratch_database(request.param, tmp_path, "watch.db") as url:
        yield url


@pytest.fixture
def rig(tmp_path: Path, database_url: str) -> Iterator[Rig]:
    settings = Settings(
        database_url=database_url,
        environment="test",
        data_dir=tmp_path,
        allow_private_fetch=True,
        fetch_timeout=1.0,  # the slow page takes 1.5 s; a loaded machine needs the margin
        fetch_max_bytes=200_000,
        source_host_rate_per_minute=0,
        source_max_pages=5,
    )
    engine = create_db_engine(settings.resolved_database_url)
    migrate(engine)
    sessions = session_factory(engine)
    clock = Clock()
    fetcher = LinkFetcher(timeout=1.0, max_bytes=200_000, allow_private=True)
    try:
        with WatchSite(page_size=5, slow_seconds=1.5, huge_bytes=300_000) as site:
            yield Rig(site, sessions, settings, clock, SourcePoller(sessions, settings, fetcher, clock=clock))
    finally:
        engine.dispose()


def test_first_poll_pages_back_and_imports_every_post_once(rig: Rig) -> None:
    rig.site.add_posts("loker_demo", SAMPLE_POSTS)  # 12 posts, 5 per page: 3 pages
    source_id = rig.add("/s/loker_demo")
    [result] = rig.poller.poll_due()
    assert (result.outcome, result.found, result.new) == ("ok", 12, 12)
    ads = rig.ads()
    assert sorted(a.external_id for a in ads) == [f"loker_demo/{n}" for n in range(101, 113)]
    assert {a.platform for a in ads} == {"telegram"} and {a.batch_id for a in ads} == {result.batch_id}
    assert rig.site.hits["/s/loker_demo"] == 4  # 3 pages of posts, then an empty one ends the paging
    source = rig.source(source_id)
    assert source.imported == 12 and source.failures == 0 and source.etag
    assert source.next_run_at == START + timedelta(minutes=1)
    assert source_health(source, 3) == ("ok", None)

    assert rig.poller.poll_due() == []  # not due yet
    rig.clock.advance(60)
    [again] = rig.poller.poll_due()
    assert (again.outcome, again.new) == ("not_modified", 0)  # If-None-Match answered 304
    assert rig.site.not_modified["/s/loker_demo"] == 1 and len(rig.ads()) == 12


def test_new_changed_and_removed_posts(rig: Rig) -> None:
    rig.site.add_posts("loker_demo", SAMPLE_POSTS[:4])
    rig.add("/s/loker_demo")
    rig.poller.poll_due()
    [fresh] = rig.site.add_posts("loker_demo", [SAMPLE_POSTS[6]])
    rig.site.edit_post("loker_demo", 102, SAMPLE_POSTS[1] + " Update: kuota tinggal 3 orang!")
    rig.site.remove_post("loker_demo", 103)
    rig.clock.advance(60)
    [result] = rig.poller.poll_due()
    assert (result.outcome, result.found, result.new) == ("ok", 4, 2)
    ads = rig.ads()
    assert [a.external_id for a in ads[4:]] == ["loker_demo/102", f"loker_demo/{fresh.number}"]
    assert ads[4].text.endswith("kuota tinggal 3 orang!")
    assert "loker_demo/103" in {a.external_id for a in ads}  # the removed post's ad stays
    # The same day: one batch, reopened for the worker.
    with rig.sessions() as session:
        [batch] = session.scalars(select(Batch)).all()
        assert (batch.accepted, batch.status) == (6, "queued")
    rig.site.add_posts("loker_demo", [SAMPLE_POSTS[7]])
    rig.clock.advance(86400)  # the next day: a new batch
    [next_day] = rig.poller.poll_due()
    assert next_day.new == 1 and next_day.batch_id != result.batch_id


def test_errors_back_off_and_recover(rig: Rig) -> None:
    rig.site.add_posts("loker_demo", SAMPLE_POSTS[:2])
    source_id = rig.add("/s/loker_demo", every="1m")
    rig.site.broken.add("/s/loker_demo")
    [failed] = rig.poller.poll_due()
    assert failed.outcome == "error" and "HTTP 500" in (failed.error or "")
    source = rig.source(source_id)
    assert source.failures == 1 and source.next_run_at == START + timedelta(minutes=2)
    assert source_health(source, 3)[0] == "failing" and "HTTP 500" in (source.last_error or "")
    rig.clock.advance(120)
    rig.poller.poll_due()
    assert rig.source(source_id).next_run_at == rig.clock() + timedelta(minutes=4)  # doubled
    rig.site.broken.clear()
    rig.clock.advance(240)
    [ok] = rig.poller.poll_due()
    source = rig.source(source_id)
    assert ok.new == 2 and source.failures == 0 and source.next_run_at == rig.clock() + timedelta(minutes=1)
    assert source.last_error is not None  # the last error stays visible, with its time
    assert source_health(source, 3)[0] == "ok"


def test_backoff_is_capped(rig: Rig) -> None:
    source_id = rig.add("/error/500", every="1h", kind="feed")
    for _ in range(5):
        rig.poller.poll(source_id)
    source = rig.source(source_id)
    assert source.failures == 5
    assert source.next_run_at == rig.clock() + timedelta(seconds=rig.settings.source_max_backoff_seconds)


@pytest.mark.slow
def test_a_slow_page_times_out(rig: Rig) -> None:
    source_id = rig.add("/slow", kind="feed")
    [result] = rig.poller.poll_due()
    assert result.outcome == "error" and "too long" in (result.error or "")
    assert rig.source(source_id).failures == 1


def test_a_page_over_the_size_cap_is_refused_not_half_read(rig: Rig) -> None:
    source_id = rig.add("/huge", selector="p")
    [result] = rig.poller.poll_due()
    assert result.outcome == "error" and "SCREENER_FETCH_MAX_BYTES" in (result.error or "")
    assert rig.ads() == [] and rig.source(source_id).failures == 1


def test_a_page_that_changed_layout_shows_zero_posts(rig: Rig) -> None:
    rig.site.add_posts("papan", SAMPLE_POSTS[:3])
    source_id = rig.add("/page/papan", selector="div.iklan-lama")
    for n in range(3):
        [result] = rig.poller.poll_due()
        assert (result.outcome, result.found) == ("ok", 0)
        rig.site.add_posts("papan", [SAMPLE_POSTS[5 + n]])  # the page changes, so no 304
        rig.clock.advance(60)
    health, problem = source_health(rig.source(source_id), rig.settings.source_empty_after)
    assert health == "empty" and problem is not None and "0 posts found on the last 3 fetches" in problem


def test_feeds_and_pages_by_selector(rig: Rig) -> None:
    rig.site.add_posts("papan", SAMPLE_POSTS[:3])
    rig.add("/feed/papan.rss")
    rig.add("/feed/papan.atom")
    rig.add("/page/papan", selector="article.post")
    results = rig.poller.poll_due()
    assert [(r.outcome, r.new) for r in results] == [("ok", 3)] * 3
    assert {a.platform for a in rig.ads()} == {"web"}


def test_a_private_address_is_refused_when_added_and_on_every_fetch(rig: Rig) -> None:
    rig.site.add_posts("loker_demo", SAMPLE_POSTS[:2])
    public_only = LinkFetcher(timeout=0.5, allow_private=False)
    with pytest.raises(UrlRefused):
        asyncio.run(check_new_source(public_only, url=rig.site.base_url + "/s/loker_demo"))
    source_id = rig.add("/s/loker_demo")  # added while allowed (a test), fetched when not
    strict = SourcePoller(rig.sessions, rig.settings, public_only, clock=rig.clock)
    [result] = strict.poll_due()
    assert result.outcome == "error" and "private" in (result.error or "")
    assert rig.site.hits["/s/loker_demo"] == 0 and rig.source(source_id).failures == 1


def test_per_host_rate(rig: Rig) -> None:
    rig.site.add_posts("chan_a", SAMPLE_POSTS[:1])
    rig.site.add_posts("chan_b", SAMPLE_POSTS[1:2])
    rig.add("/s/chan_a")
    rig.add("/s/chan_b")
    ticks = [0.0]
    fetched_at: list[float] = []

    def sleep(seconds: float) -> None:
        ticks[0] += seconds

    poller = SourcePoller(
        rig.sessions, rig.settings, rig.poller.fetcher, clock=rig.clock,
        throttle=HostThrottle(2, monotonic=lambda: ticks[0]), sleep=sleep,
    )  # fmt: skip
    original = poller._fetch

    def fetch(*args: Any, **kwargs: Any) -> Any:
        fetched_at.append(ticks[0])
        return original(*args, **kwargs)

    poller._fetch = fetch  # type: ignore[method-assign]  # records when each request went out
    first, second = poller.poll_due()
    # One host, 2 per minute: chan_a's page and its older page 30 s apart; chan_b must wait.
    assert (first.outcome, first.new, second.outcome) == ("ok", 1, "deferred")
    assert fetched_at == [0.0, 30.0]
    assert [r.outcome for r in poller.poll_due()] == ["deferred"]
    ticks[0] = 60.0
    assert [(r.outcome, r.new) for r in poller.poll_due()] == [("ok", 1)]
    assert all(b - a >= 30.0 for a, b in itertools.pairwise(fetched_at))


def test_a_fetch_failing_half_way_keeps_what_it_imported(rig: Rig) -> None:
    rig.site.add_posts("loker_demo", SAMPLE_POSTS)
    source_id = rig.add("/s/loker_demo")
    rig.site.broken.add("/s/loker_demo?before=108")  # the second page fails
    [result] = rig.poller.poll_due()
    assert (result.outcome, result.new) == ("error", 5)
    assert sorted(a.external_id for a in rig.ads()) == [f"loker_demo/{n}" for n in range(108, 113)]
    source = rig.source(source_id)
    assert source.imported == 5 and (source.backfill_url or "").endswith("/s/loker_demo?before=108")
    # Fixed: the next poll finds nothing new on the first page, then reads on where it failed.
    rig.site.broken.clear()
    rig.clock.advance(120)
    [resumed] = rig.poller.poll_due()
    assert (resumed.outcome, resumed.new) == ("ok", 7)
    assert sorted(a.external_id for a in rig.ads()) == [f"loker_demo/{n}" for n in range(101, 113)]
    assert rig.source(source_id).backfill_url is None


def test_paging_stopped_by_the_page_limit_resumes_on_the_next_poll(rig: Rig) -> None:
    rig.site.add_posts("loker_demo", SAMPLE_POSTS)  # 12 posts, 5 per page
    limited = SourcePoller(
        rig.sessions,
        rig.settings.model_copy(update={"source_max_pages": 2}),
        rig.poller.fetcher,
        clock=rig.clock,
    )
    source_id = rig.add("/s/loker_demo")
    assert limited.poll(source_id).new == 10
    assert (rig.source(source_id).backfill_url or "").endswith("before=103")
    [again] = limited.poll_due() or [limited.poll(source_id)]
    assert (again.outcome, again.new) == ("not_modified", 2)  # the first page unchanged (304), then the rest
    assert len(rig.ads()) == 12
    # That page was full of new posts, so one older page is still to look at: it is empty.
    assert limited.poll(source_id).new == 0 and rig.source(source_id).backfill_url is None
    assert len(rig.ads()) == 12


@pytest.mark.parametrize(
    ("value", "seconds"),
    [pytest.param("1m", 60, id="1m"), pytest.param("30m", 1800, id="30m"), pytest.param("2h", 7200, id="2h"),
     pytest.param("1d", 86400, id="1d"), pytest.param("90", 90, id="seconds"), pytest.param("1.5h", 5400, id="1.5h")],
)  # fmt: skip
def test_parse_every(value: str, seconds: int) -> None:
    assert parse_every(value) == seconds


@pytest.mark.parametrize("value", ["30s", "0", "x", "", "5 minutes", "-1h"])
def test_parse_every_refuses(value: str) -> None:
    from screener.errors import DataError

    with pytest.raises(DataError):
        parse_every(value)


def test_adding_twice_and_unknown_ids(rig: Rig) -> None:
    from service.store.errors import Conflict, NotFound

    rig.add("/s/loker_demo")
    with pytest.raises(Conflict):
        rig.add("/s/loker_demo")
    with rig.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 1
        with pytest.raises(NotFound):
            store.get_source(session, source_id=99)


def test_two_processes_never_poll_one_source_at_once(rig: Rig) -> None:
    # Two service workers (two pollers on one database): the source is claimed by one of them.
    rig.site.add_posts("loker_demo", SAMPLE_POSTS[:3])
    source_id = rig.add("/s/loker_demo")
    other = SourcePoller(rig.sessions, rig.settings, rig.poller.fetcher, clock=rig.clock)
    with rig.sessions() as session:
        [due] = store.due_sources(session, now=rig.clock())
        due_at = due.next_run_at
    assert due_at is not None
    lease = rig.clock() + timedelta(minutes=5)
    with write_transaction(rig.sessions) as session:
        assert store.claim_due(session, source_id=source_id, due_at=due_at, until=lease)
    with write_transaction(rig.sessions) as session:  # the other process read the same due time
        assert not store.claim_due(session, source_id=source_id, due_at=due_at, until=lease)
    assert other.poll_due() == [] and rig.poller.poll_due() == []  # taken: not due for anyone now
    rig.clock.advance(5 * 60)  # the claimer died half-way: the source is due again after the lease
    [first] = rig.poller.poll_due()
    assert first.new == 3 and other.poll_due() == []
    assert len(rig.ads()) == 3
