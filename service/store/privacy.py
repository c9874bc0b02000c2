"""Retiring personal data from the store: retention (raw text of decided ads) and erasure on request.

Retiring an ad (:func:`retire_ad`) replaces its text by ``screener.redact.redact(text).text``, its
assessment by one whose evidence spans point into that text and whose contact values are keyed
hashes (:func:`screener.redact.redact_assessment`), the phone numbers in its campaign slots and its
contact rows by keyed hashes, and stamps ``redacted_at``/``redaction``. Verdicts, features (the
indicators, risk, tier, places, salary), decisions and the audit trail stay. One ad is retired in
one transaction, so a job stopped halfway leaves every ad either whole or fully retired, and the next
run picks up the rest (``redacted_at IS NULL``).

Contact values that were hashed still link campaigns: :func:`hashed_forms` gives the hashes a
looked-up value may have been stored under.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from screener.extract.contacts import find_contacts, normalize_contact
from screener.redact import phone_like_spans, redact, redact_assessment
from service.store.audit import audit
from service.store.errors import NotFound
from service.store.models import Ad, AdAssessment, AdContact, Check, Decision, QueueItem
from service.vocabulary import ItemStatus

__all__ = [
    "ERASED_NOTE",
    "HASH_PREFIX",
    "erase_ad",
    "erase_contact",
    "hashed_forms",
    "is_hashed",
    "retention_candidates",
    "retention_checks",
    "retire_ad",
    "retire_check",
]

HASH_PREFIX = "h:"
ERASED_NOTE = "[DIHAPUS]"
Hasher = Callable[[str], str]


def is_hashed(value: str) -> bool:
    return value.startswith(HASH_PREFIX)


def hashed_forms(value: str, hash_value: Hasher) -> list[str]:
    """The forms ``value`` may be stored under: as extracted (``normalize_contact``) and hashed."""
    forms = normalize_contact(value)
    return list(dict.fromkeys([*forms, *(hash_value(f) for f in forms)]))


def _keep_hashed(hash_value: Hasher) -> Hasher:
    return lambda v: v if is_hashed(v) else hash_value(v)


def retention_candidates(session: Session, *, cutoff: datetime, limit: int, after_id: int = 0) -> list[int]:
    """Ads received before ``cutoff`` with their raw text still, whose campaign is decided or was
    never queued (scored, nothing to review), with ids above ``after_id``; ads waiting for a decision
    are kept."""
    queued = select(QueueItem.id).where(QueueItem.cluster_id == Ad.cluster_id)
    decided = queued.where(QueueItem.status == ItemStatus.DECIDED)
    query = (
        select(Ad.id)
        .where(
            Ad.id > after_id,
            Ad.redacted_at.is_(None),
            Ad.received_at < cutoff,
            Ad.scored.is_(True),
            or_(exists(decided), ~exists(queued)),
        )
        .order_by(Ad.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def retention_checks(session: Session, *, cutoff: datetime, limit: int, after_id: int = 0) -> list[int]:
    """Officers' saved checks older than ``cutoff`` with their raw text still (ids above ``after_id``)."""
    query = (
        select(Check.id)
        .where(Check.id > after_id, Check.redacted_at.is_(None), Check.created_at < cutoff)
        .order_by(Check.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def retire_ad(
    session: Session, *, ad_id: int, hash_value: Hasher, reason: str, now: datetime, erase: Sequence[str] = ()
) -> bool:
    """Replace one ad's personal data (see the module docstring); False when already retired.

    ``erase``: values an erasure names, masked wherever they stand; an erasure reworks an ad already
    retired too (redacting redacted text changes nothing else)."""
    query = select(Ad).where(Ad.id == ad_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    ad = session.scalar(query)
    if ad is None:
        raise NotFound(f"no ad {ad_id}", f"tidak ada iklan {ad_id}")
    if ad.redacted_at is not None and not erase:
        return False
    keep = _keep_hashed(hash_value)
    original = ad.text
    redaction = redact(original, erase=erase)
    if ad.redacted_at is not None and redaction.text == original:
        return False
    ad.text = redaction.text
    ad.redacted_at = now
    ad.redaction = reason
    if reason == "erasure" and ad.url:  # a link can name the person too (wa.me/..., a profile)
        ad.url = redact(ad.url).text
    assessed = session.scalar(select(AdAssessment).where(AdAssessment.ad_id == ad_id))
    if assessed is not None:
        assessed.assessment = redact_assessment(assessed.assessment, original, redaction, keep)
        slots = dict(assessed.slots)
        slots["phones"] = [keep(str(v)) for v in slots.get("phones", ())]
        assessed.slots = slots
    for contact in session.scalars(select(AdContact).where(AdContact.ad_id == ad_id)):
        contact.value = keep(contact.value)
    session.flush()
    return True


def retire_check(
    session: Session, *, check_id: int, hash_value: Hasher, now: datetime, erase: Sequence[str] = ()
) -> bool:
    """Replace a saved check's text, link and assessment by their redacted forms (``erase``: as
    :func:`retire_ad`)."""
    check = session.get(Check, check_id)
    if check is None or (check.redacted_at is not None and not erase):
        return False
    redaction = redact(check.text, erase=erase)
    if check.redacted_at is not None and redaction.text == check.text:
        return False
    check.assessment = redact_assessment(check.assessment, check.text, redaction, _keep_hashed(hash_value))
    check.text = redaction.text
    check.url = redact(check.url).text if check.url else None
    check.redacted_at = now
    session.flush()
    return True


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _same_number(a: str, b: str) -> bool:
    """Two digit strings naming the same number, with or without the trunk 0 or country code."""
    a, b = a.lstrip("0"), b.lstrip("0")
    return min(len(a), len(b)) >= 7 and (a.endswith(b) or b.endswith(a))


def _mentions(text: str, value: str, forms: Sequence[str]) -> bool:
    """Does ``text`` contain the contact: as typed, as any extracted form of it, or (a number the
    extractor does not consider valid) as a phone-like run of the same digits?"""
    if value.lower() in text.lower():
        return True
    found = {c.value for c in find_contacts(text)}
    if found & set(forms):
        return True
    digits = _digits(value)
    return len(digits) >= 7 and any(
        _same_number(_digits(text[a:b]), digits) for a, b in phone_like_spans(text)
    )


def _texts_mentioning(session: Session, column: Any, id_column: Any, value: str) -> list[tuple[int, str]]:
    """(id, text) of rows whose text may mention ``value`` (a cheap LIKE, confirmed by the caller)."""
    digits = _digits(value)
    needle = digits[-3:] if len(digits) >= 7 else value.strip()  # the last group, whatever the layout
    if len(needle) < 3:
        return []
    query = select(id_column, column).where(func.lower(column).contains(needle.lower(), autoescape=True))
    return [(int(i), str(t)) for i, t in session.execute(query)]


def erase_contact(
    session: Session, *, value: str, hash_value: Hasher, key_id: int | None, now: datetime
) -> dict[str, int]:
    """Remove a contact value everywhere: the ads and checks naming it are retired (reason
    ``erasure``), its contact rows deleted, decision notes quoting it blanked. The erasure is audited
    with its counts, never the value. NotFound (nothing touched) when the value is nowhere."""
    forms = hashed_forms(value, hash_value)
    ad_ids = set(session.scalars(select(AdContact.ad_id).where(AdContact.value.in_(forms))))
    ad_ids |= {
        i for i, text in _texts_mentioning(session, Ad.text, Ad.id, value) if _mentions(text, value, forms)
    }
    check_ids = [
        i
        for i, text in _texts_mentioning(session, Check.text, Check.id, value)
        if _mentions(text, value, forms)
    ]
    notes = [
        (i, note)
        for i, note in session.execute(
            select(Decision.id, Decision.note).where(
                Decision.note.is_not(None),
                func.lower(Decision.note).contains(value.strip().lower(), autoescape=True),
            )
        )
        if note
    ]
    if not ad_ids and not check_ids and not notes:
        raise NotFound(
            "this contact value is not in the store; nothing was changed",
            "nilai kontak ini tidak ada di penyimpanan; tidak ada yang diubah",
        )
    erase = [value] if value.strip() else []
    retired = sum(
        retire_ad(session, ad_id=i, hash_value=hash_value, reason="erasure", now=now, erase=erase)
        for i in sorted(ad_ids)
    )
    # A retired ad's rows hold hashes now: delete the erased value's rows in every form.
    removed = _deleted(session.execute(delete(AdContact).where(AdContact.value.in_(forms))))
    checks = sum(
        retire_check(session, check_id=i, hash_value=hash_value, now=now, erase=erase) for i in check_ids
    )
    for decision_id, note in notes:
        decision = session.get(Decision, decision_id)
        assert decision is not None
        decision.note = _blank(note, value)
    counts = {"ads": len(ad_ids), "ads_retired": retired, "contact_rows": int(removed), "checks": checks,
              "notes": len(notes)}  # fmt: skip
    audit(
        session,
        key_id=key_id,
        action="erasure",
        object_type="contact",
        object_id=None,
        after=counts,
        when=now,
    )
    return counts


def _blank(text: str, value: str) -> str:
    lower, needle = text.lower(), value.strip().lower()
    out, position = [], 0
    while (found := lower.find(needle, position)) >= 0:
        out += [text[position:found], ERASED_NOTE]
        position = found + len(needle)
    return "".join([*out, text[position:]])


def erase_ad(
    session: Session, *, ad_id: int, hash_value: Hasher, key_id: int | None, now: datetime
) -> dict[str, int]:
    """Remove one ad's personal data: its text retired (reason ``erasure``), its contact rows deleted;
    audited with the ad's id. NotFound when there is no such ad."""
    if session.get(Ad, ad_id) is None:
        raise NotFound(f"no ad {ad_id}", f"tidak ada iklan {ad_id}")
    retired = retire_ad(session, ad_id=ad_id, hash_value=hash_value, reason="erasure", now=now)
    removed = _deleted(session.execute(delete(AdContact).where(AdContact.ad_id == ad_id)))
    counts = {"ads": 1, "ads_retired": int(retired), "contact_rows": int(removed)}
    audit(session, key_id=key_id, action="erasure", object_type="ad", object_id=ad_id, after=counts, when=now)
    return counts


def _deleted(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
