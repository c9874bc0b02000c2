"""The HTML pages through TestClient: redirects, roles, CSRF, headers, escaping, redaction."""

from __future__ import annotations

import re
from typing import Any

import pytest
from service_testing import AD_RISKY, Service

from screener.redact import redact
from service.pages import CSP
from service.pages.core import read_session, sign_session
from service.pages.highlight import Span, redacted_spans, segments

PAGES = ["/cek", "/cek/riwayat", "/antrian", "/contoh", "/contoh/cetak", "/contoh/kuis?n=0", "/model"]
ALLOWED = {
    "officer": {"/cek", "/cek/riwayat", "/model"},
    "moderator": {"/antrian", "/model"},
    "educator": {"/contoh", "/contoh/cetak", "/contoh/kuis?n=0", "/model"},
    "admin": set(PAGES),
}


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def login(service: Service, role: str) -> None:
    response = service.client.get(f"/login?key={service.keys[role]}", follow_redirects=False)
    assert response.status_code == 303


@pytest.mark.parametrize("path", PAGES)
def test_pages_redirect_to_login(service: Service, path: str) -> None:
    response = service.client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


@pytest.mark.parametrize("role", ["officer", "moderator", "educator", "admin"])
def test_roles_gate_pages(service: Service, role: str) -> None:
    login(service, role)
    for path in PAGES:
        status = service.client.get(path).status_code
        assert status == (200 if path in ALLOWED[role] else 403), (role, path)


def test_security_headers_on_pages_not_on_api(service: Service) -> None:
    page = service.client.get("/login")
    assert page.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and "script-src 'self'" in CSP and "unsafe" not in CSP
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    static = service.client.get("/static/app.css")
    assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in service.client.get("/docs").headers  # Swagger UI keeps working


def test_no_inline_script_or_style_in_templates(repo_root: Any) -> None:
    for template in (repo_root / "service" / "templates").glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert "<style" not in text and " style=" not in text, template.name
        assert not re.search(r"\son[a-z]+=", text), template.name
        assert "|safe" not in text and "Markup" not in text, template.name


