"""The store's own errors: what is wrong with a record, in Bahasa Indonesia and English.

The store knows nothing of HTTP; :mod:`service.errors` maps each class to a status in one table and
the pages show the message in the reader's language::

    StoreError                  message_en, message_id, code
    ├── NotFound                no such batch or queue item                       -> 404
    └── Conflict                the record is not in a state that allows this     -> 409
        ├── LeaseExpired        the item is not leased to the caller, or the lease ran out
        ├── AlreadyDecided      the item is decided (the message says by whom and when)
        ├── SameReviewer        a second review by the first reviewer
        └── NotInAdjudication   an adjudication for an item no one disagreed on
"""

from __future__ import annotations

__all__ = [
    "AlreadyDecided",
    "Conflict",
    "LeaseExpired",
    "NotFound",
    "NotInAdjudication",
    "SameReviewer",
    "StoreError",
]


class StoreError(Exception):
    """Base class; ``code`` is the machine-readable name the API puts in its error body."""

    code = "store_error"

    def __init__(self, message_en: str, message_id: str, *, code: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_id = message_id
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message_id} / {self.message_en}"


class NotFound(StoreError):
    code = "not_found"


class Conflict(StoreError):
    code = "conflict"


class LeaseExpired(Conflict):
    code = "not_lease_holder"


class AlreadyDecided(Conflict):
    code = "already_decided"


class SameReviewer(Conflict):
    code = "same_reviewer"


class NotInAdjudication(Conflict):
    code = "not_in_adjudication"
