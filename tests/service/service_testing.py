"""Shared helpers for the service tests (imported by the tests and by ``conftest.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.deps import services_of
from service.services import Services
from service.store import keys as key_store
from service.vocabulary import Role

ROLES = tuple(Role)
PUBLIC_IP = "93.184.216.34"  # what the fake resolver answers for every name

AD_RISKY = (
    "Dicari admin & CS untuk perusahaan di Kamboja, gaji 25 juta/bulan, tanpa pengalaman, "
    "tiket dan paspor diurus agen. Hubungi WA +855 12 345 678"
)
AD_LEGIT = (
    "PT Maju Jaya membuka lowongan staf gudang di Bekasi. Syarat: pendidikan minimal SMA, usia 20-35 tahun. "
    "Gaji sesuai UMK. Lamaran dikirim ke alamat kantor, tanpa biaya apa pun."
)

PAGES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/lowongan/1": (
        200,
        {"content-type": "text/html; charset=utf-8"},
        (
            "<html><head><title>Lowongan Kamboja</title>"
            '<meta property="og:description" content="Kerja di Kamboja gaji 25 juta"></head>'
            f"<body><main><p>{AD_RISKY}</p></main></body></html>"
        ).encode(),
    ),
    "/image.png": (200, {"content-type": "image/png"}, b"\x89PNG\r\n\x1a\n"),
    "/gone": (404, {"content-type": "text/html"}, b"not here"),
    "/redirect-private": (302, {"location": "http://127.0.0.1/admin"}, b""),
}


def fake_site(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/slow":
        raise httpx.ReadTimeout("the site is slow", request=request)
    status, headers, body = PAGES.get(request.url.path, (404, {"content-type": "text/plain"}, b"no"))
    return httpx.Response(status, headers=headers, content=body)


async def fake_resolver(host: str, port: int) -> list[str]:
    return [PUBLIC_IP]


@dataclass
class Service:
    """An app, a client and one key per role."""

    app: FastAPI
    client: TestClient
    keys: dict[str, str] = field(default_factory=dict)
    key_ids: dict[str, int] = field(default_factory=dict)

    @property
    def services(self) -> Services:
        return services_of(self.app)

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def add_key(self, role: str, name: str) -> tuple[int, str]:
        with self.services.sessions.begin() as session:
            new = key_store.create_key(session, name=name, role=role)
            return new.record.id, new.secret


class Clock:
    """A clock the test moves (``create_app(clock=...)``): leases expire without sleeping."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
