"""The store: SQLAlchemy 2 models and data-access functions (keyword-only arguments).

One module per seam of the review queue, each used inside :func:`~service.store.db.write_transaction`
for writes: ``ingest`` (batches coming in), ``campaigns`` (scored chunks, near-duplicate clustering,
queue items), ``leases`` (claims), ``review`` (decisions, two-person rule, adjudication), ``reads``
(listings, item detail, contact reports, agreement), ``export`` (decided ads in the corpus schema),
``audit`` (the append-only log), ``sources`` (watched public sources and the posts they showed);
``keys`` and ``checks`` for API keys and officers' history; ``stuck`` (uploads cut by a crash),
``backup`` (``screener db backup`` / ``restore``) and ``revisions`` (the schema versions this code knows).

The store knows nothing of HTTP: it raises :mod:`service.store.errors`, which ``service.errors`` maps
to status codes.
"""

from service.store.db import create_db_engine, migrate, session_factory, write_transaction

__all__ = ["create_db_engine", "migrate", "session_factory", "write_transaction"]
