"""The service's errors, and the handlers that turn every failure into the same JSON shape.

Expected failures are exceptions carrying their HTTP status and a message in Bahasa Indonesia and
English. There is one tree: :class:`ApiError` extends the library's
:class:`~screener.errors.ScreenerError` (so the CLI prints any of them as one line), link intake's
errors extend :class:`ApiError`, and one handler renders them all::

    ScreenerError                     (screener.errors: InputError 422, DataError 422, ModelError 500, ...)
    └── ApiError                      status, code, message_en, message_id, headers
        ├── BadRequest (400)          malformed JSON, an impossible request
        ├── Unauthorized (401)        missing, unknown or revoked key (WWW-Authenticate: Bearer)
        ├── Forbidden (403)           the key's role may not use this endpoint
        ├── NotFound (404)            unknown route or record
        ├── MethodNotAllowed (405)
        ├── Conflict (409)            e.g. revoking the last admin key
        ├── PayloadTooLarge (413)     text or body over the limit
        ├── UnsupportedMediaType (415)
        ├── Unprocessable (422)       invalid input (also FastAPI's own validation errors)
        ├── RateLimited (429)         per-key limit (Retry-After)
        ├── InternalError (500)       anything unexpected (logged; no traceback in the body)
        ├── ServiceUnavailable (503)  not ready: model not loaded or database unreachable
        └── IntakeError (400)         service.intake: fetching a linked page
            ├── UrlRefused (422)          not a public http(s) address
            ├── UnsupportedContent (422)  not a readable page
            ├── FetchTimeout (504)
            └── UpstreamError (502)       the site failed or redirected too often

The store (``service.store``) knows nothing of HTTP and raises its own small tree
(``service.store.errors``); :data:`STORE_ERRORS` is the one table giving those a status
(``NotFound`` -> 404, ``Conflict`` and its kinds -> 409) and :func:`as_api_error` converts them. Every
error body is ``{"error": {"code", "message", "message_id", "message_en", "request_id"}}`` where
``message`` is ``"<Indonesian> / <English>"``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from screener.errors import ScreenerError
from service.store import errors as store_errors

__all__ = [
    "STORE_ERRORS",
    "ApiError",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "InternalError",
    "MethodNotAllowed",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "ServiceUnavailable",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
    "as_api_error",
    "error_body",
    "error_response",
    "install_error_handlers",
]

logger = logging.getLogger("screener.service")


class ApiError(ScreenerError):
    """An expected failure with an HTTP status; ``message`` is English, ``message_id`` Indonesian."""

    status = 500
    code = "error"
    default_en = "error"
    default_id = "galat"

    def __init__(
        self,
        message_en: str | None = None,
        message_id: str | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message_en or self.default_en, message_id or self.default_id)
        if code is not None:
            self.code = code
        self.headers = dict(headers or {})

    @property
    def message_en(self) -> str:
        return self.message


class BadRequest(ApiError):
    status, code = 400, "bad_request"
    default_en, default_id = "bad request", "permintaan tidak sah"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"
    default_en = "a valid API key is required (Authorization: Bearer <key>)"
    default_id = "diperlukan kunci API yang sah (Authorization: Bearer <kunci>)"

    def __init__(self, message_en: str | None = None, message_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(message_en, message_id, **kwargs)
        self.headers.setdefault("WWW-Authenticate", "Bearer")


class Forbidden(ApiError):
    status, code = 403, "forbidden"
    default_en = "this key's role may not use this endpoint"
    default_id = "peran kunci ini tidak boleh memakai endpoint ini"


class NotFound(ApiError):
    status, code = 404, "not_found"
    default_en, default_id = "not found", "tidak ditemukan"


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"
    default_en, default_id = "method not allowed", "metode tidak diizinkan"


class Conflict(ApiError):
    status, code = 409, "conflict"
    default_en, default_id = "conflict", "konflik"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"
    default_en, default_id = "the request is too large", "permintaan terlalu besar"


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"
    default_en = "send JSON (Content-Type: application/json)"
    default_id = "kirim JSON (Content-Type: application/json)"


class Unprocessable(ApiError):
    status, code = 422, "invalid_input"
    default_en, default_id = "invalid input", "masukan tidak sah"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"
    default_en = "too many requests for this key; wait and retry"
    default_id = "terlalu banyak permintaan untuk kunci ini; tunggu lalu coba lagi"

    def __init__(self, retry_after: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.retry_after = max(1, int(retry_after))
        self.headers["Retry-After"] = str(self.retry_after)


class InternalError(ApiError):
    status, code = 500, "internal_error"
    default_en = "internal error; the incident was logged"
    default_id = "galat internal; kejadian ini sudah dicatat"


class ServiceUnavailable(ApiError):
    status, code = 503, "unavailable"
    default_en, default_id = "the service is not ready", "layanan belum siap"


# The store's errors as HTTP errors: the one place a store failure gets its status.
STORE_ERRORS: dict[type[store_errors.StoreError], type[ApiError]] = {
    store_errors.NotFound: NotFound,
    store_errors.Conflict: Conflict,
}


def as_api_error(exc: ApiError | store_errors.StoreError) -> ApiError:
    """``exc`` as an :class:`ApiError` (a store error keeps its code and messages)."""
    if isinstance(exc, ApiError):
        return exc
    kind = next((STORE_ERRORS[c] for c in type(exc).__mro__ if c in STORE_ERRORS), InternalError)
    return kind(exc.message_en, exc.message_id, code=exc.code)


def error_body(
    code: str, message_en: str, message_id: str, request_id: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The one JSON error shape."""
    message = f"{message_id} / {message_en}" if message_id != message_en else message_en
    error: dict[str, Any] = {
        "code": code,
        "message": message,
        "message_id": message_id,
        "message_en": message_en,
    }
    if request_id:
        error["request_id"] = request_id
    error.update(extra)
    return {"error": error}


