"""The poller of watched sources: fetch the due ones, find their new posts, send them to batches.

``SourcePoller.poll_due`` is called by the scoring worker's loop (in the service's worker thread and
in ``screener worker``) every ``SCREENER_SOURCE_POLL_SECONDS``, and by ``screener sources poll``.
For each due source:

1. the page is fetched through link intake (:func:`service.intake.fetch_raw`: the same SSRF checks on
   every hop, the size cap and the deadline) with ``If-None-Match`` / ``If-Modified-Since`` from the
   last answer; ``304`` means nothing changed;
2. the page is parsed by :mod:`screener.watch`; a post is new when its id (else link, else content
   hash) was not seen before, or seen with another text (an edited post is imported again);
3. each page's new posts and their "seen" marks are committed together into the source's batch of
   the day, which the worker then scores, clusters and queues like any upload; a Telegram preview
   whose posts were all new is followed back (``?before=``) up to ``SCREENER_SOURCE_MAX_PAGES``;
4. success sets the next run one interval later; a failure is kept on the source (last error) and
   the next run backs off exponentially. A page with no post counts as an empty fetch: the source
   shows "0 posts found on the last N fetches" once that happens ``SCREENER_SOURCE_EMPTY_AFTER``
   times in a row.

No host is fetched more often than ``SCREENER_SOURCE_HOST_RATE_PER_MINUTE`` (a source whose host is
busy stays due for the next turn; ``screener sources poll`` waits instead).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from screener.errors import DataError, ScreenerError
from screener.watch import KINDS, Post, guess_kind, older_page_url, parse_page
from screener.watch.html import check_selector
from service.errors import ApiError
from service.intake import LinkFetcher, RawPage
from service.settings import Settings
from service.store import sources as store
from service.store import write_transaction
from service.store.models import utcnow

__all__ = [
    "PLATFORM_OF_KIND",
    "HostThrottle",
    "PollResult",
    "SourcePoller",
    "SourceSpec",
    "check_new_source",
    "fetcher_for",
    "parse_every",
    "source_health",
]

logger = logging.getLogger("screener.service")

ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/html;q=0.8,*/*;q=0.1"
PLATFORM_OF_KIND = {"telegram": "telegram", "feed": "web", "html": "web"}
MIN_EVERY_SECONDS = 60
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(value: str | int) -> int:
    """Seconds from ``30m``, ``2h``, ``1d``, ``90s`` or a number of seconds (at least one minute)."""
    text = str(value).strip().lower()
    try:
        seconds = int(float(text[:-1]) * _UNITS[text[-1]]) if text and text[-1] in _UNITS else int(text)
    except ValueError:
        raise DataError(
            f"invalid interval {value!r}: write e.g. 30m, 2h, 1d",
            f"interval {value!r} tidak valid: tulis misalnya 30m, 2h, 1d",
        ) from None
    if seconds < MIN_EVERY_SECONDS:
        raise DataError(
            f"the interval must be at least 1m (got {value!r})",
            f"interval minimal 1m (diberikan {value!r})",
        )
    return seconds


def fetcher_for(settings: Settings) -> LinkFetcher:
    """Link intake with the settings' limits (for processes without an app: the CLI, the worker)."""
    return LinkFetcher(
        timeout=settings.fetch_timeout,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
        allow_private=settings.allow_private_fetch,
    )


@dataclass(frozen=True)
class SourceSpec:
    """A source to add, checked: a public address, a known kind, a valid selector, an interval."""

    url: str
    kind: str
    name: str
    every_seconds: int
    selector: str | None


async def check_new_source(
    fetcher: LinkFetcher,
    *,
    url: str,
    every: str | int = "30m",
    name: str | None = None,
    selector: str | None = None,
    kind: str | None = None,
) -> SourceSpec:
    """Check what ``screener sources add`` and ``POST /api/v1/sources`` were given.

    The address must be http(s) and resolve to public addresses only (the same check as every
    fetch: :class:`~service.intake.UrlRefused` otherwise). The kind is guessed from the address
    when not given (:func:`screener.watch.guess_kind`); an ``html`` source needs a selector.
    """
    url = url.strip()
    await fetcher.check_address(url)
    selector = check_selector(selector) if selector and selector.strip() else None
    kind = kind or guess_kind(url, selector)
    if kind not in KINDS:
        raise DataError(
            f"unknown kind {kind!r}; use one of {', '.join(KINDS)}",
            f"jenis {kind!r} tidak dikenal; pakai salah satu dari {', '.join(KINDS)}",
        )
    if kind == "html" and selector is None:
        check_selector("")  # raises: a web page needs a selector
    parts = urlsplit(url)
    default_name = f"{parts.hostname}{parts.path}".rstrip("/")
    return SourceSpec(
        url, kind, (name or "").strip()[:200] or default_name[:200], parse_every(every), selector
    )


