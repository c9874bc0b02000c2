"""Privacy by design (UU PDP) on SQLite and PostgreSQL (skipped when unreachable): retention (and a run
stopped halfway), erasure through the API and the CLI, the tamper-evident audit chain, the access
log and redacted exports."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from queue_testing import LEGIT, OTHER_RISKY, jsonl, pg_schema_url, repost
from service_testing import Service
from sqlalchemy import select, text

from screener.cli import main as cli_main
from service.privacy import run_retention
from service.store.chain import verify_chain
from service.store.models import AccessEntry, Ad, AdAssessment, AdContact, AuditEntry, QueueItem, utcnow

PHONE = "+855 12 345 100"  # repost(0)'s number
E164 = "+85512345100"


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
def svc(db_url: str | None, make_service: Callable[..., Service]) -> Service:
    overrides: dict[str, Any] = {"worker_enabled": False, "rate_limit_per_minute": 0, "audit_sample_rate": 0.0,
                                 "privacy_key": "k" * 40}  # fmt: skip
    if db_url is not None:
        overrides["database_url"] = db_url
    return make_service(**overrides)


def _submit(svc: Service, rows: list[dict[str, Any]]) -> None:
    headers = {**svc.auth("moderator"), "content-type": "application/x-ndjson"}
    assert svc.client.post("/api/v1/batches", content=jsonl(rows), headers=headers).status_code == 202
    svc.services.worker.drain()


def _decide_one(svc: Service) -> None:
    """Claim both items, decide the repost campaign's and give the other back (it stays undecided)."""
    claimed = svc.client.post("/api/v1/queue/claim", json={"limit": 2}, headers=svc.auth("moderator"))
    items = claimed.json()["items"]
    assert len(items) == 2
    [item] = [i for i in items if "Kamboja" in i["ad"]["text"]]
    body = {"verdict": "scam", "indicators": ["dest_scam_hub"], "note": f"nomor {PHONE} sama"}
    response = svc.client.post(
        f"/api/v1/items/{item['id']}/decision", json=body, headers=svc.auth("moderator")
    )
    assert response.status_code == 200, response.text
    assert svc.client.post("/api/v1/queue/release", json={}, headers=svc.auth("moderator")).status_code == 200


@pytest.fixture
def stocked(svc: Service) -> Service:
    """Three reposts (one campaign, decided), another risky ad (queued, undecided), a legit ad (never queued)."""
    _submit(
        svc, [{"text": repost(i)} for i in range(3)] + [{"text": OTHER_RISKY.format(n=7)}, {"text": LEGIT}]
    )
    _decide_one(svc)
    return svc


def _ads(svc: Service) -> dict[int, Ad]:
    with svc.services.sessions() as session:
        return {a.id: a for a in session.scalars(select(Ad))}


def _undecided_ad_ids(svc: Service) -> set[int]:
    with svc.services.sessions() as session:
        clusters = set(session.scalars(select(QueueItem.cluster_id).where(QueueItem.status != "decided")))
        return {a.id for a in session.scalars(select(Ad).where(Ad.cluster_id.in_(clusters)))}


def _assert_whole_or_retired(svc: Service) -> None:
    """Every ad is either untouched (raw text, clear contacts) or fully retired."""
    with svc.services.sessions() as session:
        for ad in session.scalars(select(Ad)):
            values = list(session.scalars(select(AdContact.value).where(AdContact.ad_id == ad.id)))
            assessed = session.scalar(select(AdAssessment).where(AdAssessment.ad_id == ad.id))
            assert assessed is not None
            stored = json.dumps(assessed.assessment)
            if ad.redacted_at is None:
                assert all(not v.startswith("h:") for v in values)
            else:
                assert all(v.startswith("h:") for v in values), values
                assert "345" not in ad.text and "@kerjacepat" not in ad.text
                assert "+8551234" not in stored and all(v.startswith("h:") for v in assessed.slots["phones"])
                for indicator in assessed.assessment["indicators"]:  # highlights still land on the words
                    for ev in indicator["evidence"]:
                        assert ad.text[ev["start"] : ev["end"]] == ev["text"]


