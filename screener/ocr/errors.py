"""The errors of image intake and OCR, each with its HTTP status::

ScreenerError
└── OcrError
    ├── UnsupportedImage (415)   not an image, or not PNG / JPEG / WebP
    ├── ImageTooLarge (413)      over 10 MB or over 40 megapixels (decompression bombs)
    ├── CorruptImage (422)       a corrupt or truncated file
    ├── NoReadableText (422)     OCR found no text; carries the mean confidence
    ├── OcrTimeout (504)         OCR ran out of its time limit
    └── OcrUnavailable (503)     the OCR engine is not installed (the message says what to install)
"""

from __future__ import annotations

from screener.errors import ScreenerError

__all__ = [
    "CorruptImage",
    "ImageTooLarge",
    "NoReadableText",
    "OcrError",
    "OcrTimeout",
    "OcrUnavailable",
    "UnsupportedImage",
]


class OcrError(ScreenerError):
    status = 422
    code = "ocr_error"


class UnsupportedImage(OcrError):
    status = 415
    code = "unsupported_image"


class ImageTooLarge(OcrError):
    status = 413
    code = "image_too_large"


class CorruptImage(OcrError):
    status = 422
    code = "corrupt_image"


class NoReadableText(OcrError):
    status = 422
    code = "no_text"

    def __init__(self, confidence: float) -> None:
        self.confidence = confidence
        super().__init__(
            f"no readable text in the image (OCR confidence {confidence:.0f}%)",
            f"tidak ada teks terbaca di gambar (keyakinan OCR {confidence:.0f}%)",
        )


class OcrTimeout(OcrError):
    status = 504
    code = "ocr_timeout"


class OcrUnavailable(OcrError):
    status = 503
    code = "ocr_unavailable"