def source_health(source: Any, empty_after: int) -> tuple[str, str | None]:
    """``(health, problem)``: ``paused``, ``new`` (never fetched), ``failing`` (the last fetch
    failed), ``empty`` (0 posts on the last ``empty_after`` fetches: a layout change?) or ``ok``."""
    if source.status == store.PAUSED:
        return "paused", None
    if source.failures:
        return "failing", source.last_error
    if empty_after and source.empty_fetches >= empty_after:
        n = source.empty_fetches
        return (
            "empty",
            f"0 postingan ditemukan pada {n} pengambilan terakhir / 0 posts found on the last {n} fetches",
        )
    if source.last_success_at is None:
        return "new", None
    return "ok", None


class HostThrottle:
    """At most ``per_minute`` fetches per host (evenly spaced); ``per_minute=0`` means no limit."""

    def __init__(self, per_minute: int, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.spacing = 60.0 / per_minute if per_minute > 0 else 0.0
        self.monotonic = monotonic
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, host: str) -> float:
        with self._lock:
            return max(0.0, self._next.get(host, 0.0) - self.monotonic())

    def take(self, host: str) -> bool:
        """Claim a fetch to ``host`` now; False (nothing claimed) when it is too soon."""
        if not self.spacing:
            return True
        with self._lock:
            now = self.monotonic()
            if self._next.get(host, 0.0) > now:
                return False
            self._next[host] = now + self.spacing
            return True


@dataclass(frozen=True)
class PollResult:
    source_id: int
    name: str
    outcome: str  # ok, not_modified, error, deferred
    found: int = 0
    new: int = 0
    batch_id: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class _Snapshot:
    id: int
    url: str
    kind: str
    name: str
    selector: str | None
    etag: str | None
    last_modified: str | None
    backfill_url: str | None

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


