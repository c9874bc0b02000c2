"""Health, readiness, metrics, request ids and the structured request log."""

from __future__ import annotations

import json
import logging

from service_testing import AD_RISKY, Service
from sqlalchemy import create_engine


def test_healthz_needs_no_key(service: Service) -> None:
    assert service.client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_model_and_database(service: Service, screener) -> None:
    body = service.client.get("/readyz", headers=service.auth("officer")).json()
    ocr = {"ocr": body.get("ocr"), "ocr_detail": body.get("ocr_detail")}  # whether pictures can be read
    assert body == {"status": "ready", "model_version": screener.version, "database": "ok", **ocr}
    assert ocr["ocr"] in ("ok", "unavailable") and ocr["ocr_detail"]


def test_readyz_is_503_without_a_model(service: Service) -> None:
    headers = service.auth("officer")
    service.services.screener = None
    response = service.client.get("/readyz", headers=headers)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "model_not_loaded"


def test_database_down_is_503(service: Service, tmp_path) -> None:
    # A database file in a folder that does not exist cannot be opened.
    service.services.engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    service.services.sessions.configure(bind=service.services.engine)
    response = service.client.get("/readyz", headers=service.auth("officer"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unreachable"
    service.services.engine.dispose()


def test_metrics_count_requests_and_tiers(service: Service) -> None:
    service.client.post("/api/v1/score", json={"text": AD_RISKY}, headers=service.auth("officer"))
    service.client.get("/nowhere/12345")
    text = service.client.get("/metrics", headers=service.auth("admin")).text
    assert 'screener_http_requests_total{method="POST",route="/api/v1/score",status="200"} 1.0' in text
    assert 'screener_scores_total{tier="tinggi"} 1.0' in text
    assert 'route="<unmatched>",status="404"' in text
    assert "screener_http_request_duration_seconds_bucket" in text
    assert "/nowhere/12345" not in text


def test_metrics_registries_are_per_app(make_service) -> None:
    first, second = make_service(), make_service()
    first.client.get("/healthz")
    text = second.client.get("/metrics", headers=second.auth("admin")).text
    assert 'route="/healthz"' not in text


def test_request_id_is_honoured_or_made(service: Service) -> None:
    assert (
        service.client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    made = service.client.get("/healthz", headers={"X-Request-ID": "bad id\n"}).headers["x-request-id"]
    assert made != "bad id\n" and len(made) == 32


def test_request_log_is_json_without_key_or_text(service: Service, caplog) -> None:
    headers = {**service.auth("officer"), "X-Request-ID": "log-1"}
    with caplog.at_level(logging.INFO, logger="screener.service"):
        service.client.post("/api/v1/score", json={"text": AD_RISKY}, headers=headers)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "screener.service"]
    entry = next(line for line in lines if line.get("request_id") == "log-1")
    assert entry["method"] == "POST" and entry["path"] == "/api/v1/score" and entry["status"] == 200
    assert entry["key_id"] == service.key_ids["officer"]
    assert entry["duration_ms"] > 0
    logged = caplog.text
    assert service.keys["officer"] not in logged
    assert "Kamboja" not in logged


def test_last_used_at_is_recorded(service: Service) -> None:
    service.client.get("/api/v1/model", headers=service.auth("educator"))
    keys = service.client.get("/api/v1/keys", headers=service.auth("admin")).json()
    educator = next(k for k in keys if k["id"] == service.key_ids["educator"])
    assert educator["last_used_at"] is not None
    assert all("key" not in k and "key_hash" not in k for k in keys)


def test_key_lifecycle_over_the_api(service: Service) -> None:
    admin = service.auth("admin")
    created = service.client.post(
        "/api/v1/keys", json={"name": "Polres Batam", "role": "officer"}, headers=admin
    )
    assert created.status_code == 201
    body = created.json()
    assert body["key"].startswith("tps_") and body["prefix"] == body["key"][:12]
    new_headers = {"Authorization": f"Bearer {body['key']}"}
    assert service.client.get("/api/v1/model", headers=new_headers).status_code == 200
    revoked = service.client.delete(f"/api/v1/keys/{body['id']}", headers=admin)
    assert revoked.json()["revoked_at"] is not None
    assert service.client.get("/api/v1/model", headers=new_headers).status_code == 401
    # Revoking twice is harmless.
    assert service.client.delete(f"/api/v1/keys/{body['id']}", headers=admin).status_code == 200


def test_openapi_documents_examples_and_docstrings(service: Service) -> None:
    schema = service.client.get("/openapi.json").json()
    score = schema["paths"]["/api/v1/score"]["post"]
    assert score["description"].startswith("Score an ad")
    assert schema["components"]["schemas"]["ScoreCreate"]["examples"]
    assert "413" in score["responses"] and "415" in score["responses"]
