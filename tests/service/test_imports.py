"""Chat and channel exports through POST /api/v1/batches, on SQLite and PostgreSQL: format detection,
source metadata on the ads, authors stored only as keyed hashes, skipped chatter counted, bad input."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from queue_testing import jsonl, pg_schema_url
from service_testing import Service
from sqlalchemy import select

from screener.sources.authors import author_hash, normalize_author
from service.store import ingest, write_transaction
from service.store.models import Ad

FIXTURES = Path(__file__).resolve().parents[1] / "sources" / "fixtures"
WHATSAPP = FIXTURES / "WhatsApp Chat dengan Info Kerja Contoh.txt"
KEY = "k" * 40


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def svc(request: pytest.FixtureRequest, make_service: Callable[..., Service]) -> Iterator[Service]:
    overrides: dict[str, Any] = {"worker_enabled": False, "rate_limit_per_minute": 0, "author_hash_key": KEY}
    if request.param == "sqlite":
        yield make_service(**overrides)
        return
    with pg_schema_url() as url:
        if url is None:
            pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
        yield make_service(database_url=url, **overrides)


def _post(service: Service, body: bytes, content_type: str, **params: str) -> Any:
    headers = {**service.auth("moderator"), "content-type": content_type}
    return service.client.post("/api/v1/batches", content=body, headers=headers, params=params)


def _upload(service: Service, path: Path, **params: str) -> Any:
    files = {"file": (path.name, path.read_bytes(), "application/octet-stream")}
    return service.client.post(
        "/api/v1/batches", files=files, headers=service.auth("moderator"), params=params
    )


def _ads(service: Service, batch_id: int) -> list[Ad]:
    with service.services.sessions() as session:
        return list(session.scalars(select(Ad).where(Ad.batch_id == batch_id).order_by(Ad.id)))


def test_whatsapp_export_upload(svc: Service) -> None:
    response = _upload(svc, WHATSAPP)
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["format"], body["accepted"], body["rejected"], body["skipped"]) == ("whatsapp", 3, 1, 7)
    batch = svc.client.get(f"/api/v1/batches/{body['id']}", headers=svc.auth("moderator")).json()
    assert batch["skipped"] == 7 and batch["format"] == "whatsapp"
    assert batch["errors"][0]["row"] == 12 and "unknown date layout" in batch["errors"][0]["message"]
    ads = _ads(svc, body["id"])
    assert {a.group_name for a in ads} == {"Info Kerja Contoh"} and {a.platform for a in ads} == {"whatsapp"}
    assert ads[0].posted_at is not None and ads[0].posted_at.isoformat() == "2026-12-01T02:20:00+00:00"
    expected = hmac.new(KEY.encode(), b"rina contoh", hashlib.sha256).hexdigest()
    assert ads[0].author_hash == expected  # keyed: not the plain sha256 of the name
    assert ads[0].author_hash != hashlib.sha256(b"rina contoh").hexdigest()
    assert len({a.author_hash for a in ads}) == 3  # Rina, Dodi, Sari


def test_authors_never_stored_in_clear(svc: Service) -> None:
    body = _upload(svc, FIXTURES / "telegram_messages.html").json()
    assert body["format"] == "telegram_html"
    with svc.services.engine.connect() as connection:
        dump = json.dumps([list(map(str, row)) for row in connection.exec_driver_sql("SELECT * FROM ads")])
    assert "Rina Contoh" not in dump and "Dodi Contoh" not in dump and "Grup Loker Contoh" in dump


@pytest.mark.parametrize(
    ("name", "fmt", "accepted", "skipped"),
    [
        pytest.param("telegram_result.json", "telegram", 4, 4, id="telegram-json"),
        pytest.param("telegram_messages.html", "telegram_html", 3, 3, id="telegram-html"),
        pytest.param("whatsapp_ios_id.txt", "whatsapp", 2, 3, id="whatsapp-ios"),
        pytest.param("scraped_posts.json", "scraped_json", 2, 1, id="scraped-json"),
        pytest.param("scraped_posts.csv", "scraped_csv", 2, 1, id="scraped-csv"),
    ],
)
def test_formats_detected_as_upload_and_raw_body(
    svc: Service, name: str, fmt: str, accepted: int, skipped: int
) -> None:
    path = FIXTURES / name
    for response in (_upload(svc, path), _post(svc, path.read_bytes(), "application/octet-stream")):
        assert response.status_code == 202, response.text
        body = response.json()
        assert (body["format"], body["accepted"], body["skipped"]) == (fmt, accepted, skipped)


def test_telegram_export_metadata(svc: Service) -> None:
    body = _post(svc, (FIXTURES / "telegram_result.json").read_bytes(), "application/json").json()
    ads = _ads(svc, body["id"])
    assert [a.external_id for a in ads] == ["2", "3", "4", "5"]
    assert {a.group_name for a in ads} == {"Loker Contoh Channel"} and ads[
        3
    ].source == "forwarded:Info Kerja Lain"
    assert ads[0].author_hash == author_hash("channel1000000001", KEY)


def test_format_parameter_forces_the_reader(svc: Service) -> None:
    text = WHATSAPP.read_bytes()
    assert _post(svc, text, "text/plain", format="whatsapp").json()["accepted"] == 3
    response = _post(svc, text, "text/plain", format="telegram")
    assert response.status_code == 422  # not a Telegram export
    response = _post(svc, text, "text/plain", format="myspace")
    assert response.status_code == 415 and "whatsapp" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [b"hello there", b"<html><body>no</body></html>", b"a,b\n1,2\n", b"PK\x03\x04broken zip"],
    ids=["text", "html", "csv-without-text", "broken-zip"],
)
def test_unknown_format_is_415_naming_the_formats_tried(svc: Service, body: bytes) -> None:
    response = _post(svc, body, "application/octet-stream")
    assert response.status_code == 415, response.text
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    for name in ("whatsapp", "telegram", "telegram_html", "scraped_csv", "csv", "jsonl"):
        assert name in error["message"]


def test_telegram_messages_not_a_list_is_422(svc: Service) -> None:
    body = json.dumps({"name": "Kanal", "type": "public_channel", "messages": {"1": "x"}}).encode()
    response = _post(svc, body, "application/json", format="telegram")
    assert response.status_code == 422
    assert "not a list" in response.json()["error"]["message"]
    detected = _post(svc, body, "application/octet-stream")
    assert detected.status_code == 422


def test_jsonl_rows_carry_source_metadata(svc: Service) -> None:
    rows = [
        {"text": "Lowongan staf gudang di Bekasi gaji UMK", "group": "Grup A", "author": "+62 812-0000-1111",
         "posted_at": "2026-12-01T10:00:00+07:00", "platform": "facebook"},
        {"text": "Lowongan operator pabrik di Karawang", "author": "0812 0000 1111", "posted_at": "kemarin"},
    ]  # fmt: skip
    body = _post(svc, jsonl(rows), "application/x-ndjson").json()
    assert (body["accepted"], body["rejected"]) == (1, 1)  # "kemarin" is no ISO time
    ad = _ads(svc, body["id"])[0]
    assert ad.group_name == "Grup A" and ad.posted_at is not None and ad.posted_at.hour == 3
    assert ad.author_hash == author_hash("0812-0000-1111", KEY)  # one number, however it is written


def test_insert_ads_refuses_an_author_without_a_key(svc: Service) -> None:
    with pytest.raises(ValueError, match="author_key"), write_transaction(svc.services.sessions) as session:
        batch = ingest.create_batch(session, key_id=None, filename=None, content_type=None)
        ingest.insert_ads(session, batch_id=batch.id, rows=[{"text": "x", "author": "Rina"}])


@pytest.mark.parametrize(
    ("a", "b"),
    [("+62 812-0000-1111", "0812 0000 1111"), ("Rina  Contoh", "rina contoh"), ("@Rekruter", "@rekruter")],
)
def test_normalize_author(a: str, b: str) -> None:
    assert normalize_author(a) == normalize_author(b)


def test_an_export_broken_half_way_keeps_what_was_read(svc: Service) -> None:
    good = "".join(
        f'p{i},"Lowongan operator pabrik nomor {i} di Karawang, gaji UMK, ada mess",x\n' for i in range(400)
    )
    body = ("post_id,content,channel\n" + good).encode() + b'bad,"\xff\xfe broken bytes",x\n' + good.encode()
    response = _post(svc, body, "application/octet-stream")
    assert response.status_code == 202, response.text
    created = response.json()
    assert created["format"] == "scraped_csv" and 0 < created["accepted"] < 800 and created["rejected"] == 1
    batch = svc.client.get(f"/api/v1/batches/{created['id']}", headers=svc.auth("moderator")).json()
    assert "the rest was skipped" in batch["errors"][-1]["message"]
    assert len(_ads(svc, created["id"])) == created["accepted"]
    # Broken before anything was read: refused, nothing kept.
    refused = _post(svc, b"post_id,content\n" + b"x,\xff\xfe\n" * 10, "application/octet-stream")
    assert refused.status_code in (415, 422)
