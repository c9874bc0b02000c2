"""A ZIP of pictures as a batch: OCR'd ads in the queue, the picture for moderators, redacted for
educators."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable

import pytest
from PIL import Image
from service_testing import Service

from screener.ocr import availability
from tests.ocr_testing import DATA

pytestmark = pytest.mark.skipif(not availability()[0], reason=f"OCR engine missing: {availability()[1]}")
POSTER = (DATA / "poster_kamboja.png").read_bytes()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _submit(service: Service, body: bytes) -> dict:
    response = service.client.post(
        "/api/v1/batches",
        files={"file": ("gambar.zip", body, "application/zip")},
        headers=service.auth("moderator"),
    )
    assert response.status_code == 202, response.text
    return response.json()


@pytest.fixture
def svc(make_service: Callable[..., Service]) -> Service:
    return make_service(worker_enabled=False, rate_limit_per_minute=0, two_person_rule=False)


def test_zip_with_a_table_naming_images_and_bad_members(svc: Service) -> None:
    table = "\n".join(
        json.dumps(row)
        for row in [
            {"id": "p1", "image": "poster.png", "platform": "facebook", "text": "dibagikan di grup"},
            {"id": "p2", "image": "missing.png"},
            {"id": "p3", "image": "notes.txt"},
            {"id": "p4", "image": "blank.png"},
        ]
    )
    body = _zip({
        "ads.jsonl": table.encode(), "poster.png": POSTER, "notes.txt": b"not a picture",
        "blank.png": (DATA / "blank.png").read_bytes(),
    })  # fmt: skip
    batch = _submit(svc, body)
    assert (batch["accepted"], batch["rejected"]) == (1, 3)
    details = svc.client.get(f"/api/v1/batches/{batch['id']}", headers=svc.auth("moderator")).json()
    messages = " ".join(str(e) for e in details.get("errors", []))
    assert "missing.png" in messages and "notes.txt" in messages and "tidak ada teks terbaca" in messages


def test_poster_in_queue_moderator_sees_picture_educator_sees_it_redacted(svc: Service) -> None:
    batch = _submit(svc, _zip({"poster.png": POSTER}))
    assert batch["accepted"] == 1
    svc.services.worker.drain()
    items = svc.client.post("/api/v1/queue/claim", json={"limit": 5}, headers=svc.auth("moderator")).json()[
        "items"
    ]
    assert len(items) == 1 and items[0]["tier"] == "tinggi"
    item_id = items[0]["id"]
    # The moderator's item page shows the original picture.
    svc.client.get(f"/login?key={svc.keys['moderator']}", follow_redirects=False)
    page = svc.client.get(f"/antrian/item/{item_id}")
    src = re.search(r'id="ad-picture" src="([^"]+)"', page.text)
    assert src, page.text[:2000]
    moderator_picture = src.group(1)
    picture = svc.client.get(moderator_picture)
    assert picture.status_code == 200 and picture.content == POSTER
    # Confirmed as trafficking, the case becomes an educators' example with its picture redacted.
    decided = svc.client.post(
        f"/api/v1/items/{item_id}/decision",
        json={"verdict": "tppo", "indicators": []},
        headers=svc.auth("moderator"),
    )
    assert decided.status_code == 200, decided.text
    svc.client.get(f"/login?key={svc.keys['educator']}", follow_redirects=False)
    examples = svc.client.get("/contoh")
    assert "812 3456" not in examples.text and "Rina" not in examples.text
    src = re.search(r'<img class="adpicture" src="([^"]+)"', examples.text)
    assert src, examples.text[:3000]
    assert "Wajah dan foto tidak disamarkan" in examples.text
    redacted = Image.open(io.BytesIO(svc.client.get(src.group(1)).content)).convert("RGB")
    original = Image.open(io.BytesIO(POSTER)).convert("RGB")
    assert redacted.size == original.size
    # The phone number's line (bottom of the poster) is blacked out; the title is not.
    black = sum(
        1 for x in range(0, 720, 4) for y in range(620, 900, 4) if redacted.getpixel((x, y)) == (0, 0, 0)
    )
    assert black > 50
    assert redacted.crop((0, 0, 720, 200)).tobytes() == original.crop((0, 0, 720, 200)).tobytes()
    # Moderators' picture routes are not open to educators.
    assert svc.client.get(moderator_picture, follow_redirects=False).status_code in (403, 303)
