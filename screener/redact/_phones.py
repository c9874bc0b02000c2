"""Phone-like stretches the contact extractor may miss: every digit run that could be dialled, and
numbers spelled out in Indonesian or English words.

``screener.extract.contacts`` keeps only numbers ``phonenumbers`` considers valid, which is right for
*linking* ads (a contact value must be a real number) and wrong for *redaction*: a +855 number in an
unassigned range, digits split by dots or spaces, or "nol delapan satu dua ..." are still somebody's
phone. Redaction errs on the side of masking, so this module masks any run of at least eight digits
(seven after a "+"), whatever the separators (spaces, dots, dashes, brackets), except the stretches
that are plainly not phones and are worth keeping for a lesson: dates, clock times, year ranges,
money (after a currency, before "juta"/"ribu", or in thousands groups ending in 000) and licence
numbers after their marker (NIB, SIUP, SIP3MI, KEP ...).
"""

from __future__ import annotations

import re

__all__ = ["phone_like_spans", "spelled_number_spans"]

MIN_DIGITS = 8
MIN_DIGITS_AFTER_PLUS = 7
MIN_SPELLED_DIGITS = 7

_SEP = r"[ \t.\-\u2010-\u2015()]{0,3}"
_RUN = re.compile(r"(?<!\d)(?P<plus>\+[ \t]?)?\(?\d(?:" + _SEP + r"\d)+")

_MONTHS = (
    "jan|januari|january|feb|februari|february|mar|maret|march|apr|april|mei|may|jun|juni|june|jul|juli|"
    "july|agu|agt|agustus|aug|august|sep|sept|september|okt|oktober|oct|october|nov|november|des|desember|"
    "dec|december"
)
_CURRENCY = (
    r"(?:rp|idr|usd|us\$|\$|rm|myr|sgd|s\$|hkd|hk\$|nt\$|ntd|nt|thb|aed|sar|krw|jpy|yen|¥|€|£|riyal|ringgit)"
)
# Stretches that are never phones; their digits are hidden from _RUN (replaced by "#", offsets kept).
_PROTECTED = re.compile(
    "|".join(
        (
            # dates: 12-03-2025, 12.03.2025, 2025-03-12, 12/03/25
            r"(?<![\d+])\d{1,2}[-./]\d{1,2}[-./](?:19|20)?\d{2}(?![\d])",
            r"(?<![\d+])(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}(?![\d])",
            rf"(?i:(?<!\d)\d{{1,2}}[\s\-]+(?:{_MONTHS})\.?[\s\-]+(?:19|20)\d{{2}}(?!\d))",
            # clock times: 08.00, 17:30 (not inside a longer dotted run)
            r"(?<![\d.:])(?:[01]?\d|2[0-3])[.:][0-5]\d(?![\d]|[.:]\d)",
            # year ranges: 2024-2025, 2024 / 2025
            r"(?<!\d)(?:19|20)\d{2}[ \t]?[-\u2013/][ \t]?(?:19|20)\d{2}(?!\d)",
            # money after a currency: Rp 5.500.000, Rp. 15.000.000,-, USD 1,200
            rf"(?i:(?<![a-z]){_CURRENCY}\.?[ \t]*\d[\d.,]*(?:[ \t]?[-\u2013][ \t]?(?:{_CURRENCY}\.?[ \t]*)?\d[\d.,]*)?)",
            # money before its unit: 15.000.000 rupiah, 5-7 juta, 800 ribu
            r"(?i:(?<![\d+])\d[\d.,]*(?:[ \t]?[-\u2013][ \t]?\d[\d.,]*)?[ \t]?(?:juta|jt|ribu|rb|rupiah|ringgit|dollar|dolar|baht|won|yen)\b)",
            # thousands groups ending in 000 (prices without a currency): 15.000.000, 2,500,000
            r"(?<![\d+])[1-9]\d{0,2}(?:[.,]\d{3})*[.,]000(?![\d]|[.,]\d)",
            # percentages and measures are short; licence numbers after their marker (not a phone's 0/+/62)
            r"(?i:(?<![a-z])(?:nib|siup|sip3mi|sippmi|siupppmi|sipppmi|kep|sk|npwp|akta|izin|job order|jo|"
            r"nomor izin|no\.? izin|no\.? sk|no\.? kep)[\s.:#/-]{0,4}(?![0+]|62)\d[\d./-]*)",
        )
    )
)
_BLANK = re.compile(r"\d")

_WORDS = {
    "nol": "0", "kosong": "0", "zero": "0", "oh": "0",
    "satu": "1", "one": "1",
    "dua": "2", "two": "2",
    "tiga": "3", "three": "3",
    "empat": "4", "four": "4",
    "lima": "5", "five": "5",
    "enam": "6", "six": "6",
    "tujuh": "7", "seven": "7",
    "delapan": "8", "lapan": "8", "eight": "8",
    "sembilan": "9", "nine": "9",
}  # fmt: skip
_TOKEN = r"(?:" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r"|\+?\d+)"
_SPELLED = re.compile(
    rf"(?i)(?<![\w]){_TOKEN}(?:[ \t,.\-/]{{1,3}}{_TOKEN})+(?![\w])",
)


def _hide_protected(text: str) -> str:
    """``text`` with the digits of dates, times, money and licence numbers replaced by ``#``."""
    if not _PROTECTED.search(text):
        return text
    out = []
    position = 0
    for match in _PROTECTED.finditer(text):
        out.append(text[position : match.start()])
        out.append(_BLANK.sub("#", match.group()))
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def phone_like_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every phone-like digit run in ``text``, valid number or not."""
    if sum(ch.isdigit() for ch in text[:200_000]) < MIN_DIGITS_AFTER_PLUS:
        return []
    visible = _hide_protected(text)
    spans = []
    for match in _RUN.finditer(visible):
        digits = sum(ch.isdigit() for ch in match.group())
        needed = MIN_DIGITS_AFTER_PLUS if match.group("plus") else MIN_DIGITS
        if digits >= needed:
            start, end = match.start(), match.end()
            if text[start] == "(" and ")" not in text[start:end]:
                start += 1
            spans.append((start, end))
    return spans


def spelled_number_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of numbers written (at least partly) in words: "nol delapan satu dua ...",
    "zero eight one ...", "08 satu dua ..."; at least seven digits, three of them in words."""
    spans = []
    for match in _SPELLED.finditer(text):
        tokens = re.findall(_TOKEN, match.group(), flags=re.IGNORECASE)
        words = [t for t in tokens if not t.lstrip("+").isdigit()]
        digits = sum(len(t.lstrip("+")) if t.lstrip("+").isdigit() else 1 for t in tokens)
        if len(words) >= 3 and digits >= MIN_SPELLED_DIGITS:
            spans.append((match.start(), match.end()))
    return spans
