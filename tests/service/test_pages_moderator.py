"""The moderator's pages through TestClient: role gates, CSRF, upload, claim/decide/release, contacts,
adjudication. The pages use the queue store and ingest path of ``/api/v1``; the worker is drained by
hand (``worker_enabled=False``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from queue_testing import LEGIT, OTHER_RISKY, jsonl, repost
from service_testing import Service


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def login(service: Service, role: str) -> str:
    """Log in as ``role``; the CSRF token of that session."""
    response = service.client.get(f"/login?key={service.keys[role]}", follow_redirects=False)
    assert response.status_code == 303
    return _csrf(service.client.get("/model").text)


@pytest.fixture
def svc(make_service: Callable[..., Service]) -> Service:
    service = make_service(worker_enabled=False, rate_limit_per_minute=0)
    service.key_ids["moderator2"], service.keys["moderator2"] = service.add_key("moderator", "second")
    return service


def ads() -> bytes:
    rows = [{"text": repost(i), "platform": "whatsapp"} for i in range(3)]
    rows += [{"text": OTHER_RISKY.format(n=1), "platform": "telegram"}, {"text": LEGIT}]
    return jsonl(rows)


def upload(service: Service, token: str, body: bytes | None = None, name: str = "iklan.jsonl") -> Any:
    return service.client.post(
        "/antrian/unggah",
        data={"csrf_token": token},
        files={"file": (name, body if body is not None else ads(), "application/octet-stream")},
        follow_redirects=False,
    )


def loaded(service: Service, token: str) -> int:
    """Upload the sample batch through the page and score it; the batch id."""
    response = upload(service, token)
    assert response.status_code == 303, response.text
    batch_id = int(response.headers["location"].rsplit("/", 1)[-1])
    service.services.worker.drain()
    return batch_id


def claim(service: Service, token: str, limit: int = 5) -> Any:
    return service.client.post(
        "/antrian/ambil", data={"csrf_token": token, "limit": str(limit)}, follow_redirects=False
    )


def item_id_of(location: str) -> int:
    match = re.search(r"/antrian/item/(\d+)", location)
    assert match, location
    return int(match.group(1))


MODERATOR_PAGES = [
    "/antrian",
    "/antrian/unggah",
    "/antrian/item/1",
    "/antrian/batch/1",
    "/antrian/batch/1.json",
]


@pytest.mark.parametrize("role", ["officer", "moderator", "educator", "admin"])
def test_role_gates(svc: Service, role: str) -> None:
    token = login(svc, role)
    loaded_id = None
    if role in ("moderator", "admin"):
        loaded_id = loaded(svc, token)
    for path in MODERATOR_PAGES:
        expected = 200 if role in ("moderator", "admin") else 403
        if role in ("moderator", "admin") and path.startswith("/antrian/item"):
            expected = 200 if svc.client.get("/antrian").text.count("/antrian/item/") else 404
        assert svc.client.get(path).status_code == expected, (role, path)
    assert svc.client.get("/antrian/adjudikasi").status_code == (200 if role == "admin" else 403)
    assert svc.client.get("/kontak/+85512345100").status_code == (403 if role == "educator" else 200)
    if loaded_id is not None:
        assert svc.client.get(f"/antrian/batch/{loaded_id}.json").json()["status"] == "done"


def test_pages_need_login(svc: Service) -> None:
    for path in [*MODERATOR_PAGES, "/antrian/adjudikasi", "/kontak/+62811"]:
        response = svc.client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path


def test_page_routes_are_not_in_the_api_schema(svc: Service) -> None:
    paths = svc.client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith(("/antrian", "/kontak"))]


def test_every_post_needs_the_csrf_token(svc: Service) -> None:
    token = login(svc, "admin")
    loaded(svc, token)
    for path, data in [
        ("/antrian/ambil", {"limit": "1"}),
        ("/antrian/item/1/keputusan", {"verdict": "scam"}),
        ("/antrian/item/1/lepas", {}),
        ("/antrian/item/1/adjudikasi", {"verdict": "scam"}),
    ]:
        assert svc.client.post(path, data=data).status_code == 403, path
        assert svc.client.post(path, data={**data, "csrf_token": "wrong"}).status_code == 403, path
    refused = svc.client.post("/antrian/unggah", files={"file": ("a.jsonl", ads(), "application/x-ndjson")})
    assert refused.status_code == 403 and "Formulir kedaluwarsa" in refused.text
    assert svc.client.get("/api/v1/queue", headers=svc.auth("admin")).json()["total"] >= 2  # nothing claimed
    mine = svc.client.get("/antrian").text
    assert "Belum ada. Ambil item dari antrian." in mine


def test_upload_creates_a_batch_and_shows_progress(svc: Service) -> None:
    token = login(svc, "moderator")
    body = ads() + b'{"text": ""}\nnot json\n'
    response = upload(svc, token, body)
    assert response.status_code == 303
    batch_id = int(response.headers["location"].rsplit("/", 1)[-1])
    api = svc.client.get(f"/api/v1/batches/{batch_id}", headers=svc.auth("moderator")).json()
    assert api["accepted"] == 5 and api["rejected"] == 2 and api["filename"] == "iklan.jsonl"
    page = svc.client.get(f"/antrian/batch/{batch_id}")
    assert page.status_code == 200
    assert f'data-poll="/antrian/batch/{batch_id}.json"' in page.text
    assert "Baris 6: teks kosong" in page.text  # the empty text, reported in the page, one prefix
    assert "row 6: row 6" not in page.text
    before = svc.client.get(f"/antrian/batch/{batch_id}.json").json()
    assert before["status"] == "queued" and before["scored"] == 0
    svc.services.worker.drain()
    after = svc.client.get(f"/antrian/batch/{batch_id}.json").json()
    assert after["status"] == "done" and after["scored"] == 5 and after["progress"] == 1.0
    assert after == svc.client.get(f"/api/v1/batches/{batch_id}", headers=svc.auth("moderator")).json()
    assert svc.client.get("/antrian/batch/999.json").status_code == 404
    assert svc.client.get("/antrian/batch/999").status_code == 404
    # Filtering the queue by that batch.
    listed = svc.client.get(f"/antrian?batch={batch_id}").text
    assert "2 butir menunggu tinjauan" in listed


@pytest.mark.parametrize(
    ("name", "body", "status", "text"),
    [
        ("iklan.txt", b"hello", 415, "kirim CSV"),
        ("iklan.json", b"{not an array", 422, "tidak dapat dibaca"),
    ],
)
def test_upload_errors_render_the_form(svc: Service, name: str, body: bytes, status: int, text: str) -> None:
    token = login(svc, "moderator")
    response = upload(svc, token, body, name)
    assert response.status_code == status and text in response.text and 'id="upload-error"' in response.text


def test_claim_decide_release_through_forms(svc: Service) -> None:
    token = login(svc, "moderator")
    loaded(svc, token)
    response = claim(svc, token, limit=5)
    assert response.status_code == 303
    first = item_id_of(response.headers["location"])
    page = svc.client.get(response.headers["location"])
    assert page.status_code == 200
    assert (
        'id="decision-form"' in page.text
        and "Papan ketik: 1–7 pilih putusan · Enter atau d simpan · r lepas · n item berikutnya." in page.text
    )
    for verdict in ("tppo", "tppm", "scam", "legit", "awareness", "unsure"):
        assert f'value="{verdict}"' in page.text
    assert "<mark" in page.text and 'id="cluster-size"' in page.text
    detail = svc.client.get(f"/api/v1/items/{first}", headers=svc.auth("moderator")).json()
    cluster = detail["cluster"]
    assert f"{cluster['size']} iklan serupa, {cluster['batches_seen']} batch" in page.text
    for contact in detail["contacts"]:  # contacts link to their pages
        assert f'href="/kontak/{quote(contact["value"], safe="/")}"' in page.text
    listing = svc.client.get("/antrian").text
    assert 'id="my-items"' in listing and f'href="/antrian/item/{first}"' in listing
    # Deciding goes on to the next leased item.
    decided = svc.client.post(
        f"/antrian/item/{first}/keputusan",
        data={"csrf_token": token, "verdict": "scam", "indicators": ["dest_scam_hub"], "note": "uji"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    second = item_id_of(decided.headers["location"])
    assert second != first and "selesai=" in decided.headers["location"]
    item = svc.client.get(f"/api/v1/items/{first}", headers=svc.auth("moderator")).json()
    assert item["status"] == "decided" and item["final_verdict"] == "scam"
    assert item["decisions"][0]["indicators"] == ["dest_scam_hub"] and item["decisions"][0]["note"] == "uji"
    shown = svc.client.get(decided.headers["location"]).text
    assert f"Keputusan untuk #{first} disimpan." in shown
    # Unknown verdicts and indicators are refused with a message, the item stays leased.
    bad = svc.client.post(f"/antrian/item/{second}/keputusan", data={"csrf_token": token, "verdict": "maybe"})
    assert bad.status_code == 422 and 'id="item-error"' in bad.text
    bad = svc.client.post(
        f"/antrian/item/{second}/keputusan",
        data={"csrf_token": token, "verdict": "scam", "indicators": ["no_such_flag"]},
    )
    assert bad.status_code == 422 and "no_such_flag" in bad.text
    # Releasing the last held item goes back to the queue.
    released = svc.client.post(
        f"/antrian/item/{second}/lepas", data={"csrf_token": token}, follow_redirects=False
    )
    assert released.status_code == 303 and released.headers["location"].startswith("/antrian?dilepas=")
    assert svc.client.get(f"/api/v1/items/{second}", headers=svc.auth("moderator")).json()["status"] == "open"
    # Nothing left to claim for this moderator once everything is taken.
    again = claim(svc, token, limit=100)
    assert again.status_code == 303
    empty = claim(svc, token, limit=1)
    assert empty.headers["location"] == "/antrian?kosong=1"


def test_only_the_lease_holder_decides(svc: Service) -> None:
    token = login(svc, "moderator")
    loaded(svc, token)
    item = item_id_of(claim(svc, token, limit=1).headers["location"])
    other = login(svc, "moderator2")
    page = svc.client.get(f"/antrian/item/{item}")
    assert (
        page.status_code == 200 and 'id="not-holder"' in page.text and 'id="decision-form"' not in page.text
    )
    refused = svc.client.post(
        f"/antrian/item/{item}/keputusan", data={"csrf_token": other, "verdict": "legit"}
    )
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text and "tidak sedang Anda pegang" in refused.text
    refused = svc.client.post(f"/antrian/item/{item}/lepas", data={"csrf_token": other})
    assert refused.status_code == 409
    english = svc.client.post(
        f"/antrian/item/{item}/keputusan?lang=en", data={"csrf_token": other, "verdict": "legit"}
    )
    assert "is not leased to you" in english.text
    assert svc.client.get("/antrian/item/999999").status_code == 404


def test_contact_page(svc: Service) -> None:
    token = login(svc, "moderator")
    loaded(svc, token)
    claim(svc, token, limit=5)
    reposts = svc.client.get("/api/v1/queue?platform=whatsapp", headers=svc.auth("moderator")).json()
    item = reposts["items"][0]["id"]
    svc.client.post(f"/antrian/item/{item}/keputusan", data={"csrf_token": token, "verdict": "scam"})
    login(svc, "officer")
    page = svc.client.get("/kontak/+855-12-345-100")
    assert page.status_code == 200
    assert "1 iklan memakai kontak ini" in page.text
    assert "Penipuan lowongan" in page.text
    assert 'href="/antrian/item/' not in page.text  # officers cannot open queue items
    login(svc, "moderator")
    assert 'href="/antrian/item/' in svc.client.get("/kontak/+85512345100").text
    nothing = svc.client.get("/kontak/tidak-ada")
    assert nothing.status_code == 200 and "Tidak ada iklan dengan kontak ini." in nothing.text
    english = svc.client.get("/kontak/+855-12-345-100?lang=en").text
    assert "1 ad uses this contact" in english and "Job scam" in english  # plural form: one ad


def test_ad_text_is_escaped_everywhere(svc: Service) -> None:
    token = login(svc, "moderator")
    evil = repost(1) + ' <script>alert(1)</script><img src=x onerror="alert(2)"> @jahat'
    upload(svc, token, jsonl([{"text": evil}]), "jahat.jsonl")
    svc.services.worker.drain()
    location = claim(svc, token).headers["location"]
    for path in (location, "/antrian", "/kontak/@jahat"):
        html = svc.client.get(path).text
        assert "<script>alert(1)" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def test_adjudication(svc: Service) -> None:
    token = login(svc, "moderator")
    loaded(svc, token)
    item = item_id_of(claim(svc, token, limit=1).headers["location"])
    svc.client.post(f"/antrian/item/{item}/keputusan", data={"csrf_token": token, "verdict": "tppo"})
    other = login(svc, "moderator2")
    claimed = claim(svc, other, limit=5)
    assert item_id_of(claimed.headers["location"]) == item  # the second review comes first
    svc.client.post(f"/antrian/item/{item}/keputusan", data={"csrf_token": other, "verdict": "scam"})
    assert svc.client.get("/antrian/adjudikasi").status_code == 403
    admin = login(svc, "admin")
    page = svc.client.get("/antrian/adjudikasi")
    assert page.status_code == 200 and f'id="adj-{item}"' in page.text
    assert "TPPO (perdagangan orang)" in page.text and "Penipuan lowongan" in page.text
    assert 'id="adjudicate-form"' in svc.client.get(f"/antrian/item/{item}").text
    done = svc.client.post(
        f"/antrian/item/{item}/adjudikasi",
        data={"csrf_token": admin, "verdict": "tppo", "note": "final"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/antrian/adjudikasi?diadili=")
    final = svc.client.get(f"/api/v1/items/{item}", headers=svc.auth("admin")).json()
    assert final["status"] == "decided" and final["final_verdict"] == "tppo"
    again = svc.client.post(f"/antrian/item/{item}/adjudikasi", data={"csrf_token": admin, "verdict": "tppo"})
    assert again.status_code == 409 and 'id="adjudication-error"' in again.text
    assert "Tidak ada item yang menunggu adjudikasi." in svc.client.get("/antrian/adjudikasi").text


def test_queue_page_filters_by_scope(make_service: Callable[..., Service]) -> None:
    service = make_service(worker_enabled=False, rate_limit_per_minute=0, review_threshold=0.0)
    token = login(service, "moderator")
    sale = "Dijual cepat motor matic 2020 warna putih, pajak hidup, surat lengkap, harga 12 juta nego. WA 0813 2200 4411"
    body = jsonl([{"text": OTHER_RISKY.format(n=3)}, {"text": sale}])
    assert upload(service, token, body).status_code == 303
    service.services.worker.drain()
    offers = service.client.get("/antrian?scope=offer").text
    not_offers = service.client.get("/antrian?scope=not_offer").text
    assert "Myawaddy" in offers and "motor matic" not in offers
    assert "motor matic" in not_offers and "Myawaddy" not in not_offers
    assert 'data-scope="not_offer"' in not_offers
    assert '<option value="not_offer" selected>' in not_offers
    everything = service.client.get("/antrian?scope=whatever").text  # an unknown value filters nothing
    assert "Myawaddy" in everything and "motor matic" in everything
