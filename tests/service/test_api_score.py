"""Scoring text and links, saving checks, and reading the history."""

from __future__ import annotations

import pytest
from service_testing import AD_LEGIT, AD_RISKY, Service


def test_score_text_returns_the_assessment(service: Service, screener) -> None:
    response = service.client.post("/api/v1/score", json={"text": AD_RISKY}, headers=service.auth("officer"))
    assert response.status_code == 200, response.text
    body = response.json()
    expected = screener.assess(AD_RISKY).to_dict()
    # The API returns exactly the library's Assessment (tuples become lists in JSON).
    assert body["risk"] == expected["risk"]
    assert body["tier"] == expected["tier"] == "tinggi"
    assert [i["id"] for i in body["indicators"]] == [i["id"] for i in expected["indicators"]]
    assert set(body) == set(expected)
    assert "check_id" not in body and "source" not in body
    assert response.headers["x-request-id"]


def test_score_legit_ad_is_low(service: Service) -> None:
    response = service.client.post("/api/v1/score", json={"text": AD_LEGIT}, headers=service.auth("educator"))
    assert response.status_code == 200
    assert response.json()["tier"] in ("rendah", "sedang")


def test_score_url_scores_the_page_text(service: Service) -> None:
    response = service.client.post(
        "/api/v1/score", json={"url": "https://example.org/lowongan/1"}, headers=service.auth("officer")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tier"] == "tinggi"
    source = body["source"]
    assert source["url"] == "https://example.org/lowongan/1"
    assert source["final_url"].startswith("https://example.org/lowongan/1")
    assert source["title"] == "Lowongan Kamboja"
    assert "Kamboja" in source["text"]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        pytest.param("https://example.org/image.png", 422, "unsupported_content_type", id="not-html"),
        pytest.param("https://example.org/gone", 502, "upstream_status", id="upstream-404"),
        pytest.param("https://example.org/slow", 504, "timeout", id="upstream-timeout"),
        pytest.param("http://127.0.0.1/admin", 422, None, id="loopback-literal"),
        pytest.param("http://10.0.0.7/", 422, None, id="private-literal"),
        pytest.param("https://example.org/redirect-private", 422, None, id="redirect-to-loopback"),
        pytest.param("file:///etc/passwd", 422, "url_scheme", id="file-scheme"),
    ],
)
def test_score_url_failures_are_json_errors(
    service: Service, url: str, status: int, code: str | None
) -> None:
    response = service.client.post("/api/v1/score", json={"url": url}, headers=service.auth("officer"))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    if code:
        assert error["code"] == code
    assert " / " in error["message"]


def test_save_stores_a_check_and_lists_it_newest_first(service: Service) -> None:
    headers = service.auth("officer")
    ids = []
    for text in (AD_LEGIT, AD_RISKY):
        response = service.client.post("/api/v1/score", json={"text": text, "save": True}, headers=headers)
        assert response.status_code == 200
        ids.append(response.json()["check_id"])
    listing = service.client.get("/api/v1/checks", headers=headers).json()
    assert listing["total"] == 2
    assert [c["id"] for c in listing["items"]] == ids[::-1]
    assert listing["items"][0]["assessment"]["tier"] == listing["items"][0]["tier"]

    page = service.client.get("/api/v1/checks?limit=1&offset=1", headers=headers).json()
    assert [c["id"] for c in page["items"]] == [ids[0]]
    assert page["items"][0]["text"] == AD_LEGIT

    one = service.client.get(f"/api/v1/checks/{ids[1]}", headers=headers)
    assert one.status_code == 200
    assert one.json()["text"] == AD_RISKY


def test_checks_are_private_to_their_key_but_admin_sees_all(service: Service) -> None:
    response = service.client.post(
        "/api/v1/score", json={"text": AD_RISKY, "save": True}, headers=service.auth("officer")
    )
    check_id = response.json()["check_id"]
    _, other = service.add_key("officer", "another officer")
    other_headers = {"Authorization": f"Bearer {other}"}
    assert service.client.get(f"/api/v1/checks/{check_id}", headers=other_headers).status_code == 404
    assert service.client.get("/api/v1/checks", headers=other_headers).json()["total"] == 0
    assert service.client.get(f"/api/v1/checks/{check_id}", headers=service.auth("admin")).status_code == 200


def test_save_url_keeps_the_url_and_page_text(service: Service) -> None:
    headers = service.auth("officer")
    response = service.client.post(
        "/api/v1/score", json={"url": "https://example.org/lowongan/1", "save": True}, headers=headers
    )
    check = service.client.get(f"/api/v1/checks/{response.json()['check_id']}", headers=headers).json()
    assert check["url"] == "https://example.org/lowongan/1"
    assert "Kamboja" in check["text"]


def test_roles_without_history_cannot_save(service: Service) -> None:
    response = service.client.post(
        "/api/v1/score", json={"text": AD_RISKY, "save": True}, headers=service.auth("moderator")
    )
    assert response.status_code == 403


def test_indicators_and_model(service: Service, screener) -> None:
    from screener.catalogue import catalogue

    body = service.client.get("/api/v1/indicators", headers=service.auth("educator")).json()
    assert body["count"] == len(catalogue())
    assert body["indicators"][0] == catalogue()[0].to_dict()
    model = service.client.get("/api/v1/model", headers=service.auth("moderator")).json()
    assert model["version"] == screener.version
    assert model["thresholds"] == screener.thresholds
    assert model["card"]["artefact_sha256"] == screener.model.card["artefact_sha256"]
