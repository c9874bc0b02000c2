"""Cek iklan (officers, admins): paste a text or a link, read the result card; the officer's history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from screener.errors import ScreenerError
from screener.vocabulary import Tier
from service.access import record_read
from service.auth import Caller
from service.deps import ServicesDep
from service.pages.core import language, not_found, page_role, render, verify_csrf
from service.pages.highlight import segments, spans_from_indicators
from service.pages.i18n import N_
from service.pages.officer_images import (
    image_context,
    image_response,
    read_page_upload,
    recheck_image,
    score_uploaded_image,
)
from service.scoring import score_ad
from service.services import Services
from service.store import checks as check_store
from service.store import images as image_store
from service.vocabulary import Role

__all__ = ["result_context", "router"]

router = APIRouter(include_in_schema=False)
Officer = Annotated[Caller, page_role(Role.OFFICER)]
PAGE_SIZE = 20

# Counting other flagged ads needs the review queue's tables (issue 5); without them, no count.
_SEEN_SQL = text(
    "SELECT COUNT(DISTINCT c.ad_id) FROM contacts c JOIN assessments a ON a.ad_id = c.ad_id "
    "WHERE c.value = :value AND a.tier IN (:sedang, :tinggi)"
)


def _seen_counts(engine: Engine, values: list[str]) -> dict[str, int]:
    if not values:
        return {}
    try:
        tables = set(inspect(engine).get_table_names())
        if not {"contacts", "assessments"} <= tables:
            return {}
        with engine.connect() as connection:
            return {
                v: int(
                    connection.execute(
                        _SEEN_SQL, {"value": v, "sedang": Tier.SEDANG, "tinggi": Tier.TINGGI}
                    ).scalar()
                    or 0
                )
                for v in values
            }
    except SQLAlchemyError:
        return {}


def result_context(engine: Engine, ad_text: str, result: dict[str, Any]) -> dict[str, Any]:
    """What the result card needs, from the text and ``Assessment.to_dict()`` (reads the database)."""
    flags, spans = spans_from_indicators(result["indicators"])
    contacts = list(result.get("contacts") or [])
    seen = _seen_counts(engine, sorted({str(c["value"]) for c in contacts}))
    score = int(result["score"])
    return {
        "result": result,
        "flags": flags,
        "flagmap": {f.number: f for f in flags},
        "segments": segments(ad_text, spans),
        "has_marks": bool(spans),
        "contacts": [{**c, "seen": seen.get(str(c["value"]))} for c in contacts],
        "gauge": {"score": score, "dash": round(score * 1.2566, 2)},  # half of a circle with r = 40
    }


def _save(services: Services, key_id: int, ad_text: str, url: str | None, result: dict[str, Any]) -> int:
    with services.sessions.begin() as session:
        return check_store.create_check(session, key_id=key_id, text=ad_text, url=url, assessment=result).id


@router.get("/cek")
async def check_form(request: Request, caller: Officer) -> Response:
    """The form."""
    return render(
        request,
        "check.html",
        {"form": {"text": "", "url": "", "save": True}, "error": None, "form_error": None},
    )


@router.post("/cek", dependencies=[Depends(verify_csrf)])
async def check(
    request: Request,
    services: ServicesDep,
    caller: Officer,
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    save: Annotated[str, Form()] = "",
    image: Annotated[UploadFile | None, File()] = None,
    image_id: Annotated[int, Form(ge=0)] = 0,
    ocr_text: Annotated[str, Form()] = "",
) -> Response:
    """Score the pasted text, link or picture, exactly as ``POST /api/v1/score`` does.

    With a picture, ``text`` is its caption; ``image_id`` + ``ocr_text`` re-check a kept picture with
    the officer's correction of what OCR read.
    """
    form = {"text": text, "url": url, "save": bool(save)}
    lang = language(request)
    error: str | None = None  # a message, translated in the template
    picture_id: int | None = None
    try:
        data = None if image is None or image_id else await read_page_upload(image)
        if image_id and not ocr_text.strip():
            error = N_("Teks hasil baca gambar kosong.")
        elif data is not None and url.strip():
            error = N_("Isi gambar atau tautan, jangan keduanya.")
        elif data is None and not image_id and not text.strip() and not url.strip():
            error = N_("Isi teks iklan atau tautan.")
        elif data is None and not image_id and text.strip() and url.strip():
            error = N_("Isi teks atau tautan, jangan keduanya.")
        if error is not None:
            return render(
                request, "check.html", {"form": form, "error": None, "form_error": error}, status_code=422
            )
        caption = text.strip() or None
        if image_id:
            scored = await recheck_image(services, caller, image_id, ocr_text, caption)
            picture_id = image_id
        elif data is not None:
            assert image is not None
            scored, picture_id = await score_uploaded_image(
                services, caller, data, image.filename or "", caption
            )
        else:
            scored = await score_ad(services, text=None if url.strip() else text, url=url.strip() or None)
    except ScreenerError as exc:  # the service's errors, link intake's and OCR's included
        status = int(exc.status)
        message = exc.message if lang == "en" else exc.message_id
        return render(
            request, "check.html", {"form": form, "error": message, "form_error": None}, status_code=status
        )
    result = scored.assessment.to_dict()
    if picture_id is not None:
        result["source"]["image_id"] = picture_id  # the history shows the kept picture again
    check_id = None
    if save:
        check_id = await run_in_threadpool(
            _save, services, caller.key_id, scored.text, url.strip() or None, dict(result)
        )
    context = await run_in_threadpool(result_context, services.engine, scored.text, result)
    context.update(
        {"form": form, "error": None, "form_error": None, "source": scored.source, "check_id": check_id}
    )
    if picture_id is not None:
        context["image"] = image_context(result, picture_id, f"/cek/gambar/{picture_id}")
    return render(request, "check.html", context)


@router.get("/cek/gambar/{image_id}")
async def picture(request: Request, services: ServicesDep, caller: Officer, image_id: int) -> Response:
    """A picture the officer uploaded on this page (an admin may open any)."""

    def load() -> tuple[bytes, str] | None:
        if not 1 <= image_id <= 2**31 - 1:
            return None
        with services.sessions() as session:
            record = image_store.get_image(
                session, image_id=image_id, key_id=None if caller.is_admin else caller.key_id
            )
            return None if record is None else (record.data, record.media_type)

    found = await run_in_threadpool(load)
    if found is None:
        return not_found(request)
    return image_response(*found)


@router.get("/cek/riwayat")
async def history(
    request: Request,
    services: ServicesDep,
    caller: Officer,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """The caller's saved checks, newest first."""

    def load() -> tuple[list[dict[str, Any]], int]:
        with services.sessions() as session:
            items = check_store.list_checks(session, key_id=caller.key_id, limit=PAGE_SIZE, offset=offset)
            total = check_store.count_checks(session, key_id=caller.key_id)
            rows = [
                {"id": c.id, "created_at": c.created_at, "tier": c.tier, "score": round(c.risk * 100),
                 "excerpt": c.text[:140], "url": c.url}
                for c in items
            ]  # fmt: skip
            return rows, total

    rows, total = await run_in_threadpool(load)
    if rows:
        await record_read(services, caller, request, action="read_check", object_type="check", count=len(rows),
                          purpose="history")  # fmt: skip
    return render(
        request,
        "history.html",
        {"rows": rows, "total": total, "offset": offset, "page_size": PAGE_SIZE},
    )