def _request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def error_response(
    request: Request, status: int, code: str, message_en: str, message_id: str, *,
    headers: dict[str, str] | None = None, **extra: Any,
) -> JSONResponse:  # fmt: skip
    return JSONResponse(
        error_body(code, message_en, message_id, _request_id(request), **extra),
        status_code=status,
        headers=headers,
    )


async def _screener_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScreenerError)
    status = int(getattr(exc, "status", 500))
    if status >= 500 and status not in (502, 504):  # 502/504: a linked site failed, not the service
        logger.error("server error %s: %s", exc.code, exc, exc_info=exc)
    return error_response(
        request, status, exc.code, exc.message, exc.message_id, headers=getattr(exc, "headers", None)
    )


async def _store_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, store_errors.StoreError)
    return await _screener_error(request, as_api_error(exc))


_HTTP_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 405: MethodNotAllowed,
    409: Conflict, 413: PayloadTooLarge, 415: UnsupportedMediaType, 422: Unprocessable, 429: RateLimited,
    503: ServiceUnavailable,
}  # fmt: skip


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's own errors: unknown routes (404), wrong methods (405), FastAPI's body parse (400).
    assert isinstance(exc, StarletteHTTPException)
    kind = _HTTP_ERRORS.get(exc.status_code)
    headers = dict(exc.headers or {})
    if kind is None or kind is RateLimited:
        code, en, id_ = f"http_{exc.status_code}", str(exc.detail), str(exc.detail)
    else:
        code, en, id_ = kind.code, kind.default_en, kind.default_id
        if exc.status_code == 400:
            en, id_ = "the body is not valid JSON", "isi permintaan bukan JSON yang sah"
        if exc.status_code == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
    return error_response(request, exc.status_code, code, en, id_, headers=headers or None)


def _location(loc: Any) -> str:
    return ".".join(str(part) for part in loc if part != "body") or "body"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Never echo the input back: it may be a long ad text, and it is the caller's anyway.
    details = [{"field": _location(e.get("loc", ())), "problem": str(e.get("msg", ""))} for e in exc.errors()]
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        return error_response(
            request, 400, "bad_request", "the body is not valid JSON", "isi permintaan bukan JSON yang sah",
            details=details,
        )  # fmt: skip
    summary = "; ".join(f"{d['field']}: {d['problem']}" for d in details)[:500]
    return error_response(
        request,
        422,
        "invalid_input",
        f"invalid input: {summary}",
        f"masukan tidak sah: {summary}",
        details=details,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers; unexpected exceptions are caught by the request middleware (500)."""
    app.add_exception_handler(ScreenerError, _screener_error)
    app.add_exception_handler(store_errors.StoreError, _store_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
