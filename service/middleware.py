"""One ASGI middleware for every request: request id, JSON-line log, metrics, and the last-resort 500.

It sits inside Starlette's ``ServerErrorMiddleware``, so an unexpected exception is logged here with
its traceback and answered with the usual JSON error (no traceback in the body), with the request id.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import InternalError, error_body
from service.metrics import Metrics

__all__ = ["RequestMiddleware"]

logger = logging.getLogger("screener.service")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    # Unmatched paths share one label: scanners must not blow up the metrics' cardinality.
    return str(path) if path else "<unmatched>"


class RequestMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            logger.error("unhandled error in %s %s (request %s)", scope["method"], scope["path"], request_id,
                         exc_info=exc)  # fmt: skip
            if response_started:
                raise
            status = 500
            err = InternalError()
            body = json.dumps(error_body(err.code, err.message, err.message_id, request_id)).encode("utf-8")
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"x-request-id", request_id.encode("latin-1")),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
        finally:
            seconds = time.perf_counter() - started
            route = _route_template(scope)
            self.metrics.observe_request(scope["method"], route, status, seconds)
            if logger.isEnabledFor(logging.INFO):
                # Never the key, the query string or the ad text: only what identifies the request.
                logger.info(
                    json.dumps(
                        {
                            "event": "request",
                            "request_id": request_id,
                            "method": scope["method"],
                            "path": scope["path"],
                            "route": route,
                            "status": status,
                            "duration_ms": round(seconds * 1000, 2),
                            "key_id": state.get("key_id"),
                        }
                    )
                )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None
