"""An officer's correction of the OCR text, kept on the picture.

The corrected text is aligned word by word with what OCR read (``difflib``): a word kept or replaced
one-for-one keeps its box, so red flags found in the corrected text are still drawn where they are on
the image; words the officer added have no box.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from screener.ocr.read import OcrResult, OcrWord

__all__ = ["apply_correction", "result_from_record"]

_WORD = re.compile(r"\S+")


def result_from_record(record: dict[str, Any], width: int, height: int) -> OcrResult:
    """An :class:`OcrResult` from its stored form (``source`` text, words and confidence)."""
    words = tuple(
        OcrWord(
            str(w[0]),
            int(w[1]),
            int(w[2]),
            (int(w[3]), int(w[4]), int(w[5]), int(w[6])),
            float(w[7]),
            int(w[8]),
        )
        for w in record.get("words", [])
    )
    return OcrResult(
        str(record.get("text", "")), words, float(record.get("confidence", 0.0)), width, height,
        float(record.get("angle", 0.0)),
    )  # fmt: skip


def apply_correction(ocr: OcrResult, corrected: str) -> OcrResult:
    """``ocr`` with its text replaced by ``corrected``; boxes follow the words that can be matched."""
    new_words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(corrected)]
    old: Sequence[OcrWord] = ocr.words
    matcher = difflib.SequenceMatcher(a=[w.text for w in old], b=[w for w, _, _ in new_words], autojunk=False)
    kept: list[OcrWord] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            for i, j in zip(range(a0, a1), range(b0, b1), strict=True):
                text, start, end = new_words[j]
                word = old[i]
                confidence = word.confidence if tag == "equal" else 100.0  # read by the officer
                kept.append(OcrWord(text, start, end, word.box, confidence, word.line))
        elif tag == "replace":  # n words for m: spread the old boxes over the new words by position
            for k, j in enumerate(range(b0, b1)):
                word = old[a0 + min(a1 - a0 - 1, k * (a1 - a0) // (b1 - b0))]
                text, start, end = new_words[j]
                kept.append(OcrWord(text, start, end, word.box, 100.0, word.line))
    # The officer has read and confirmed the text: it is no longer "unclear".
    return OcrResult(corrected, tuple(kept), 100.0, ocr.width, ocr.height, ocr.angle)
