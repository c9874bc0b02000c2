"""The project's vocabularies, defined once.

Every closed set of words that crosses a module boundary - corpus categories, tiers, scope, places'
placement status, languages, platforms - is a :class:`~enum.StrEnum` here. Members compare equal to
their string values, so JSON, the database and the corpus files keep plain strings.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "RISKY_CATEGORIES",
    "SAFE_CATEGORIES",
    "Category",
    "Language",
    "PlaceStatus",
    "Platform",
    "Scope",
    "Tier",
]


class Category(StrEnum):
    """What a text is: three kinds of risky offer, a legitimate offer, or not an offer at all."""

    TPPO = "tppo"  # trafficking-pattern recruitment
    TPPM = "tppm"  # people smuggling
    SCAM = "scam"  # domestic recruitment fraud
    LEGIT = "legit"  # an ordinary or legally placed job offer
    AWARENESS = "awareness"  # warnings, news, complaints and education about the above
    NON_OFFER = "non_offer"  # neither an offer nor about recruitment scams: sales, rentals, CS replies...

    @property
    def risky(self) -> bool:
        return self in RISKY_CATEGORIES

    @property
    def is_offer(self) -> bool:
        """Whether texts of this category are job offers (the model's ``scope``)."""
        return self not in (Category.AWARENESS, Category.NON_OFFER)


RISKY_CATEGORIES = frozenset({Category.TPPO, Category.TPPM, Category.SCAM})
SAFE_CATEGORIES = frozenset(Category) - RISKY_CATEGORIES


class Tier(StrEnum):
    """The risk tier an officer sees, from the model card's thresholds."""

    RENDAH = "rendah"
    SEDANG = "sedang"
    TINGGI = "tinggi"


class Scope(StrEnum):
    """Whether a text is a recruitment offer at all."""

    OFFER = "offer"
    NOT_OFFER = "not_offer"


class PlaceStatus(StrEnum):
    """A place's status for labour migration (``screener/catalogue/places.toml``)."""

    SCAM_HUB = "scam_hub"
    NO_AGREEMENT = "no_agreement"
    TRANSIT = "transit"
    OFFICIAL_DESTINATION = "official_destination"
    MORATORIUM_SECTOR = "moratorium_sector"
    DOMESTIC = "domestic"


class Language(StrEnum):
    ID = "id"
    EN = "en"
    MIXED = "mixed"


class Platform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    JOB_PORTAL = "job_portal"
    GOVERNMENT = "government"
    NEWS = "news"
