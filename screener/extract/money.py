# Long on purpose: one cohesive parser; most of its length is the currency, period and cue-word tables.
"""Money mentions in ad text: amounts, currencies, pay periods, and the "too good to be true" signal.

:func:`extract_money` finds money on the *normalised* text (see :mod:`screener.normalize`) and reports
each mention with its span on the *original* text. A mention is money only when a currency is written
(``Rp``, ``$``, ``USD``, ``ringgit``, ``¥`` ...) or a rupiah multiplier is (``juta``, ``ribu``;
``15jt`` and ``500rb`` arrive already expanded), so phone numbers, ages, years and counts are ignored.
Forms understood::

    Rp 15.000.000   Rp15jt   15-25 juta   15 s/d 20 juta   1,5 juta   Rp 4.5 juta   500 ribu/hari
    $1,200   USD 1000   1000 dolar   1.500 USD   1k USD   $1.5k   RM 3.000   3000 ringgit   THB 30,000
    NT$20.000   20.000 NTD   ¥150.000   150.000 yen   HK$4,990   SGD 1,800   2.096.270 won   USDT 800
    gaji 2 digit (10-99 juta)   gaji 8 digit (8 digits of rupiah: 10-99 juta)

Every mention gets a ``kind`` from the nearest cue word (``gaji``, ``upah``, ``bonus`` ... -> salary;
``biaya``, ``DP``, ``transfer``, ``deposit`` ... -> fee; otherwise ``other``) and is converted to rupiah
per month with the approximate rates of ``catalogue/wages.toml``.

How it stays fast: the one scanning regex starts with a digit, so ``re`` skips ahead in C to the next
digit; a currency written *before* the number is checked with a second, anchored regex only there;
the currency alternations are grouped by first character (:func:`_by_first_char`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from screener.catalogue.matcher import trie_pattern
from screener.normalize import Normalized
from screener.slots import slot_constructor

__all__ = [
    "MoneyAmount",
    "ReferenceWage",
    "SalarySignal",
    "extract_money",
    "fx_as_of",
    "fx_rates",
    "reference_wages",
    "salary_signal",
]

# Months per period: a month has 26 working days, 4.33 weeks, 173 working hours.
PERIOD_TO_MONTH = {
    "month": 1.0,
    "unknown": 1.0,
    "week": 4.33,
    "day": 26.0,
    "hour": 173.0,
    "year": 1 / 12,
}


# -- catalogue ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReferenceWage:
    """A reference wage from ``catalogue/wages.toml``, with its rupiah-per-month value."""

    id: str
    name_id: str
    name_en: str
    amount: float
    currency: str
    period: str
    source: str
    idr_month: float


@cache
def _catalogue() -> dict[str, Any]:
    text = files("screener").joinpath("catalogue", "wages.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def fx_rates() -> dict[str, float]:
    """Rupiah per unit of each currency (approximate mid-market rates, see :func:`fx_as_of`)."""
    return {code: float(rate) for code, rate in _catalogue()["fx"]["rates"].items()}


def fx_as_of() -> str:
    """The date of the FX table, ISO format."""
    return str(_catalogue()["fx"]["as_of"])


@cache
def reference_wages() -> dict[str, ReferenceWage]:
    """The reference wages of DOMAIN.md section 4, keyed by id (``ump_jateng_2025`` ...)."""
    rates = fx_rates()
    wages = {}
    for wage_id, row in _catalogue()["wages"].items():
        amount = float(row["amount"])
        idr_month = amount * rates[row["currency"]] * PERIOD_TO_MONTH[row["period"]]
        wages[wage_id] = ReferenceWage(
            id=wage_id,
            name_id=row["name_id"],
            name_en=row["name_en"],
            amount=amount,
            currency=row["currency"],
            period=row["period"],
            source=row["source"],
            idr_month=idr_month,
        )
    return wages


def _reference(role: str) -> ReferenceWage:
    return reference_wages()[_catalogue()["reference"][role]]


def _destination_reference(countries: Sequence[str]) -> ReferenceWage | None:
    """The highest wage of the named destinations that have one (``[reference.destinations]``)."""
    table = _catalogue()["reference"].get("destinations", {})
    wages = [reference_wages()[table[code]] for code in countries if code in table]
    return max(wages, key=lambda w: w.idr_month) if wages else None


# -- amounts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MoneyAmount:
    """One money mention.

    ``low``/``high`` are in ``currency`` as written (``high == low`` for a single amount);
    ``idr_month_low``/``idr_month_high`` are rupiah per month (an ``unknown`` period counts as a month).
    ``text``, ``start`` and ``end`` refer to the original text: ``original[start:end] == text``.
    """

    text: str
    start: int
    end: int
    currency: str
    low: float
    high: float
    period: str
    idr_month_low: float
    idr_month_high: float
    kind: str = "other"  # "salary" | "fee" | "other"

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "currency": self.currency,
            "low": self.low,
            "high": self.high,
            "period": self.period,
            "idr_month_low": self.idr_month_low,
            "idr_month_high": self.idr_month_high,
            "kind": self.kind,
        }


# MoneyAmount(...) with every field positional, at about half the cost (one per mention found).
_new_amount = slot_constructor(MoneyAmount)

# Currency words, normalised spelling (lower case, no spaces or dots) -> ISO code.
_CURRENCY_CODES = {
    "rp": "IDR", "idr": "IDR", "rupiah": "IDR",
    "$": "USD", "us$": "USD", "u$": "USD", "usd": "USD", "dolar": "USD", "dolaras": "USD",
    "dolaramerika": "USD", "dolarus": "USD", "usdolar": "USD",
    "usdt": "USDT", "tether": "USDT",
    "rm": "MYR", "myr": "MYR", "ringgit": "MYR", "ringgitmalaysia": "MYR",
    "thb": "THB", "baht": "THB", "฿": "THB",
    "nt$": "TWD", "ntd": "TWD", "twd": "TWD", "nt": "TWD", "dolartaiwan": "TWD",
    "¥": "JPY", "jpy": "JPY", "yen": "JPY",
    "hk$": "HKD", "hkd": "HKD", "dolarhk": "HKD", "dolarhongkong": "HKD",
    "s$": "SGD", "sg$": "SGD", "sgd": "SGD", "dolarsingapura": "SGD", "dolarsg": "SGD",
    "bnd": "BND", "dolarbrunei": "BND",
    "krw": "KRW", "won": "KRW", "₩": "KRW",
    "sar": "SAR", "riyal": "SAR", "rial": "SAR", "riyalsaudi": "SAR",
    "aed": "AED", "dirham": "AED", "qar": "QAR", "kwd": "KWD", "omr": "OMR",
    "cny": "CNY", "rmb": "CNY", "yuan": "CNY",
    "eur": "EUR", "euro": "EUR", "€": "EUR", "gbp": "GBP", "pound": "GBP", "poundsterling": "GBP", "£": "GBP",
    "aud": "AUD", "dolaraustralia": "AUD", "peso": "PHP",
}  # fmt: skip


def _by_first_char(alternatives: Sequence[str]) -> str:
    """The alternation of ``alternatives`` grouped under their first character:
    ``r(?:upiah|inggit...)|u(?:sdt|sd|...)|...``.

    ``re`` tests the alternatives of a flat alternation one by one after every number; grouped, it
    tests one first character per group. Alternatives that start with different characters never
    match at the same position and each group keeps their order, so the match is the one of the flat
    alternation. Each alternative must start with one literal character (``\\$`` counts as one).
    """
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        head = alternative[:2] if alternative.startswith("\\") else alternative[0]
        rest = alternative[len(head) :]
        if head in "([.^$|" or rest[:1] in ("?", "*", "+", "{"):
            raise ValueError(f"{alternative!r} does not start with one literal character")
        groups.setdefault(head, []).append(rest)
    return "|".join(
        head + (rests[0] if len(rests) == 1 else f"(?:{'|'.join(rests)})") for head, rests in groups.items()
    )


# Written before the number. No "php" (the programming language) and no bare "nt".
_PREFIX = _by_first_char((
    r"rp\.?", "idr", "usdt", "usd", r"us ?\$", r"u\$", r"hk\$", "hkd", r"nt\$", "ntd", "twd", r"sg?\$", "sgd",
    "rmb", "rm", "myr", "thb", "jpy", "krw", "sar", "aed", "qar", "kwd", "omr", "bnd", "cny", "eur", "gbp",
    "aud", r"\$", "¥", "€", "£", "₩", "฿",
))  # fmt: skip
# Written after the number.
_SUFFIX = _by_first_char((
    "rupiah", "usdt", "usd", "us ?dol+ars?",
    "dol+ars?(?: (?:as|amerika|us|singapura|sg|hong ?kong|hk|taiwan|brunei|australia))?",
    "ringgit(?: malaysia)?", "rmb", "rm", "myr", "baht", "thb", "ntd", r"nt\$?", "twd", "yen", "jpy", "hkd",
    "sgd", "won", "krw", "riyal(?: saudi)?", "rial", "sar", "dirham", "aed", "qar", "yuan", "cny", "euro",
    "eur", "pound(?: sterling)?", "gbp", "aud", "peso", "tether", r"\$", "¥", "€", "£", "₩", "฿",
))  # fmt: skip
_MULTIPLIERS = {
    "k": 1e3, "ribu": 1e3, "ribuan": 1e3, "juta": 1e6, "jutaan": 1e6, "miliar": 1e9, "milyar": 1e9,
}  # fmt: skip
_MULT = r"(?:k| ?(?:ribu(?:an)?|juta(?:an)?|mil[iy]ar))(?![a-z])"
_NUM = r"[0-9]+(?:[.,][0-9]+)*"
_PERIOD_WORDS = {
    "bulan": "month", "month": "month", "mo": "month", "bulanan": "month", "monthly": "month",
    "hari": "day", "day": "day", "harian": "day", "daily": "day",
    "minggu": "week", "mgg": "week", "pekan": "week", "week": "week", "wk": "week", "mingguan": "week",
    "weekly": "week",
    "jam": "hour", "hour": "hour", "h": "hour", "hourly": "hour",
    "tahun": "year", "year": "year", "yr": "year", "annum": "year", "tahunan": "year", "yearly": "year",
    "annually": "year",
}  # fmt: skip
_PERIOD = (
    r"(?: ?(?:/ ?|per ?|tiap |setiap |a |an |se)"
    r"(?P<per>bulan|month|mo|hari|hr|day|minggu|mgg|pekan|week|wk|jam|hour|h|tahun|year|yr|annum)(?![a-z])"
    r"| (?P<per_adj>bulanan|monthly|harian|daily|mingguan|weekly|hourly|tahunan|yearly|annually)(?![a-z]))"
)
_DASH = r",-{1,2}(?![0-9])"  # "Rp 15.000.000,-"
_RANGE = r"(?:-|–|~|s/d|s\.d\.?|sd|sampai|hingga|to)"  # "15-25 juta", "15 s/d 20 juta"

# The scan starts on a digit (the "[0-9]" first lets re skip ahead in C). A number that does not start a
# token (digit or separator before it) is skipped by the lookbehind right after the first digit.
_MONEY = re.compile(
    rf"(?P<n1>[0-9](?<![0-9][0-9])(?<![0-9][.,][0-9])[0-9]*(?:[.,][0-9]+)*)"
    rf"(?:(?P<digit> ?digit(?![a-z]))"
    rf"|(?P<m1>{_MULT})?(?: ?(?P<suf1>{_SUFFIX})(?![a-z]))?(?:{_DASH})?"
    rf"(?: ?{_RANGE} ?(?P<pre2>{_PREFIX})? ?(?!0[0-9])(?P<n2>{_NUM})(?P<m2>{_MULT})?(?:{_DASH})?)?"
    rf"(?: ?(?P<suf>{_SUFFIX})(?![a-z]))?"
    rf"{_PERIOD}?)"
)
# A currency right before the number (searched from a few characters back up to the number).
_PREFIX_BEFORE = re.compile(rf"(?<![a-z0-9])(?P<pre>{_PREFIX}) ?$")
# The last character of every prefix above.
_PREFIX_LAST = frozenset("p.rtd$bmywk¥€£₩฿")
# Cue words around a mention: what kind of money it is, and a pay period written before the amount
# ("gaji per hari 150 ribu", "gaji harian 150rb").
_SALARY_CUES = (
    "gaji", "digaji", "gajian", "salary", "salari", "upah", "penghasilan", "income", "pendapatan", "bonus",
    "komisi", "insentif", "thp", "take home pay", "bayaran", "dibayar", "wage", "wages", "earn", "earnings",
    "paid", "tunjangan", "uang saku", "lembur",
)  # fmt: skip
_FEE_CUES = (
    "biaya", "bayar", "membayar", "dp", "deposit", "deposito", "transfer", "tf", "fee", "ongkos",
    "uang muka", "pendaftaran", "registrasi", "jaminan", "denda", "tebusan", "setor", "setoran",
    "dipotong", "potongan", "cicilan", "utang", "hutang", "administrasi", "uang admin", "modal",
)  # fmt: skip
_PERIOD_CUES = {
    f"{lead}{word}": period
    for word, period in (
        ("bulan", "month"), ("hari", "day"), ("minggu", "week"), ("pekan", "week"), ("jam", "hour"),
        ("tahun", "year"), ("month", "month"), ("day", "day"), ("week", "week"), ("hour", "hour"),
        ("year", "year"),
    )
    for lead in ("per ", "per", "/ ", "/", "tiap ", "setiap ", "se")
} | {
    "bulanan": "month", "harian": "day", "mingguan": "week", "tahunan": "year", "monthly": "month",
    "daily": "day", "weekly": "week", "hourly": "hour", "yearly": "year",
}  # fmt: skip
_CUE_TAGS = {**dict.fromkeys(_SALARY_CUES, "salary"), **dict.fromkeys(_FEE_CUES, "fee"), **_PERIOD_CUES}


_CUES = re.compile(rf"(?<![a-z])(?:{trie_pattern(_CUE_TAGS)})(?![a-z])")
_CLAUSE_END = re.compile(r"[,;!?\n]|\.(?![0-9])")
_SEPARATORS = re.compile(r"[.,]")
_SPACES_DOTS = re.compile(r"[ .]")
_DOLLAR = re.compile(r"dol+ar(?:s$)?")

_KIND_BEFORE = 40  # characters of context before a mention searched for a cue word
_KIND_AFTER = 20
_PERIOD_LOOKBACK = 25


def _parse_number(text: str) -> float:
    """``15.000.000`` -> 15000000, ``1,200`` -> 1200, ``1,5`` -> 1.5, ``4.5`` -> 4.5, ``1.234,50`` -> 1234.5.

    A last group of exactly three digits means thousands separators (Indonesian and English
    usage agree on that); otherwise the last separator is the decimal mark.
    """
    parts = _SEPARATORS.split(text)
    if len(parts) == 1:
        return float(text)
    if len(parts[-1]) == 3:
        return float("".join(parts))
    return float("".join(parts[:-1]) + "." + parts[-1])


def _currency(token: str | None) -> str | None:
    if not token:
        return None
    key = _SPACES_DOTS.sub("", token)
    if "dol" in key:
        key = _DOLLAR.sub("dolar", key)
    return _CURRENCY_CODES.get(key)


def _context(text: str, start: int, end: int, floor: int) -> tuple[str, str | None]:
    """The kind of a mention and a pay period written before it, from the nearest cue words.

    The kind comes from the nearest salary or fee word in the ``_KIND_BEFORE`` characters before the
    mention, else from one shortly after it in the same clause; the period from the nearest period
    word in the ``_PERIOD_LOOKBACK`` characters before it, not reaching back into the previous mention.
    """
    kind = period = None
    period_floor = max(floor, start - _PERIOD_LOOKBACK)
    for cue in _CUES.finditer(text, max(0, start - _KIND_BEFORE), start):
        tag = _CUE_TAGS[cue.group()]
        if tag in ("salary", "fee"):
            kind = tag
        elif cue.start() >= period_floor:
            period = tag
    if kind is None:
        for cue in _CUES.finditer(text, end, min(len(text), end + _KIND_AFTER)):
            tag = _CUE_TAGS[cue.group()]
            if tag in ("salary", "fee"):
                if not _CLAUSE_END.search(text, end, cue.start()):
                    kind = tag
                break
    return kind or "other", period


def _digit_form(norm: Normalized, match: re.Match[str], kind: str) -> MoneyAmount | None:
    """``gaji 2 digit`` (digits of juta) or ``gaji 8 digit`` (digits of rupiah): both 10-99 juta."""
    if not match.group("n1").isdigit():
        return None
    digits = int(match.group("n1"))
    if digits >= 7:
        digits -= 6
    if not 1 <= digits <= 3 or kind != "salary":
        return None
    low, high = 10.0 ** (digits - 1) * 1e6, (10.0**digits - 1) * 1e6
    a, b = norm.to_original(*match.span())
    return _new_amount(norm.original[a:b], a, b, "IDR", low, high, "unknown", low, high, kind)


def extract_money(norm: Normalized) -> list[MoneyAmount]:
    """Find every money mention in a normalised ad.

    Parameters
    ----------
    norm : Normalized
        The output of :func:`screener.normalize.normalize`.

    Returns
    -------
    list of MoneyAmount
        In text order, with spans on the original text and amounts converted to rupiah per month.
    """
    text = norm.text
    found: list[MoneyAmount] = []
    previous_end = 0
    rates = fx_rates()
    for match in _MONEY.finditer(text):
        n1, digit, m1, suf1, pre2, n2, m2, suf, per, per_adj = match.groups()
        start, end = match.span()
        if digit:
            amount = _digit_form(norm, match, _context(text, start, end, previous_end)[0])
            if amount is not None:
                found.append(amount)
                previous_end = end
            continue
        # Most numbers follow a space or start the text: look for a currency before them only when the
        # character before the number (or before that space) could end one.
        prev = text[start - 1] if start else " "
        if prev == " " and start >= 2:
            prev = text[start - 2]
        before = _PREFIX_BEFORE.search(text, max(0, start - 8), start) if prev in _PREFIX_LAST else None
        if before is None:
            if not (m1 or suf1 or pre2 or m2 or suf):
                continue  # a bare number: phone, age, year, count
            if start and text[start - 1].isalpha():
                continue  # "e9", "sip3mi": a number glued to a word
        currency = (
            _currency(before.group("pre") if before else None)
            or _currency(suf1)
            or _currency(pre2)
            or _currency(suf)
        )
        if currency is None and not (m1 or m2):
            continue  # no currency and no multiplier
        if before is not None:
            start = before.start()
        kind, period = _context(text, start, end, previous_end)
        if currency is None:
            if {m1, m2} - {None} == {"k"} and kind == "other":
                continue  # "10k followers": "k" alone is money only next to a pay or fee word
            currency = "IDR"
        mult1 = _MULTIPLIERS[m1.strip()] if m1 else 1.0
        low = high = _parse_number(n1)
        if n2:
            high = _parse_number(n2)
            mult2 = _MULTIPLIERS[m2.strip()] if m2 else 1.0
            # "15-25 juta": the multiplier written once covers both ends (unless one is already large).
            if not m1 and m2 and low < 1000:
                mult1 = mult2
            elif m1 and not m2 and high < 1000:
                mult2 = mult1
            low, high = sorted((low * mult1, high * mult2))
        else:
            low = high = low * mult1
        if per:
            # "/hr" is "per hari" in a rupiah ad, "per hour" in a dollar one.
            period = "day" if per == "hr" and currency == "IDR" else _PERIOD_WORDS.get(per, "hour")
        elif per_adj:
            period = _PERIOD_WORDS[per_adj]
        period = period or "unknown"
        a, b = norm.to_original(start, end)
        if norm.original[b - 1] == ".":
            b -= 1  # the normaliser folds "8jt." into "8 juta", full stop included
        factor = rates[currency] * PERIOD_TO_MONTH[period]
        # MoneyAmount(text=..., start=a, ..., kind=kind), its fields in order.
        found.append(
            _new_amount(
                norm.original[a:b], a, b, currency, low, high, period, low * factor, high * factor, kind
            )
        )
        previous_end = end
    return found


# -- salary signal -----------------------------------------------------------------------------

# Outside this band (rupiah a month) a "salary" is a misread (a total, a fine, a typo), not an offer.
_PLAUSIBLE_SALARY_IDR = (300_000.0, 1_000_000_000.0)


@dataclass(frozen=True, slots=True)
class SalarySignal:
    """How far the best salary offer of an ad is above a reference wage."""

    amount: MoneyAmount
    reference_idr: float
    reference_name: str
    ratio: float
    unrealistic: bool
    strength: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount.to_dict(),
            "reference_idr": self.reference_idr,
            "reference_name": self.reference_name,
            "ratio": self.ratio,
            "unrealistic": self.unrealistic,
            "strength": self.strength,
        }


def salary_signal(
    amounts: list[MoneyAmount],
    *,
    asks_little: bool,
    official_destination: bool = False,
    destinations: Sequence[str] = (),
) -> SalarySignal | None:
    """Judge whether the salary offered is "too good to be true" (DOMAIN.md section 4).

    1. Candidates are the ``salary`` mentions; when there is none, the ``other`` mentions (an amount
       with no cue word). Fees are never candidates. Amounts outside Rp 300 ribu - Rp 1 miliar a month
       are dropped as misreads. The candidate with the highest ``idr_month_high`` is judged.
    2. The reference is the Central Java UMP 2025 (Rp 2,169,349, the lowest provincial minimum). When
       the ad names a legal destination with its own wage in ``wages.toml`` (``destinations``:
       Malaysia, Taiwan, Hong Kong, Korea) it is that destination's minimum wage (the highest one
       when several are named); when ``official_destination`` is true but no named destination has
       its own wage (Japan, Singapore ...), the Hong Kong / Taiwan minimum, about Rp 10 juta.
    3. ``ratio = amount.idr_month_high / reference``.
    4. Against the UMP, ``unrealistic`` when ``ratio >= 2.5`` and the ad asks little (no qualifications,
       only typing), or ``ratio >= 4`` whatever it asks, or the amount is at least USD 600 a month and the
       ad asks little. Against the official-destination reference, when ``ratio >= 2`` and the ad asks
       little, or ``ratio >= 4`` (no USD rule: USD 600 is ordinary pay there).
    5. ``strength = clip((ratio - 1.5) / 4, 0, 1)``, halved when the ad does ask for qualifications.

    Parameters
    ----------
    amounts : list of MoneyAmount
        The output of :func:`extract_money`.
    asks_little : bool
        The ad asks no qualifications, or only typing / basic English.
    official_destination : bool, default False
        The job is in a country with legal placement and high legal pay.
    destinations : sequence of str, default ()
        ISO codes of the legal destinations the ad names (from the places extractor).

    Returns
    -------
    SalarySignal or None
        ``None`` when the ad names no plausible salary.
    """
    lo, hi = _PLAUSIBLE_SALARY_IDR
    salaries = [a for a in amounts if a.kind == "salary" and lo <= a.idr_month_high <= hi]
    if not salaries:
        salaries = [a for a in amounts if a.kind == "other" and lo <= a.idr_month_high <= hi]
    if not salaries:
        return None
    best = max(salaries, key=lambda a: a.idr_month_high)
    reference = _destination_reference(destinations)
    abroad = reference is not None or official_destination
    if reference is None:
        reference = _reference("official_destination" if official_destination else "default")
    ratio = best.idr_month_high / reference.idr_month
    if abroad:
        unrealistic = (ratio >= 2 and asks_little) or ratio >= 4
    else:
        usd600 = best.idr_month_high >= 600 * fx_rates()["USD"]
        unrealistic = ((ratio >= 2.5 or usd600) and asks_little) or ratio >= 4
    strength = min(max((ratio - 1.5) / 4, 0.0), 1.0)
    if not asks_little:
        strength /= 2
    return SalarySignal(
        amount=best,
        reference_idr=reference.idr_month,
        reference_name=reference.name_id,
        ratio=ratio,
        unrealistic=unrealistic,
        strength=strength,
    )
