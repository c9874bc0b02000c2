"""Helpers for the review-queue tests: a PostgreSQL schema per test (skipped when unreachable), ads."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from service.store import create_db_engine, migrate

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

RISKY_TEMPLATE = (
    "Dicari admin & CS untuk perusahaan di Kamboja{emoji}, gaji {salary} juta/bulan, tanpa pengalaman, "
    "tiket dan paspor diurus agen. Hubungi WA +855 12 345 {tail}"
)
OTHER_RISKY = (
    "Lowongan operator game online di Myawaddy, gaji 20 juta, berangkat lewat Mae Sot pakai visa turis, "
    "semua biaya ditanggung. Telegram @kerjacepat{n}"
)
LEGIT = (
    "PT Maju Jaya membuka lowongan staf gudang di Bekasi. Syarat: pendidikan minimal SMA, usia 20-35 "
    "tahun. Gaji sesuai UMK. Lamaran dikirim ke alamat kantor, tanpa biaya apa pun."
)


def repost(i: int) -> str:
    """A repost of one scam template with a new phone number, salary and emoji."""
    return RISKY_TEMPLATE.format(emoji=" 🔥" * (i % 3), salary=20 + i % 7, tail=f"{100 + i:03d}")


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


@contextmanager
def pg_schema_url() -> Iterator[str | None]:
    """A fresh schema's URL on the local PostgreSQL (dropped afterwards), or None when unreachable."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        admin.dispose()
        yield None
        return
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def scratch_database(kind: str, folder: Path, name: str = "store.db") -> Iterator[str]:
    """The URL of a new SQLite file ``name`` in ``folder`` (``kind="sqlite"``) or of a fresh PostgreSQL
    schema (``kind="postgresql"``, dropped afterwards; the test is skipped when PostgreSQL is
    unreachable)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder}/{name}"
        return
    with pg_schema_url() as url:
        if url is None:
            pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
        yield url


@contextmanager
def migrated_engine(kind: str, folder: Path) -> Iterator[Engine]:
    """A migrated engine on a new SQLite file in ``folder`` (``kind="sqlite"``) or on a fresh
    PostgreSQL schema (``kind="postgresql"``; the test is skipped when PostgreSQL is unreachable)."""
    with scratch_database(kind, folder) as url:
        made = create_db_engine(url)
        try:
            migrate(made)
            yield made
        finally:
            made.dispose()
