"""Find contact channels in an ad: phone numbers, WhatsApp and Telegram links, e-mail, URLs, handles.

Runs on the ORIGINAL text (the normaliser would join ``wa.me`` into ``wame``), so spans index the
text the user pasted. Extraction goes from the most specific pattern to the least; a span claimed by
one kind is not reported again by a later one:

1. WhatsApp links (``wa.me/628...``, ``api.whatsapp.com/send?phone=``, ``chat.whatsapp.com/...``,
   ``wa.link/...``): the number inside a ``wa.me`` link becomes one ``whatsapp`` contact in E.164;
2. Telegram links (``t.me/name``, ``telegram.me/name``): ``@name``; invite links keep the URL;
3. link shorteners (``bit.ly``, ``s.id``, ``forms.gle`` ...): kind ``shortener``;
4. e-mail addresses; 5. other URLs (with scheme, ``www.``, or a bare domain with a common TLD);
6. ``@handles``: ``telegram`` when the nearest channel word before (or else just after) says
   Telegram / tele / tg, otherwise ``handle``;
7. phone numbers, by :class:`phonenumbers.PhoneNumberMatcher` (default region ID, leniency VALID, which
   already rejects money, dates and licence numbers), skipped entirely unless a cheap regex finds a
   run of at least 8 digits, and run only where it can find something (see :mod:`._phones`). A number labelled WA / Telegram just before it gets that kind; one
   labelled as a bank account ("no rek BCA ...") or preceded by a currency is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from screener.extract._phones import CandidateFilter, PhoneMatch, min_valid_digits, phone_matches

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
# has "//" (scheme), "www." or a dot before the letter that starts its TLD. No match of these regexes
# contains whitespace, so each is looked for only in the whitespace-delimited stretches of the ad that
# hold its trigger (:func:`_stretches`): they see the same characters there, and find nothing elsewhere.
_LINK_TRIGGER = re.compile(r"\.[a-z]{2,4}/", re.IGNORECASE)
# ".x" or "www.", else "//": two regexes that each start with one literal character, which ``re`` skips
# ahead to in C; an alternation of both would be tried at every character, several times slower.
_URL_TRIGGER = re.compile(r"\.(?:[a-z]|(?<=www\.))", re.IGNORECASE)
_SLASHES = re.compile("//")
_AT = re.compile("@")
_NOT_SPACE = re.compile(r"\S*")

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

# Cheap pre-check: a run of at least 8 digits, allowing separators, before calling phonenumbers. Only
# whether it matches is read, so it stops at the 8th digit; and a separator is never a digit, so the
# separators before a digit need no backtracking (possessive): the same texts match, found sooner.
_DIGIT_RUN = re.compile(r"\d(?:[\s().\-/]{0,3}+\d){7}")
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


def _stretches(
    trigger: re.Pattern[str], text: str, also: re.Pattern[str] | None = None
) -> list[tuple[int, int]]:
    """(start, end) of the whitespace-delimited stretches of ``text`` that hold a match of ``trigger``
    or of ``also`` (neither holds whitespace), in text order."""
    spans: list[tuple[int, int]] = []
    reversed_text = ""
    at = _first_match(text, 0, trigger, also)
    while at >= 0:
        reversed_text = reversed_text or text[::-1]
        back = _NOT_SPACE.match(reversed_text, len(text) - at)  # always matches, maybe empty
        forward = _NOT_SPACE.match(text, at)
        start, end = len(text) - back.end() if back else at, forward.end() if forward else at + 1
        spans.append((start, end))
        at = _first_match(text, end, trigger, also)
    return spans


def _first_match(text: str, pos: int, trigger: re.Pattern[str], also: re.Pattern[str] | None) -> int:
    """Where the first match of ``trigger`` or ``also`` at or after ``pos`` starts, or -1: where the
    alternation of the two would first match."""
    found = trigger.search(text, pos)
    at = found.start() if found else -1
    if also is not None:
        other = also.search(text, pos)
        if other and (at < 0 or other.start() < at):
            at = other.start()
    return at


def _finditer(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose matches hold no whitespace and lie in ``spans``:
    a lookbehind still sees the (whitespace) character before a span, and a span ends where the text
    has whitespace, which ends a match as the end of the text does."""
    for start, end in spans:
        yield from pattern.finditer(text, start, end)


