"""A cheap guess at an ad's language (Bahasa Indonesia, English or a mix) from common words.

Good enough to fill the corpus schema's ``language`` column for exported decisions; not a language
identifier for arbitrary text.
"""

from __future__ import annotations

import re

from screener.vocabulary import Language

__all__ = ["guess_language"]

_EN_WORDS = frozenset({
    "the", "and", "for", "with", "you", "your", "job", "work", "salary", "apply", "we", "are", "is", "to",
    "of", "in",
})  # fmt: skip
_ID_WORDS = frozenset({
    "dan", "yang", "untuk", "di", "dengan", "kerja", "gaji", "lowongan", "hubungi", "kami", "bisa", "tanpa",
    "ke", "dari",
})  # fmt: skip
_WORD = re.compile(r"[a-z]+")


def guess_language(text: str) -> Language:
    """``mixed`` when both word lists are hit about equally (within 3x), else the one hit more;
    ``id`` on a tie or no hit (the corpus is Indonesian first).

    >>> guess_language("Dicari staf gudang, gaji sesuai UMK")
    <Language.ID: 'id'>
    """
    words = _WORD.findall(text.lower())
    en = sum(w in _EN_WORDS for w in words)
    id_ = sum(w in _ID_WORDS for w in words)
    if en and id_ and min(en, id_) * 3 >= max(en, id_):
        return Language.MIXED
    return Language.EN if en > id_ else Language.ID
