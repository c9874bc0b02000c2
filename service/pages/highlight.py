"""Evidence spans turned into text segments the templates render (and escape) one by one.

Nothing here builds HTML: :func:`segments` cuts the ORIGINAL text at every span boundary and says
which flags cover each piece; the template prints every piece through Jinja's autoescape, so ad text
can never become markup. :func:`redacted_spans` moves spans computed on the original text onto its
redacted version (a span touching a mask grows to cover the whole ``[LABEL]``), so the educators'
pages are built from the redacted text alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from screener.redact import Redaction

__all__ = ["Flag", "Segment", "Span", "redacted_spans", "segments", "spans_from_indicators"]


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    flag: int  # the 1-based number of the indicator in the reasons list


@dataclass(frozen=True, slots=True)
class Flag:
    number: int
    id: str
    name_id: str
    name_en: str
    level: str
    weight: float


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    flags: tuple[int, ...]  # the flags covering this piece (empty: plain text)
    ends: tuple[int, ...]  # the flags whose span ends with this piece (their labels go here)


def spans_from_indicators(indicators: Iterable[dict[str, Any]]) -> tuple[list[Flag], list[Span]]:
    """Number the indicators 1..n and list their evidence spans (``assessment.to_dict()`` shape)."""
    flags: list[Flag] = []
    spans: list[Span] = []
    for number, ind in enumerate(indicators, start=1):
        flags.append(
            Flag(
                number,
                str(ind["id"]),
                str(ind["name_id"]),
                str(ind["name_en"]),
                str(ind.get("level", "")),
                float(ind.get("weight", 0.0)),
            )
        )
        for ev in ind.get("evidence", ()):
            spans.append(Span(int(ev["start"]), int(ev["end"]), number))
    return flags, spans


def segments(text: str, spans: Sequence[Span]) -> list[Segment]:
    """Cut ``text`` at every span boundary; spans outside the text or empty are dropped."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    out: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        covering = tuple(sorted({s.flag for s in valid if s.start <= a and b <= s.end}))
        ending = tuple(sorted({s.flag for s in valid if s.end == b and s.start <= a}))
        out.append(Segment(text[a:b], covering, ending))
    return out


def redacted_spans(original: str, redaction: Redaction, spans: Sequence[Span]) -> list[Span] | None:
    """``spans`` on ``original`` moved onto ``redaction.text``; None when the two texts disagree.

    A position inside a masked stretch snaps to the edge of its ``[LABEL]``, so a span over a phone
    number marks the ``[TELEPON]`` label and never reveals what was masked.
    """
    red = redaction.text
    masks: list[tuple[int, int, int, int]] = []  # original start, end; redacted start, end
    shift = 0
    for _, start, end in sorted(redaction.masked, key=lambda m: m[1]):
        new_start = start + shift
        if new_start >= len(red) or red[new_start] != "[":
            return None
        close = red.find("]", new_start)
        if close < 0:
            return None
        new_end = close + 1
        masks.append((start, end, new_start, new_end))
        shift = new_end - end
    # The unmasked stretches must be identical, or the mapping is wrong: show no marks at all.
    previous_end, previous_new_end = 0, 0
    for start, end, new_start, new_end in masks:
        if original[previous_end:start] != red[previous_new_end:new_start]:
            return None
        previous_end, previous_new_end = end, new_end
    if original[previous_end:] != red[previous_new_end:]:
        return None

    def move(position: int, *, is_end: bool) -> int:
        moved = position
        for start, end, new_start, new_end in masks:
            if position <= start:
                break
            if position >= end:
                moved = position + (new_end - end)
                continue
            return new_end if is_end else new_start
        return moved

    out = []
    for span in spans:
        start, end = move(span.start, is_end=False), move(span.end, is_end=True)
        if start < end:
            out.append(Span(start, end, span.flag))
    return out
