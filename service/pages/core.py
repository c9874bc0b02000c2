"""What every page shares: the signed session cookie, CSRF tokens, the page caller, rendering.

The session cookie holds ``{"k": key id, "s": session id, "e": expiry}``, base64 JSON signed with an
HMAC-SHA256 of ``settings.secret_key``; it is HttpOnly and SameSite=Lax (Secure over HTTPS or in
production). Every request re-reads the key, so revoking a key ends its sessions at once. A form's
CSRF token is an HMAC of the session id (before login: of a random pre-login cookie), checked in
constant time on every POST.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from service.auth import Caller
from service.deps import ServicesDep, services_of
from service.pages import labels
from service.pages.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, translations
from service.services import Services
from service.store import keys as key_store
from service.vocabulary import Role

__all__ = [
    "SESSION_COOKIE",
    "CsrfFailed",
    "LoginRequired",
    "PageCaller",
    "PageForbidden",
    "check_csrf",
    "csrf_token",
    "language",
    "not_found",
    "page_role",
    "render",
    "set_session",
    "templates",
    "verify_csrf",
]

TEMPLATES_DIR = Path(str(resources.files("service") / "templates"))  # package data
SESSION_COOKIE = "tps_session"
PRE_COOKIE = "tps_pre"
LANG_COOKIE = "lang"
SESSION_SECONDS = 12 * 3600


@functools.cache
def templates(lang: str) -> Jinja2Templates:
    """The templates in ``lang``: one Jinja2 environment per language, its gettext installed once."""
    # Autoescape on for every template, whatever its name: all ad text is untrusted.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks collapse whitespace, as extraction does
    catalogue = translations(lang)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.globals["languages"] = LANGUAGES
    env.filters["flagmap"] = lambda flags: {f.number: f for f in flags}
    env.filters.update(labels.filters(catalogue.gettext))
    return Jinja2Templates(env=env)


class LoginRequired(Exception):
    """No valid session: pages answer with a redirect to /login."""


class PageForbidden(Exception):
    """The session's role may not open this page (403 page)."""


class CsrfFailed(Exception):
    """A POST without the right CSRF token (403 page)."""


# -- signing --------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, purpose: str, value: str) -> str:
    return _b64(hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest())


