"""What the fuzz runs found, pinned: the schema describes the batch upload body and every status a body
route can answer; a broken multipart body is a 400 that says so (it claimed "not valid JSON")."""

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


def test_every_body_route_documents_what_the_body_vetting_answers(service: Service) -> None:
    # Found by a longer fuzz run: POST /api/v1/queue/release answered malformed JSON with an
    # undocumented 400.
    paths = service.client.get("/openapi.json").json()["paths"]
    for path, item in paths.items():
        operation = item.get("post")
        if operation is None or not path.startswith("/api/"):
            continue
        assert {"413", "415", "422"} <= set(operation["responses"]), path
        if "requestBody" in operation:
            assert "400" in operation["responses"], path
    response = service.client.post(
        "/api/v1/queue/release",
        content=b"}",
        headers={**service.auth("moderator"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"
