"""Pictures of confirmed cases for educators, redacted ON the picture.

Phone numbers, names, handles, links and account numbers found in the OCR text
(:func:`screener.redact.redact`) are painted black over their word boxes
(:func:`screener.ocr.redact.redacted_png`). Faces and photographs are out of scope: only text that OCR
read is covered, which the page says beside every picture.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from screener.ocr.redact import redacted_png
from service.store.models import QueueItem, StoredImage
from service.vocabulary import RISKY_VERDICTS, ItemStatus

__all__ = ["ad_ids_with_pictures", "case_picture"]


def ad_ids_with_pictures(engine: Engine, ad_ids: list[int]) -> set[int]:
    if not ad_ids:
        return set()
    try:
        if "images" not in set(inspect(engine).get_table_names()):
            return set()
        with Session(engine) as session:
            query = select(StoredImage.ad_id).where(StoredImage.ad_id.in_(ad_ids))
            return {int(a) for a in session.scalars(query) if a is not None}
    except SQLAlchemyError:
        return set()


def case_picture(engine: Engine, item_id: int) -> bytes | None:
    """The redacted PNG of a confirmed risky case's picture, or None (no such case or no picture)."""
    if not 1 <= item_id <= 2**31 - 1:
        return None
    with Session(engine) as session:
        item = session.get(QueueItem, item_id)
        if item is None or item.status != ItemStatus.DECIDED or item.final_verdict not in RISKY_VERDICTS:
            return None
        record = session.scalars(select(StoredImage).where(StoredImage.ad_id == item.ad_id).limit(1)).first()
        if record is None:
            return None
        data, ocr = record.data, dict(record.ocr)
    return redacted_png(data, str(ocr.get("text", "")), list(ocr.get("words", [])))
