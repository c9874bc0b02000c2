"""Eight concurrent claimers over 2,000 queue items: every item goes to exactly one of them.

Threads call the store's claim function directly (each in its own write transaction), on a SQLite
file (BEGIN IMMEDIATE) and on PostgreSQL (FOR UPDATE SKIP LOCKED; skipped when unreachable).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from queue_testing import migrated_engine
from sqlalchemy import Engine, insert, select

from service.store import leases, session_factory, write_transaction
from service.store.models import QueueItem, utcnow

pytestmark = pytest.mark.slow  # thousands of items, many threads

ITEMS = 2000
CLAIMERS = 8


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(request.param, tmp_path) as made:
        yield made


def fill(engine: Engine) -> None:
    now = utcnow()
    rows = [
        {
            "cluster_id": i,
            "ad_id": i,
            "batch_id": 1,
            "status": "open",
            "reason": "threshold",
            "priority": random.Random(i).random(),
            "risk": 0.5,
            "tier": "sedang",
            "indicators_text": "",
            "places_text": "",
            "review_round": 1,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(1, ITEMS + 1)
    ]
    with engine.begin() as connection:
        connection.execute(insert(QueueItem), rows)


def test_concurrent_claimers_never_share_an_item(engine: Engine) -> None:
    fill(engine)
    sessions = session_factory(engine)
    claimed: dict[int, list[int]] = {k: [] for k in range(1, CLAIMERS + 1)}
    errors: list[BaseException] = []
    start = threading.Barrier(CLAIMERS)
    # Every claimer makes its first claim before any makes a second: on a busy machine one thread
    # could otherwise drain the queue before the others are scheduled, and nothing would compete.
    first_round = threading.Barrier(CLAIMERS)

    def claimer(key_id: int) -> None:
        rng = random.Random(key_id)
        try:
            start.wait()
            rounds = 0
            while True:
                with write_transaction(sessions) as session:
                    ids = leases.claim_items(
                        session, key_id=key_id, limit=rng.randint(1, 12), lease_seconds=600
                    )
                rounds += 1
                if rounds == 1:
                    first_round.wait(timeout=60)
                if not ids:
                    return
                claimed[key_id].extend(ids)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(k,)) for k in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    every = [item for ids in claimed.values() for item in ids]
    doubles = [item for item, n in Counter(every).items() if n > 1]
    assert doubles == []
    assert sorted(every) == list(range(1, ITEMS + 1))
    assert sum(1 for ids in claimed.values() if ids) > 1  # they really competed
    with sessions() as session:
        holders = dict(session.execute(select(QueueItem.id, QueueItem.lease_key_id)).all())
        statuses = set(session.scalars(select(QueueItem.status)))
    assert statuses == {"leased"}
    assert all(holders[item] == key for key, ids in claimed.items() for item in ids)


def test_expired_leases_return_to_the_queue(engine: Engine) -> None:
    fill(engine)
    sessions = session_factory(engine)
    with write_transaction(sessions) as session:
        first = leases.claim_items(session, key_id=1, limit=5, lease_seconds=-1)  # already expired
    with write_transaction(sessions) as session:
        assert leases.expire_leases(session) == 5
    with write_transaction(sessions) as session:
        again = leases.claim_items(session, key_id=2, limit=5, lease_seconds=600)
    assert again == first  # the riskiest items, back in the queue
