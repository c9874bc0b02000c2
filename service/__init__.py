"""The scoring service: a FastAPI app over the :mod:`screener` library.

Build it with :func:`create_app` (``screener serve`` runs it under uvicorn)::

    from service import Settings, create_app
    app = create_app(Settings(database_url="sqlite:///screener.db"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.app import create_app
    from service.settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    # Lazy: the CLI imports service.vocabulary for its choices and must not pay for FastAPI on every
    # `screener score`.
    if name == "create_app":
        from service.app import create_app

        return create_app
    if name == "Settings":
        from service.settings import Settings

        return Settings
    raise AttributeError(f"module 'service' has no attribute {name!r}")
