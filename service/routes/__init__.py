"""One router module per surface: ``api`` (/api/v1) and ``ops`` (health, readiness, metrics)."""
