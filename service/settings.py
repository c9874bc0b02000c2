"""Typed settings: the only module that reads the environment (prefix ``SCREENER_``).

Every setting carries a description (a test fails when one does not); ``screener settings`` and the
README's settings table are rendered from them (:mod:`service.settings_doc`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from screener import paths

__all__ = ["PLACEHOLDER_SECRET", "Settings"]

# The project root (screener.paths): the default folders of user data are under it.
REPO_DIR = paths.project_root()
PLACEHOLDER_SECRET = "change-me"


class Settings(BaseSettings):
    """The service's configuration; build one explicitly in tests, or let it read ``SCREENER_*``."""

    model_config = SettingsConfigDict(env_prefix="SCREENER_", extra="ignore", frozen=True)

    data_dir: Path = Field(
        default_factory=paths.var_dir,
        description="Folder for the default SQLite database (created on start); default var/ in the project.",
    )
    database_url: str = Field(
        default="",
        description=(
            "SQLAlchemy URL of the store: sqlite:///path/to/file.db, or "
            "postgresql+psycopg://user:password@host:5432/dbname. Empty means <data_dir>/screener.db."
        ),
    )
    model_path: Path | None = Field(
        default=None,
        description=(
            "Path to a .joblib model with its card beside it; empty means the default model in models/ "
            "in the project (the one models/DEFAULT names, else the shipped model models/SHIPPED names)."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `screener serve` listens on.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port `screener serve` listens on.")
    workers: int = Field(default=1, ge=1, le=64, description="Number of uvicorn worker processes.")
    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="development, test or production; production refuses placeholder secrets.",
    )
    secret_key: str = Field(
        default=PLACEHOLDER_SECRET,
        description="Secret for signing session cookies (pages); a long random value in production.",
    )
    max_text_bytes: int = Field(
        default=100_000,
        ge=1,
        description="Largest ad text accepted by /api/v1/score, in UTF-8 bytes (else 413).",
    )
    rate_limit_per_minute: int = Field(
        default=600,
        ge=0,
        description="Requests per minute allowed per API key (token bucket, kept where SCREENER_RATE_LIMIT_BACKEND says); 0 = off.",
    )
    rate_limit_backend: Literal["auto", "memory", "database", "redis"] = Field(
        default="auto",
        description=(
            "Where the rate-limit buckets live: memory (per process), database (shared by every process "
            "on the database), redis (SCREENER_REDIS_URL). auto: redis when SCREENER_REDIS_URL is set, "
            "else database on PostgreSQL or with SCREENER_WORKERS > 1, else memory."
        ),
    )
    redis_url: str = Field(
        default="",
        description="Redis URL (redis://host:6379/0) for the shared rate limit; needs the `redis` extra.",
    )
    redis_prefix: str = Field(
        default="screener:", description="Prefix of every Redis key the service writes."
    )
    metrics_dir: Path | None = Field(
        default=None,
        description=(
            "Folder for Prometheus multiprocess mode (or set PROMETHEUS_MULTIPROC_DIR): /metrics then "
            "sums every worker and instance on the host using it; `screener serve` clears files of "
            "processes no longer running. Empty: each process reports its own counts."
        ),
    )
    stuck_batch_minutes: float = Field(
        default=10.0,
        gt=0,
        description=(
            "A batch still `receiving` this long after its last row arrived (its upload was cut by a "
            "crash) is resumed: the ads received are kept and scored; with none it is marked failed."
        ),
    )
    fetch_timeout: float = Field(
        default=10.0, gt=0, description="Connect/read timeout in seconds when fetching a linked page."
    )
    fetch_max_bytes: int = Field(
        default=2_000_000, ge=1, description="Largest linked page read, in bytes; the rest is cut off."
    )
    fetch_max_redirects: int = Field(
        default=5, ge=0, description="Most redirects followed when fetching a linked page."
    )
    allow_private_fetch: bool = Field(
        default=False,
        description="Allow fetching loopback/private addresses. Tests only: leaves the service open to SSRF.",
    )

    worker_enabled: bool = Field(
        default=True,
        description="Run the scoring worker thread inside the service (off: run `screener worker` instead).",
    )
    worker_processes: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Scoring worker processes (the in-app worker and `screener worker`): 1 = one thread in "
            "the process; N > 1 = N processes, each loading the model, a dead one replaced."
        ),
    )
    worker_chunk_size: int = Field(
        default=500, ge=1, le=5000, description="Ads the worker scores and writes per transaction."
    )
    worker_poll_seconds: float = Field(
        default=1.0, gt=0, description="How long the idle worker waits before looking for new ads."
    )
    review_threshold: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Risk at or above which a campaign goes to the review queue; empty means the model's `sedang` threshold.",
    )
    uncertain_margin: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Campaigns this far below the review threshold are queued too (the uncertain slice, for learning).",
    )
    audit_sample_rate: float = Field(
        default=0.01,
        ge=0,
        le=1,
        description="Share of the ads below the uncertain slice queued anyway (reason `audit`), so misses can be found; 0 = none.",
    )
    ocr_timeout: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="Seconds OCR may take on one image (posters, screenshots) before the request gets 504.",
    )
    campaign_min_ads: int = Field(
        default=20,
        ge=0,
        description="A campaign with at least this many ads is queued even at low risk (reason `campaign`); 0 = never.",
    )
    unsure_escalate_after: int = Field(
        default=2,
        ge=1,
        description="`unsure` votes after which an item goes to adjudication instead of back to the queue.",
    )
    bookkeeping_rate_limit_per_minute: int = Field(
        default=6000,
        ge=0,
        description="Requests per minute per API key for queue bookkeeping (claims, releases, listings), apart from the scoring limit; 0 = off.",
    )
    cluster_similarity: float = Field(
        default=0.6,
        gt=0,
        le=1,
        description="Estimated Jaccard similarity (MinHash) at which a new ad joins an existing campaign.",
    )
    lease_minutes: float = Field(
        default=15.0, gt=0, description="How long a claimed queue item stays with its moderator."
    )
    two_person_rule: bool = Field(
        default=True,
        description="Require a second reviewer for tppo/tppm verdicts and for verdicts contradicting a `tinggi` score.",
    )
    max_batch_ads: int = Field(
        default=100_000, ge=1, description="Most ads accepted in one batch (else 413)."
    )
    max_batch_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1, description="Largest batch upload in bytes (else 413)."
    )
    model_reload_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How often the worker checks models/DEFAULT for a promoted model to load; 0 = never.",
    )
    api_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Service URL the CLI client commands (`screener batch`) use.",
    )
    api_key: str = Field(default="", description="API key the CLI client commands use (or pass --key).")
    retention_days_raw: int = Field(
        default=180,
        ge=0,
        description="Days after which the raw text of decided ads (and officers' saved checks) is replaced by its redacted text and contact values by keyed hashes; undecided ads are kept; 0 = keep forever.",
    )
    retention_interval_hours: float = Field(
        default=24.0,
        ge=0,
        description="How often the in-app worker runs the retention job (`screener privacy retention` runs it by hand); 0 = only by hand.",
    )
    privacy_key: str = Field(
        default=PLACEHOLDER_SECRET,
        description="Secret key of the keyed hashes (HMAC-SHA256) that replace retired and erased contact values; a long random value in production (a placeholder is refused there, like the secret key), kept stable (changing it unlinks old hashes).",
    )
    source_poll_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How often the worker looks for watched sources that are due; 0 = never (then only `screener sources poll`).",
    )
    source_host_rate_per_minute: int = Field(
        default=6,
        ge=0,
        description="Most fetches of watched sources per host and minute (evenly spaced); 0 = no limit.",
    )
    source_max_pages: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Pages a poll follows back into a Telegram preview's older posts (`?before=`) while all are new.",
    )
    source_empty_after: int = Field(
        default=3,
        ge=1,
        description='Fetches in a row with 0 posts after which a watched source shows "0 posts found" (a layout change?).',
    )
    source_max_backoff_seconds: float = Field(
        default=6 * 3600,
        ge=60,
        description="Longest wait before retrying a failing watched source (the wait doubles after each failure).",
    )
    author_hash_key: str = Field(
        default=PLACEHOLDER_SECRET,
        description=(
            "Key of the HMAC-SHA256 hash that imported ads keep instead of their author's name or number; "
            "a long random value in production (changing it makes old and new hashes differ)."
        ),
    )

    alert_webhook_url: str = Field(
        default="",
        description=(
            "URL the service POSTs an alert to (JSON, signed) when a new destination appears among flagged "
            "offers or one contact shows up in SCREENER_ALERT_CONTACT_SOURCES sources; empty = no alerts."
        ),
    )
    alert_webhook_secret: str = Field(
        default=PLACEHOLDER_SECRET,
        description=(
            "Key of the X-Screener-Signature header (sha256=HMAC-SHA256 of the body) on alert webhooks; a long "
            "random value in production when a webhook is set."
        ),
    )
    alert_contact_sources: int = Field(
        default=3,
        ge=0,
        description="Sources one contact must show up in for an alert; 0 = no contact alerts.",
    )
    alert_check_seconds: float = Field(
        default=60.0, gt=0, description="How often the service looks for alerts to send (with a webhook set)."
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment != "production":
            return self

        def require_secret(name: str, value: str) -> None:
            if value == PLACEHOLDER_SECRET or len(value) < 32:
                raise ValueError(
                    f"SCREENER_{name} must be a random value of at least 32 characters in production"
                )

        require_secret("SECRET_KEY", self.secret_key)
        if self.allow_private_fetch:
            raise ValueError("SCREENER_ALLOW_PRIVATE_FETCH must not be set in production")
        require_secret("PRIVACY_KEY", self.privacy_key)
        require_secret("AUTHOR_HASH_KEY", self.author_hash_key)
        if self.alert_webhook_url:
            require_secret("ALERT_WEBHOOK_SECRET", self.alert_webhook_secret)
        return self

    @property
    def resolved_database_url(self) -> str:
        """``database_url``, or the SQLite file under ``data_dir`` when it is empty."""
        return self.database_url or f"sqlite:///{self.data_dir / 'screener.db'}"
