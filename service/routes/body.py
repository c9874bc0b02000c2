"""A route class that vets request bodies before FastAPI parses them.

FastAPI would read any body whole, answer a non-JSON content type with a confusing 422 and invalid
UTF-8 with a 400. Here a body must be JSON (else 415), is read with a cap (else 413, without reading
the rest), and must be UTF-8 without NUL bytes (else 422) before the usual validation runs.
"""

from __future__ import annotations

import email.message
import functools
import typing
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from service.deps import services_of
from service.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType
from service.images import UPLOAD_SCOPE_KEY, is_multipart, multipart_limit, read_upload
from service.schemas import ErrorPublic

__all__ = ["ImageBodyRoute", "JSONBodyRoute", "body_limit"]

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def body_limit(max_text_bytes: int) -> int:
    # JSON escaping can make a text up to six times longer ("\u0001"); leave room for the envelope.
    return 6 * max_text_bytes + 64 * 1024


@functools.lru_cache(maxsize=256)  # clients send a handful of spellings; parsing one costs ~10 µs
def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


class _CappedRequest(Request):
    limit: int = 0

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            chunks: list[bytes] = []
            size = 0
            async for chunk in self.stream():
                size += len(chunk)
                if size > self.limit:
                    raise PayloadTooLarge(
                        f"the request body is over {self.limit} bytes",
                        f"isi permintaan melebihi {self.limit} byte",
                    )
                chunks.append(chunk)
            self._body = b"".join(chunks)
        return self._body


def _takes_json_body(endpoint: Callable[..., Any]) -> bool:
    # Our JSON bodies are pydantic models (ScoreCreate, ClaimCreate...): a parameter typed with one.
    try:
        hints = typing.get_type_hints(endpoint)
    except (NameError, TypeError):
        return False
    return any(isinstance(hint, type) and issubclass(hint, BaseModel) for hint in hints.values())


class JSONBodyRoute(APIRoute):
    # Routes that also take a multipart image upload (``image`` + optional ``text``): the upload is
    # read and vetted here and handed to the endpoint in the request scope, with an empty JSON body.
    accepts_images = False

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # Document what the vetting below can answer on any POST/PUT/PATCH (found by the schemathesis
        # run: a route that omitted 400 answered it to malformed JSON all the same).
        methods = {m.upper() for m in kwargs.get("methods") or ()}
        if methods & BODY_METHODS:
            codes = (413, 415, 422) + ((400,) if _takes_json_body(endpoint) else ())
            responses = dict(kwargs.get("responses") or {})
            for code in codes:
                responses.setdefault(code, {"model": ErrorPublic})
            kwargs["responses"] = responses
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def vetted(request: Request) -> Response:
            if request.method not in BODY_METHODS:
                return await handler(request)
            capped = _CappedRequest(request.scope, request.receive)
            max_text_bytes = services_of(request.app).settings.max_text_bytes
            if self.accepts_images and is_multipart(request.headers.get("content-type")):
                capped.limit = multipart_limit(max_text_bytes)
                declared = request.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > capped.limit:
                    raise PayloadTooLarge(
                        f"the request body is over {capped.limit} bytes",
                        f"isi permintaan melebihi {capped.limit} byte",
                    )
                await capped.body()
                capped.scope[UPLOAD_SCOPE_KEY] = await read_upload(capped, max_text_bytes=max_text_bytes)
                capped._body = b""
                return await handler(capped)
            capped.limit = body_limit(max_text_bytes)
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > capped.limit:
                raise PayloadTooLarge(
                    f"the request body is over {capped.limit} bytes",
                    f"isi permintaan melebihi {capped.limit} byte",
                )
            body = await capped.body()
            if body and not _is_json(request.headers.get("content-type")):
                raise UnsupportedMediaType()
            if b"\x00" in body:
                raise Unprocessable(
                    "the body contains binary data (NUL bytes)", "isi permintaan berisi data biner (byte NUL)"
                )
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Unprocessable(
                    "the body is not valid UTF-8", "isi permintaan bukan UTF-8 yang sah"
                ) from exc
            return await handler(capped)

        return vetted


class ImageBodyRoute(JSONBodyRoute):
    accepts_images = True
