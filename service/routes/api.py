"""The JSON API under ``/api/v1``: scoring, officers' history, the catalogue, the model and keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from service.access import record_read_sync
from service.auth import HISTORY
from service.deps import (
    AdminCaller,
    AnyCaller,
    HistoryCaller,
    ScreenerDep,
    ServicesDep,
    SessionDep,
    services_of,
)
from service.errors import Conflict, Forbidden, NotFound, Unprocessable
from service.images import UPLOAD_SCOPE_KEY, ImageUpload, score_image
from service.schemas import (
    CatalogueIndicatorPublic,
    CheckPublic,
    ChecksPublic,
    ErrorPublic,
    IndicatorsPublic,
    KeyCreate,
    KeyCreated,
    KeyPublic,
    ModelPublic,
    ScoreCreate,
    ScorePublic,
)
from service.scoring import score_ad
from service.services import Services
from service.store import checks as check_store
from service.store import keys as key_store
from service.vocabulary import Role

from .body import ImageBodyRoute, JSONBodyRoute

__all__ = ["router"]

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL; a larger one cannot exist (404 not 500)


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorPublic} for code in (401, 429, *codes)}


router = APIRouter(prefix="/api/v1", route_class=JSONBodyRoute, tags=["api"])


async def score(request: Request, caller: AnyCaller, body: ScoreCreate | None = None) -> JSONResponse:
    """Score an ad given as text, as a link, or as a poster/screenshot (multipart `image` + optional `text`)."""
    services = services_of(request.app)  # not ``ServicesDep``: one dependency less on the hot path
    upload: ImageUpload | None = request.scope.get(UPLOAD_SCOPE_KEY)
    if upload is not None:
        scored = await score_image(services, upload)
        return JSONResponse(scored.assessment.to_dict())
    if body is None:
        raise Unprocessable(
            "give a JSON body with 'text' or 'url', or a multipart form with an 'image'",
            "kirim isi JSON dengan 'text' atau 'url', atau formulir multipart dengan 'image'",
        )
    if body.save and caller.role not in HISTORY:
        raise Forbidden(
            f"role {caller.role!r} has no history; score without 'save'",
            f"peran {caller.role!r} tidak punya riwayat; nilai tanpa 'save'",
        )
    scored = await score_ad(services, text=body.text, url=body.url)
    text, assessment = scored.text, scored.assessment
    result = assessment.to_dict()
    stored = dict(result)  # the assessment alone, before the envelope fields below
    if scored.source is not None:
        result["source"] = scored.source
    if body.save:
        result["check_id"] = await run_in_threadpool(
            _save_check, services, caller.key_id, text, body.url, stored
        )
    return JSONResponse(result)


# Scoring also takes a multipart image upload: its own route class (vets JSON or reads the image).
router.add_api_route(
    "/score",
    score,
    methods=["POST"],
    response_model=ScorePublic,
    responses=_errors(400, 403, 413, 415, 422, 502, 503, 504),
    route_class_override=ImageBodyRoute,
)


def _save_check(
    services: Services, key_id: int, text: str, url: str | None, assessment: dict[str, Any]
) -> int:
    with services.sessions.begin() as session:
        return check_store.create_check(session, key_id=key_id, text=text, url=url, assessment=assessment).id


@router.get("/checks", response_model=ChecksPublic, responses=_errors(403, 422))
def list_checks(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    caller: HistoryCaller,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Checks to skip.")] = 0,
) -> ChecksPublic:
    """Your saved checks, newest first."""
    items = check_store.list_checks(session, key_id=caller.key_id, limit=limit, offset=offset)
    total = check_store.count_checks(session, key_id=caller.key_id)
    if items:
        record_read_sync(services, caller, request, action="read_check", object_type="check", count=len(items),
                         purpose="history")  # fmt: skip
    return ChecksPublic(
        items=[CheckPublic.model_validate(c) for c in items], total=total, limit=limit, offset=offset
    )


@router.get("/checks/{check_id}", response_model=CheckPublic, responses=_errors(403, 404, 422))
def get_check(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    caller: HistoryCaller,
    check_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> CheckPublic:
    """One of your saved checks (an admin may read any)."""
    record = check_store.get_check(
        session, check_id=check_id, key_id=None if caller.is_admin else caller.key_id
    )
    if record is None:
        raise NotFound(
            f"no check {check_id} in your history", f"tidak ada pemeriksaan {check_id} di riwayat Anda"
        )
    record_read_sync(services, caller, request, action="read_check", object_type="check", object_id=check_id,
                     purpose="history")  # fmt: skip
    return CheckPublic.model_validate(record)


@router.get("/indicators", response_model=IndicatorsPublic, responses=_errors(403))
def indicators(caller: AnyCaller) -> IndicatorsPublic:
    """The catalogue of modus-operandi indicators the screener looks for."""
    from screener.catalogue import catalogue

    items = [CatalogueIndicatorPublic.model_validate(ind.to_dict()) for ind in catalogue()]
    return IndicatorsPublic(count=len(items), indicators=items)


@router.get("/model", response_model=ModelPublic, responses=_errors(403))
def model(screener: ScreenerDep, caller: AnyCaller) -> ModelPublic:
    """The loaded model: version, tier thresholds and its card."""
    return ModelPublic(version=screener.version, thresholds=screener.thresholds, card=screener.model.card)


@router.post(
    "/keys",
    response_model=KeyCreated,
    status_code=status.HTTP_201_CREATED,
    responses=_errors(400, 403, 415, 422),
)
def create_key(services: ServicesDep, body: KeyCreate, caller: AdminCaller) -> KeyCreated:
    """Create an API key; the key is in this response only."""
    with services.sessions.begin() as session:
        new = key_store.create_key(session, name=body.name, role=body.role)
        return KeyCreated(**KeyPublic.model_validate(new.record).model_dump(), key=new.secret)


@router.get("/keys", response_model=list[KeyPublic], responses=_errors(403))
def list_keys(session: SessionDep, caller: AdminCaller) -> list[KeyPublic]:
    """All keys, revoked ones included (never the keys themselves)."""
    return [KeyPublic.model_validate(k) for k in key_store.list_keys(session)]


@router.delete("/keys/{key_id}", response_model=KeyPublic, responses=_errors(403, 404, 409, 422))
def revoke_key(
    services: ServicesDep, caller: AdminCaller, key_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> KeyPublic:
    """Revoke a key (it stops working at once); the last active admin key cannot be revoked."""
    with services.sessions.begin() as session:
        record = key_store.get_key(session, key_id=key_id)
        if record is None:
            raise NotFound(f"no key {key_id}", f"tidak ada kunci {key_id}")
        if (
            record.role == Role.ADMIN
            and record.revoked_at is None
            and key_store.count_keys(session, role=Role.ADMIN, active_only=True) <= 1
        ):
            raise Conflict(
                "this is the last active admin key; create another admin key first",
                "ini kunci admin aktif terakhir; buat kunci admin lain terlebih dahulu",
                code="last_admin_key",
            )
        key_store.revoke_key(session, key_id=key_id)
        return KeyPublic.model_validate(record)
