"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from screener import Screener
from screener.ocr import availability
from service.deps import AdminCaller, AnyCaller, ServicesDep
from service.errors import ServiceUnavailable
from service.schemas import ErrorPublic, HealthPublic, ReadyPublic

__all__ = ["router"]

router = APIRouter(tags=["ops"])


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorPublic} for code in (401, 429, *codes)}


@router.get("/healthz", response_model=HealthPublic)
async def healthz() -> HealthPublic:
    """Liveness: the process answers (no key needed)."""
    return HealthPublic(status="ok")


@router.get("/readyz", response_model=ReadyPublic, responses=_errors(403, 503))
def readyz(services: ServicesDep, caller: AnyCaller) -> ReadyPublic:
    """Readiness: the model is loaded and the database answers."""
    screener: Screener | None = services.screener
    if screener is None:
        raise ServiceUnavailable("the model is not loaded", "model belum dimuat", code="model_not_loaded")
    try:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise ServiceUnavailable(
            "the database is unreachable", "basis data tidak dapat dihubungi", code="database_unreachable"
        ) from exc
    ocr_ok, ocr_detail = availability()
    return ReadyPublic(
        status="ready",
        model_version=screener.version,
        database="ok",
        ocr="ok" if ocr_ok else "unavailable",
        ocr_detail=ocr_detail,
    )


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format."},
        **_errors(403),
    },
)
def metrics(services: ServicesDep, caller: AdminCaller) -> Response:
    """Prometheus metrics: requests and latency by route and status, scores by tier (admin key)."""
    return Response(generate_latest(services.metrics.exposition_registry()), media_type=CONTENT_TYPE_LATEST)
