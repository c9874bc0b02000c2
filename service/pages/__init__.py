"""Server-rendered pages for officers, moderators and educators (Bahasa Indonesia first).

``install_pages(app)`` is all ``create_app`` calls: it includes the page routers, mounts
``/static``, registers the pages' own error answers (login redirect, 403 page) and adds the security
headers (a strict Content-Security-Policy without inline scripts or styles) to every page response.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.pages import auth, batches, educator, model, moderator, officer, sources, trends
from service.pages.core import CsrfFailed, LoginRequired, PageForbidden, redirect, render, templates
from service.pages.i18n import LANGUAGES, N_
from service.settings import REPO_DIR

__all__ = ["CSP", "EVALUATION_DIR", "install_pages"]

STATIC_DIR = Path(str(resources.files("service") / "static"))  # package data
EVALUATION_DIR = REPO_DIR / "reports" / "evaluation"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)
# The JSON API and its documentation keep their own headers (Swagger UI needs inline scripts).
NOT_PAGES = ("/api/", "/docs", "/redoc", "/openapi.json", "/metrics", "/healthz", "/readyz")


class PageHeaders:
    """Adds CSP, nosniff, Referrer-Policy and frame protection to every page and static response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(NOT_PAGES):
            await self.app(scope, receive, send)
            return
        static = path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if not static:
                    # Pages show ad texts and keys' work: never keep them in shared caches.
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _login_required(request: Request, exc: Exception) -> Response:
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    if request.method != "GET" or target == "/":
        return redirect("/login")
    return redirect("/login?next=" + quote(target, safe="/"))


async def _forbidden(request: Request, exc: Exception) -> Response:
    context = {"title": N_("Tidak boleh"), "text": N_("Peran Anda tidak boleh membuka halaman ini.")}
    return render(request, "error.html", context, status_code=403)


async def _csrf_failed(request: Request, exc: Exception) -> Response:
    context = {
        "title": N_("Formulir kedaluwarsa"),
        "text": N_("Token keamanan formulir tidak cocok. Muat ulang halaman lalu coba lagi."),
    }
    return render(request, "error.html", context, status_code=403)


def install_pages(app: FastAPI) -> None:
    """Include the page routers, mount ``/static`` and add the pages' handlers and headers."""
    for lang in LANGUAGES:
        templates(lang)  # read the catalogues now: a broken one fails the start, not a page
    for module in (auth, officer, moderator, batches, educator, model, sources, trends):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(PageForbidden, _forbidden)
    app.add_exception_handler(CsrfFailed, _csrf_failed)
    app.add_middleware(PageHeaders)
