"""Request and response schemas (``XCreate`` in, ``XPublic`` out), with OpenAPI examples.

The assessment's schemas are derived from the library's dataclasses (:func:`public_model`), never
copied field by field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from screener.assessment import Assessment, IndicatorResult, TopTerm
from screener.catalogue import Indicator, catalogue
from screener.indicators import Evidence
from screener.vocabulary import Category, Tier
from service.vocabulary import Role

__all__ = [
    "AssessmentPublic",
    "CatalogueIndicatorPublic",
    "CheckPublic",
    "ChecksPublic",
    "ErrorDetail",
    "ErrorPublic",
    "EvidencePublic",
    "HealthPublic",
    "IndicatorResultPublic",
    "IndicatorsPublic",
    "KeyCreate",
    "KeyCreated",
    "KeyPublic",
    "ModelPublic",
    "ReadyPublic",
    "SavedAssessmentPublic",
    "ScoreCreate",
    "ScorePublic",
    "SourcePublic",
    "TopTermPublic",
    "public_model",
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


# -- the assessment, derived from the library's dataclasses ---------------------------------------------
#
# The API shows exactly what ``Assessment.to_dict()`` holds, so its schemas are built from the
# dataclasses' fields: a field added to ``Assessment`` (or ``IndicatorResult``, ``TopTerm``) appears in
# the API and its OpenAPI document without a change here. Below are only what the dataclasses cannot
# say: descriptions and bounds, and narrower types where the library keeps a plain ``str`` or ``dict``.

_FIELDS: dict[type, dict[str, dict[str, Any]]] = {
    Evidence: {
        "start": dict(description="Start offset in the original text (characters)."),
        "end": dict(description="End offset in the original text (characters)."),
        "text": dict(description="The matched words as they appear in the ad."),
    },
    IndicatorResult: {"weight": dict(description="> 0 raises the risk; < 0 is a sign of legal placement.")},
    Indicator: {
        "weight": dict(description="> 0 raises the risk; < 0 is a sign of legal placement."),
        "level": dict(description="H, M or L."),
    },
    TopTerm: {"weight": dict(description="Contribution to the model's log-odds; > 0 raised the risk.")},
    Assessment: {
        "risk": dict(ge=0, le=1, description="Calibrated probability that the ad is risky."),
        "score": dict(ge=0, le=100, description="The risk as a whole number from 0 to 100."),
        "summary": dict(description="One sentence in Bahasa Indonesia."),
        "summary_en": dict(description="The summary in English."),
        "truncated": dict(description="Whether the text was cut before it was assessed."),
        "text_length": dict(description="Length of the text as given, in characters."),
        "source": dict(description="For an image: what OCR read, its confidence and the evidence boxes."),
    },
}
_TYPES: dict[type, dict[str, Any]] = {
    IndicatorResult: {"evidence": list[Evidence]},  # the library keeps Evidence.to_dict() dicts
    Assessment: {"tier": Tier, "category": Category},
}
_DERIVED: dict[type, type[BaseModel]] = {}


def _public_type(annotation: Any) -> Any:
    """The JSON-side type: tuples become lists, dataclasses their derived models."""
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return public_model(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return list[_public_type(args[0])]  # type: ignore[misc]  # a type built at run time
    if origin in (Union, UnionType):
        return Union[tuple(_public_type(a) for a in args)]  # noqa: UP007 - built from a tuple
    if origin is list:
        return list[_public_type(args[0])]  # type: ignore[misc]  # a type built at run time
    return annotation


def _member_type(cls: type, name: str, hints: dict[str, Any]) -> Any:
    if name in hints:
        return hints[name]
    member = getattr(cls, name, None)  # a property, e.g. Indicator.level
    if isinstance(member, property) and member.fget is not None:
        return get_type_hints(member.fget)["return"]
    raise TypeError(f"{cls.__name__} has no field or property {name!r}")


def public_model(
    cls: type, *, name: str | None = None, only: Iterable[str] | None = None, partial: bool = False
) -> type[BaseModel]:
    """A pydantic model with one field per field of the dataclass ``cls`` (``<Name>Public``).

    ``only``: these fields and properties instead (what the library's ``to_dict`` shows).
    ``partial``: every field may be missing (null), for records stored before a field existed.
    """
    if name is None and only is None and not partial and cls in _DERIVED:
        return _DERIVED[cls]
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    names = list(fields) if only is None else list(only)
    # Descriptions and narrower types of a dataclass hold for its subclasses too.
    docs = {k: v for c in reversed(cls.__mro__) for k, v in _FIELDS.get(c, {}).items()}
    types = {k: v for c in reversed(cls.__mro__) for k, v in _TYPES.get(c, {}).items()}
    unknown = (set(docs) | set(types)) - set(fields) - set(names)
    if unknown:  # a field renamed or removed in the library: say so at import, not in a response
        raise TypeError(f"{cls.__name__} has no fields {sorted(unknown)}")
    definitions: dict[str, Any] = {}
    for field_name in names:
        annotation = _public_type(types.get(field_name) or _member_type(cls, field_name, hints))
        info = docs.get(field_name, {})
        found = fields.get(field_name)
        if partial:
            definitions[field_name] = (annotation | None, Field(None, **info))
        elif found is not None and found.default is not dataclasses.MISSING:
            definitions[field_name] = (annotation, Field(found.default, **info))
        elif found is not None and found.default_factory is not dataclasses.MISSING:
            definitions[field_name] = (annotation, Field(default_factory=found.default_factory, **info))
        else:
            definitions[field_name] = (annotation, Field(..., **info))
    # A dataclass without a docstring gets its signature as __doc__: not a description.
    doc = cls.__doc__ if cls.__doc__ and not cls.__doc__.startswith(f"{cls.__name__}(") else None
    model = create_model(name or f"{cls.__name__}Public", __doc__=doc, **definitions)
    if name is None and only is None and not partial:
        _DERIVED[cls] = model
    return model


EvidencePublic = public_model(Evidence)
IndicatorResultPublic = public_model(IndicatorResult)
TopTermPublic = public_model(TopTerm)
AssessmentPublic = public_model(Assessment)
# The catalogue as GET /api/v1/indicators shows it: the public fields (no patterns or examples).
CatalogueIndicatorPublic = public_model(
    Indicator, name="CatalogueIndicatorPublic", only=catalogue()[0].to_dict()
)
# Saved checks hold the assessment as it was then: a field added to the library since may be missing.
SavedAssessmentPublic = public_model(Assessment, name="SavedAssessmentPublic", partial=True)


class SourcePublic(BaseModel):
    url: str = Field(description="The link as given.")
    final_url: str = Field(description="Where the link led after redirects.")
    title: str
    text: str = Field(description="The text extracted from the page (what was scored).")


class ImageSpanPublic(BaseModel):
    n: int = Field(description="The red flag's number, as drawn on the picture.")
    indicator: str
    start: int
    end: int
    text: str
    boxes: list[list[int]] = Field(description="[x0, y0, x1, y1] in image pixels, one per line of the span.")


class ImageSourcePublic(BaseModel):
    kind: Literal["image"]
    text: str = Field(description="The text read from the image (what was scored, before any caption).")
    caption: str | None
    confidence: float = Field(description="Mean OCR word confidence, 0-100.")
    low_confidence: bool
    width: int
    height: int
    angle: float = Field(description="Skew corrected before reading, in degrees.")
    spans: list[ImageSpanPublic]
    words: list[list[Any]] = Field(description="[text, start, end, x0, y0, x1, y1, confidence, line].")


class ScorePublic(AssessmentPublic):  # type: ignore[misc, valid-type]  # model built by create_model
    source: SourcePublic | ImageSourcePublic | None = Field(
        default=None, description="For a link: the page that was scored; for an image: what OCR read."
    )
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
    assessment: SavedAssessmentPublic  # type: ignore[valid-type]  # model built by create_model


class ChecksPublic(BaseModel):
    items: list[CheckPublic]
    total: int
    limit: int
    offset: int


class IndicatorsPublic(BaseModel):
    count: int
    indicators: list[CatalogueIndicatorPublic]  # type: ignore[valid-type]  # model built by create_model


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
    ocr: Literal["ok", "unavailable"] = Field(
        default="ok", description="Whether images (posters, screenshots) can be read; text works either way."
    )
    ocr_detail: str = Field(default="", description="The OCR engine's version, or what to install.")


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
