"""Classify an ad's contact channels against a named employer's official channels (DOMAIN.md §2c).

Real employers and public bodies recruit through their own domain (any ``.go.id`` site for public
bodies, the joint BUMN portal for state companies); fake vacancies in their name give a personal
phone or WhatsApp number, a free e-mail address, a link shortener, a form service, a free site
builder or a look-alike domain ("rekrutmen-pertamina-2026.com", "garuda-careers.work"). :func:`classify` puts one contact
from :func:`screener.extract.contacts.find_contacts` in one of these classes for one employer.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

from screener.catalogue import literal_prefixes
from screener.catalogue.employers import Employer, employers
from screener.extract.contacts import Contact

__all__ = ["CLASSES", "UNOFFICIAL", "classify", "domain_of"]

# official     the employer's domain (or a subdomain), any .go.id for public bodies
# personal     a mobile / WhatsApp / Telegram / foreign number or chat link
# free_mail    an address at a free e-mail provider
# shortener    a link shortener; form: a form service; free_site: a free site builder
# lookalike    a domain that carries the employer's name but is not its own
# odd_domain   a domain registered as a recruitment page ("garuda-careers.work") or, for a public
#              body, posing as a government site ("id-gov.site"); job boards excepted
# landline     an Indonesian fixed-line number (offices have them; not counted either way)
# other        any other domain or a social-media handle (could be a contractor: not counted)
CLASSES = frozenset({
    "official", "personal", "free_mail", "shortener", "form", "free_site", "lookalike", "odd_domain", "landline",
    "other",
})  # fmt: skip
UNOFFICIAL = frozenset({"personal", "free_mail", "shortener", "form", "free_site", "lookalike", "odd_domain"})

FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.id", "ymail.com", "rocketmail.com", "outlook.com",
    "outlook.co.id", "hotmail.com", "live.com", "msn.com", "aol.com", "icloud.com", "mail.com", "gmx.com",
    "proton.me", "protonmail.com", "yandex.com", "zoho.com",
})  # fmt: skip
SHORTENERS = frozenset({
    "bit.ly", "s.id", "tinyurl.com", "cutt.ly", "shorturl.at", "t.co", "rb.gy", "is.gd", "ow.ly", "lnkd.in",
    "tiny.cc", "linktr.ee", "shorturl.asia",
})  # fmt: skip
FORMS = frozenset({
    "forms.gle", "forms.office.com", "jotform.com", "form.jotform.com", "typeform.com", "forms.app", "tally.so",
    "surveymonkey.com", "formulirku.com",
})  # fmt: skip
FREE_SITES = frozenset({
    "blogspot.com", "wixsite.com", "weebly.com", "sites.google.com", "wordpress.com", "webnode.com",
    "webnode.id", "mystrikingly.com", "strikingly.com", "carrd.co", "godaddysites.com", "github.io",
    "netlify.app", "vercel.app", "000webhostapp.com", "site123.me", "simdif.com", "blogspot.co.id", "web.app",
    "firebaseapp.com", "pages.dev",
})  # fmt: skip
# Job boards: a repost there is not an impostor's own site (DOMAIN.md §2: scams appear on them too,
# but the board is not the channel to judge).
JOB_BOARDS = frozenset({
    "jobstreet.co.id", "jobstreet.com", "glints.com", "kalibrr.com", "linkedin.com", "indeed.com", "karir.com",
})  # fmt: skip
# A domain label with one of these in it, on a domain that is not the employer's, is an impostor's
# recruitment page ("garuda-careers.work", "krl-rekrutmen.web.id", "kemnaker.id-gov.site").
_RECRUITMENT_LABEL = re.compile(
    r"karir|karier|career|rekrut|recruit|loker|lowongan|hiring|vacanc|seleksi|resmi|official"
)
_GOVERNMENT_LABEL = frozenset({"gov", "goid", "go"})
# Google Forms links not shortened to forms.gle: docs.google.com/forms/...
_GOOGLE_FORM_PATH = re.compile(r"^/forms(?:/|$)")
# The joint BUMN recruitment recruits for every state company.
_JOINT = "joint_recruitment"


def _within(domain: str, parents: frozenset[str]) -> bool:
    """Whether ``domain`` is one of ``parents`` or a subdomain of one."""
    parts = domain.split(".")
    return any(".".join(parts[i:]) in parents for i in range(len(parts) - 1))


def domain_of(contact: Contact) -> tuple[str, str] | None:
    """(host, path) of an e-mail or link contact, lower case and without ``www.``; None otherwise."""
    if contact.kind == "email":
        return contact.value.rsplit("@", 1)[1].lower(), ""
    if contact.kind in ("url", "shortener"):
        parts = urlsplit(contact.value)
        host = (parts.hostname or "").lower().removeprefix("www.")
        return (host, parts.path) if host else None
    return None


@cache
def _brand_tokens(employer_id: str) -> frozenset[str]:
    """The names a look-alike domain borrows: the employer's domains' first labels and its one-word
    (or joined multi-word) aliases' literal starts, at least three characters long."""
    entry = next(e for e in employers() if e.id == employer_id)
    tokens = {d.split(".")[0].replace("-", "") for d in entry.official_channels}
    for alias in entry.aliases:
        tokens |= {p.strip().replace(" ", "").replace(".", "") for p in literal_prefixes(alias)}
    return frozenset(t for t in tokens if len(t) >= 3 and t.isalnum())