def _regex_contacts(text: str) -> Iterator[Contact]:
    """Candidates from the regexes, most specific first (overlaps are resolved by the caller)."""
    # Most ads have no trigger at all: their (empty) searches are skipped, not run on no spans.
    at_signs = _stretches(_AT, text) if "@" in text else []
    link_spans = _stretches(_LINK_TRIGGER, text)
    if link_spans:
        yield from _link_contacts(text, link_spans)
    for m in _finditer(_EMAIL, text, at_signs) if at_signs else ():
        yield Contact("email", m.group().lower(), None, m.group(), m.start(), m.end())
    url_spans = _stretches(_URL_TRIGGER, text, _SLASHES)
    for m in _finditer(_URL, text, url_spans) if url_spans else ():
        end = _strip_trailing(text, m.start(), m.end())
        url = text[m.start() : end]
        yield Contact("url", _with_scheme(url), None, url, m.start(), end)
    for m in _finditer(_HANDLE, text, at_signs) if at_signs else ():
        name = m.group("name").rstrip(".")
        if name.lower() in _NOT_HANDLES:
            continue
        end = m.start() + 1 + len(name)
        kind = "telegram" if _channel_near(text, m.start(), end) == "telegram" else "handle"
        yield Contact(kind, "@" + name.lower(), None, text[m.start() : end], m.start(), end)


def _link_contacts(text: str, spans: list[tuple[int, int]]) -> Iterator[Contact]:
    """WhatsApp, Telegram and shortener links, in that order, in ``spans`` (those of _LINK_TRIGGER)."""
    for m in _finditer(_WA_PHONE, text, spans):
        end = _strip_trailing(text, m.start(), m.end())
        parsed = _phone(m.group("num"))
        if parsed:
            yield Contact("whatsapp", parsed[0], parsed[1], text[m.start() : end], m.start(), end)
    for m in _finditer(_WA_LINK, text, spans):
        end = _strip_trailing(text, m.start(), m.end())
        url = text[m.start() : end]
        yield Contact("whatsapp", _with_scheme(url), None, url, m.start(), end)
    for m in _finditer(_TG_LINK, text, spans):
        end = _strip_trailing(text, m.start(), m.end())
        url = text[m.start() : end]
        value = _with_scheme(url) if m.group("invite") else "@" + m.group("name").lower()
        yield Contact("telegram", value, None, url, m.start(), end)
    for m in _finditer(_SHORTENER, text, spans):
        end = _strip_trailing(text, m.start(), m.end())
        url = text[m.start() : end]
        yield Contact("shortener", _with_scheme(url), None, url, m.start(), end)


_REGION = "ID"  # how a number without a country code is read
# The shortcuts of _phones, under the names the tests compare with the plain matcher.
_min_valid_digits = min_valid_digits
_CandidateFilter = CandidateFilter


def _phone_contacts(text: str, matcher: type[PhoneNumberMatcher] | None = None) -> Iterator[Contact]:
    """Phone contacts; ``matcher`` replaces the windowed search of :func:`phone_matches` (tests
    pass the plain ``PhoneNumberMatcher`` to prove both agree)."""
    if not _DIGIT_RUN.search(text):
        return
    if matcher is None:
        found: Iterable[PhoneMatch] = phone_matches(text, _REGION, Leniency.VALID)
    else:
        found = (
            PhoneMatch(m.start, m.end, m.raw_string, m.number)
            for m in matcher(text, _REGION, leniency=Leniency.VALID)
        )
    for start, end, raw, number in found:
        if _MONEY_BEFORE.search(text, max(0, start - 6), start):
            continue
        channel = _channel_near(text, start, end)
        if channel == "bank":  # "no rek BCA 0812345678": an account number, not a phone
            continue
        kind = channel if channel in ("whatsapp", "telegram") else "phone"
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        region = phonenumbers.region_code_for_number(number)
        yield Contact(kind, e164, region, raw, start, end)


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
