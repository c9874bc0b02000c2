"""The store: SQLAlchemy 2 models and data-access functions (keyword-only arguments)."""

from service.store.db import create_db_engine, migrate, session_factory

__all__ = ["create_db_engine", "migrate", "session_factory"]
