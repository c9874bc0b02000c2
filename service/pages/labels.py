"""The pages' words for the vocabularies' members: one marked message per member, so message
extraction sees every one and no message id is built at run time.

Templates use one filter per table (``{{ item.tier|tier_label }}``, ``{{ d.verdict|verdict_label }}``),
which :func:`filters` makes for a language. A member a table does not know yet (a vocabulary grew
before its label) is shown as its word rather than failing the page; ``tests/service/test_i18n.py``
fails instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from screener.vocabulary import Category, PlaceStatus, Scope, Tier
from service.pages.i18n import N_
from service.vocabulary import BatchStatus, ItemReason, ItemStatus, Role, Verdict

__all__ = ["TABLES", "filters"]

TIERS = {
    Tier.TINGGI: N_("RISIKO TINGGI"),
    Tier.SEDANG: N_("Risiko sedang"),
    Tier.RENDAH: N_("Risiko rendah"),
}
# An indicator's level (the catalogue's H / M / L).
LEVELS = {"H": N_("tinggi"), "M": N_("sedang"), "L": N_("rendah")}
CATEGORIES = {
    Category.TPPO: N_("perdagangan orang (TPPO)"),
    Category.TPPM: N_("penyelundupan (TPPM)"),
    Category.SCAM: N_("penipuan lowongan"),
    Category.LEGIT: N_("tampak wajar"),
    Category.AWARENESS: N_("imbauan / berita"),
    Category.NON_OFFER: N_("bukan lowongan kerja"),
}
SCOPES = {Scope.OFFER: N_("lowongan kerja"), Scope.NOT_OFFER: N_("bukan lowongan kerja")}
VERDICTS = {
    Verdict(Category.TPPO): N_("TPPO (perdagangan orang)"),
    Verdict(Category.TPPM): N_("TPPM (penyelundupan)"),
    Verdict(Category.SCAM): N_("Penipuan lowongan"),
    Verdict(Category.LEGIT): N_("Wajar"),
    Verdict(Category.AWARENESS): N_("Imbauan / berita"),
    Verdict(Category.NON_OFFER): N_("Bukan lowongan kerja"),
    Verdict("unsure"): N_("Ragu"),
}
ROLES = {
    Role.OFFICER: N_("petugas"),
    Role.MODERATOR: N_("moderator"),
    Role.EDUCATOR: N_("penyuluh"),
    Role.ADMIN: N_("admin"),
}
PLACE_STATUSES = {
    PlaceStatus.SCAM_HUB: N_("pusat penipuan daring; tidak ada penempatan resmi"),
    PlaceStatus.NO_AGREEMENT: N_("tidak ada perjanjian penempatan dengan Indonesia"),
    PlaceStatus.TRANSIT: N_("titik keluar / transit jalur yang dikenal"),
    PlaceStatus.MORATORIUM_SECTOR: N_("moratorium penempatan pekerja rumah tangga (Kepmenaker 260/2015)"),
    PlaceStatus.OFFICIAL_DESTINATION: N_("tujuan penempatan resmi (cek jalur dan agennya)"),
    PlaceStatus.DOMESTIC: N_("dalam negeri"),
}
ITEM_STATUSES = {
    ItemStatus.OPEN: N_("terbuka"),
    ItemStatus.LEASED: N_("sedang ditinjau"),
    ItemStatus.NEEDS_SECOND_REVIEW: N_("menunggu tinjauan kedua"),
    ItemStatus.ADJUDICATION: N_("menunggu adjudikasi"),
    ItemStatus.DECIDED: N_("sudah diputuskan"),
}
ITEM_REASONS = {
    ItemReason.THRESHOLD: N_("risiko tinggi"),
    ItemReason.UNCERTAIN: N_("model ragu"),
    ItemReason.CAMPAIGN: N_("kampanye besar"),
    ItemReason.AUDIT: N_("sampel audit"),
    ItemReason.SECOND_REVIEW: N_("tinjauan kedua"),
    ItemReason.ADJUDICATION: N_("adjudikasi"),
}
BATCH_STATUSES = {
    BatchStatus.RECEIVING: N_("sedang diterima"),
    BatchStatus.QUEUED: N_("menunggu dinilai"),
    BatchStatus.SCORING: N_("sedang dinilai"),
    BatchStatus.DONE: N_("selesai"),
    BatchStatus.FAILED: N_("gagal"),
}
# What varies across a campaign's ads (``service.store.campaigns``).
SLOTS = {
    "phones": N_("Nomor telepon yang berganti"),
    "salaries": N_("Gaji yang berganti"),
    "places": N_("Tempat yang berganti"),
}

# Filter name (without ``_label``) -> its table.
# Keys are StrEnum members (equal to their strings); Mapping is invariant in its key type, hence Any.
TABLES: dict[str, Mapping[Any, str]] = {
    "tier": TIERS,
    "level": LEVELS,
    "category": CATEGORIES,
    "scope": SCOPES,
    "verdict": VERDICTS,
    "role": ROLES,
    "place_status": PLACE_STATUSES,
    "item_status": ITEM_STATUSES,
    "item_reason": ITEM_REASONS,
    "batch_status": BATCH_STATUSES,
    "slot": SLOTS,
}


def filters(gettext: Callable[[str], str]) -> dict[str, Callable[[object], str]]:
    """``{"tier_label": ..., ...}``: each filter shows a member's label through ``gettext``."""

    def make(table: Mapping[Any, str]) -> Callable[[object], str]:
        def label(value: object) -> str:
            word = str(value)
            return gettext(table[word]) if word in table else word

        return label

    return {f"{name}_label": make(table) for name, table in TABLES.items()}
