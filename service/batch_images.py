"""Batches of pictures: a ZIP of posters and screenshots, optionally with a CSV/JSONL naming them.

Every image in the ZIP (``.png``, ``.jpg``/``.jpeg``, ``.webp``) becomes one ad whose text is what
OCR read, and its picture is kept (table ``images``) for the moderators' item page and, redacted, for
educators. A CSV or JSONL file inside the ZIP may name the images in an ``image`` column, with the
usual ``id``/``platform``/``source``/``url`` columns and an optional ``text`` caption; then only the
named images are read. An image that cannot be read (not an image, too large, corrupt, no text, OCR
time limit) is a batch error on its row; the rest of the batch is kept. Members are read with their
declared and real sizes capped (10 MB each), so a ZIP bomb stops at the first oversized member.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from screener.errors import ScreenerError
from screener.ocr import MAX_IMAGE_BYTES, read_image, sniff_format
from service.batches import IngestResult
from service.errors import PayloadTooLarge, Unprocessable
from service.store import images as image_store
from service.store import ingest
from service.store.db import write_transaction
from service.store.models import Ad, Batch, StoredImage, utcnow

__all__ = ["IMAGE_SUFFIXES", "ingest_zip"]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp"})
TABLE_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_IMAGE_BYTES:
        raise PayloadTooLarge(f"{info.filename} is over 10 MB", f"{info.filename} melebihi 10 MB")
    with archive.open(info) as handle:
        data = handle.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise PayloadTooLarge(f"{info.filename} is over 10 MB", f"{info.filename} melebihi 10 MB")
    return data


def _plan(archive: zipfile.ZipFile, max_text_bytes: int) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """``(row, {"image": member name, ...ad fields} | problem)``: from a table inside, else every image."""
    members = {i.filename: i for i in archive.infolist() if not i.is_dir()}
    tables = [n for n in members if PurePosixPath(n).suffix.lower() in TABLE_SUFFIXES]
    if not tables:
        images = sorted(n for n in members if PurePosixPath(n).suffix.lower() in IMAGE_SUFFIXES)
        for row, name in enumerate(images, start=1):
            yield row, {"image": name, "external_id": PurePosixPath(name).name[:200]}
        return
    name = tables[0]
    fmt = TABLE_SUFFIXES[PurePosixPath(name).suffix.lower()]
    for line, record in _records(_member_bytes(archive, members[name]), fmt):
        if isinstance(record, str):
            yield line, record
            continue
        image = str(record.get("image") or "").strip()
        if not image:
            yield line, "kolom image kosong / the image column is empty"
            continue
        ad: dict[str, Any] = {"image": image}
        for key in ("source", "platform", "url"):
            if record.get(key):
                ad[key] = str(record[key])[: 200 if key != "url" else 2000]
        if record.get("id") not in (None, ""):
            ad["external_id"] = str(record["id"])[:200]
        if isinstance(record.get("text"), str) and record["text"].strip():
            ad["caption"] = record["text"][:max_text_bytes]
        yield line, ad


def _records(data: bytes, fmt: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Rows of the table inside the ZIP (no ``text`` column needed: the picture is the text)."""
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        yield 1, "tabel bukan UTF-8 / the table is not UTF-8"
        return
    if fmt == "csv":
        for line, row in enumerate(csv.DictReader(io.StringIO(content)), start=2):
            yield line, {k: v for k, v in row.items() if k is not None}
        return
    for line, raw in enumerate(content.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield line, f"JSON tidak sah / invalid JSON: {exc.msg}"
            continue
        yield line, value if isinstance(value, dict) else "perlu objek JSON / expected an object"


def _store_ad(
    session: Session, batch_id: int, ad: dict[str, Any], data: bytes, source: dict[str, Any]
) -> None:
    text = source["text"] if not ad.get("caption") else f"{source['text']}\n\n{ad['caption'].strip()}"
    record = Ad(
        batch_id=batch_id, text=text, source=ad.get("source") or "image", platform=ad.get("platform"),
        url=ad.get("url"), external_id=ad.get("external_id"), scored=False,
    )  # fmt: skip
    session.add(record)
    session.flush()
    image_store.create_image(
        session, data=data, width=source["width"], height=source["height"], ocr=source,
        ad_id=record.id, filename=ad["image"],
    )  # fmt: skip
    session.execute(
        update(Batch).where(Batch.id == batch_id).values(accepted=Batch.accepted + 1, updated_at=utcnow())
    )


def _fail(sessions: sessionmaker[Session], batch_id: int, error: str) -> None:
    with write_transaction(sessions) as session:
        ads = select(Ad.id).where(Ad.batch_id == batch_id, Ad.scored.is_(False))
        session.execute(delete(StoredImage).where(StoredImage.ad_id.in_(ads)))
        ingest.fail_batch(session, batch_id=batch_id, error=error)


def ingest_zip(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    key_id: int | None,
    filename: str | None,
    content_type: str | None,
    max_ads: int,
    max_text_bytes: int,
    ocr_timeout: float,
) -> IngestResult:
    """Store a ZIP of pictures as a batch (OCR here, one image at a time; the worker scores the text)."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise Unprocessable(
            "the ZIP file cannot be read", "berkas ZIP tidak dapat dibaca", code="unreadable_batch"
        ) from exc
    with write_transaction(sessions) as session:
        batch_id = ingest.create_batch(
            session, key_id=key_id, filename=filename, content_type=content_type
        ).id
    accepted = rejected = 0
    with archive:
        members = {i.filename: i for i in archive.infolist() if not i.is_dir()}
        for row, ad in _plan(archive, max_text_bytes):
            problem: str | None = ad if isinstance(ad, str) else None
            if isinstance(ad, dict):
                if accepted >= max_ads:
                    _fail(sessions, batch_id, f"more than {max_ads} ads")
                    raise PayloadTooLarge(
                        f"the batch has more than {max_ads} ads", f"batch berisi lebih dari {max_ads} iklan"
                    )
                info = members.get(ad["image"])
                try:
                    if info is None:
                        raise Unprocessable(
                            f"{ad['image']} is not in the ZIP", f"{ad['image']} tidak ada di ZIP"
                        )
                    data = _member_bytes(archive, info)
                    if sniff_format(data) is None:
                        raise Unprocessable(
                            f"{ad['image']} is not a PNG, JPEG or WebP image",
                            f"{ad['image']} bukan gambar PNG, JPEG atau WebP",
                        )
                    ocr = read_image(data, timeout=ocr_timeout)
                    if sum(any(c.isalpha() for c in w.text) for w in ocr.words) < 2:
                        raise Unprocessable(
                            f"no readable text in {ad['image']} (OCR confidence {ocr.confidence:.0f}%)",
                            f"tidak ada teks terbaca di {ad['image']} (keyakinan OCR {ocr.confidence:.0f}%)",
                        )
                    source = {
                        "text": ocr.text, "words": [w.to_list() for w in ocr.words], "confidence": ocr.confidence,
                        "angle": ocr.angle, "width": ocr.width, "height": ocr.height,
                    }  # fmt: skip
                    with write_transaction(sessions) as session:
                        _store_ad(session, batch_id, ad, data, source)
                    accepted += 1
                except ScreenerError as exc:
                    problem = f"{ad['image']}: {exc}"
            if problem is not None:
                rejected += 1
                with write_transaction(sessions) as session:
                    ingest.insert_batch_errors(session, batch_id=batch_id, errors=[(row, problem)])
    with write_transaction(sessions) as session:
        status = ingest.finish_upload(session, batch_id=batch_id).status
    return IngestResult(batch_id, status, accepted, rejected)
