"""Stored images: officers' uploads on /cek and the pictures of queued ads (table ``images``)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screener.ocr import FORMATS, sniff_format
from service.store.models import StoredImage

__all__ = ["create_image", "get_image", "image_for_ad", "ocr_record"]


def ocr_record(source: dict[str, Any]) -> dict[str, Any]:
    """What is kept of an assessment's image ``source``: the OCR text, words and confidence."""
    return {k: source[k] for k in ("text", "words", "confidence", "angle") if k in source}


def create_image(
    session: Session,
    *,
    data: bytes,
    width: int,
    height: int,
    ocr: dict[str, Any],
    key_id: int | None = None,
    ad_id: int | None = None,
    filename: str | None = None,
) -> StoredImage:
    kind = sniff_format(data) or "PNG"
    record = StoredImage(
        ad_id=ad_id,
        key_id=key_id,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=FORMATS[kind],
        filename=(filename or None) and filename[:300],
        data=data,
        width=width,
        height=height,
        ocr=ocr,
    )
    session.add(record)
    session.flush()
    return record


def get_image(session: Session, *, image_id: int, key_id: int | None = None) -> StoredImage | None:
    """An image by id; with ``key_id``, only one that key uploaded."""
    query = select(StoredImage).where(StoredImage.id == image_id)
    if key_id is not None:
        query = query.where(StoredImage.key_id == key_id)
    return session.scalars(query).first()


def image_for_ad(session: Session, *, ad_id: int) -> StoredImage | None:
    return session.scalars(select(StoredImage).where(StoredImage.ad_id == ad_id).limit(1)).first()
