"""Images for scoring: reading a multipart upload and running OCR off the event loop under a limit.

``POST /api/v1/score`` and the "Cek iklan" page take ``multipart/form-data`` with an ``image`` part
(PNG, JPEG or WebP, at most 10 MB and 40 megapixels) and an optional ``text`` caption. OCR runs in a
worker thread with the engine's own time limit (``SCREENER_OCR_TIMEOUT``; the engine process is
killed when it runs out, 504), so a slow image never blocks other requests. Where Tesseract is not
installed the service still runs text and links, and image requests get 503 naming what to install.
"""

from __future__ import annotations

import email.message
import functools
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request

from screener.ocr import MAX_IMAGE_BYTES, OcrUnavailable, availability, read_image, sniff_format
from screener.ocr.assess import assess_ocr
from service.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType
from service.scoring import Scored
from service.services import Services

__all__ = ["UPLOAD_SCOPE_KEY", "ImageUpload", "is_multipart", "read_upload", "require_ocr", "score_image"]

UPLOAD_SCOPE_KEY = "screener.image_upload"
# Room for the caption and the multipart envelope around the largest image.
MULTIPART_OVERHEAD = 256 * 1024


@dataclass(frozen=True)
class ImageUpload:
    data: bytes
    filename: str
    caption: str | None


@functools.lru_cache(maxsize=256)  # clients send a handful of spellings; parsing one costs ~10 µs
def is_multipart(content_type: str | None) -> bool:
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    return message.get_content_type() == "multipart/form-data"


def multipart_limit(max_text_bytes: int) -> int:
    return MAX_IMAGE_BYTES + max_text_bytes + MULTIPART_OVERHEAD


def require_ocr() -> None:
    """503 with the install hint when the OCR engine is missing."""
    ok, detail = availability()
    if not ok:
        raise OcrUnavailable(f"OCR unavailable: {detail}", f"OCR tidak tersedia: {detail}")


def check_image_bytes(data: bytes, filename: str = "") -> None:
    """415 for what is not a PNG/JPEG/WebP, 413 for over 10 MB (before any decoding)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise PayloadTooLarge(
            f"the image is {len(data)} bytes; the limit is {MAX_IMAGE_BYTES} (10 MB)",
            f"gambar berukuran {len(data)} byte; batasnya {MAX_IMAGE_BYTES} (10 MB)",
        )
    if not data:
        raise Unprocessable("the image part is empty", "bagian gambar kosong", code="corrupt_image")
    if sniff_format(data) is None:
        raise UnsupportedMediaType(
            f"{filename or 'the file'} is not a PNG, JPEG or WebP image",
            f"{filename or 'berkas'} bukan gambar PNG, JPEG atau WebP",
        )


async def read_upload(request: Request, *, max_text_bytes: int) -> ImageUpload:
    """The ``image`` part and optional ``text`` caption of a multipart body already read by the caller."""
    form = await request.form(max_files=1, max_fields=8, max_part_size=max_text_bytes + 1024)
    try:
        image = form.get("image")
        if not isinstance(image, UploadFile):
            raise Unprocessable(
                "the form has no 'image' file part", "formulir tidak berisi bagian berkas 'image'"
            )
        data = await image.read()
        filename = image.filename or ""
        caption = form.get("text")
    finally:
        await form.close()
    check_image_bytes(data, filename)
    if caption is not None and not isinstance(caption, str):
        raise Unprocessable("'text' must be a text field", "'text' harus berupa isian teks")
    if caption is not None and len(caption.encode("utf-8")) > max_text_bytes:
        raise PayloadTooLarge(
            f"the caption is over {max_text_bytes} bytes", f"keterangan melebihi {max_text_bytes} byte"
        )
    return ImageUpload(data, filename, caption or None)


async def score_image(services: Services, upload: ImageUpload) -> Scored:
    """OCR (worker thread, time limit) and the assessment; the text scored is OCR text + caption."""
    require_ocr()
    timeout = services.settings.ocr_timeout
    ocr = await run_in_threadpool(read_image, upload.data, timeout=timeout)
    assessment = await run_in_threadpool(assess_ocr, ocr, upload.caption, screener=services.screener)
    services.metrics.scores.labels(assessment.tier).inc()
    text = ocr.text if not upload.caption else f"{ocr.text}\n\n{upload.caption.strip()}"
    return Scored(text, assessment, None)
