"""``/api/v1/sources``: moderators and admins list, add, pause / resume and remove watched sources;
the app's poller (the worker's) brings their posts into the review queue."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from service_testing import Service

from bench.watch_site import SAMPLE_POSTS, Channel, telegram_page


def channel_site(channel: Channel) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"/s/{channel.name}":
            before = request.url.params.get("before", "")
            page = telegram_page(channel, int(before) if before.isdigit() else None, 20)
            return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, text=page)
        return httpx.Response(404, text="no")

    return handle


def test_moderator_adds_lists_pauses_resumes_and_removes(service: Service) -> None:
    client, auth = service.client, service.auth("moderator")
    created = client.post(
        "/api/v1/sources",
        json={"url": "https://t.me/s/loker_demo", "every": "1m", "name": "Loker demo"},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["kind"], body["every_seconds"], body["status"], body["health"]) == (
        "telegram",
        60,
        "active",
        "new",
    )
    assert body["next_run_at"] is not None and body["last_success_at"] is None
    source_id = body["id"]

    listed = client.get("/api/v1/sources", headers=service.auth("admin")).json()["sources"]
    assert [s["name"] for s in listed] == ["Loker demo"]

    paused = client.patch(f"/api/v1/sources/{source_id}", json={"status": "paused"}, headers=auth).json()
    assert (paused["status"], paused["health"], paused["next_run_at"]) == ("paused", "paused", None)
    resumed = client.patch(f"/api/v1/sources/{source_id}", json={"status": "active"}, headers=auth).json()
    assert resumed["status"] == "active" and resumed["next_run_at"] is not None

    assert client.delete(f"/api/v1/sources/{source_id}", headers=auth).status_code == 204
    gone = client.get(f"/api/v1/sources/{source_id}", headers=auth)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("role", ["officer", "educator"])
def test_other_roles_may_not(service: Service, role: str) -> None:
    assert service.client.get("/api/v1/sources", headers=service.auth(role)).status_code == 403
    post = service.client.post(
        "/api/v1/sources", json={"url": "https://t.me/s/x_y_z"}, headers=service.auth(role)
    )
    assert post.status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        pytest.param({"url": "http://10.0.0.7/feed.xml"}, 422, "url_private", id="private"),
        pytest.param({"url": "http://127.0.0.1:8080/s/loker_demo"}, 422, "url_private", id="loopback"),
        pytest.param({"url": "ftp://example.com/feed"}, 422, "url_scheme", id="scheme"),
        pytest.param(
            {"url": "https://example.com/feed", "every": "10s"}, 422, "invalid_data", id="too-often"
        ),
        pytest.param({"url": "https://example.com/", "kind": "html"}, 422, "invalid_data", id="no-selector"),
        pytest.param(
            {"url": "https://example.com/", "selector": "div["}, 422, "invalid_data", id="bad-selector"
        ),
        pytest.param({"url": "https://example.com/", "kind": "gopher"}, 422, "invalid_input", id="kind"),
        pytest.param({"url": "https://example.com/", "extra": 1}, 422, "invalid_input", id="extra-field"),
    ],
)
def test_bad_sources_are_refused(service: Service, body: dict[str, object], status: int, code: str) -> None:
    response = service.client.post("/api/v1/sources", json=body, headers=service.auth("moderator"))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and " / " in error["message"]  # Indonesian / English
    assert service.client.get("/api/v1/sources", headers=service.auth("admin")).json()["sources"] == []


def test_adding_the_same_address_twice_is_a_conflict(service: Service) -> None:
    auth = service.auth("admin")
    assert (
        service.client.post(
            "/api/v1/sources", json={"url": "https://example.com/feed.xml"}, headers=auth
        ).status_code
        == 201
    )
    again = service.client.post("/api/v1/sources", json={"url": "https://example.com/feed.xml"}, headers=auth)
    assert again.status_code == 409 and again.json()["error"]["code"] == "source_exists"


def test_the_apps_poller_queues_new_posts(make_service: Callable[..., Service]) -> None:
    channel = Channel("loker_demo")
    for text in SAMPLE_POSTS[:4]:
        channel.add(text)
    service = make_service(
        fetch_handler=channel_site(channel), audit_sample_rate=0, source_host_rate_per_minute=0
    )
    auth = service.auth("moderator")
    source_id = service.client.post(
        "/api/v1/sources", json={"url": "https://t.me/s/loker_demo", "every": "1m"}, headers=auth
    ).json()["id"]
    assert service.services.worker.poll_sources() == 4
    service.services.worker.drain()
    queue = service.client.get("/api/v1/queue?platform=telegram", headers=auth).json()
    assert queue["items"], queue
    source = service.client.get(f"/api/v1/sources/{source_id}", headers=auth).json()
    assert (source["health"], source["imported"], source["last_found"]) == ("ok", 4, 4)
    batch = service.client.get(f"/api/v1/batches/{source['batch_id']}", headers=auth).json()
    assert (batch["accepted"], batch["scored"], batch["status"]) == (4, 4, "done")


@pytest.mark.slow
def test_the_in_app_worker_polls_on_its_own(make_service: Callable[..., Service]) -> None:
    import time

    channel = Channel("loker_demo")
    for text in SAMPLE_POSTS[:3]:
        channel.add(text)
    service = make_service(
        fetch_handler=channel_site(channel), source_poll_seconds=0.2, source_host_rate_per_minute=0,
        worker_poll_seconds=0.1,
    )  # fmt: skip
    auth = service.auth("moderator")
    with service.client:  # runs the lifespan: the worker's threads start, and stop at the end
        source_id = service.client.post(
            "/api/v1/sources", json={"url": "https://t.me/s/loker_demo", "every": "1m"}, headers=auth
        ).json()["id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            source = service.client.get(f"/api/v1/sources/{source_id}", headers=auth).json()
            batch_id = source["batch_id"]
            if (
                batch_id
                and service.client.get(f"/api/v1/batches/{batch_id}", headers=auth).json()["status"] == "done"
            ):
                break
            time.sleep(0.1)  # the worker runs in its own threads: nothing to wait on but its results
        else:
            raise AssertionError(f"the worker did not poll and score: {source}")
    assert source["imported"] == 3 and source["health"] == "ok"