# Second-level suffixes under which the registrable name is the label before them.
_SECOND_LEVEL = frozenset({
    "co.id", "go.id", "ac.id", "or.id", "web.id", "my.id", "biz.id", "sch.id", "net.id", "ponpes.id",
    "desa.id", "com.my", "com.sg", "com.kh", "co.uk", "com.au", "co.jp", "or.kr", "go.kr",
})  # fmt: skip


def _registrable(host: str) -> str:
    """The name a domain was registered under: "garuda-careers" of "jobs.garuda-careers.work"."""
    parts = host.split(".")
    size = 3 if len(parts) >= 3 and ".".join(parts[-2:]) in _SECOND_LEVEL else 2
    return parts[-size] if len(parts) >= size else parts[0]


def _brand(host: str, employer: Employer) -> bool:
    """The domain carries the employer's name: "rekrutmen-pertamina-2026.com", "pln-karir.com"."""
    labels = set(re.split(r"[.-]", host))
    joined = host.replace("-", "").replace(".", "")
    return any(t in labels or (len(t) >= 5 and t in joined) for t in _brand_tokens(employer.id))


def _odd(host: str, employer: Employer) -> bool:
    """A domain registered as a recruitment page of its own ("garuda-careers.work", "krl-rekrutmen.web.id")
    or, for a public body, posing as a government one ("kemnaker.id-gov.site"). A company's own careers
    subdomain ("karir.vale.co.id") is not: only the registered name counts."""
    name = _registrable(host)
    if _RECRUITMENT_LABEL.search(name):
        return True
    return employer.public and bool(set(name.split("-")) & _GOVERNMENT_LABEL)


@cache
def _joint_entries() -> tuple[Employer, ...]:
    return tuple(e for e in employers() if e.kind == _JOINT)


def _official(host: str, employer: Employer) -> bool:
    if employer.is_official_domain(host):
        return True
    return employer.kind == "state_company" and any(j.is_official_domain(host) for j in _joint_entries())


def classify(contact: Contact, employer: Employer) -> str:
    """The class (see :data:`CLASSES`) of ``contact`` as a way to apply to ``employer``."""
    if contact.kind in ("whatsapp", "telegram"):
        return "personal"
    if contact.kind == "phone":
        # Mobile numbers (+628...) and foreign numbers are personal; fixed lines belong to offices.
        return "personal" if contact.country != "ID" or contact.value.startswith("+628") else "landline"
    located = domain_of(contact)
    if located is None:
        return "other"  # a social-media handle
    host, path = located
    if _official(host, employer):
        return "official"
    if contact.kind == "email":
        if host in FREE_MAIL:
            return "free_mail"
        return _named_or_odd(host, employer)
    if _within(host, FORMS) or (host == "docs.google.com" and _GOOGLE_FORM_PATH.match(path)):
        return "form"
    if host in SHORTENERS or contact.kind == "shortener":
        return "shortener"
    if _within(host, FREE_SITES):
        return "free_site"
    return _named_or_odd(host, employer)


def _named_or_odd(host: str, employer: Employer) -> str:
    if _within(host, JOB_BOARDS):
        return "other"
    if _brand(host, employer):
        return "lookalike"
    return "odd_domain" if _odd(host, employer) else "other"
