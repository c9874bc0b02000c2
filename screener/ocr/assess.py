"""One assessment of an image: OCR, then the usual :class:`~screener.Assessment` of its text, with a
``source`` block that places every evidence span on the picture.

``source`` = ``{"kind": "image", "text", "caption", "confidence", "width", "height", "angle",
"low_confidence", "spans": [{"n", "indicator", "start", "end", "text", "boxes"}], "words"}``; boxes
are ``[x0, y0, x1, y1]`` in the pixels of the uploaded image (after EXIF orientation), ``words`` are
``[text, start, end, x0, y0, x1, y1, confidence, line]``. A caption given with the image is assessed
with the OCR text (after a blank line) but has no boxes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from screener.assessment import Assessment, Screener, default_screener
from screener.ocr.errors import NoReadableText
from screener.ocr.load import ImageInput
from screener.ocr.read import OcrResult, read_image

__all__ = ["LOW_CONFIDENCE", "assess_image", "assess_ocr", "image_source"]

LOW_CONFIDENCE = 70.0  # mean word confidence under which the summary says the text is unclear
MIN_WORDS = 2  # fewer readable words than this is "no readable text"


def image_source(ocr: OcrResult, assessment: Assessment, caption: str | None) -> dict[str, Any]:
    """The ``source`` block: OCR text, confidence, size, and the boxes of every evidence span."""
    spans: list[dict[str, Any]] = []
    for indicator in assessment.indicators:
        for evidence in indicator.evidence:
            start, end = int(evidence["start"]), int(evidence["end"])
            boxes = ocr.boxes_for_span(start, end) if start < len(ocr.text) else []
            spans.append(
                {
                    "n": len(spans) + 1,
                    "indicator": indicator.id,
                    "start": start,
                    "end": end,
                    "text": evidence.get("text", ""),
                    "boxes": [list(b) for b in boxes],
                }
            )
    return {
        "kind": "image",
        "text": ocr.text,
        "caption": caption,
        "confidence": ocr.confidence,
        "low_confidence": ocr.confidence < LOW_CONFIDENCE,
        "width": ocr.width,
        "height": ocr.height,
        "angle": round(ocr.angle, 2),
        "spans": spans,
        "words": [w.to_list() for w in ocr.words],
    }


def assess_ocr(ocr: OcrResult, caption: str | None = None, *, screener: Screener | None = None) -> Assessment:
    """Assess text already read from an image (the service reads in a worker under a time limit)."""
    readable = [w for w in ocr.words if any(c.isalpha() for c in w.text)]
    if len(readable) < MIN_WORDS:
        raise NoReadableText(ocr.confidence)
    text = ocr.text
    if caption and caption.strip():
        text = f"{ocr.text}\n\n{caption.strip()}"
    assessment = (screener or default_screener()).assess(text)
    summary, summary_en = assessment.summary, assessment.summary_en
    if ocr.confidence < LOW_CONFIDENCE:
        # Said in the summary, and nothing is lowered: the officer reads the OCR text and corrects it.
        summary = f"Teks gambar kurang jelas (keyakinan OCR {ocr.confidence:.0f}%); periksa teks hasil baca. {summary}"
        summary_en = (
            f"Image text unclear (OCR confidence {ocr.confidence:.0f}%); check the text read. {summary_en}"
        )
    return dataclasses.replace(
        assessment, summary=summary, summary_en=summary_en, source=image_source(ocr, assessment, caption)
    )


def assess_image(
    image: ImageInput, caption: str | None = None, *, screener: Screener | None = None, timeout: float = 0
) -> Assessment:
    """Assess a poster or screenshot (a path, bytes or a PIL image), optionally with its caption.

    Returns the usual :class:`~screener.Assessment` with a ``source`` block (see the module docstring).
    Raises the errors of :mod:`screener.ocr.errors` (415, 413, 422, 504, 503).
    """
    return assess_ocr(read_image(image, timeout=timeout), caption, screener=screener)
