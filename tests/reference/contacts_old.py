"""Pre-optimisation copy of screener/extract/contacts.py (commit 6af9458), kept as a test-only oracle.

Kept verbatim (only this docstring and imports of sibling oracles differ) so tests can prove the
optimised extractor gives the same output on the corpus and on generated hard cases. Not used by the
library.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import phonenumbers
from phonenumbers import Leniency, PhoneMetadata, PhoneNumberFormat, PhoneNumberMatcher

__all__ = ["FOREIGN_SCAM_HUB_REGIONS", "KINDS", "Contact", "find_contacts", "normalize_contact"]

KINDS = frozenset({"phone", "whatsapp", "telegram", "email", "url", "shortener", "handle"})

# Regions whose numbers point at the scam hubs (DOMAIN.md sections 1-2): Cambodia (+855), Myanmar (+95)
# and Laos (+856) host the compounds and have no placement agreement with Indonesia; Thailand (+66) has
# none either and is the overland gateway to them (Mae Sot -> Myawaddy, Chiang Rai -> Golden Triangle).
# Malaysia (+60) is left out on purpose: it is also a main legal destination with a large Indonesian
# community, so a +60 number alone says little; callers can still read ``Contact.country``.
FOREIGN_SCAM_HUB_REGIONS: frozenset[str] = frozenset({"KH", "MM", "LA", "TH"})


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact channel; ``start``/``end`` index the original text and ``text`` is that slice."""

    kind: str  # see KINDS
    value: str  # canonical: E.164, "@handle", lower-case e-mail, URL with scheme
    country: str | None  # ISO region of a phone number, else None
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        # By hand: ``dataclasses.asdict`` deep-copies field by field and is several times slower.
        return {
            "kind": self.kind,
            "value": self.value,
            "country": self.country,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


_SHORTENERS = (
    "bit.ly", "s.id", "tinyurl.com", "cutt.ly", "shorturl.at", "t.co", "rb.gy", "linktr.ee", "is.gd",
    "ow.ly", "lnkd.in", "tiny.cc", "forms.gle",
)  # fmt: skip
_TLDS = (
    "com", "net", "org", "info", "biz", "xyz", "site", "online", "store", "shop", "top", "club", "live",
    "link", "click", "app", "dev", "io", "me", "co", "id", "co.id", "or.id", "go.id", "ac.id", "my.id",
    "web.id", "biz.id", "com.my", "com.kh", "com.sg", "asia", "work", "jobs", "careers", "icu", "vip", "cc",
)  # fmt: skip

_PRE = r"(?<![\w.@/-])"  # not inside another word, address or path
_SCHEME = r"(?:https?://)?(?:www\.)?"
_PATH = r"[^\s<>\"'()\[\]{}]*"
# Trailing punctuation that ends a sentence rather than a URL.
_TRAILING = ".,;:!?'\")]}"

_WA_PHONE = re.compile(
    _PRE
    + _SCHEME
    + r"(?:wa\.me/|(?:api\.)?whatsapp\.com/send/?\?phone=)(?P<num>\+?\d[\d\-]{6,18}\d)"
    + _PATH,
    re.IGNORECASE,
)
_WA_LINK = re.compile(
    _PRE + _SCHEME + r"(?:chat\.whatsapp\.com|wa\.me|wa\.link)/[\w\-]+" + _PATH, re.IGNORECASE
)
_TG_LINK = re.compile(
    _PRE
    + _SCHEME
    + r"(?:t|telegram)\.me/(?:s/)?(?:(?P<invite>joinchat/|\+)[\w\-]+|(?P<name>[a-z]\w{3,31}))"
    + r"(?![\w])"
    + _PATH,
    re.IGNORECASE,
)
_SHORTENER = re.compile(
    _PRE + _SCHEME + r"(?:" + "|".join(re.escape(d) for d in _SHORTENERS) + r")/[\w\-]+" + _PATH,
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE)
_URL = re.compile(
    _PRE
    + r"(?:https?://[^\s<>\"'()\[\]{}]+"
    + r"|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+"
    + _PATH
    + r"|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:"
    + "|".join(re.escape(t) for t in sorted(_TLDS, key=len, reverse=True))
    + r")(?![\w-])(?:/"
    + _PATH
    + r")?)",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@(?P<name>[a-z_][\w.]{1,30}\w)(?![\w@])", re.IGNORECASE)
_NOT_HANDLES = frozenset({"rp", "idr", "usd", "rm", "sgd", "hkd", "ntd", "thb"})

# Every link regex above starts with a lookbehind, so ``re`` tries it at every character of the ad;
# a character (or short regex) that each of its matches must contain is far cheaper to look for, and
# most ads lack it. WhatsApp, Telegram and shortener links all contain a short domain ending and a
# slash (".me/", ".com/", ".link/", ".ly/", ".id/" ...); e-mail addresses and handles contain "@"; a URL
# has "//" (scheme), "www." or a dot before the letter that starts its TLD.
_LINK_TRIGGER = re.compile(r"\.[a-z]{2,4}/", re.IGNORECASE)
_URL_TRIGGER = re.compile(r"//|www\.|\.[a-z]", re.IGNORECASE)

# Channel words, to label a bare number or handle with the channel the ad names next to it.
_CHANNEL_WORD = re.compile(
    r"(?<![a-z0-9])(?:(?P<whatsapp>wa|w\.a|whatsapp|whats app|watsap|watsapp|wasap|whatsap|wame)"
    r"|(?P<telegram>telegram|tele|tg|tlgrm)"
    r"|(?P<bank>rek|rekening|norek|no\.? ?rek|bca|bri|bni|mandiri|bsi|btn|cimb|a/n)"
    r"|(?P<other>ig|insta|instagram|tiktok|tt|fb|facebook|twitter|line|telp|telpon|telepon|tlp|sms|call|hp))"
    r"(?![a-z0-9])",
    re.IGNORECASE,
)
_LABEL_BEFORE = 40  # characters searched before a handle or number for its channel word
_LABEL_AFTER = 20

# Cheap pre-check: a run of at least 8 digits, allowing separators, before calling phonenumbers.
_DIGIT_RUN = re.compile(r"\d(?:[\s().\-/]{0,3}\d){7,}")
_MONEY_BEFORE = re.compile(
    r"(?<![a-z])(?:rp|idr|usd|us\$|\$|rm|myr|sgd|hkd|ntd?|thb|aed|sar)\.?\s*$", re.IGNORECASE
)


def _channel_near(text: str, start: int, end: int) -> str | None:
    """The kind named by the nearest channel word before the span, else by the first one just after."""
    before = list(_CHANNEL_WORD.finditer(text, max(0, start - _LABEL_BEFORE), start))
    match = before[-1] if before else _CHANNEL_WORD.search(text, end, min(len(text), end + _LABEL_AFTER))
    return match.lastgroup if match else None


def _strip_trailing(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return end


def _with_scheme(url: str) -> str:
    return url if re.match(r"https?://", url, re.IGNORECASE) else "https://" + url


def _phone(raw: str) -> tuple[str, str | None] | None:
    """E.164 and region of a number written in a link (country code, with or without "+")."""
    digits = re.sub(r"\D", "", raw)
    try:
        number = phonenumbers.parse(digits if digits.startswith("0") else "+" + digits, "ID")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), phonenumbers.region_code_for_number(
        number
    )


def _regex_contacts(text: str) -> Iterator[Contact]:
    """Candidates from the regexes, most specific first (overlaps are resolved by the caller)."""
    has_at = "@" in text
    if _LINK_TRIGGER.search(text):
        yield from _link_contacts(text)
    if has_at:
        for m in _EMAIL.finditer(text):
            yield Contact("email", m.group().lower(), None, m.group(), m.start(), m.end())
    if _URL_TRIGGER.search(text):
        for m in _URL.finditer(text):
            end = _strip_trailing(text, m.start(), m.end())
            url = text[m.start() : end]
            yield Contact("url", _with_scheme(url), None, url, m.start(), end)
    if has_at:
        for m in _HANDLE.finditer(text):
            name = m.group("name").rstrip(".")
            if name.lower() in _NOT_HANDLES:
                continue
            end = m.start() + 1 + len(name)
            kind = "telegram" if _channel_near(text, m.start(), end) == "telegram" else "handle"
            yield Contact(kind, "@" + name.lower(), None, text[m.start() : end], m.start(), end)


def _link_contacts(text: str) -> Iterator[Contact]:
    """WhatsApp, Telegram and shortener links, in that order (worth running only on _LINK_TRIGGER)."""
    for m in _WA_PHONE.finditer(text):
        end = _strip_trailing(text, m.start(), m.end())
        parsed = _phone(m.group("num"))
        if parsed:
            yield Contact("whatsapp", parsed[0], parsed[1], text[m.start() : end], m.start(), end)
    for m in _WA_LINK.finditer(text):
        end = _strip_trailing(text, m.start(), m.end())
        url = text[m.start() : end]
        yield Contact("whatsapp", _with_scheme(url), None, url, m.start(), end)
    for m in _TG_LINK.finditer(text):
        end = _strip_trailing(text, m.start(), m.end())
        url = text[m.start() : end]
        value = _with_scheme(url) if m.group("invite") else "@" + m.group("name").lower()
        yield Contact("telegram", value, None, url, m.start(), end)
    for m in _SHORTENER.finditer(text):
        end = _strip_trailing(text, m.start(), m.end())
        url = text[m.start() : end]
        yield Contact("shortener", _with_scheme(url), None, url, m.start(), end)


_REGION = "ID"  # how a number without a country code is read


@cache
def _min_valid_digits(region: str) -> int:
    """The fewest digits any VALID number can have when read with default ``region``: a national
    number of ``region``, or a country code plus a national number of that country (an international
    or trunk prefix only adds digits). From the library's own metadata, so it follows its updates."""

    def shortest(metadata: object) -> int | None:
        lengths = [
            n for n in getattr(getattr(metadata, "general_desc", None), "possible_length", ()) if n > 0
        ]
        return min(lengths) if lengths else None

    national = shortest(PhoneMetadata.metadata_for_region(region)) or 1
    international = [national + len(str(phonenumbers.country_code_for_region(region)))]
    for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
        for name in regions:
            if name == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
                found = shortest(PhoneMetadata.metadata_for_nongeo_region(code))
            else:
                found = shortest(PhoneMetadata.metadata_for_region(name))
            if found is not None:
                international.append(len(str(code)) + found)
    return max(1, min(national, *international))


class _CandidateFilter(PhoneNumberMatcher):
    """``PhoneNumberMatcher`` that rejects a candidate too short to be a valid number before parsing.

    The matcher parses every run of digits it finds (prices, dates, times: most of an ad's
    candidates) with the pure-Python ``phonenumbers.parse``; a candidate with fewer digits than any
    VALID number has is rejected by counting them instead. Candidates with letters (vanity numbers,
    extensions: letters may be read as digits) always go the full way. The matches are the plain
    matcher's, which ``tests/extract/test_contacts_fast.py`` checks on the whole corpus.
    """

    def _parse_and_verify(self, candidate: str, offset: int) -> Any:
        least = _min_valid_digits(_REGION)
        digits = 0
        for ch in candidate:
            if ch.isdigit():
                digits += 1
            elif ch.isalpha():
                digits = least  # a letter: let the library decide
                break
        if digits < least:
            return None
        return super()._parse_and_verify(candidate, offset)


def _phone_contacts(text: str, matcher: type[PhoneNumberMatcher] = _CandidateFilter) -> Iterator[Contact]:
    if not _DIGIT_RUN.search(text):
        return
    for m in matcher(text, _REGION, leniency=Leniency.VALID):
        if _MONEY_BEFORE.search(text, max(0, m.start - 6), m.start):
            continue
        channel = _channel_near(text, m.start, m.end)
        if channel == "bank":  # "no rek BCA 0812345678": an account number, not a phone
            continue
        kind = channel if channel in ("whatsapp", "telegram") else "phone"
        e164 = phonenumbers.format_number(m.number, PhoneNumberFormat.E164)
        region = phonenumbers.region_code_for_number(m.number)
        yield Contact(kind, e164, region, m.raw_string, m.start, m.end)


def find_contacts(text: str) -> list[Contact]:
    """Find the contact channels in an ad.

    Parameters
    ----------
    text : str
        The ad as the user pasted it (not normalised).

    Returns
    -------
    list of Contact
        In text order, one per occurrence; no two contacts overlap (the more specific kind wins, so a
        number inside a ``wa.me`` link is one ``whatsapp`` contact). The same number written twice is
        reported twice, with its two spans.
    """
    taken: list[tuple[int, int]] = []
    found: list[Contact] = []
    for contact in (*_regex_contacts(text), *_phone_contacts(text)):
        if contact.end <= contact.start:
            continue
        if any(contact.start < b and a < contact.end for a, b in taken):
            continue
        taken.append((contact.start, contact.end))
        found.append(contact)
    found.sort(key=lambda c: c.start)
    return found


_BARE_NUMBER = re.compile(r"\+?[\d\s().-]{7,}")
_BARE_HANDLE = re.compile(r"[a-z_][\w.]{1,30}", re.IGNORECASE)


def normalize_contact(value: str) -> list[str]:
    """The forms a contact someone typed may take in extracted contacts, most canonical first.

    ``find_contacts`` needs context that a bare value lacks: a bare number is read as if labelled
    ``WA`` and a bare name as a ``@handle``. The value as typed and lower-cased come last, so a
    search also finds what the extractor stored verbatim.

    >>> normalize_contact("0812-3456-7890")
    ['+6281234567890', '0812-3456-7890']
    """
    raw = value.strip()
    found = [c.value for c in find_contacts(raw)]
    if not found and _BARE_NUMBER.fullmatch(raw):
        found = [c.value for c in find_contacts(f"WA {raw}")]
    if not found and _BARE_HANDLE.fullmatch(raw):
        found = [f"@{raw}"]
    return list(dict.fromkeys([*found, raw, raw.lower()]))
