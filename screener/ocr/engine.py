"""The OCR engine: Tesseract 5 with the Indonesian and English data, through ``pytesseract``.

Chosen by measurement over RapidOCR (docs/ocr.md). Tesseract is a Debian package
(``tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng``); where it is missing, :func:`availability`
says so and :func:`recognise` raises :class:`OcrUnavailable` naming what to install. Nothing is
downloaded at run time.
"""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass
from typing import Any

from PIL import Image

from screener.ocr.errors import OcrTimeout, OcrUnavailable

__all__ = ["INSTALL_HINT", "LANGUAGES", "RawWord", "availability", "recognise"]

LANGUAGES = "ind+eng"
INSTALL_HINT = (
    "apt-get install tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng, and pip install pytesseract"
)


@dataclass(frozen=True, slots=True)
class RawWord:
    text: str
    box: tuple[int, int, int, int]  # on the image given to the engine
    confidence: float  # 0-100
    line: tuple[int, int, int]  # (block, paragraph, line) as the engine numbered them


@functools.cache
def availability() -> tuple[bool, str]:
    """(True, engine version) or (False, what is missing and how to install it)."""
    try:
        import pytesseract
    except ImportError:
        return False, f"the Python package pytesseract is not installed ({INSTALL_HINT})"
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return False, f"the tesseract program is not installed ({INSTALL_HINT})"
    try:
        languages = set(pytesseract.get_languages(config=""))
        version = str(pytesseract.get_tesseract_version())
    except Exception as exc:  # a broken installation: say so instead of failing later
        return False, f"tesseract does not run: {exc} ({INSTALL_HINT})"
    missing = [lang for lang in LANGUAGES.split("+") if lang not in languages]
    if missing:
        return False, f"tesseract has no language data for {', '.join(missing)} ({INSTALL_HINT})"
    return True, f"tesseract {version}"


def _require() -> Any:
    ok, detail = availability()
    if not ok:
        raise OcrUnavailable(f"OCR unavailable: {detail}", f"OCR tidak tersedia: {detail}")
    import pytesseract

    return pytesseract


def recognise(image: Image.Image, *, timeout: float = 0) -> list[RawWord]:
    """Words, boxes and confidences in the engine's reading order (0 timeout: no limit)."""
    pytesseract = _require()
    try:
        data = pytesseract.image_to_data(
            image, lang=LANGUAGES, config="--psm 3", output_type=pytesseract.Output.DICT, timeout=timeout
        )
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeout(
                f"OCR took longer than {timeout:g} s", f"OCR melebihi batas waktu {timeout:g} detik"
            ) from exc
        raise
    words = []
    for i, text in enumerate(data["text"]):
        text = text.strip()
        confidence = float(data["conf"][i])
        if not text or confidence < 0:
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        box = (left, top, left + int(data["width"][i]), top + int(data["height"][i]))
        line = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        words.append(RawWord(text, box, confidence, line))
    return words
