"""Personal data blacked out on the picture, for educators: the same redaction as the text
(:func:`screener.redact.redact`: phone numbers, names, handles, links, accounts) placed onto the OCR
word boxes and painted over. Faces and photographs are out of scope: only text that was read is
covered, so an image with a face stays shown with the face.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import Image, ImageDraw

from screener.ocr.load import load_image
from screener.redact import redact

__all__ = ["redacted_boxes", "redacted_png"]

PAD = 3  # pixels around a word box, so letter edges do not peek out


def redacted_boxes(text: str, words: Sequence[Sequence[Any]]) -> list[tuple[int, int, int, int]]:
    """Boxes of the words that :func:`screener.redact.redact` masks in ``text`` (the OCR text)."""
    spans = [(start, end) for _, start, end in redact(text).masked]
    boxes = []
    for word in words:
        start, end = int(word[1]), int(word[2])
        if any(start < s_end and end > s_start for s_start, s_end in spans):
            x0, y0, x1, y1 = (int(v) for v in word[3:7])
            boxes.append((x0, y0, x1, y1))
    return boxes


def redacted_png(image: bytes, text: str, words: Sequence[Sequence[Any]]) -> bytes:
    """The image as PNG with the personal data in its text painted black."""
    picture = load_image(image)
    draw = ImageDraw.Draw(picture)
    for x0, y0, x1, y1 in redacted_boxes(text, words):
        draw.rectangle((x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD), fill=(0, 0, 0))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def thumbnail_png(image: Image.Image, max_side: int = 1200) -> bytes:
    copy = image.copy()
    copy.thumbnail((max_side, max_side))
    out = io.BytesIO()
    copy.save(out, format="PNG")
    return out.getvalue()