def test_retention_retires_decided_ads_and_keeps_undecided_ones(stocked: Service) -> None:
    svc = stocked
    before = _ads(svc)
    undecided = _undecided_ad_ids(svc)
    assert undecided and len(before) == 5
    assert run_retention(svc.services.sessions, svc.services.settings).ads == 0  # nothing is old yet
    result = run_retention(svc.services.sessions, svc.services.settings, now=utcnow() + timedelta(days=181))
    assert result.ads == len(before) - len(undecided)  # the decided campaign and the never-queued ad
    after = _ads(svc)
    for ad_id, ad in after.items():
        if ad_id in undecided:
            assert ad.text == before[ad_id].text and ad.redacted_at is None
        else:
            assert ad.redaction == "retention" and ("[WHATSAPP]" in ad.text or ad.text == LEGIT)
    _assert_whole_or_retired(svc)
    with svc.services.sessions() as session:  # verdicts and features stay
        verdicts = set(session.scalars(select(QueueItem.final_verdict).where(QueueItem.status == "decided")))
        assert verdicts == {"scam"}
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "retention")) is not None
    # The campaign is still found by its (now hashed) number.
    report = svc.client.get(f"/api/v1/contacts/{PHONE}", headers=svc.auth("officer")).json()
    assert report["ads_total"] == 1 and "345" not in report["ads"][0]["text"]
    # A second run has nothing left to do.
    assert (
        run_retention(svc.services.sessions, svc.services.settings, now=utcnow() + timedelta(days=181)).ads
        == 0
    )


def test_a_retention_run_stopped_halfway_resumes_and_never_half_redacts(stocked: Service) -> None:
    svc = stocked
    later = utcnow() + timedelta(days=200)
    done: list[int] = []

    def crash_after_two(ad_id: int) -> None:
        done.append(ad_id)
        if len(done) == 2:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        run_retention(svc.services.sessions, svc.services.settings, now=later, on_ad=crash_after_two)
    retired = {i for i, a in _ads(svc).items() if a.redacted_at is not None}
    assert retired == set(done)
    _assert_whole_or_retired(svc)
    result = run_retention(svc.services.sessions, svc.services.settings, now=later)
    assert result.ads == 5 - len(_undecided_ad_ids(svc)) - 2
    _assert_whole_or_retired(svc)


def _snapshot(svc: Service) -> str:
    with svc.services.engine.connect() as connection:
        parts = [
            connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
            for table in ("ads", "contacts", "assessments", "checks", "decisions", "audit_log")
        ]
    return repr(parts)


def test_erasing_a_contact_removes_it_everywhere_and_audits_without_the_value(stocked: Service) -> None:
    svc = stocked
    saved = svc.client.post(
        "/api/v1/score", json={"text": repost(0), "save": True}, headers=svc.auth("officer")
    ).json()["check_id"]
    assert svc.client.delete(f"/api/v1/contacts/{PHONE}", headers=svc.auth("moderator")).status_code == 403
    untouched = _snapshot(svc)
    missing = svc.client.delete("/api/v1/contacts/+855 99 999 999", headers=svc.auth("admin"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert _snapshot(svc) == untouched  # nothing touched
    erased = svc.client.delete(f"/api/v1/contacts/{PHONE}", headers=svc.auth("admin"))
    assert erased.status_code == 200, erased.text
    counts = erased.json()
    assert (
        counts["ads"] == 1 and counts["contact_rows"] >= 1 and counts["checks"] == 1 and counts["notes"] == 1
    )
    with svc.services.sessions() as session:
        assert not list(session.scalars(select(AdContact).where(AdContact.value == E164)))
        texts = " ".join(session.scalars(select(Ad.text)))
        assert "345 100" not in texts
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "erasure"))
        assert entry is not None and entry.key_id == svc.key_ids["admin"]
        assert "345" not in json.dumps(entry.after) and "855" not in json.dumps(entry.after)
    check = svc.client.get(f"/api/v1/checks/{saved}", headers=svc.auth("officer")).json()
    assert "345 100" not in check["text"]
    report = svc.client.get(f"/api/v1/contacts/{PHONE}", headers=svc.auth("officer")).json()
    assert report["ads_total"] == 0
    export = svc.client.get("/api/v1/export/decisions?redacted=false&purpose=training%20run",
                            headers=svc.auth("admin")).text  # fmt: skip
    assert "345 100" not in export
    again = svc.client.delete(f"/api/v1/contacts/{PHONE}", headers=svc.auth("admin"))
    assert again.status_code == 404  # it is gone


