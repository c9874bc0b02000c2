"""Every error is the same JSON shape, with the right status, in Bahasa Indonesia and English."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi import APIRouter
from service_testing import AD_RISKY, Service

SCORE = "/api/v1/score"


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) >= {"code", "message", "message_id", "message_en", "request_id"}
    assert error["message"] in (f"{error['message_id']} / {error['message_en']}", error["message_en"])
    if code is not None:
        assert error["code"] == code
    assert "Traceback" not in response.text
    return error


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        pytest.param(
            {"content": b'{"text": "abc"', "headers": {"content-type": "application/json"}},
            400,
            "bad_request",
            id="400-malformed-json",
        ),
        pytest.param({"content": b"text=abc", "headers": {}}, 415, "unsupported_media_type", id="415-form"),
        pytest.param(
            {"content": AD_RISKY.encode(), "headers": {"content-type": "text/plain"}},
            415,
            "unsupported_media_type",
            id="415-text-plain",
        ),
        pytest.param({"json": {"text": "x" * 100_001}}, 413, "payload_too_large", id="413-text-over-limit"),
        pytest.param({"json": {"text": "é" * 50_001}}, 413, "payload_too_large", id="413-counts-utf8-bytes"),
        pytest.param(
            {"content": b"{" + b" " * 700_000 + b"}", "headers": {"content-type": "application/json"}},
            413,
            "payload_too_large",
            id="413-body-over-cap",
        ),
        pytest.param({"json": {"text": ""}}, 422, "invalid_input", id="422-empty"),
        pytest.param({"json": {"text": " \n\t "}}, 422, "invalid_input", id="422-whitespace"),
        pytest.param({"json": {"text": "abc\u0000def"}}, 422, "invalid_input", id="422-escaped-nul"),
        pytest.param(
            {"content": b'{"text": "abc\x00"}', "headers": {"content-type": "application/json"}},
            422,
            "invalid_input",
            id="422-raw-nul",
        ),
        pytest.param(
            {"content": b'{"text": "lowongan \xff\xfe"}', "headers": {"content-type": "application/json"}},
            422,
            "invalid_input",
            id="422-invalid-utf8",
        ),
        pytest.param({"json": {}}, 422, "invalid_input", id="422-neither"),
        pytest.param(
            {"json": {"text": "a", "url": "https://example.org/"}}, 422, "invalid_input", id="422-both"
        ),
        pytest.param({"json": {"text": 12}}, 422, "invalid_input", id="422-wrong-type"),
        pytest.param({"json": {"text": "a", "extra": 1}}, 422, "invalid_input", id="422-unknown-field"),
        pytest.param({"json": ["text"]}, 422, "invalid_input", id="422-not-an-object"),
    ],
)
def test_score_input_errors(service: Service, kwargs: dict, status: int, code: str) -> None:
    headers = {**service.auth("officer"), **kwargs.pop("headers", {})}
    response = service.client.post(SCORE, headers=headers, **kwargs)
    error = assert_error(response, status, code)
    if status == 422:
        assert AD_RISKY not in response.text  # inputs are never echoed back
    assert error["message_id"] != error["message_en"]


def test_validation_error_does_not_echo_the_text(service: Service) -> None:
    response = service.client.post(
        SCORE, json={"text": "rahasia", "url": "x"}, headers=service.auth("officer")
    )
    assert_error(response, 422)
    assert "rahasia" not in response.text


def test_401_has_www_authenticate(service: Service) -> None:
    for headers in ({}, {"Authorization": "Bearer tps_nope"}, {"Authorization": "Basic dXNlcjpwdw=="}):
        response = service.client.get("/api/v1/model", headers=headers)
        assert_error(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


def test_revoked_key_is_401(service: Service) -> None:
    admin = service.auth("admin")
    officer_id = service.key_ids["officer"]
    assert service.client.delete(f"/api/v1/keys/{officer_id}", headers=admin).status_code == 200
    assert_error(service.client.get("/api/v1/model", headers=service.auth("officer")), 401, "invalid_key")


def test_403_wrong_role(service: Service) -> None:
    assert_error(service.client.get("/api/v1/keys", headers=service.auth("officer")), 403, "forbidden")


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        pytest.param("GET", "/nowhere", 404, "not_found", id="404-unknown-route"),
        pytest.param("GET", "/api/v1/checks/999", 404, "not_found", id="404-unknown-check"),
        pytest.param("DELETE", "/api/v1/keys/999", 404, "not_found", id="404-unknown-key"),
        pytest.param("GET", "/api/v1/score", 405, "method_not_allowed", id="405-get-score"),
        pytest.param("PUT", "/api/v1/model", 405, "method_not_allowed", id="405-put-model"),
        pytest.param("GET", "/api/v1/checks?limit=0", 422, "invalid_input", id="422-bad-query"),
        pytest.param("GET", "/api/v1/checks/abc", 422, "invalid_input", id="422-bad-path"),
    ],
)
def test_route_errors(service: Service, method: str, path: str, status: int, code: str) -> None:
    response = service.client.request(method, path, headers=service.auth("admin"))
    assert_error(response, status, code)


def test_405_lists_allowed_methods(service: Service) -> None:
    response = service.client.get(SCORE, headers=service.auth("officer"))
    assert response.headers["allow"] == "POST"


def test_429_with_retry_after(make_service) -> None:
    service = make_service(rate_limit_per_minute=3)
    headers = service.auth("officer")
    statuses = [service.client.get("/api/v1/model", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = service.client.get("/api/v1/model", headers=headers)
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["retry-after"]) <= 20
    # Another key has its own bucket.
    assert service.client.get("/api/v1/model", headers=service.auth("educator")).status_code == 200


def test_409_last_admin_key_cannot_be_revoked(service: Service) -> None:
    response = service.client.delete("/api/v1/keys/1", headers=service.auth("admin"))
    assert_error(response, 409, "last_admin_key")


def test_unexpected_exception_is_a_logged_500_without_traceback(service: Service, caplog) -> None:
    router = APIRouter()

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    service.app.include_router(router)
    with caplog.at_level(logging.INFO, logger="screener.service"):
        response = service.client.get("/boom", headers={"X-Request-ID": "req-500"})
    error = assert_error(response, 500, "internal_error")
    assert "secret internal detail" not in response.text
    assert error["request_id"] == "req-500"
    assert response.headers["x-request-id"] == "req-500"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info is not None
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
    assert lines[-1]["status"] == 500


def test_screener_error_maps_through_its_status(service: Service, monkeypatch) -> None:
    from screener.errors import ModelError

    def broken(text: str):
        raise ModelError("model exploded", "model meledak")

    monkeypatch.setattr(service.services.screener, "assess", broken)
    monkeypatch.setattr(service.services.screener, "assess_many", lambda texts: broken(texts[0]))
    error = assert_error(
        service.client.post(SCORE, json={"text": AD_RISKY}, headers=service.auth("officer")),
        500,
        "model_error",
    )
    assert error["message"] == "model meledak / model exploded"