def sign_session(secret: str, *, key_id: int, now: float | None = None) -> str:
    payload = {
        "k": key_id,
        "s": secrets.token_urlsafe(16),
        "e": int((time.time() if now is None else now) + SESSION_SECONDS),
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return f"{body}.{_mac(secret, 'session', body)}"


def read_session(secret: str, cookie: str | None, *, now: float | None = None) -> dict[str, Any] | None:
    """The payload of a well-signed, unexpired cookie; None otherwise."""
    if not cookie or cookie.count(".") != 1 or len(cookie) > 512:
        return None
    body, mac = cookie.split(".")
    if not hmac.compare_digest(mac, _mac(secret, "session", body)):
        return None
    try:
        payload = json.loads(_unb64(body))
        if int(payload["e"]) < (time.time() if now is None else now):
            return None
        int(payload["k"])
        str(payload["s"])
    except (ValueError, KeyError, TypeError):
        return None
    return dict(payload)


def _secret(request: Request) -> str:
    return services_of(request.app).settings.secret_key


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or services_of(request.app).settings.environment == "production"


def set_session(request: Request, response: Response, *, key_id: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        sign_session(_secret(request), key_id=key_id),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(PRE_COOKIE, path="/")


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def session_id(request: Request) -> str | None:
    payload = read_session(_secret(request), request.cookies.get(SESSION_COOKIE))
    return None if payload is None else str(payload["s"])


def ensure_pre_session(request: Request) -> str:
    """The pre-login value that anchors the login form's CSRF token; :func:`render` sets its cookie."""
    value = request.cookies.get(PRE_COOKIE)
    if not value or len(value) > 64:
        value = secrets.token_urlsafe(16)
        request.state.pre_new = True
    request.state.pre_session = value
    return value


def csrf_token(request: Request) -> str:
    """The token forms carry: bound to the session, or before login to the pre-login cookie."""
    anchor = session_id(request)
    if anchor is None:
        anchor = getattr(request.state, "pre_session", None) or request.cookies.get(PRE_COOKIE) or ""
        if not anchor:
            return ""
        return _mac(_secret(request), "csrf-pre", anchor)
    return _mac(_secret(request), "csrf", anchor)


def check_csrf(request: Request, csrf: object) -> None:
    """403 unless ``csrf`` (a form's ``csrf_token`` value) matches the session's token."""
    expected = csrf_token(request)
    if not expected or not isinstance(csrf, str) or not csrf or not hmac.compare_digest(csrf, expected):
        raise CsrfFailed()


def verify_csrf(request: Request, csrf: Annotated[str, Form(alias="csrf_token")] = "") -> None:
    """Dependency for every POST page route: 403 unless the form's token matches."""
    check_csrf(request, csrf)


# -- the caller --------------------------------------------------------------------------------------


def _load_caller(services: Services, cookie: str | None) -> Caller | None:
    payload = read_session(services.settings.secret_key, cookie)
    if payload is None:
        return None
    with services.sessions() as session:
        record = key_store.get_key(session, key_id=int(payload["k"]))
        if record is None or record.revoked_at is not None:
            return None
        return Caller(record.id, record.name, record.role)


async def page_caller(request: Request, services: ServicesDep) -> Caller:
    caller = await run_in_threadpool(_load_caller, services, request.cookies.get(SESSION_COOKIE))
    if caller is None:
        raise LoginRequired()
    request.state.key_id = caller.key_id
    request.state.caller = caller
    return caller


PageCaller = Annotated[Caller, Depends(page_caller)]


def page_role(*roles: Role) -> Any:
    """A dependency admitting sessions whose key has one of ``roles`` (admin is always listed)."""
    allowed = frozenset((*roles, Role.ADMIN))

    async def dependency(caller: PageCaller) -> Caller:
        if caller.role not in allowed:
            raise PageForbidden()
        return caller

    return Depends(dependency)


# -- rendering ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str  # a message, translated in the template
    roles: tuple[Role, ...]


OFFICER, MODERATOR, EDUCATOR, ADMIN = Role.OFFICER, Role.MODERATOR, Role.EDUCATOR, Role.ADMIN
NAV = (
    NavItem("/cek", N_("Cek iklan"), (OFFICER, ADMIN)),
    NavItem("/cek/riwayat", N_("Riwayat"), (OFFICER, ADMIN)),
    NavItem("/antrian", N_("Antrian"), (MODERATOR, ADMIN)),
    NavItem("/antrian/unggah", N_("Unggah batch"), (MODERATOR, ADMIN)),
    NavItem("/antrian/adjudikasi", N_("Adjudikasi"), (ADMIN,)),
    NavItem("/sumber", N_("Sumber dipantau"), (MODERATOR, ADMIN)),
    NavItem("/contoh", N_("Contoh"), (EDUCATOR, ADMIN)),
    NavItem("/contoh/kuis", N_("Kuis"), (EDUCATOR, ADMIN)),
    NavItem("/tren", N_("Tren"), (MODERATOR, EDUCATOR, ADMIN)),
    NavItem("/model", N_("Model"), tuple(Role)),
)

HOME: dict[str, str] = {OFFICER: "/cek", MODERATOR: "/antrian", EDUCATOR: "/contoh", ADMIN: "/cek"}


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    lang = language(request)
    caller: Caller | None = getattr(request.state, "caller", None)
    nav = [item for item in NAV if caller is not None and caller.role in item.roles]
    values = {
        "lang": lang,
        "other_lang": "en" if lang == "id" else "id",
        "caller": caller,
        "nav": nav,
        "path": request.url.path,
        "csrf": csrf_token(request),
        **(context or {}),
    }
    response = templates(lang).TemplateResponse(request, template, values, status_code=status_code)
    if getattr(request.state, "pre_new", False):
        response.set_cookie(
            PRE_COOKIE, request.state.pre_session, max_age=3600, httponly=True, samesite="lax",
            secure=_secure(request), path="/",
        )  # fmt: skip
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


def not_found(request: Request) -> HTMLResponse:
    """The 404 page."""
    return render(
        request, "error.html", {"title": N_("Galat"), "text": N_("Tidak ditemukan.")}, status_code=404
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None) -> str | None:
    """A local path to go back to after login (never another site: no ``//host`` or ``\\``)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 500:
        return None
    return value