def test_the_cli_erases_and_says_clearly_when_there_is_nothing(
    stocked: Service, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    svc = stocked
    monkeypatch.setenv("SCREENER_DATABASE_URL", svc.services.settings.resolved_database_url)
    monkeypatch.setenv("SCREENER_PRIVACY_KEY", svc.services.settings.privacy_key)
    untouched = _snapshot(svc)
    assert cli_main(["privacy", "erase", "--contact", "@nobody_here"]) == 2
    assert "tidak ada" in capsys.readouterr().err and _snapshot(svc) == untouched
    assert cli_main(["privacy", "erase", "--ad", "999999"]) == 2
    assert cli_main(["privacy", "erase", "--contact", "@kerjacepat7"]) == 0
    assert "ads=1" in capsys.readouterr().out
    ad_id = min(_ads(svc))
    assert cli_main(["privacy", "erase", "--ad", str(ad_id)]) == 0
    assert _ads(svc)[ad_id].redaction == "erasure"
    assert cli_main(["privacy", "retention"]) == 0 and "due: ads=0" in capsys.readouterr().out
    assert cli_main(["audit", "verify"]) == 0 and "chain intact" in capsys.readouterr().out


def test_the_audit_chain_names_the_first_tampered_row(
    stocked: Service, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    svc = stocked
    with svc.services.sessions() as session:
        count, head, broken = verify_chain(session)
        ids = list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    assert broken is None and count == len(ids) >= 2 and len(head) == 64
    victim = ids[1]
    with svc.services.engine.begin() as connection:  # someone edits a decision's trail by hand
        connection.execute(text("UPDATE audit_log SET action = 'release' WHERE id = :id"), {"id": victim})
    with svc.services.sessions() as session:
        _, _, broken = verify_chain(session)
    assert broken is not None and broken.row_id == victim and "changed" in broken.reason
    monkeypatch.setenv("SCREENER_DATABASE_URL", svc.services.settings.resolved_database_url)
    assert cli_main(["audit", "verify"]) == 1
    assert f"row {victim}" in capsys.readouterr().out
    with svc.services.engine.begin() as connection:  # ... then deletes the row to hide it
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": victim})
    with svc.services.sessions() as session:
        _, _, broken = verify_chain(session)
    assert broken is not None and broken.row_id == ids[2] and "removed" in broken.reason


def test_reads_of_personal_data_are_logged_and_paged_by_admins(stocked: Service) -> None:
    svc = stocked
    items = svc.client.get("/api/v1/queue", headers=svc.auth("moderator")).json()["items"]
    item_id = items[0]["id"]
    headers = {**svc.auth("moderator"), "X-Purpose": "second look at campaign"}
    assert svc.client.get(f"/api/v1/items/{item_id}", headers=headers).status_code == 200
    assert svc.client.get(f"/api/v1/contacts/{PHONE}", headers=svc.auth("officer")).status_code == 200
    assert svc.client.get("/api/v1/audit", headers=svc.auth("moderator")).status_code == 403
    page = svc.client.get("/api/v1/audit", params={"limit": 1}, headers=svc.auth("admin")).json()
    [contact_read] = page["items"]
    assert contact_read["action"] == "read_contact" and contact_read["role"] == "officer"
    assert contact_read["purpose"] == "contact lookup" and contact_read["object_id"].startswith("h:")
    assert "345" not in contact_read["object_id"]
    following = svc.client.get(
        "/api/v1/audit", params={"limit": 1, "before": page["next_cursor"]}, headers=svc.auth("admin")
    ).json()
    [item_read] = following["items"]
    assert item_read["action"] == "read_item" and item_read["object_id"] == str(item_id)
    assert item_read["purpose"] == "second look at campaign" and item_read["role"] == "moderator"
    changes = svc.client.get("/api/v1/audit", params={"log": "changes"}, headers=svc.auth("admin")).json()
    assert (
        changes["items"][0]["row_hash"]
        and changes["items"][0]["prev_hash"] == changes["items"][1]["row_hash"]
    )


def test_exports_are_redacted_unless_an_admin_states_a_purpose(stocked: Service) -> None:
    svc = stocked
    redacted = svc.client.get("/api/v1/export/decisions", headers=svc.auth("educator"))
    assert redacted.status_code == 200
    rows = [json.loads(line) for line in redacted.text.splitlines()]
    assert rows and all("345" not in r["text"] and "[WHATSAPP]" in r["text"] for r in rows)
    refused = svc.client.get("/api/v1/export/decisions?redacted=false", headers=svc.auth("educator"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "unredacted_export_forbidden"
    no_purpose = svc.client.get("/api/v1/export/decisions?redacted=false", headers=svc.auth("admin"))
    assert no_purpose.status_code == 422 and no_purpose.json()["error"]["code"] == "purpose_required"
    raw = svc.client.get(
        "/api/v1/export/decisions", params={"redacted": "false", "purpose": "retrain model v0.4"},
        headers=svc.auth("admin"),
    )  # fmt: skip
    assert raw.status_code == 200 and "345 100" in raw.text
    with svc.services.sessions() as session:
        entry = session.scalar(select(AccessEntry).where(AccessEntry.action == "export_unredacted"))
        assert entry is not None and entry.purpose == "retrain model v0.4" and entry.role == "admin"
        assert entry.count == len(rows)


def test_one_ad_that_cannot_be_retired_does_not_stall_the_job(stocked: Service) -> None:
    svc = stocked
    undecided = _undecided_ad_ids(svc)
    poison = min(set(_ads(svc)) - undecided)
    with svc.services.sessions.begin() as session:  # a damaged row: its slots are not an object
        assessed = session.scalar(select(AdAssessment).where(AdAssessment.ad_id == poison))
        assert assessed is not None
        assessed.slots = ["not", "an", "object"]  # type: ignore[assignment]
    result = run_retention(svc.services.sessions, svc.services.settings, now=utcnow() + timedelta(days=181))
    assert result.failed == 1 and result.ads == 5 - len(undecided) - 1
    assert _ads(svc)[poison].redacted_at is None and "345" in _ads(svc)[poison].text  # left whole


def test_the_worker_runs_retention_when_it_is_due(svc: Service) -> None:
    from service.privacy import RetentionSchedule

    [schedule] = [s for s in svc.services.worker.schedules if isinstance(s, RetentionSchedule)]
    assert schedule.enabled and schedule.interval == 24 * 3600
    assert schedule.check() is False  # not in the first minute
    runs: list[int] = []
    schedule.run = lambda: runs.append(1)
    schedule._next = 0.0
    assert schedule.check() is True and runs == [1]
    assert schedule.check() is False  # the next run is a day away


def test_erasure_finds_a_number_the_extractor_does_not_consider_valid(svc: Service) -> None:
    _submit(svc, [{"text": "Kerja di Dubai gaji 30 juta, telp +62 804 1234 5678 (Bu Rina)"}, {"text": LEGIT}])
    with svc.services.sessions() as session:
        assert not list(session.scalars(select(AdContact.value).where(AdContact.value.contains("5678"))))
    erased = svc.client.delete("/api/v1/contacts/0804-1234-5678", headers=svc.auth("admin"))
    assert erased.status_code == 200 and erased.json()["ads"] == 1, erased.text
    texts = [a.text for a in _ads(svc).values()]
    assert LEGIT in texts and not any("5678" in t or "Rina" in t for t in texts)


def test_erasing_a_name_masks_it_even_without_a_marker_and_after_retention(svc: Service) -> None:
    ad = LEGIT + " Tanya langsung Budi Santoso di kantor."
    _submit(svc, [{"text": ad}])
    result = run_retention(svc.services.sessions, svc.services.settings, now=utcnow() + timedelta(days=181))
    assert result.ads == 1 and "Budi Santoso" in next(iter(_ads(svc).values())).text  # no marker: kept
    erased = svc.client.delete("/api/v1/contacts/budi santoso", headers=svc.auth("admin"))
    assert erased.status_code == 200 and erased.json()["ads_retired"] == 1, erased.text
    [stored] = _ads(svc).values()
    assert "Budi" not in stored.text and "[DIHAPUS]" in stored.text and stored.redaction == "erasure"
    _assert_whole_or_retired(svc)
    assert svc.client.delete("/api/v1/contacts/budi santoso", headers=svc.auth("admin")).status_code == 404
