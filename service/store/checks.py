"""Checks: the ads an officer scored with ``"save": true`` (their history)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.store.models import Check

__all__ = ["count_checks", "create_check", "get_check", "list_checks"]


def create_check(
    session: Session, *, key_id: int, text: str, url: str | None, assessment: dict[str, Any]
) -> Check:
    record = Check(
        key_id=key_id,
        text=text,
        url=url,
        assessment=assessment,
        model_version=str(assessment["model_version"]),
        risk=float(assessment["risk"]),
        tier=str(assessment["tier"]),
    )
    session.add(record)
    session.flush()
    return record


def get_check(session: Session, *, check_id: int, key_id: int | None = None) -> Check | None:
    """The check ``check_id``; when ``key_id`` is given, only if that key saved it."""
    record = session.get(Check, check_id)
    if record is None or (key_id is not None and record.key_id != key_id):
        return None
    return record


def list_checks(session: Session, *, key_id: int, limit: int = 20, offset: int = 0) -> list[Check]:
    """A key's checks, newest first."""
    query = select(Check).where(Check.key_id == key_id).order_by(Check.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_checks(session: Session, *, key_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Check).where(Check.key_id == key_id)) or 0)