class SourcePoller:
    """Polls watched sources (see the module docstring); one per service or worker process."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        fetcher: LinkFetcher,
        *,
        clock: Callable[[], datetime] = utcnow,
        throttle: HostThrottle | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.fetcher = fetcher
        self.clock = clock
        self.throttle = throttle or HostThrottle(settings.source_host_rate_per_minute)
        self.sleep = sleep

    # -- which sources ------------------------------------------------------------------------------

    def poll_due(self, *, wait: bool = False, limit: int = 100) -> list[PollResult]:
        """Poll every due source once; with ``wait``, wait for busy hosts instead of deferring.

        Each source is claimed first (:func:`service.store.sources.claim_due`), so several service
        processes, each with its worker, never poll one source at the same time."""
        with self.sessions() as session:
            due = [
                (self._snapshot(s), s.next_run_at)
                for s in store.due_sources(session, now=self.clock(), limit=limit)
            ]
        results = []
        for source, due_at in due:
            assert due_at is not None  # due_sources returns those with next_run_at <= now
            if not wait and self.throttle.wait_seconds(source.host) > 0:
                results.append(PollResult(source.id, source.name, "deferred"))
                continue
            lease = timedelta(seconds=self.settings.fetch_timeout * (self.settings.source_max_pages + 1) + 60)
            with write_transaction(self.sessions) as session:
                claimed = store.claim_due(
                    session, source_id=source.id, due_at=due_at, until=self.clock() + lease
                )
            if claimed:
                results.append(self._poll(source, wait=True))
        return results

    def poll(self, source_id: int) -> PollResult:
        """Poll one source now, whatever its schedule or status (waits for its host if busy)."""
        with self.sessions() as session:
            snapshot = self._snapshot(store.get_source(session, source_id=source_id))
        return self._poll(snapshot, wait=True)

    @staticmethod
    def _snapshot(source: Any) -> _Snapshot:
        return _Snapshot(
            source.id,
            source.url,
            source.kind,
            source.name,
            source.selector,
            source.etag,
            source.last_modified,
            source.backfill_url,
        )

    def _take_host(self, source: _Snapshot, *, wait: bool) -> bool:
        while not self.throttle.take(source.host):
            if not wait:
                return False
            self.sleep(max(self.throttle.wait_seconds(source.host), 0.01))
        return True

    # -- one source -------------------------------------------------------------------------------

    def _fetch(self, source: _Snapshot, url: str, *, conditional: bool) -> RawPage:
        headers = {"Accept": ACCEPT}
        if conditional and source.etag:
            headers["If-None-Match"] = source.etag
        if conditional and source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        return asyncio.run(self.fetcher.fetch_raw(url, headers=headers))

    def _poll(self, source: _Snapshot, *, wait: bool) -> PollResult:
        if not self._take_host(source, wait=wait):
            return PollResult(source.id, source.name, "deferred")
        found = new = 0
        batch_id: int | None = None
        first: RawPage | None = None
        url: str | None = source.url
        resumed = False  # an older page left by an earlier poll has been taken up
        try:
            for page_number in range(self.settings.source_max_pages):
                if url is None:
                    break
                if page_number:
                    self._take_host(source, wait=True)
                raw = self._fetch(source, url, conditional=page_number == 0)
                first = first or raw
                next_url = None
                if raw.status != 304:
                    posts = self._posts(source, raw)
                    found += len(posts)
                    fresh, all_new = self._new_posts(source, posts)
                    if fresh:
                        with write_transaction(self.sessions) as session:
                            recorded = store.record_page(
                                session, source_id=source.id, posts=fresh, now=self.clock()
                            )
                        batch_id, new = recorded or batch_id, new + len(fresh)
                    # Older posts are worth a page more only while everything on this one was new.
                    if source.kind == "telegram" and all_new:
                        next_url = older_page_url(raw.final_url, posts)
                if next_url is None and not resumed and source.backfill_url:
                    next_url, resumed = source.backfill_url, True
                url = next_url
        except (ApiError, ScreenerError) as exc:
            return self._failed(source, str(exc), url, found=found, new=new, batch_id=batch_id)
        except Exception as exc:  # a bug must not stop the other sources; it is shown on this one
            logger.exception("watched source %s: poll failed", source.id)
            return self._failed(
                source, f"{type(exc).__name__}: {exc}", url, found=found, new=new, batch_id=batch_id
            )
        assert first is not None
        not_modified = first.status == 304
        with write_transaction(self.sessions) as session:
            store.record_success(
                session,
                source_id=source.id,
                found=found,
                not_modified=not_modified,
                etag=first.etag or (source.etag if not_modified else None),
                last_modified=first.last_modified or (source.last_modified if not_modified else None),
                now=self.clock(),
                backfill_url=url,  # the page limit stopped the paging here (None: all read)
            )
        outcome = "not_modified" if not_modified else "ok"
        return PollResult(source.id, source.name, outcome, found, new, batch_id)

    def _posts(self, source: _Snapshot, raw: RawPage) -> list[Post]:
        if raw.truncated:
            raise ScreenerError(
                f"the page is larger than {self.settings.fetch_max_bytes} bytes "
                "(SCREENER_FETCH_MAX_BYTES); nothing was read from it",
                f"halaman lebih besar dari {self.settings.fetch_max_bytes} byte "
                "(SCREENER_FETCH_MAX_BYTES); tidak ada yang dibaca",
            )
        return parse_page(source.kind, raw.body, raw.final_url, source.selector)

    def _failed(
        self, source: _Snapshot, error: str, url: str | None, *, found: int, new: int, batch_id: int | None
    ) -> PollResult:
        with write_transaction(self.sessions) as session:
            store.record_failure(
                session,
                source_id=source.id,
                error=error,
                now=self.clock(),
                max_backoff_seconds=self.settings.source_max_backoff_seconds,
                # An older page that failed is taken up again after the first page of the next poll.
                backfill_url=url if url and url != source.url else None,
            )
        return PollResult(source.id, source.name, "error", found, new, batch_id, error)

    def _new_posts(self, source: _Snapshot, posts: list[Post]) -> tuple[list[store.NewPost], bool]:
        """The posts not seen before (or seen with another text), and whether every post was new."""
        unique = {p.id: p for p in posts}  # a page listing one post twice imports it once
        with self.sessions() as session:
            seen = store.seen_hashes(session, source_id=source.id, keys=list(unique))
        fresh = [
            self._new_post(source, post) for key, post in unique.items() if seen.get(key) != post.content_hash
        ]
        return fresh, not seen

    def _new_post(self, source: _Snapshot, post: Post) -> store.NewPost:
        text = post.text.replace("\x00", "")
        text = text.encode("utf-8")[: self.settings.max_text_bytes].decode("utf-8", errors="ignore")
        row: dict[str, Any] = {
            "text": text,
            "url": (post.link or source.url)[:2000],
            "platform": PLATFORM_OF_KIND[source.kind],
            "source": source.name[:200],
            "external_id": post.id[:200],
            # Kept for the importers' source metadata (group, posted-at) once ingest takes them.
            "group": source.name,
            "posted_at": post.posted_at.isoformat() if post.posted_at else None,
        }
        return store.NewPost(post.id[:300], post.content_hash, post.link, post.posted_at, row)
