"""Pictures through the service: multipart scoring on the API, /readyz, and the /cek picture flow."""

from __future__ import annotations

import re
from typing import Any

import pytest
from service_testing import Service

from screener.ocr import availability
from tests.ocr_testing import DATA

needs_ocr = pytest.mark.skipif(not availability()[0], reason=f"OCR engine missing: {availability()[1]}")
POSTER = (DATA / "poster_kamboja.png").read_bytes()


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _login(service: Service, role: str) -> None:
    form = service.client.get("/login")
    service.client.post("/login", data={"key": service.keys[role], "csrf_token": _csrf(form.text)})


@needs_ocr
def test_score_a_poster_by_multipart(service: Service) -> None:
    response = service.client.post(
        "/api/v1/score",
        files={"image": ("poster.png", POSTER, "image/png")},
        data={"text": "dari grup FB Lowongan Kerja Luar Negeri"},
        headers=service.auth("officer"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tier"] == "tinggi"
    source = body["source"]
    assert source["kind"] == "image" and "Phnom Penh" in source["text"]
    assert source["caption"] == "dari grup FB Lowongan Kerja Luar Negeri"
    assert any(s["indicator"] == "dest_scam_hub" and s["boxes"] for s in source["spans"])


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        pytest.param({"image": ("a.txt", b"just some text", "text/plain")}, 415, "unsupported_media_type", id="text"),
        pytest.param({"image": ("a.png", POSTER[:300], "image/png")}, 422, "corrupt_image", id="truncated"),
        pytest.param({"image": ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (10 * 1024 * 1024), "image/png")}, 413,
                     "payload_too_large", id="over-10MB"),
        pytest.param({"image": ("blank.png", (DATA / "blank.png").read_bytes(), "image/png")}, 422, "no_text",
                     id="no-text"),
        pytest.param({"picture": ("a.png", POSTER, "image/png")}, 422, "invalid_input", id="no-image-part"),
    ],
)  # fmt: skip
@needs_ocr
def test_bad_pictures_get_clear_errors(
    service: Service, files: dict[str, Any], status: int, code: str
) -> None:
    response = service.client.post("/api/v1/score", files=files, headers=service.auth("officer"))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and " / " in error["message"]


@needs_ocr
def test_ocr_time_limit_gives_504(make_service: Any) -> None:
    service = make_service(ocr_timeout=0.01)
    response = service.client.post(
        "/api/v1/score", files={"image": ("p.png", POSTER, "image/png")}, headers=service.auth("officer")
    )
    assert response.status_code == 504, response.text
    assert response.json()["error"]["code"] == "ocr_timeout"


def test_without_the_engine_text_works_and_images_get_503(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    availability.cache_clear()
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    try:
        ready = service.client.get("/readyz", headers=service.auth("officer")).json()
        assert ready["status"] == "ready" and ready["ocr"] == "unavailable"
        assert "tesseract-ocr-ind" in ready["ocr_detail"]
        image = service.client.post(
            "/api/v1/score", files={"image": ("p.png", POSTER, "image/png")}, headers=service.auth("officer")
        )
        assert image.status_code == 503
        assert "apt-get install tesseract-ocr" in image.json()["error"]["message"]
        text = service.client.post("/api/v1/score", json={"text": "Loker admin Kamboja gaji 20jt"},
                                   headers=service.auth("officer"))  # fmt: skip
        assert text.status_code == 200
    finally:
        monkeypatch.undo()
        availability.cache_clear()


@needs_ocr
def test_readyz_reports_ocr(service: Service) -> None:
    ready = service.client.get("/readyz", headers=service.auth("officer")).json()
    assert ready["ocr"] == "ok" and ready["ocr_detail"].startswith("tesseract")


@needs_ocr
def test_check_page_shows_the_picture_with_boxes_and_rechecks_a_correction(service: Service) -> None:
    _login(service, "officer")
    token = _csrf(service.client.get("/cek").text)
    page = service.client.post(
        "/cek", data={"csrf_token": token, "save": "1"}, files={"image": ("poster.png", POSTER, "image/png")}
    )
    assert page.status_code == 200, page.text
    assert 'data-tier="tinggi"' in page.text
    assert 'data-indicator="dest_scam_hub"' in page.text
    image_id = re.search(r'name="image_id" value="(\d+)"', page.text)
    assert image_id
    picture = service.client.get(f"/cek/gambar/{image_id.group(1)}")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content == POSTER
    # The officer corrects the text (drops the destination) and checks again: the box goes with it.
    ocr_text = re.search(r'<textarea id="ocr_text"[^>]*>([^<]*)</textarea>', page.text)
    assert ocr_text
    corrected = ocr_text.group(1).replace("Phnom Penh, Kamboja", "Surabaya")
    again = service.client.post(
        "/cek", data={"csrf_token": token, "image_id": image_id.group(1), "ocr_text": corrected}
    )
    assert again.status_code == 200, again.text
    assert 'data-indicator="dest_scam_hub"' not in again.text
    assert 'data-indicator="tourist_visa_work"' in again.text
    # Another officer cannot read this officer's picture.
    assert service.client.get("/cek/gambar/999999").status_code == 404
