"""Request and response schemas (``XCreate`` in, ``XPublic`` out), with OpenAPI examples."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from screener.vocabulary import Tier
from service.vocabulary import Role

__all__ = [
    "AssessmentPublic",
    "CatalogueIndicatorPublic",
    "CheckPublic",
    "ChecksPublic",
    "ErrorDetail",
    "ErrorPublic",
    "HealthPublic",
    "IndicatorResultPublic",
    "IndicatorsPublic",
    "KeyCreate",
    "KeyCreated",
    "KeyPublic",
    "ModelPublic",
    "ReadyPublic",
    "ScoreCreate",
    "ScorePublic",
    "SourcePublic",
    "TopTermPublic",
]

EXAMPLE_AD = (
    "Dicari admin & CS untuk perusahaan di Kamboja, gaji 25 juta/bulan, tanpa pengalaman, "
    "tiket dan paspor diurus agen. Hubungi WA +855 12 345 678"
)


class ScoreCreate(BaseModel):
    """An ad to score: its ``text``, or the ``url`` of a public post or page (exactly one)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": EXAMPLE_AD}, {"url": "https://example.org/lowongan/123", "save": True}]
        },
    )

    text: str | None = Field(default=None, description="The ad text (UTF-8, at most 100 KB by default).")
    url: str | None = Field(
        default=None,
        max_length=2048,
        description="An http(s) link to a public post or page; its text is fetched and scored.",
        json_schema_extra={"format": "uri"},
    )
    save: bool = Field(default=False, description="Keep the ad and its assessment in your history.")

    @model_validator(mode="after")
    def _exactly_one(self) -> ScoreCreate:
        if (self.text is None) == (self.url is None):
            raise ValueError("give exactly one of 'text' or 'url' / isi tepat satu dari 'text' atau 'url'")
        if self.text is not None:
            if "\x00" in self.text:
                raise ValueError("text contains binary data (NUL) / teks berisi data biner (NUL)")
            if not self.text.strip():
                raise ValueError("text is empty / teks kosong")
        if self.url is not None and not self.url.strip():
            raise ValueError("url is empty / url kosong")
        return self


class EvidencePublic(BaseModel):
    start: int = Field(description="Start offset in the original text (characters).")
    end: int = Field(description="End offset in the original text (characters).")
    text: str = Field(description="The matched words as they appear in the ad.")


class IndicatorResultPublic(BaseModel):
    id: str
    name_id: str
    name_en: str
    weight: float
    level: str
    explanation_id: str
    explanation_en: str
    advice_id: str
    advice_en: str
    legal_basis: str
    evidence: list[EvidencePublic]


class TopTermPublic(BaseModel):
    term: str
    weight: float = Field(description="Contribution to the model's log-odds; > 0 raised the risk.")


class AssessmentPublic(BaseModel):
    """The screener's verdict on one ad: the same object the CLI prints."""

    risk: float = Field(ge=0, le=1, description="Calibrated probability that the ad is risky.")
    score: int = Field(ge=0, le=100)
    tier: Tier
    category: str
    indicators: list[IndicatorResultPublic]
    salary: dict[str, Any] | None
    places: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    top_terms: list[TopTermPublic]
    model_version: str
    summary: str = Field(description="One sentence in Bahasa Indonesia.")
    summary_en: str
    truncated: bool
    text_length: int


class SourcePublic(BaseModel):
    url: str = Field(description="The link as given.")
    final_url: str = Field(description="Where the link led after redirects.")
    title: str
    text: str = Field(description="The text extracted from the page (what was scored).")


class ScorePublic(AssessmentPublic):
    source: SourcePublic | None = Field(default=None, description="For a link: the page that was scored.")
    check_id: int | None = Field(default=None, description="The saved check's id, with `save: true`.")


class CheckPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key_id: int
    created_at: datetime
    text: str
    url: str | None
    model_version: str
    risk: float
    tier: str
    assessment: AssessmentPublic


class ChecksPublic(BaseModel):
    items: list[CheckPublic]
    total: int
    limit: int
    offset: int


class CatalogueIndicatorPublic(BaseModel):
    id: str
    name_id: str
    name_en: str
    weight: float = Field(description="> 0 raises the risk; < 0 is a sign of legal placement.")
    level: str = Field(description="H, M or L.")
    group: str
    explanation_id: str
    explanation_en: str
    advice_id: str
    advice_en: str
    legal_basis: str


class IndicatorsPublic(BaseModel):
    count: int
    indicators: list[CatalogueIndicatorPublic]


class ModelPublic(BaseModel):
    version: str
    thresholds: dict[str, float] = Field(description="Risk at or above which an ad is 'sedang' / 'tinggi'.")
    card: dict[str, Any] = Field(description="The model card: data hash, versions, metrics, thresholds.")


class KeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Polda Jatim", "role": "officer"}]}
    )

    name: str = Field(min_length=1, max_length=200, description="Who holds the key.")
    role: Role


class KeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: Role
    prefix: str = Field(description="The key's first characters, to recognise it.")
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="Approximate (updated at most once a minute).")


class KeyCreated(KeyPublic):
    key: str = Field(description="The key itself: shown only this once.")


class HealthPublic(BaseModel):
    status: Literal["ok"]


class ReadyPublic(BaseModel):
    status: Literal["ready"]
    model_version: str
    database: Literal["ok"]


class ErrorDetail(BaseModel):
    code: str
    message: str = Field(description='"<Bahasa Indonesia> / <English>".')
    message_id: str
    message_en: str
    request_id: str | None = None
    details: list[dict[str, Any]] | None = None


class ErrorPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": {
                        "code": "unauthorized",
                        "message": "diperlukan kunci API yang sah / a valid API key is required",
                        "message_id": "diperlukan kunci API yang sah",
                        "message_en": "a valid API key is required",
                    }
                }
            ]
        }
    )

    error: ErrorDetail
