"""What an assessment says in words: readable model terms and the one-sentence summary.

A tier of ``sedang`` or ``tinggi`` must come with a named reason: a catalogue indicator, or a word
pattern the model weighed (never bare digits, stop-words or character fragments). When the model is
high and neither exists, the summary says so plainly and the assessment is marked ``unexplained``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from screener.vocabulary import Scope, Tier

if TYPE_CHECKING:
    from screener.assessment import IndicatorResult, TopTerm

__all__ = ["STOP_WORDS", "is_readable_term", "summarise"]

# Function words of Indonesian, chat Indonesian and English: they move the model but explain nothing.
STOP_WORDS = frozenset(
    """
    yang dan di ke dari untuk dengan ini itu ada atau juga pada dalam akan bisa sudah lagi saja aja
    kami kita saya aku kamu anda dia mereka nya ya yg dgn utk tdk gak ga nggak tidak bukan jadi karena
    kalau kalo jika agar supaya oleh para sebagai serta sama sangat lebih masih belum hanya cuma pun
    telah dapat harus mau ingin bagi per tiap setiap semua atas bawah antara hingga sampai sedang
    adalah ialah yaitu tersebut begitu sini sana situ mana apa siapa kapan bagaimana kenapa mengapa the
    a an and or of to in on at for with by from as is are was were be been this that these those it its
    you your we our they their he she his her i me my not no yes will can may if then than so kak kakak
    gan sis bro om pak bu ibu bapak dong deh kok sih nih tuh loh lah kah pula
    """.split()  # noqa: SIM905 - a word list reads better as text
)
_LETTERS = re.compile(r"[^\W\d_]{3,}")


def is_readable_term(term: str) -> bool:
    """A word n-gram worth showing: some word of three or more letters that is not a stop-word."""
    return any(word not in STOP_WORDS for word in _LETTERS.findall(term))


_TIER_TEXT = {
    Tier.TINGGI: ("RISIKO TINGGI", "HIGH RISK"),
    Tier.SEDANG: ("Risiko sedang", "Medium risk"),
    Tier.RENDAH: ("Risiko rendah", "Low risk"),
}


def _names(results: Sequence[IndicatorResult], limit: int = 3) -> tuple[str, str]:
    # Lists rather than generator expressions (same order, same strings): a third less per assessment.
    flags = [r for r in results if r.weight > 0]
    flags.sort(key=lambda r: -r.weight)
    names_id = ", ".join([r.name_id.lower() for r in flags[:limit]])
    names_en = ", ".join([r.name_en.lower() for r in flags[:limit]])
    if len(flags) > limit:
        names_id += f" dan {len(flags) - limit} tanda lain"
        names_en += f" and {len(flags) - limit} more"
    return names_id, names_en


def summarise(
    *,
    tier: Tier,
    score: int,
    scope: Scope,
    scope_probability: float | None,
    too_short: bool,
    results: Sequence[IndicatorResult],
    terms: Sequence[TopTerm],
) -> tuple[str, str, bool]:
    """The summary in Indonesian and English, and whether a flag lacks any named reason."""
    head_id, head_en = _TIER_TEXT[tier]
    names_id, names_en = _names(results)
    if scope is Scope.NOT_OFFER:
        share = f"{round(100 * (scope_probability or 0))} %"
        text_id = f"Bukan lowongan kerja (peluang lowongan {share}): {head_id.lower()}."
        text_en = f"Not a job offer (offer probability {share}): {head_en.lower()}."
        if names_id:
            text_id += f" Tanda yang disebut teks ini: {names_id}."
            text_en += f" Signals this text mentions: {names_en}."
        return text_id, text_en, False

    lead_id, lead_en = f"{head_id} (skor {score}/100)", f"{head_en} (score {score}/100)"
    short_id = short_en = ""
    if too_short:
        short_id = " Teks terlalu pendek untuk menilai apakah ini lowongan kerja."
        short_en = " The text is too short to judge whether it is a job offer."
    if names_id:
        return f"{lead_id}: {names_id}.{short_id}", f"{lead_en}: {names_en}.{short_en}", False
    patterns = [t.term for t in terms if t.weight > 0][:3]
    if tier is Tier.RENDAH:
        return (
            f"{lead_id}: tidak ada tanda bahaya dari katalog yang ditemukan.{short_id}",
            f"{lead_en}: no red flag from the catalogue was found.{short_en}",
            False,
        )
    if patterns:
        quoted = ", ".join(f"“{p}”" for p in patterns)
        return (
            f"{lead_id}: tidak ada tanda dari katalog; model menimbang pola kata yang sering muncul di iklan "
            f"berisiko: {quoted}.{short_id}",
            f"{lead_en}: no red flag from the catalogue; the model weighed word patterns common in risky "
            f"ads: {quoted}.{short_en}",
            False,
        )
    return (
        f"{lead_id}: model menilai teks ini mirip iklan berisiko, tetapi tidak ada tanda bahaya atau pola "
        f"kata yang bisa disebutkan. Periksa secara manual.{short_id}",
        f"{lead_en}: the model rates this text like risky ads, but no red flag or word pattern can be "
        f"named. Check it by hand.{short_en}",
        True,
    )
