"""Posters and screenshots: OCR with word boxes, and one assessment of an image.

Modules, in the order an image flows through them: :mod:`~screener.ocr.load` (type, size, pixel
limits, EXIF), :mod:`~screener.ocr.preprocess` (grayscale, scale, contrast, deskew),
:mod:`~screener.ocr.engine` (Tesseract), :mod:`~screener.ocr.layout` (reading order, chat chrome),
:mod:`~screener.ocr.read` (text with boxes), :mod:`~screener.ocr.assess` (the Assessment with its
``source`` block), :mod:`~screener.ocr.redact` (personal data blacked out on the picture).
"""

from screener.ocr.engine import availability
from screener.ocr.errors import (
    CorruptImage,
    ImageTooLarge,
    NoReadableText,
    OcrError,
    OcrTimeout,
    OcrUnavailable,
    UnsupportedImage,
)
from screener.ocr.load import FORMATS, MAX_IMAGE_BYTES, MAX_PIXELS, load_image, sniff_format
from screener.ocr.read import OcrResult, OcrWord, read_image

__all__ = [
    "FORMATS",
    "MAX_IMAGE_BYTES",
    "MAX_PIXELS",
    "CorruptImage",
    "ImageTooLarge",
    "NoReadableText",
    "OcrError",
    "OcrResult",
    "OcrTimeout",
    "OcrUnavailable",
    "OcrWord",
    "UnsupportedImage",
    "availability",
    "load_image",
    "read_image",
    "sniff_format",
]
