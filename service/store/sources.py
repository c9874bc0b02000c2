"""Watched sources: add, list, pause / resume / remove, the due ones, and what each fetch brought.

New posts of a source go into one batch per source per (UTC) day through the ordinary batch code
(:mod:`service.store.ingest`), so the worker scores, clusters and queues them like any upload. A
page's new posts, the "seen" marks for them and the source's status are written in one transaction:
a fetch that fails half-way (on its second page, say) keeps what the first page brought.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.store import ingest
from service.store.db import chunks
from service.store.errors import Conflict, NotFound
from service.store.models import Batch, Source, SourcePost
from service.vocabulary import BatchStatus

__all__ = [
    "NewPost",
    "add_source",
    "claim_due",
    "due_sources",
    "get_source",
    "list_sources",
    "record_failure",
    "record_page",
    "record_success",
    "remove_source",
    "seen_hashes",
    "set_status",
]

ACTIVE, PAUSED = "active", "paused"


@dataclass(frozen=True)
class NewPost:
    """A post to import: its key (site id, else link, else hash), the ad's fields and its hash."""

    key: str
    content_hash: str
    link: str | None
    posted_at: datetime | None
    row: dict[str, Any]  # text, url, platform, source, external_id (+ group, posted_at for later)


def add_source(
    session: Session,
    *,
    url: str,
    kind: str,
    name: str,
    every_seconds: int,
    selector: str | None,
    key_id: int | None,
    now: datetime,
) -> Source:
    """A new active source, due at once; :class:`Conflict` when the address is watched already."""
    if session.scalar(select(Source.id).where(Source.url == url)) is not None:
        raise _duplicate(url)
    source = Source(
        url=url,
        kind=kind,
        name=name[:200],
        every_seconds=every_seconds,
        selector=selector,
        status=ACTIVE,
        key_id=key_id,
        created_at=now,
        updated_at=now,
        next_run_at=now,
        failures=0,
        empty_fetches=0,
        last_found=0,
        imported=0,
    )
    session.add(source)
    try:
        session.flush()
    except IntegrityError:  # a concurrent add of the same address
        raise _duplicate(url) from None
    return source


def _duplicate(url: str) -> Conflict:
    return Conflict(
        f"the source {url} is watched already", f"sumber {url} sudah dipantau", code="source_exists"
    )


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.id)))


def get_source(session: Session, *, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"no source {source_id}", f"tidak ada sumber {source_id}")
    return source


def set_status(session: Session, *, source_id: int, status: str, now: datetime) -> Source:
    """Pause or resume; a resumed source is due at once and its error backoff starts over."""
    source = get_source(session, source_id=source_id)
    if status == ACTIVE and source.status != ACTIVE:
        source.next_run_at, source.failures = now, 0
    source.status = status
    source.updated_at = now
    session.flush()
    return source


def remove_source(session: Session, *, source_id: int) -> None:
    """Stop watching; the ads it brought (and their batches) stay."""
    get_source(session, source_id=source_id)
    session.execute(delete(SourcePost).where(SourcePost.source_id == source_id))
    session.execute(delete(Source).where(Source.id == source_id))


