"""Normalise ad text for matching, keeping an offset map back to the original.

Scam ads dodge keyword filters with tricks such as ``K4mb0ja``, ``K A M B O J A``, ``kam.boja``,
flag emoji and chat abbreviations. :func:`normalize` undoes these in a fixed sequence of passes and
records, for every character of the normalised text, the span of the original text it came from, so
every piece of evidence found on the normalised text can be reported on the text the user pasted.

Passes, in order:

1. flag emoji (a pair of regional indicators) -> the country name, money emoji -> ``uang``;
2. compatibility folding of every non-ASCII character (NFKD, combining marks dropped, case-folded):
   fullwidth and "bold" Unicode letters become ASCII, zero-width and control characters disappear,
   any other symbol or emoji becomes a space;
3. punctuation inside a word removed (``kam.boja`` -> ``kamboja``), a full stop with no space after it
   before a capital letter read as a sentence end (``Kamboja.Gaji`` -> ``Kamboja Gaji``);
4. ASCII lower case and whitespace folded;
5. spaced-out letters joined (``k a m b o j a`` -> ``kamboja``);
6. digits used as letters inside a word (``k4mb0ja`` -> ``kamboja``), leaving money (``rp5jt``) alone;
7. a letter repeated three or more times folded to one (``gratisss`` -> ``gratis``);
8. chat abbreviations expanded (``yg`` -> ``yang``, ``15jt`` -> ``15 juta``, ``tiket pp`` -> ``tiket pulang pergi``);
9. whitespace folded to single spaces.

The passes live in :mod:`screener.normalizing`, one module per kind of rewrite. They are built to
cost little when they have nothing to do, which is most of the time: each starts with a test or a
scan that runs in C (a pattern that starts with a literal or a rare character, ``str`` and ``bytes``
methods), and calls back into Python only for what it changes. The offset map is two lists edited in
place, only where a replacement changes the length; the same results, offsets included, as the
straightforward implementation kept under ``tests/reference/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from screener.normalizing.abbreviations import (
    ABBREVIATIONS,
    expand_abbreviations,
    expand_number_units,
    expand_pp,
)
from screener.normalizing.folding import fold_non_ascii, lower_ascii
from screener.normalizing.obfuscation import (
    delete_inner_punctuation,
    fold_repeated_letters,
    split_run_on_sentences,
    unleet,
)
from screener.normalizing.offsets import Buffer, identity_map
from screener.normalizing.spacing import fold_spaces, join_spaced_letters

__all__ = ["ABBREVIATIONS", "Normalized", "normalize"]


@dataclass(frozen=True, slots=True, eq=False)
class Normalized:
    """Normalised text plus, per character, the original span it came from.

    ``starts[i]`` and ``ends[i]`` give the original span of ``text[i]``; several normalised
    characters may share one original span (an expansion) and one may cover several (a join).
    """

    original: str
    text: str
    starts: list[int]
    ends: list[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to a span of the original text."""
        if not self.text:
            return (0, 0)
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return self.starts[start], self.ends[end - 1]

    def original_slice(self, start: int, end: int) -> str:
        """The original text behind the normalised span ``[start, end)``."""
        a, b = self.to_original(start, end)
        return self.original[a:b]


# The passes in order (numbered as in the module docstring); each takes and returns (text, starts, ends).
_PASSES: tuple[Callable[[Buffer], Buffer], ...] = (
    fold_non_ascii,  # 1, 2
    split_run_on_sentences,  # 3
    delete_inner_punctuation,  # 3
    lower_ascii,  # 4
    fold_spaces,  # 4
    join_spaced_letters,  # 5
    unleet,  # 6
    fold_repeated_letters,  # 7
    expand_number_units,  # 8
    expand_pp,  # 8
    expand_abbreviations,  # 8
    fold_spaces,  # 9
)


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching and keep the offset map back to it.

    Parameters
    ----------
    text : str
        The ad as the user pasted it.

    Returns
    -------
    Normalized
        The normalised text with ``starts``/``ends`` giving each character's original span.
    """
    buf: Buffer = (text, *identity_map(len(text)))
    for apply in _PASSES:
        buf = apply(buf)
    return Normalized(original=text, text=buf[0], starts=buf[1], ends=buf[2])
