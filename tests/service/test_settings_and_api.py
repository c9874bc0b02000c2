"""Settings are documented data; the package exports exactly its public names; the library stays pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

import service
from service.settings import PLACEHOLDER_SECRET, Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    description = Settings.model_fields[name].description
    assert description and len(description) > 15, f"setting {name!r} needs a description"


def test_defaults(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.host == "127.0.0.1" and settings.port == 8000 and settings.workers == 1
    assert settings.max_text_bytes == 100_000 and settings.fetch_max_bytes == 2_000_000
    assert settings.fetch_max_redirects == 5 and settings.allow_private_fetch is False
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'screener.db'}"


def test_environment_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENER_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("SCREENER_RATE_LIMIT_PER_MINUTE", "5")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql+psycopg://u@h/db"
    assert settings.rate_limit_per_minute == 5


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key=PLACEHOLDER_SECRET)
    with pytest.raises(ValidationError, match="ALLOW_PRIVATE_FETCH"):
        Settings(
            environment="production", secret_key="x" * 40, privacy_key="p" * 40,
            author_hash_key="y" * 40, allow_private_fetch=True,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="PRIVACY_KEY"):
        Settings(environment="production", secret_key="x" * 40, author_hash_key="y" * 40)
    with pytest.raises(ValidationError, match="AUTHOR_HASH_KEY"):
        Settings(environment="production", secret_key="x" * 40, privacy_key="p" * 40)
    ready = Settings(
        environment="production", secret_key="x" * 40, privacy_key="p" * 40, author_hash_key="y" * 40
    )
    assert ready.environment == "production"
    assert Settings(environment="development").secret_key == PLACEHOLDER_SECRET


def test_public_names() -> None:
    assert sorted(service.__all__) == ["Settings", "create_app"]


def test_library_never_imports_the_service_stack() -> None:
    forbidden = {"fastapi", "sqlalchemy", "service", "starlette", "uvicorn", "alembic"}
    for path in (REPO / "screener").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert not roots & forbidden, f"{path.relative_to(REPO)} imports {roots & forbidden}"
