"""Authors as keyed hashes: the same person gets the same hash in every import, and no name or number
is ever stored in clear.

The hash is HMAC-SHA256 with a secret key (``SCREENER_AUTHOR_HASH_KEY`` in the service), so it cannot
be reversed by hashing a list of known phone numbers without the key.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import unicodedata

__all__ = ["author_hash", "normalize_author"]

_PHONEISH = re.compile(r"[+\d\s\-().\u00a0\u202a\u202c\u2011]+")


def normalize_author(author: str) -> str:
    """One spelling per author: a phone number as its digits (``+62 812-3456`` and ``0812 3456``
    agree), a name case-folded with its spaces collapsed."""
    text = unicodedata.normalize("NFKC", author).strip()
    if _PHONEISH.fullmatch(text) and sum(c.isdigit() for c in text) >= 6:
        digits = "".join(c for c in text if c.isdigit())
        return "62" + digits[1:] if digits.startswith("0") else digits
    return " ".join(text.casefold().split())


@functools.lru_cache(maxsize=65536)  # a group has few authors and many messages
def author_hash(author: str, key: str) -> str:
    """The author's keyed hash (64 hex characters); raises ``ValueError`` without a key."""
    if not key:
        raise ValueError("an author hash needs a key")
    return hmac.new(key.encode("utf-8"), normalize_author(author).encode("utf-8"), hashlib.sha256).hexdigest()
