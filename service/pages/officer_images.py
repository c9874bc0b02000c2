"""Cek iklan with a picture: the uploaded poster or screenshot is read (OCR), kept for the officer
(table ``images``), shown with numbered boxes over every red flag, and its text can be corrected and
checked again (the boxes follow the corrected words, :mod:`screener.ocr.correct`)."""

from __future__ import annotations

from typing import Any

from fastapi import UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from screener.ocr import MAX_IMAGE_BYTES
from screener.ocr.assess import assess_ocr
from screener.ocr.correct import apply_correction, result_from_record
from service.auth import Caller
from service.errors import NotFound, PayloadTooLarge
from service.images import ImageUpload, check_image_bytes, require_ocr, score_image
from service.scoring import Scored
from service.services import Services
from service.store import images as image_store

__all__ = ["image_context", "image_response", "recheck_image", "score_uploaded_image"]


async def read_page_upload(image: UploadFile) -> bytes | None:
    """The uploaded file's bytes, or None when the file field was left empty."""
    if not image.filename and not image.size:
        return None
    data = await image.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise PayloadTooLarge(
            f"the image is over {MAX_IMAGE_BYTES} bytes (10 MB)",
            f"gambar melebihi {MAX_IMAGE_BYTES} byte (10 MB)",
        )
    check_image_bytes(data, image.filename or "")
    return data


def _store(services: Services, caller: Caller, data: bytes, filename: str, source: dict[str, Any]) -> int:
    with services.sessions.begin() as session:
        return image_store.create_image(
            session,
            data=data,
            width=int(source["width"]),
            height=int(source["height"]),
            ocr=image_store.ocr_record(source),
            key_id=caller.key_id,
            filename=filename,
        ).id


async def score_uploaded_image(
    services: Services, caller: Caller, data: bytes, filename: str, caption: str | None
) -> tuple[Scored, int]:
    """OCR and assess the upload, keep the image for the officer; (scored, image id)."""
    scored = await score_image(services, ImageUpload(data, filename, caption))
    assert scored.assessment.source is not None
    image_id = await run_in_threadpool(_store, services, caller, data, filename, scored.assessment.source)
    return scored, image_id


async def recheck_image(
    services: Services, caller: Caller, image_id: int, corrected: str, caption: str | None
) -> Scored:
    """Assess the officer's corrected OCR text of a kept image; the boxes follow the words."""
    require_ocr()

    def load() -> tuple[dict[str, Any], int, int] | None:
        with services.sessions() as session:
            record = image_store.get_image(
                session, image_id=image_id, key_id=None if caller.is_admin else caller.key_id
            )
            return None if record is None else (dict(record.ocr), record.width, record.height)

    found = await run_in_threadpool(load) if 1 <= image_id <= 2**31 - 1 else None
    if found is None:
        raise NotFound(f"no image {image_id} of yours", f"tidak ada gambar {image_id} milik Anda")
    record, width, height = found
    ocr = apply_correction(result_from_record(record, width, height), corrected)
    assessment = await run_in_threadpool(assess_ocr, ocr, caption, screener=services.screener)
    services.metrics.scores.labels(assessment.tier).inc()
    text = ocr.text if not caption else f"{ocr.text}\n\n{caption.strip()}"
    return Scored(text, assessment, None)


def image_context(result: dict[str, Any], image_id: int, url: str) -> dict[str, Any]:
    """What the picture card needs: size, the image's address, boxes numbered like the reasons."""
    source = result["source"]
    numbers = {str(ind["id"]): n for n, ind in enumerate(result["indicators"], start=1)}
    boxes = []
    for span in source["spans"]:
        number = numbers.get(str(span["indicator"]))
        for i, (x0, y0, x1, y1) in enumerate(span["boxes"]):
            boxes.append(
                {"n": number, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0, "label": i == 0,
                 "indicator": span["indicator"]}
            )  # fmt: skip
    return {
        "id": image_id,
        "url": url,
        "width": source["width"],
        "height": source["height"],
        "boxes": boxes,
        "label_size": max(14, round(min(source["width"], source["height"]) / 30)),
        "ocr_text": source["text"],
        "caption": source.get("caption") or "",
        "confidence": source["confidence"],
        "low_confidence": source["low_confidence"],
    }


def image_response(data: bytes, media_type: str) -> Response:
    # Private: an officer's upload or a queued ad's picture is never cached by shared caches.
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=3600"})
