"""``/sumber``: the watched sources page (moderators, admins), Indonesian first."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from service_testing import Service

BOARD = '<html><body><main><div class="iklan-baru"><p>Lowongan staf gudang, gaji UMK.</p></div></main></body></html>'


def board(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, text=BOARD)


def login(service: Service, role: str) -> str:
    assert service.client.get(f"/login?key={service.keys[role]}", follow_redirects=False).status_code == 303
    match = re.search(r'name="csrf_token" value="([^"]+)"', service.client.get("/model").text)
    assert match
    return match.group(1)


def test_add_pause_resume_remove_from_the_page(make_service: Callable[..., Service]) -> None:
    service = make_service(fetch_handler=board, source_host_rate_per_minute=0)
    token = login(service, "moderator")
    page = service.client.get("/sumber")
    assert page.status_code == 200 and "Sumber dipantau" in page.text and 'id="no-sources"' in page.text
    assert 'href="/sumber"' in page.text  # in the navigation

    added = service.client.post(
        "/sumber",
        data={"csrf_token": token, "url": "https://papan.example/loker", "every": "2h", "selector": "div.iklan",
              "name": "Papan loker"},
        follow_redirects=False,
    )  # fmt: skip
    assert added.status_code == 303 and added.headers["location"] == "/sumber?ditambah=1"
    listed = service.client.get("/sumber?ditambah=1").text
    assert "Sumber #1 ditambahkan" in listed and "Papan loker" in listed and "div.iklan" in listed
    assert "belum diambil" in listed and ">2h<" in listed

    # The page changed layout: the selector finds nothing, three fetches in a row.
    for _ in range(3):
        assert service.services.poller.poll(1).outcome == "ok"
    listed = service.client.get("/sumber").text
    assert "0 postingan ditemukan pada 3 pengambilan terakhir" in listed
    english = service.client.get("/sumber?lang=en").text
    assert "Watched sources" in english and "0 posts found on the last 3 fetches" in english
    service.client.get("/sumber?lang=id")  # back to Indonesian (the choice is kept in a cookie)

    for action, flash, shown in (("jeda", "dijeda", "Lanjutkan"), ("lanjut", "dilanjutkan", "Jeda")):
        moved = service.client.post(f"/sumber/1/{action}", data={"csrf_token": token}, follow_redirects=False)
        assert moved.headers["location"] == f"/sumber?{flash}=1"
        assert f">{shown}</button>" in service.client.get("/sumber").text
    removed = service.client.post("/sumber/1/hapus", data={"csrf_token": token}, follow_redirects=False)
    assert removed.headers["location"] == "/sumber?dihapus=1"
    assert 'id="no-sources"' in service.client.get("/sumber").text
    assert service.client.post("/sumber/1/hapus", data={"csrf_token": token}).status_code == 404


def test_a_private_address_is_refused_on_the_page(service: Service) -> None:
    token = login(service, "admin")
    refused = service.client.post(
        "/sumber", data={"csrf_token": token, "url": "http://192.168.1.10/feed.xml", "every": "30m"}
    )
    assert refused.status_code == 422
    assert "alamat jaringan privat" in refused.text and 'value="http://192.168.1.10/feed.xml"' in refused.text
    too_often = service.client.post(
        "/sumber?lang=en", data={"csrf_token": token, "url": "https://example.com/feed.xml", "every": "5s"}
    )
    assert too_often.status_code == 422 and "at least 1m" in too_often.text
    assert 'id="no-sources"' in service.client.get("/sumber").text


def test_the_page_needs_a_form_token_and_a_reviewer(service: Service) -> None:
    login(service, "moderator")
    assert service.client.post("/sumber", data={"url": "https://example.com/feed.xml"}).status_code == 403
    login(service, "officer")
    assert service.client.get("/sumber").status_code == 403
