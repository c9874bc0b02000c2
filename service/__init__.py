"""The scoring service: a FastAPI app over the :mod:`screener` library.

Build it with :func:`create_app` (``screener serve`` runs it under uvicorn)::

    from service import Settings, create_app
    app = create_app(Settings(database_url="sqlite:///screener.db"))
"""

from service.app import create_app
from service.settings import Settings

__all__ = ["Settings", "create_app"]
