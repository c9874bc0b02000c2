"""The service's vocabularies, defined once (the library's are in :mod:`screener.vocabulary`).

Roles, verdicts and the statuses of batches and queue items are :class:`~enum.StrEnum` members: they
compare equal to their strings, so the database, JSON and the CLI keep plain words, while models,
schemas, routes, pages and ``argparse`` choices all read the one list.
"""

from __future__ import annotations

from enum import StrEnum

from screener.vocabulary import RISKY_CATEGORIES, SAFE_CATEGORIES, Category

__all__ = [
    "CLAIMABLE",
    "RISKY_VERDICTS",
    "SAFE_VERDICTS",
    "SECOND_REVIEW_VERDICTS",
    "WAITING",
    "BatchStatus",
    "ItemReason",
    "ItemStatus",
    "Role",
    "Verdict",
]


class Role(StrEnum):
    """What an API key may do (``service.auth`` says which role may use which endpoint)."""

    OFFICER = "officer"  # scores ads, keeps a history
    MODERATOR = "moderator"  # reviews the queue
    EDUCATOR = "educator"  # reads the redacted examples
    ADMIN = "admin"  # everything, keys included


# A moderator's verdict: any corpus category, or "unsure" (no label: left out of the export). Built
# from Category so a category the library adds becomes a verdict too (and a migration must follow:
# the decisions table checks its verdicts).
Verdict = StrEnum("Verdict", [*((c.name, c.value) for c in Category), ("UNSURE", "unsure")])  # type: ignore[misc]  # mypy reads only literal member lists
Verdict.__doc__ = (
    "A moderator's verdict: a corpus category (:class:`~screener.vocabulary.Category`) or unsure."
)

# tppo/tppm verdicts are serious enough to need a second reviewer (two-person rule).
SECOND_REVIEW_VERDICTS = frozenset({Verdict(Category.TPPO), Verdict(Category.TPPM)})
RISKY_VERDICTS = frozenset(Verdict(c) for c in RISKY_CATEGORIES)
# Calling a `tinggi` ad one of these needs a second reviewer too.
SAFE_VERDICTS = frozenset(Verdict(c) for c in SAFE_CATEGORIES)


class BatchStatus(StrEnum):
    """An uploaded batch: ``receiving`` until the upload is complete, never scored before."""

    RECEIVING = "receiving"
    QUEUED = "queued"
    SCORING = "scoring"
    DONE = "done"
    FAILED = "failed"


class ItemStatus(StrEnum):
    """A queue item (one per campaign)."""

    OPEN = "open"
    LEASED = "leased"
    NEEDS_SECOND_REVIEW = "needs_second_review"
    ADJUDICATION = "adjudication"
    DECIDED = "decided"


class ItemReason(StrEnum):
    """Why a campaign is in the queue (shown with each item, and a filter of the listing)."""

    THRESHOLD = "threshold"  # high risk: at or above the review threshold
    UNCERTAIN = "uncertain"  # just below it: the uncertain slice, for learning
    CAMPAIGN = "campaign"  # below both, but reposted often enough to be worth a look
    AUDIT = "audit"  # a random sample of low-risk ads, so that misses can be found at all
    SECOND_REVIEW = "second_review"  # a first reviewer decided; a second one must confirm
    ADJUDICATION = "adjudication"  # the two reviewers disagreed (or too many were unsure)


CLAIMABLE = (ItemStatus.OPEN, ItemStatus.NEEDS_SECOND_REVIEW)
WAITING = (*CLAIMABLE, ItemStatus.LEASED)  # what the queue listing shows
