"""What the fuzz run found on ``POST /api/v1/batches``, pinned: the schema describes the upload body,
and a broken multipart body is a 400 that says so (it used to claim the body was not valid JSON)."""

from __future__ import annotations

from service_testing import Service


def test_the_schema_describes_the_upload_body(service: Service) -> None:
    operation = service.client.get("/openapi.json").json()["paths"]["/api/v1/batches"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "application/x-ndjson", "text/csv", "multipart/form-data"}
    assert content["application/json"]["schema"]["items"]["required"] == ["text"]
    assert "400" in operation["responses"]


def test_a_broken_multipart_body_is_a_clear_400(service: Service) -> None:
    boundary = "b0undary"
    body = f"--{boundary}\r\n[[not a header]]\r\n--{boundary}--\r\n".encode()
    response = service.client.post(
        "/api/v1/batches",
        content=body,
        headers={**service.auth("moderator"), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert "not a valid multipart form" in error["message_en"] and "JSON" not in error["message_en"]
    assert "bukan formulir multipart yang sah" in error["message_id"]
