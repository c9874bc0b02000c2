"""The review queue through its HTTP API, on SQLite and on PostgreSQL (skipped when unreachable):
batches (formats, malformed rows, limits), campaigns, claims and leases, decisions, contacts, export."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from queue_testing import LEGIT, OTHER_RISKY, jsonl, pg_schema_url, repost
from service_testing import Clock, Service
from sqlalchemy import func, select

from service.store.models import AuditEntry


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    with pg_schema_url() as url:
        if url is None:
            pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
        yield url


@pytest.fixture
def build(db_url: str | None, make_service: Callable[..., Service]) -> Callable[..., Service]:
    def make(**overrides: Any) -> Service:
        if db_url is not None:
            overrides.setdefault("database_url", db_url)
        service = make_service(worker_enabled=False, rate_limit_per_minute=0, **overrides)
        service.key_ids["moderator2"], service.keys["moderator2"] = service.add_key("moderator", "second")
        return service

    return make


@pytest.fixture
def svc(build: Callable[..., Service]) -> Service:
    return build()


def submit(
    service: Service, body: bytes, content_type: str = "application/x-ndjson", role: str = "moderator"
) -> Any:
    headers = {**service.auth(role), "content-type": content_type}
    return service.client.post("/api/v1/batches", content=body, headers=headers)


def drain(service: Service) -> int:
    return service.services.worker.drain()


def batch(service: Service, batch_id: int) -> dict[str, Any]:
    response = service.client.get(f"/api/v1/batches/{batch_id}", headers=service.auth("moderator"))
    assert response.status_code == 200, response.text
    return response.json()


def claim(service: Service, role: str = "moderator", limit: int = 1) -> list[dict[str, Any]]:
    response = service.client.post("/api/v1/queue/claim", json={"limit": limit}, headers=service.auth(role))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def decide(service: Service, item_id: int, verdict: str, role: str = "moderator", **extra: Any) -> Any:
    body = {"verdict": verdict, "indicators": extra.get("indicators", []), "note": extra.get("note")}
    return service.client.post(f"/api/v1/items/{item_id}/decision", json=body, headers=service.auth(role))


def test_malformed_row_in_the_middle_is_reported_and_the_rest_scored(svc: Service) -> None:
    rows = [{"text": repost(i), "id": f"a{i}"} for i in range(5)]
    body = jsonl(rows[:2]) + b'{"text": "broken\n' + jsonl([{"id": "no text"}]) + jsonl(rows[2:])
    response = submit(svc, body)
    assert response.status_code == 202, response.text
    created = response.json()
    assert created["status"] == "queued" and created["accepted"] == 5 and created["rejected"] == 2
    queued = batch(svc, created["id"])
    assert [e["row"] for e in queued["errors"]] == [3, 4]
    assert queued["scored"] == 0 and queued["progress"] == 0
    assert drain(svc) == 5
    done = batch(svc, created["id"])
    assert done["status"] == "done" and done["scored"] == 5 and done["progress"] == 1.0


CSV = 'id,text,platform\nc1,"' + repost(1) + '",facebook\nc2,,facebook\nc3,"' + LEGIT + '",whatsapp\n'


@pytest.mark.parametrize(
    ("content_type", "body", "accepted", "rejected"),
    [
        pytest.param("text/csv", CSV.encode(), 2, 1, id="csv"),
        pytest.param(
            "application/json",
            json.dumps([{"text": repost(1)}, 7, {"text": LEGIT, "url": "https://x.id/1"}]).encode(),
            2,
            1,
            id="json-array",
        ),
        pytest.param("application/jsonl", jsonl([{"text": LEGIT}]), 1, 0, id="jsonl"),
    ],
)
def test_formats(svc: Service, content_type: str, body: bytes, accepted: int, rejected: int) -> None:
    response = submit(svc, body, content_type)
    assert response.status_code == 202, response.text
    assert (response.json()["accepted"], response.json()["rejected"]) == (accepted, rejected)


def test_multipart_upload(svc: Service) -> None:
    files = {
        "file": ("ads.jsonl", jsonl([{"text": repost(i)} for i in range(3)]), "application/octet-stream")
    }
    response = svc.client.post("/api/v1/batches", files=files, headers=svc.auth("moderator"))
    assert response.status_code == 202, response.text
    assert response.json()["accepted"] == 3
    assert batch(svc, response.json()["id"])["filename"] == "ads.jsonl"


def test_limits_and_media_types(build: Callable[..., Service]) -> None:
    service = build(max_batch_bytes=2000, max_batch_ads=3)
    assert submit(service, jsonl([{"text": LEGIT}] * 20)).status_code == 413  # bytes
    response = submit(service, jsonl([{"text": "lowongan kerja " + str(i)} for i in range(5)]))
    assert response.status_code == 413  # ads
    assert submit(service, b"<xml/>", "application/xml").status_code == 415
    assert submit(service, b'{"text": "not an array"}', "application/json").status_code == 422
    assert drain(service) == 0  # nothing from the refused batches is scored


def test_reposts_become_one_campaign_seen_in_two_batches(svc: Service) -> None:
    first = submit(svc, jsonl([{"text": repost(i)} for i in range(6)] + [{"text": LEGIT}])).json()
    second = submit(
        svc, jsonl([{"text": repost(i)} for i in range(6, 10)] + [{"text": OTHER_RISKY.format(n=1)}])
    )
    assert second.status_code == 202
    drain(svc)
    assert batch(svc, first["id"])["status"] == "done"
    listing = svc.client.get("/api/v1/queue", headers=svc.auth("moderator")).json()
    sizes = sorted(item["cluster_size"] for item in listing["items"])
    assert sizes == [1, 10], listing
    [item] = [i for i in claim(svc, limit=2) if i["cluster"]["size"] == 10]
    assert item["ad"]["text"] and item["assessment"]["tier"] in ("sedang", "tinggi")
    cluster = item["cluster"]
    assert cluster["batches_seen"] == 2
    assert len(cluster["varying"]["phones"]) == 10
    assert {c["kind"] for c in item["contacts"]} >= {"whatsapp"}


def test_filters(svc: Service) -> None:
    submit(
        svc,
        jsonl(
            [
                {"text": repost(1), "platform": "facebook"},
                {"text": OTHER_RISKY.format(n=2), "platform": "telegram"},
            ]
        ),
    )
    drain(svc)
    headers = svc.auth("moderator")

    def total(**params: Any) -> int:
        return svc.client.get("/api/v1/queue", params=params, headers=headers).json()["total"]

    assert total() == 2
    assert total(platform="telegram") == 1
    assert total(place="kamboja") == 1
    assert total(indicator="dest_scam_hub") >= 1
    assert total(indicator="no_such_indicator") == 0
    assert total(batch=1) == 2 and total(batch=2) == 0


def test_claims_are_exclusive_and_leases_expire(build: Callable[..., Service]) -> None:
    clock = Clock()
    service = build(lease_minutes=15, clock=clock)
    submit(service, jsonl([{"text": repost(1)}, {"text": OTHER_RISKY.format(n=3)}]))
    drain(service)
    mine = claim(service, "moderator", limit=5)
    assert len(mine) == 2
    clock.advance(minutes=14)
    assert claim(service, "moderator2", limit=5) == []  # nothing left while the leases run
    clock.advance(minutes=2)
    late = decide(service, mine[0]["id"], "scam")
    assert late.status_code == 409 and late.json()["error"]["code"] == "not_lease_holder"
    theirs = claim(service, "moderator2", limit=5)
    assert sorted(i["id"] for i in theirs) == sorted(i["id"] for i in mine)
    release = service.client.post(
        f"/api/v1/items/{theirs[0]['id']}/release", headers=service.auth("moderator")
    )
    assert release.status_code == 409  # only the holder releases
    release = service.client.post(
        f"/api/v1/items/{theirs[0]['id']}/release", headers=service.auth("moderator2")
    )
    assert release.status_code == 200 and release.json()["status"] == "open"


def test_two_person_rule_and_adjudication(svc: Service) -> None:
    submit(svc, jsonl([{"text": repost(i)} for i in range(3)] + [{"text": OTHER_RISKY.format(n=4)}]))
    drain(svc)
    a, b = claim(svc, "moderator", limit=2)
    assert decide(svc, a["id"], "tppo", role="moderator2").status_code == 409  # not the holder
    first = decide(svc, a["id"], "tppo", indicators=["dest_scam_hub"], note="hub")
    assert first.json()["status"] == "needs_second_review"
    assert decide(svc, b["id"], "tppo").json()["status"] == "needs_second_review"
    assert claim(svc, "moderator", limit=5) == []  # never your own second review
    second = {i["id"]: i for i in claim(svc, "moderator2", limit=5)}
    assert set(second) == {a["id"], b["id"]}
    agreed = decide(
        svc, a["id"], "tppo", role="moderator2", indicators=["dest_scam_hub", "salary_unrealistic"]
    )
    assert agreed.json() == {"id": a["id"], "status": "decided", "final_verdict": "tppo"}
    assert decide(svc, b["id"], "legit", role="moderator2").json()["status"] == "adjudication"
    pending = svc.client.get("/api/v1/adjudication", headers=svc.auth("admin")).json()
    assert [i["id"] for i in pending["items"]] == [b["id"]]
    settled = svc.client.post(
        f"/api/v1/items/{b['id']}/adjudicate",
        json={"verdict": "tppo", "indicators": []},
        headers=svc.auth("admin"),
    )
    assert settled.json()["status"] == "decided"
    again = svc.client.post(
        f"/api/v1/items/{b['id']}/adjudicate",
        json={"verdict": "tppo", "indicators": []},
        headers=svc.auth("admin"),
    )
    assert again.status_code == 409
    stats = svc.client.get("/api/v1/stats", headers=svc.auth("moderator")).json()
    assert stats["agreement"] == {"paired": 2, "agreed": 1, "rate": 0.5}
    by_indicator = {row["indicator"]: row for row in stats["indicators"]}
    assert by_indicator["dest_scam_hub"]["agreement"] == 1.0
    assert by_indicator["salary_unrealistic"]["agreement"] == 0.0
    with svc.services.sessions() as session:
        applied = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "cluster_decision_applied")
        ).all()
        assert {e.after["member_ads"] for e in applied} == {3, 1}
        assert (
            session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "decision")
            )
            == 4
        )


def test_plain_verdict_needs_one_review_and_rule_can_be_off(build: Callable[..., Service]) -> None:
    service = build(two_person_rule=False)
    submit(service, jsonl([{"text": repost(1)}]))
    drain(service)
    [item] = claim(service)
    assert decide(service, item["id"], "tppo").json()["status"] == "decided"
    bad = decide(service, item["id"], "tppo")
    assert bad.status_code == 409
    unknown = service.client.post(
        "/api/v1/items/1/decision",
        json={"verdict": "maybe", "indicators": []},
        headers=service.auth("moderator"),
    )
    assert unknown.status_code == 422


def test_contacts_and_export(svc: Service) -> None:
    submit(
        svc, jsonl([{"text": repost(i), "platform": "whatsapp"} for i in range(3)] + [{"text": repost(0)}])
    )
    drain(svc)
    # Formatted differently from the ads ("+855 12 345 100"): normalised like the extractor does.
    report = svc.client.get("/api/v1/contacts/+855-12-345-100", headers=svc.auth("officer")).json()
    assert "+85512345100" in report["values"]
    assert report["ads_total"] == 2 and len(report["clusters"]) == 1
    [item] = claim(svc)
    decide(svc, item["id"], "scam", indicators=["dest_scam_hub"])
    report = svc.client.get("/api/v1/contacts/+85512345100", headers=svc.auth("officer")).json()
    assert report["decisions"][0]["verdict"] == "scam"
    export = svc.client.get("/api/v1/export/decisions", headers=svc.auth("admin"))
    assert export.status_code == 200 and export.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in export.text.splitlines()]
    assert len(rows) == 4  # the decision applies to every member of the campaign
    assert {r["category"] for r in rows} == {"scam"} and {r["label"] for r in rows} == {1}
    assert set(rows[0]) == {"id", "text", "label", "category", "indicators", "language", "platform", "group"}


def test_exported_decisions_load_as_a_corpus(svc: Service, tmp_path: Any) -> None:
    from screener.datasets import load_corpus

    submit(svc, jsonl([{"text": repost(i)} for i in range(2)] + [{"text": OTHER_RISKY.format(n=9)}]))
    drain(svc)
    for item in claim(svc, limit=5):
        decide(svc, item["id"], "scam")
    out = tmp_path / "decisions.jsonl"
    out.write_bytes(svc.client.get("/api/v1/export/decisions", headers=svc.auth("admin")).content)
    dataset = load_corpus(out)
    assert len(dataset) == 3


def test_model_reload_swaps_the_screener(svc: Service) -> None:
    old = svc.services.screener
    response = svc.client.post("/api/v1/model/reload", headers=svc.auth("admin"))
    assert response.status_code == 200 and response.json()["version"] == old.version
    assert svc.services.screener is not old


def test_a_non_offer_verdict_exports_with_label_0(svc: Service, tmp_path: Any) -> None:
    from screener.datasets import load_corpus

    submit(svc, jsonl([{"text": repost(1)}]))
    drain(svc)
    [item] = claim(svc)
    assert item["tier"] == "tinggi"  # calling a `tinggi` ad safe needs a second reviewer
    assert decide(svc, item["id"], "non_offer").json()["status"] == "needs_second_review"
    [again] = claim(svc, role="moderator2")
    assert decide(svc, again["id"], "non_offer", role="moderator2").json()["status"] == "decided"
    out = tmp_path / "decisions.jsonl"
    out.write_bytes(svc.client.get("/api/v1/export/decisions", headers=svc.auth("admin")).content)
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert (row["category"], row["label"]) == ("non_offer", 0)
    assert len(load_corpus(out)) == 1


NOT_OFFERS = [
    "Dijual cepat motor matic 2020 warna putih, pajak hidup, surat lengkap, harga 12 juta nego. Minat WA 0813 2200 4411",
    "Halo Kak, mohon maaf atas ketidaknyamanannya. Silakan kirim nomor pesanan lewat DM supaya kami bantu cek ya.",
]


def test_the_queue_says_and_filters_whether_an_ad_is_a_job_offer(build: Callable[..., Service]) -> None:
    service = build(review_threshold=0.0)  # queue everything, so both scopes are there
    offer = OTHER_RISKY.format(n=7)
    rows = [{"text": offer, "id": "offer"}] + [{"text": t, "id": f"n{i}"} for i, t in enumerate(NOT_OFFERS)]
    assert submit(service, jsonl(rows)).status_code == 202
    drain(service)
    listed = {}
    for scope in ("offer", "not_offer"):
        response = service.client.get(f"/api/v1/queue?scope={scope}", headers=service.auth("moderator"))
        assert response.status_code == 200, response.text
        listed[scope] = response.json()["items"]
        assert all(item["scope"] == scope for item in listed[scope])
    assert [item["text"] for item in listed["offer"]] == [offer[:280]]
    assert sorted(item["text"] for item in listed["not_offer"]) == sorted(t[:280] for t in NOT_OFFERS)
    everything = service.client.get("/api/v1/queue", headers=service.auth("moderator")).json()["items"]
    assert everything[0]["scope"] == "offer"  # texts that are not offers sink below the offers
    bad = service.client.get("/api/v1/queue?scope=maybe", headers=service.auth("moderator"))
    assert bad.status_code == 422