def due_sources(session: Session, *, now: datetime, limit: int = 100) -> list[Source]:
    query = (
        select(Source)
        .where(Source.status == ACTIVE, Source.next_run_at <= now)
        .order_by(Source.next_run_at, Source.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def claim_due(session: Session, *, source_id: int, due_at: datetime, until: datetime) -> bool:
    """Take a due source for one poll: its next run moves to ``until`` unless another process (another
    service worker) took it first. A poll that dies half-way is retried after ``until``."""
    result = session.execute(
        update(Source)
        .where(Source.id == source_id, Source.status == ACTIVE, Source.next_run_at == due_at)
        .values(next_run_at=until)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def seen_hashes(session: Session, *, source_id: int, keys: Sequence[str]) -> dict[str, str]:
    """``post key -> content hash`` of the posts among ``keys`` the source has shown before."""
    found: dict[str, str] = {}
    for part in chunks(list(dict.fromkeys(keys))):
        query = select(SourcePost.post_key, SourcePost.content_hash).where(
            SourcePost.source_id == source_id, SourcePost.post_key.in_(part)
        )
        found.update({k: h for k, h in session.execute(query)})
    return found


def _day_batch(session: Session, source: Source, now: datetime) -> int:
    day = now.date().isoformat()
    if source.batch_id is not None and source.batch_day == day:
        status = session.scalar(select(Batch.status).where(Batch.id == source.batch_id))
        if status is not None and status != BatchStatus.FAILED:
            return source.batch_id
    batch = ingest.create_batch(
        session, key_id=source.key_id, filename=f"sumber {source.id} {source.name} {day}"[:300],
        content_type=f"watch/{source.kind}",
    )  # fmt: skip
    source.batch_id, source.batch_day = batch.id, day
    return batch.id


def record_page(session: Session, *, source_id: int, posts: Sequence[NewPost], now: datetime) -> int | None:
    """Import ``posts`` (new, or changed since seen) into today's batch and mark them seen.

    Returns the batch id (None when there was nothing new). Call it inside a write transaction.
    """
    source = get_source(session, source_id=source_id)
    if not posts:
        return None
    batch_id = _day_batch(session, source, now)
    ingest.insert_ads(session, batch_id=batch_id, rows=[p.row for p in posts])
    # Ads added to a batch the worker had finished: it is queued again (scored <  accepted).
    session.execute(
        update(Batch)
        .where(Batch.id == batch_id, Batch.status.in_((BatchStatus.RECEIVING, BatchStatus.DONE)))
        .values(status=BatchStatus.QUEUED, finished_at=None, updated_at=now)
    )
    known = seen_hashes(session, source_id=source_id, keys=[p.key for p in posts])
    for post in posts:
        if post.key in known:
            session.execute(
                update(SourcePost)
                .where(SourcePost.source_id == source_id, SourcePost.post_key == post.key)
                .values(content_hash=post.content_hash, link=post.link, last_seen_at=now)
            )
        else:
            session.add(
                SourcePost(
                    source_id=source_id,
                    post_key=post.key,
                    link=post.link,
                    content_hash=post.content_hash,
                    posted_at=post.posted_at,
                    first_seen_at=now,
                    last_seen_at=now,
                )
            )
            known[post.key] = post.content_hash
    source.imported += len(posts)
    source.updated_at = now
    session.flush()
    return batch_id


def record_success(
    session: Session,
    *,
    source_id: int,
    found: int,
    not_modified: bool,
    etag: str | None,
    last_modified: str | None,
    now: datetime,
    backfill_url: str | None = None,
) -> Source:
    """A fetch that worked: the next run is one interval away; empty fetches are counted."""
    source = get_source(session, source_id=source_id)
    source.backfill_url = backfill_url
    source.last_run_at = source.last_success_at = now
    source.failures = 0
    source.next_run_at = now + timedelta(seconds=source.every_seconds)
    if not not_modified:  # "not modified" says nothing about the layout
        source.last_found = found
        source.empty_fetches = 0 if found else source.empty_fetches + 1
        source.etag, source.last_modified = etag, last_modified
    source.updated_at = now
    session.flush()
    return source


def record_failure(
    session: Session,
    *,
    source_id: int,
    error: str,
    now: datetime,
    max_backoff_seconds: float,
    backfill_url: str | None = None,
) -> Source:
    """A failed fetch: the error is kept and the next run backs off (interval x 2^failures, capped).
    ``backfill_url``: an older page that failed, to resume from (else the one saved is kept)."""
    source = get_source(session, source_id=source_id)
    if backfill_url is not None:
        source.backfill_url = backfill_url
    source.failures += 1
    delay = min(max_backoff_seconds, source.every_seconds * 2 ** min(source.failures, 20))
    source.last_run_at = source.last_error_at = now
    source.last_error = error[:2000]
    source.next_run_at = now + timedelta(seconds=max(delay, source.every_seconds))
    source.updated_at = now
    session.flush()
    return source
