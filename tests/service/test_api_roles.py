"""The whole role x endpoint matrix: who may call what (401 without a key, 403 for a wrong role)."""

from __future__ import annotations

import pytest
from service_testing import AD_LEGIT, Service

ROLE_ORDER = ("none", "officer", "moderator", "educator", "admin")  # "none": no key at all

# endpoint -> (method, path, json body, expected status for each role in ROLE_ORDER)
MATRIX: dict[str, tuple[str, str, dict | list | None, tuple[int, ...]]] = {
    "healthz": ("GET", "/healthz", None, (200, 200, 200, 200, 200)),
    "readyz": ("GET", "/readyz", None, (401, 200, 200, 200, 200)),
    "metrics": ("GET", "/metrics", None, (401, 403, 403, 403, 200)),
    "score": ("POST", "/api/v1/score", {"text": AD_LEGIT}, (401, 200, 200, 200, 200)),
    "score-save": ("POST", "/api/v1/score", {"text": AD_LEGIT, "save": True}, (401, 200, 403, 403, 200)),
    "checks": ("GET", "/api/v1/checks", None, (401, 200, 403, 403, 200)),
    "check": ("GET", "/api/v1/checks/{check_id}", None, (401, 200, 403, 403, 200)),
    "indicators": ("GET", "/api/v1/indicators", None, (401, 200, 200, 200, 200)),
    "model": ("GET", "/api/v1/model", None, (401, 200, 200, 200, 200)),
    "keys-create": ("POST", "/api/v1/keys", {"name": "n", "role": "officer"}, (401, 403, 403, 403, 201)),
    "keys-list": ("GET", "/api/v1/keys", None, (401, 403, 403, 403, 200)),
    "keys-revoke": ("DELETE", "/api/v1/keys/{key_id}", None, (401, 403, 403, 403, 200)),
    # The review queue: moderators and admins; adjudication, export and model reload for admins only.
    "batch-submit": ("POST", "/api/v1/batches", [{"text": AD_LEGIT}], (401, 403, 202, 403, 202)),
    "batch": ("GET", "/api/v1/batches/{batch_id}", None, (401, 403, 404, 403, 404)),
    "queue": ("GET", "/api/v1/queue", None, (401, 403, 200, 403, 200)),
    "claim": ("POST", "/api/v1/queue/claim", {"limit": 1}, (401, 403, 200, 403, 200)),
    "release-many": ("POST", "/api/v1/queue/release", {}, (401, 403, 200, 403, 200)),
    "item": ("GET", "/api/v1/items/{item_id}", None, (401, 403, 404, 403, 404)),
    "release": ("POST", "/api/v1/items/{item_id}/release", None, (401, 403, 404, 403, 404)),
    "decision": (
        "POST",
        "/api/v1/items/{item_id}/decision",
        {"verdict": "legit", "indicators": [], "note": None},
        (401, 403, 404, 403, 404),
    ),
    "adjudication": ("GET", "/api/v1/adjudication", None, (401, 403, 403, 403, 200)),
    "adjudicate": (
        "POST",
        "/api/v1/items/{item_id}/adjudicate",
        {"verdict": "legit", "indicators": [], "note": None},
        (401, 403, 403, 403, 404),
    ),
    "stats": ("GET", "/api/v1/stats", None, (401, 403, 200, 403, 200)),
    "examples": ("GET", "/api/v1/examples", None, (401, 403, 403, 200, 200)),
    "trends": ("GET", "/api/v1/trends", None, (401, 403, 200, 200, 200)),
    "contacts": ("GET", "/api/v1/contacts/{value}", None, (401, 200, 200, 403, 200)),
    "export": ("GET", "/api/v1/export/decisions", None, (401, 403, 403, 200, 200)),  # redacted by default
    "erase": ("DELETE", "/api/v1/contacts/{value}", None, (401, 403, 403, 403, 404)),
    "audit": ("GET", "/api/v1/audit", None, (401, 403, 403, 403, 200)),
    "model-reload": ("POST", "/api/v1/model/reload", None, (401, 403, 403, 403, 200)),
    # Watched sources: moderators and admins. The add is refused past the role check (a private
    # address, 422), so no cell leaves a source behind for another.
    "sources": ("GET", "/api/v1/sources", None, (401, 403, 200, 403, 200)),
    "source-add": ("POST", "/api/v1/sources", {"url": "http://10.0.0.1/feed.xml"}, (401, 403, 422, 403, 422)),
    "source": ("GET", "/api/v1/sources/{source_id}", None, (401, 403, 404, 403, 404)),
    "source-pause": ("PATCH", "/api/v1/sources/{source_id}", {"status": "paused"}, (401, 403, 404, 403, 404)),
    "source-remove": ("DELETE", "/api/v1/sources/{source_id}", None, (401, 403, 404, 403, 404)),
}

CELLS = [
    pytest.param(endpoint, role, expected, id=f"{endpoint}-{role}")
    for endpoint, (_, _, _, row) in MATRIX.items()
    for role, expected in zip(ROLE_ORDER, row, strict=True)
]


@pytest.fixture(scope="module")
def service(module_service: Service) -> Service:
    """One service for the whole matrix (a new one per cell costs seconds); nothing a cell does
    changes another's answer: ids 999 do not exist, each cell revokes its own spare key."""
    saved = module_service.client.post(
        "/api/v1/score", json={"text": AD_LEGIT, "save": True}, headers=module_service.auth("officer")
    )
    assert saved.json()["check_id"] == 1  # check 1 belongs to the officer
    return module_service


def test_matrix_covers_every_route(service: Service) -> None:
    paths = service.client.get("/openapi.json").json()["paths"]
    routes = {(method.upper(), path) for path, item in paths.items() for method in item}
    assert routes == {(method, path) for method, path, _, _ in MATRIX.values()}


def test_every_route_but_healthz_documents_the_bearer_key(service: Service) -> None:
    """One ``HTTPBearer`` scheme, named and described the same on every route that takes a key."""
    schema = service.client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"] == {
        "HTTPBearer": {
            "type": "http",
            "description": "An API key: `Authorization: Bearer tps_...`",
            "scheme": "bearer",
        }
    }
    security = {
        (method.upper(), path): operation.get("security")
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert security.pop(("GET", "/healthz")) is None
    assert set(map(str, security.values())) == {str([{"HTTPBearer": []}])}


@pytest.mark.parametrize(("endpoint", "role", "expected"), CELLS)
def test_role_matrix(service: Service, endpoint: str, role: str, expected: int) -> None:
    method, path, body, _ = MATRIX[endpoint]
    victim, _ = service.add_key("officer", "victim")  # a spare key to revoke
    headers = {} if role == "none" else service.auth(role)
    url = path.format(
        check_id=1, key_id=victim, batch_id=999, item_id=999, source_id=999, value="+6281234567890"
    )
    response = service.client.request(method, url, json=body, headers=headers)
    assert response.status_code == expected, response.text
    if expected == 401:
        assert response.headers["www-authenticate"] == "Bearer"
