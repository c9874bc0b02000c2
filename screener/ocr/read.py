"""Image in, text out: :func:`read_image` returns the text with every word's box and confidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from screener.ocr.engine import recognise
from screener.ocr.layout import order_lines
from screener.ocr.load import ImageInput, load_image
from screener.ocr.preprocess import prepare

__all__ = ["OcrResult", "OcrWord", "read_image"]

Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class OcrWord:
    text: str
    start: int  # offsets of the word in OcrResult.text
    end: int
    box: Box  # (x0, y0, x1, y1) on the uploaded image, after EXIF orientation
    confidence: float  # 0-100
    line: int  # index of the word's line in the text

    def to_list(self) -> list[Any]:
        return [self.text, self.start, self.end, *self.box, round(self.confidence, 1), self.line]


@dataclass(frozen=True, slots=True)
class OcrResult:
    text: str
    words: tuple[OcrWord, ...]
    confidence: float  # mean word confidence weighted by word length, 0-100
    width: int
    height: int
    angle: float  # skew that was corrected, in degrees

    def boxes_for_span(self, start: int, end: int) -> list[Box]:
        """The boxes covering the text between ``start`` and ``end``: one per line, around its words."""
        by_line: dict[int, list[Box]] = {}
        for word in self.words:
            if word.start < end and word.end > start:
                by_line.setdefault(word.line, []).append(word.box)
        return [
            (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            for boxes in by_line.values()
        ]


def read_image(source: ImageInput, *, timeout: float = 0) -> OcrResult:
    """Read the text of a poster or screenshot (path, bytes or a PIL image).

    Raises the errors of :mod:`screener.ocr.errors`: 415/413/422 for bad images, 504 when ``timeout``
    (seconds; 0 = none) runs out, 503 when the engine is not installed.
    """
    image = load_image(source)
    prepared = prepare(image)
    raw = recognise(prepared.image, timeout=timeout)
    lines = order_lines(raw, prepared.image.size)
    parts: list[str] = []
    words: list[OcrWord] = []
    offset = 0
    for index, line in enumerate(lines):
        if index:
            parts.append("\n")
            offset += 1
        for position, word in enumerate(line.words):
            if position:
                parts.append(" ")
                offset += 1
            box = prepared.to_original(word.box)
            words.append(OcrWord(word.text, offset, offset + len(word.text), box, word.confidence, index))
            parts.append(word.text)
            offset += len(word.text)
    total = sum(len(w.text) for w in words)
    confidence = sum(w.confidence * len(w.text) for w in words) / total if total else 0.0
    return OcrResult(
        "".join(parts), tuple(words), round(confidence, 1), image.width, image.height, prepared.angle
    )
