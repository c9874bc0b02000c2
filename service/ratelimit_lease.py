"""Tokens of a shared bucket taken ahead of need and spent in this process: a round trip per lease,
not per request.

A shared limiter (database or Redis, :mod:`service.ratelimit_shared`) costs a write per request, which
for one busy key becomes the service's bottleneck: every worker process queues on the same row. A
:class:`Leases` takes several tokens at once (all or nothing) and spends them locally, for at most
``LEASE_SECONDS``; tokens left at expiry are forfeited (never granted twice). The lease size follows
local demand: it doubles when a lease runs out before it expires and halves when one expires unused,
and never exceeds ``LEASE_SHARE`` of the bucket's capacity, so:

- a key with a small limit (under 200 a minute) is never leased more than one token: exactly the
  shared bucket, as before;
- a process holds at most ``LEASE_SHARE`` of a key's burst, so N processes grant at least
  ``capacity x (1 - N x LEASE_SHARE)`` of a burst, and never more than the bucket holds;
- near the limit a lease of several tokens is refused and one token is asked for instead, so refusals
  and ``Retry-After`` are the shared bucket's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from service.ratelimit import retry_after

__all__ = ["LEASE_SECONDS", "LEASE_SHARE", "Leases"]

LEASE_SECONDS = 0.25
LEASE_SHARE = 0.01

# take(key, want) -> (granted, tokens left): the shared bucket's all-or-nothing "take want tokens".
Take = Callable[[object, int], tuple[bool, float]]


@dataclass(slots=True)
class _Lease:
    left: int  # tokens not yet spent
    size: int  # tokens taken for it
    started: float
    expires: float


class Leases:
    """``acquire(key)`` for a shared limiter whose ``take`` costs a round trip."""

    def __init__(self, take: Take, *, capacity: float, rate: float, clock: Callable[[], float]) -> None:
        self._take = take
        self._rate = rate
        self._clock = clock
        self.max_lease = max(1, int(capacity * LEASE_SHARE))
        self._leases: dict[object, _Lease] = {}
        self._lock = threading.Lock()

    def acquire(self, key: object) -> int:
        """0 when the request may go ahead, else the whole seconds until the key has a token."""
        with self._lock:
            now = self._clock()
            lease = self._leases.get(key)
            if lease is not None and lease.left > 0 and now < lease.expires:
                lease.left -= 1
                return 0
            want = self._next_size(lease, now)
        granted, tokens = self._take(key, want)
        if not granted and want > 1:  # near the limit: one token, as without leases
            want = 1
            granted, tokens = self._take(key, 1)
        with self._lock:
            if not granted:
                self._leases.pop(key, None)
                return retry_after(tokens, self._rate)
            current = self._leases.get(key)
            # Another thread may have leased meanwhile: keep its unspent, unexpired tokens too.
            carried = current.left if current is not None and now < current.expires else 0
            self._leases[key] = _Lease(carried + want - 1, want, now, now + LEASE_SECONDS)
            return 0

    def _next_size(self, lease: _Lease | None, now: float) -> int:
        if lease is None or self.max_lease == 1:
            return 1
        if lease.left == 0 and now < lease.expires:  # spent before it expired: demand is higher
            return min(self.max_lease, lease.size * 2)
        if lease.left > 0:  # expired with tokens left: demand is lower
            return max(1, lease.size // 2)
        return lease.size