def test_login_form_with_csrf_and_logout(service: Service) -> None:
    client = service.client
    form = client.get("/login?next=/cek/riwayat")
    assert form.status_code == 200
    token = _csrf(form.text)
    assert client.post("/login", data={"key": service.keys["officer"]}).status_code == 403  # no token
    bad = client.post("/login", data={"key": "tps_wrong", "csrf_token": token})
    assert bad.status_code == 401 and "tidak dikenal" in bad.text
    good = client.post(
        "/login",
        data={"key": service.keys["officer"], "csrf_token": token, "next": "/cek/riwayat"},
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"] == "/cek/riwayat"
    cookie = good.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    page = client.get("/cek")
    assert client.post("/logout", data={}).status_code == 403
    out = client.post("/logout", data={"csrf_token": _csrf(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/cek", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(service: Service, target: str) -> None:
    response = service.client.get(
        "/login", params={"key": service.keys["officer"], "next": target}, follow_redirects=False
    )
    assert response.headers["location"] == "/cek"


def test_tampered_or_expired_session_is_refused(service: Service) -> None:
    secret = service.services.settings.secret_key
    cookie = sign_session(secret, key_id=1)
    assert read_session(secret, cookie) is not None
    assert read_session("other-secret", cookie) is None
    assert read_session(secret, cookie[:-2] + "xx") is None
    assert read_session(secret, sign_session(secret, key_id=1, now=0)) is None  # expired
    service.client.cookies.set("tps_session", cookie.replace(cookie[0], "A" if cookie[0] != "A" else "B", 1))
    assert service.client.get("/cek", follow_redirects=False).status_code == 303


def test_revoked_key_ends_the_session(service: Service) -> None:
    login(service, "officer")
    assert service.client.get("/cek").status_code == 200
    service.client.delete(f"/api/v1/keys/{service.key_ids['officer']}", headers=service.auth("admin"))
    assert service.client.get("/cek", follow_redirects=False).status_code == 303


def test_check_escapes_and_saves(service: Service) -> None:
    login(service, "officer")
    token = _csrf(service.client.get("/cek").text)
    ad = AD_RISKY + ' <script>alert(1)</script><img src=x onerror="alert(2)">'
    response = service.client.post("/cek", data={"text": ad, "csrf_token": token, "save": "1"})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert 'data-tier="tinggi"' in response.text
    assert "Hasil ini alat bantu, bukan temuan hukum" in response.text
    checks = service.client.get("/api/v1/checks", headers=service.auth("officer")).json()
    assert checks["total"] == 1
    assert service.client.get(f"/cek/riwayat/{checks['items'][0]['id']}").status_code == 200
    login(service, "admin")  # an admin may open it; another officer may not
    assert service.client.get(f"/cek/riwayat/{checks['items'][0]['id']}").status_code == 200


@pytest.mark.parametrize(
    ("text", "scope", "label"),
    [
        pytest.param(AD_RISKY, "offer", "lowongan kerja", id="offer"),
        pytest.param(
            "awas penipu, nomor 0812 7733 1290 ini nipu saya, udah transfer malah diblokir, tolong sebarkan",
            "not_offer",
            "bukan lowongan kerja",
            id="complaint",
        ),
    ],
)
def test_check_page_says_whether_the_text_is_a_job_offer(
    service: Service, text: str, scope: str, label: str
) -> None:
    login(service, "officer")
    token = _csrf(service.client.get("/cek").text)
    page = service.client.post("/cek", data={"text": text, "csrf_token": token}).text
    assert f'data-scope="{scope}"' in page
    assert f"Jenis teks: <strong>{label}</strong>" in page
    if scope == "not_offer":
        assert 'data-tier="rendah"' in page and "Bukan lowongan kerja" in page


def test_check_errors_render_the_form(service: Service) -> None:
    login(service, "officer")
    token = _csrf(service.client.get("/cek").text)
    empty = service.client.post("/cek", data={"text": "  ", "csrf_token": token})
    assert empty.status_code == 422 and "Isi teks iklan atau tautan" in empty.text
    refused = service.client.post("/cek", data={"url": "http://127.0.0.1/admin", "csrf_token": token})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    link = service.client.post(
        "/cek", data={"url": "https://lowongan.example/lowongan/1", "csrf_token": token}
    )
    assert link.status_code == 200 and 'data-tier="tinggi"' in link.text


def test_examples_are_redacted(service: Service) -> None:
    login(service, "educator")
    page = service.client.get("/contoh", params={"indicator": "upfront_fee", "platform": "whatsapp"})
    assert page.status_code == 200
    assert "contoh ilustratif, bukan kasus nyata" in page.text.lower()
    assert "0821-4471-6603" not in page.text and "Pak Rudi" not in page.text
    assert "[TELEPON]" in page.text


def test_english_switch_sets_a_cookie(service: Service) -> None:
    login(service, "officer")
    response = service.client.get("/cek?lang=en")
    assert "Check a job ad" in response.text and 'lang="en"' in response.text
    assert "Check a job ad" in service.client.get("/cek").text


def test_model_page_embeds_plots_only_with_a_report(service: Service, tmp_path: Any) -> None:
    login(service, "educator")
    service.services.evaluation_dir = tmp_path
    page = service.client.get("/model")
    assert page.status_code == 200 and 'id="no-report"' in page.text and "<img" not in page.text
    (tmp_path / "report.md").write_text("# report")
    (tmp_path / "pr_curve.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    page = service.client.get("/model")
    assert '<img src="/model/plot/pr_curve.png"' in page.text
    assert service.client.get("/model/plot/pr_curve.png").headers["content-type"] == "image/png"
    assert service.client.get("/model/plot/..%2Freport.md").status_code == 404


def test_segments_cover_the_text_and_redaction_moves_spans() -> None:
    text = "Hubungi Pak Budi Santoso di WA +855 12 345 678 untuk kerja di Kamboja"
    spans = [Span(text.index("WA"), text.index("678") + 3, 1), Span(text.index("Kamboja"), len(text), 2)]
    pieces = segments(text, spans)
    assert "".join(p.text for p in pieces) == text
    assert [p.text for p in pieces if p.flags] == ["WA +855 12 345 678", "Kamboja"]
    redaction = redact(text)
    moved = redacted_spans(text, redaction, spans)
    assert moved is not None
    assert [redaction.text[s.start : s.end] for s in moved] == ["WA [WHATSAPP]", "Kamboja"]
    assert "Budi" not in redaction.text