@router.get("/cek/riwayat/{check_id}")
async def history_item(request: Request, services: ServicesDep, caller: Officer, check_id: int) -> Response:
    """One saved check, shown as its result card (an admin may open any)."""

    def load() -> tuple[str, str | None, dict[str, Any]] | None:
        if not 1 <= check_id <= 2**31 - 1:
            return None
        with services.sessions() as session:
            record = check_store.get_check(
                session, check_id=check_id, key_id=None if caller.is_admin else caller.key_id
            )
            return None if record is None else (record.text, record.url, dict(record.assessment))

    found = await run_in_threadpool(load)
    if found is None:
        return not_found(request)
    await record_read(services, caller, request, action="read_check", object_type="check", object_id=check_id,
                      purpose="history")  # fmt: skip
    ad_text, url, result = found
    context = await run_in_threadpool(result_context, services.engine, ad_text, result)
    source = {"url": url, "final_url": url, "title": ""} if url else None
    context.update(
        {
            "form": {"text": "", "url": "", "save": True},
            "error": None,
            "form_error": None,
            "source": source,
            "check_id": check_id,
        }
    )
    kept = result.get("source") or {}
    if kept.get("kind") == "image" and kept.get("image_id"):
        picture_id = int(kept["image_id"])
        context["image"] = image_context(result, picture_id, f"/cek/gambar/{picture_id}")
    return render(request, "check.html", context)
