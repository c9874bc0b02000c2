"""The review desk's rules, quickly (issue 12; the whole flow is in test_review_desk_flow.py): queue
order and reasons, the audit sample, ``unsure``, indicators of agreeing reviewers, already-decided,
names, bulk release and its own rate limit, filters in either language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from queue_testing import LEGIT, OTHER_RISKY, jsonl, repost
from service_testing import Service
from test_queue import build, claim, db_url, decide, drain, submit  # noqa: F401 - fixtures

from service.store.campaigns import audit_sampled, queue_priority
from service.store.lookup import indicator_ids, places_named


@pytest.mark.parametrize(
    ("risk", "members", "higher_than"),
    [
        pytest.param(0.2, 1, (0.45, 1), id="at-the-threshold-beats-a-bit-riskier-but-certain"),
        pytest.param(0.9, 1, (0.6, 1), id="riskier-first-far-from-the-threshold"),
        pytest.param(0.9, 64, (0.9, 1), id="a-bigger-campaign-first-at-equal-risk"),
    ],
)
def test_queue_priority(risk: float, members: int, higher_than: tuple[float, int]) -> None:
    other_risk, other_members = higher_than
    assert queue_priority(risk=risk, threshold=0.2, members=members) > queue_priority(
        risk=other_risk, threshold=0.2, members=other_members
    )


def test_the_audit_sample_is_reproducible_and_follows_its_rate() -> None:
    texts = [f"iklan {i}" for i in range(2000)]
    share = sum(audit_sampled(t, 0.05) for t in texts) / len(texts)
    assert 0.03 < share < 0.07
    assert [audit_sampled(t, 0.05) for t in texts] == [audit_sampled(t, 0.05) for t in texts]
    assert not any(audit_sampled(t, 0.0) for t in texts) and all(audit_sampled(t, 1.0) for t in texts)


@pytest.mark.parametrize("name", ["Kamboja", "Cambodia", "kh", "kamboja"])
def test_a_place_in_either_language(name: str) -> None:
    assert [p.id for p in places_named(name)] == ["kh"]


def test_an_indicator_by_id_or_name() -> None:
    from screener.catalogue import catalogue

    ind = next(i for i in catalogue() if i.id == "dest_scam_hub")
    assert indicator_ids(ind.name_en) == indicator_ids(ind.name_id) == indicator_ids(ind.id) == {ind.id}


@pytest.fixture
def desk(build: Callable[..., Service]) -> Service:  # noqa: F811 - the fixture imported above
    service = build(audit_sample_rate=1.0, campaign_min_ads=0)
    rows = [{"text": repost(i)} for i in range(3)] + [{"text": OTHER_RISKY}, {"text": LEGIT}]
    assert submit(service, jsonl(rows)).status_code == 202
    drain(service)
    return service


def _queue(service: Service, role: str = "moderator", **params: Any) -> list[dict[str, Any]]:
    response = service.client.get("/api/v1/queue", params=params, headers=service.auth(role))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_reasons_order_and_filters(desk: Service) -> None:
    items = _queue(desk)
    assert [i["reason"] for i in items] == ["threshold", "threshold", "audit"]
    assert [i["priority"] for i in items] == sorted((i["priority"] for i in items), reverse=True)
    assert [i["reason"] for i in _queue(desk, reason="audit")] == ["audit"]
    assert _queue(desk, status="decided") == []
    first = claim(desk)[0]
    assert (
        decide(desk, first["id"], "tppo", indicators=["dest_scam_hub"]).json()["status"]
        == "needs_second_review"
    )
    listed = _queue(desk, role="moderator2")
    assert (listed[0]["id"], listed[0]["reason"]) == (first["id"], "second_review")  # second reviews first
    assert claim(desk, role="moderator2")[0]["id"] == first["id"]


def test_unsure_requeues_then_escalates(desk: Service) -> None:
    item = claim(desk)[0]
    assert decide(desk, item["id"], "unsure").json()["status"] == "open"
    assert item["id"] not in {i["id"] for i in claim(desk, limit=10)}  # not back to who was unsure
    again = next(i for i in claim(desk, role="moderator2", limit=10) if i["id"] == item["id"])
    assert decide(desk, again["id"], "unsure", role="moderator2").json()["status"] == "adjudication"


def test_agreeing_reviewers_indicators_are_united_and_a_decided_item_says_by_whom(desk: Service) -> None:
    item = claim(desk)[0]
    decide(desk, item["id"], "tppo", indicators=["dest_scam_hub", "salary_unrealistic"])
    claim(desk, role="moderator2")
    assert decide(desk, item["id"], "tppo", role="moderator2").json()["status"] == "decided"
    detail = desk.client.get(f"/api/v1/items/{item['id']}", headers=desk.auth("admin")).json()
    assert detail["final_indicators"] == ["dest_scam_hub", "salary_unrealistic"]
    reviewers = [d["reviewer"] for d in detail["decisions"]]
    assert reviewers[1] == "second" and not reviewers[0].startswith("#")  # names, not "peninjau #2"
    late = decide(desk, item["id"], "legit")
    assert late.status_code == 409 and late.json()["error"]["code"] == "already_decided"
    assert "second" in late.json()["error"]["message_en"] and "UTC" in late.json()["error"]["message_en"]
    stats = desk.client.get("/api/v1/stats", headers=desk.auth("admin")).json()
    assert "second" in {r["name"] for r in stats["reviewers"]}


def test_bulk_release_and_its_own_rate_limit(make_service: Callable[..., Service]) -> None:
    service = make_service(
        worker_enabled=False, audit_sample_rate=1.0, campaign_min_ads=0, rate_limit_per_minute=3
    )
    rows = [{"text": repost(0)}, {"text": OTHER_RISKY}, {"text": LEGIT}]
    assert submit(service, jsonl(rows)).status_code == 202
    drain(service)
    held = [i["id"] for i in claim(service, limit=3)]
    for _ in range(5):  # more listings than the scoring limit allows: bookkeeping has its own bucket
        _queue(service)
    release = service.client.post(
        "/api/v1/queue/release", json={"ids": held[:1]}, headers=service.auth("moderator")
    )
    assert release.json() == {"released": held[:1]}
    release = service.client.post("/api/v1/queue/release", json={}, headers=service.auth("moderator"))
    assert release.json() == {"released": sorted(held[1:])}


def test_the_queue_filters_a_place_in_either_language(desk: Service) -> None:
    assert len(_queue(desk, place="Cambodia")) == len(_queue(desk, place="Kamboja")) >= 1
