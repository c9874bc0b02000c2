"""The service's layers: the store knows nothing of HTTP, pages do not reach into routes, and only
``service/deps.py`` touches ``app.state``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from service.errors import Conflict, NotFound, as_api_error
from service.store import errors as store_errors

SERVICE = Path(__file__).resolve().parents[2] / "service"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted((SERVICE / "store").glob("*.py")), ids=lambda p: p.name)
def test_the_store_imports_no_web_framework(path: Path) -> None:
    # Importing ``service.store`` runs ``service/__init__`` (the app), so this reads the imports.
    imports = _imports(path)
    assert not {m for m in imports if m.split(".")[0] in ("fastapi", "starlette")}
    allowed = ("service.store", "service.vocabulary")
    assert not {m for m in imports if m.startswith("service") and not m.startswith(allowed)}


@pytest.mark.parametrize("path", sorted((SERVICE / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_do_not_import_routes(path: Path) -> None:
    assert not {m for m in _imports(path) if m.startswith("service.routes")}


def test_only_deps_touches_app_state() -> None:
    offenders = [
        str(path.relative_to(SERVICE))
        for path in SERVICE.rglob("*.py")
        if "app.state" in path.read_text(encoding="utf-8") and path.name != "deps.py"
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("error", "kind", "code"),
    [
        pytest.param(store_errors.NotFound("x", "x"), NotFound, "not_found", id="not-found"),
        pytest.param(store_errors.Conflict("x", "x"), Conflict, "conflict", id="conflict"),
        pytest.param(store_errors.LeaseExpired("x", "x"), Conflict, "not_lease_holder", id="lease"),
        pytest.param(store_errors.SameReviewer("x", "x"), Conflict, "same_reviewer", id="same-reviewer"),
        pytest.param(
            store_errors.NotInAdjudication("x", "x"), Conflict, "not_in_adjudication", id="adjudication"
        ),
    ],
)
def test_store_errors_map_to_one_status_each(error: store_errors.StoreError, kind: type, code: str) -> None:
    mapped = as_api_error(error)
    assert type(mapped) is kind and mapped.code == code
