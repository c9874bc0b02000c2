"""Issue 12's whole flow on a real `screener serve`: an admin, two moderators and an educator, through
the API and the `screener` client commands, point by point (queue order with reasons, `unsure`
requeues, both reviewers' indicators kept, names shown, bulk release, the bookkeeping rate limit,
`/contoh` counting every confirmed case, filters in both languages, place counts per ad,
`/api/v1/examples` redacted, and one clean line when the server is gone)."""

from __future__ import annotations

import html
import itertools
import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from live_server import LiveServer, LiveServers
from service_testing import AD_LEGIT

from screener.catalogue import catalogue

CAMPAIGN = (
    "Dicari admin & CS untuk perusahaan di Kamboja, dekat perbatasan Thailand, gaji 25 juta/bulan, tanpa "
    "pengalaman. Transit Bangkok Thailand, tiket dan paspor diurus agen. Hubungi WA +855 12 345 678"
)
MYANMAR = (
    "Lowongan operator online di Myanmar, gaji 30 juta, tanpa syarat, berangkat cepat, semua biaya "
    "ditanggung, paspor diurus. WA 0812 3456 7890"
)
LAOS = (
    "Kerja di Laos sebagai marketing online, gaji 20 juta per bulan, tidak perlu pengalaman, visa turis "
    "saja, tiket gratis. Hubungi @agen_laos"
)
PHONES = ("+855 12 345 678", "0812 3456 7890", "345 678", "3456 7890")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screener.cli", *args], capture_output=True, text=True, timeout=180
    )


def _by_text(items: list[dict[str, Any]], needle: str) -> dict[str, Any]:
    return next(i for i in items if needle in i["text"] or needle in i.get("ad", {}).get("text", ""))


def test_the_review_desk_as_moderators_and_educators_use_it(
    live_servers: LiveServers, tmp_path: Path
) -> None:
    server: LiveServer = live_servers.start(
        f"sqlite:///{tmp_path}/desk.db",
        env={
            "SCREENER_AUDIT_SAMPLE_RATE": "1.0",  # every low-risk ad is sampled: the legit ad is queued
            "SCREENER_CAMPAIGN_MIN_ADS": "0",
            "SCREENER_RATE_LIMIT_PER_MINUTE": "20",  # the scoring limit; bookkeeping has its own
        },
    )
    base = server.base_url
    api = httpx.Client(base_url=base, timeout=30)
    admin = {"Authorization": f"Bearer {server.admin_key}"}
    keys = {}
    for name, role in (("Rina (BP2MI Batam)", "moderator"), ("Dedi (Polda Kepri)", "moderator"),
                       ("Sekolah Nusantara", "educator")):  # fmt: skip
        created = api.post("/api/v1/keys", json={"name": name, "role": role}, headers=admin)
        assert created.status_code == 201, created.text
        keys[name.split()[0].lower()] = created.json()["key"]
    rina, dedi, educator = keys["rina"], keys["dedi"], keys["sekolah"]
    as_rina = ("--url", base, "--key", rina)
    as_dedi = ("--url", base, "--key", dedi)

    # -- a batch through the client: the file name is stored, a bad row has one prefix --------------
    batch_file = tmp_path / "iklan.jsonl"
    rows = [{"id": f"a-{i}", "text": f"{CAMPAIGN} (ref {i})"} for i in range(3)]
    rows += [{"id": "m", "text": MYANMAR}, {"id": "l", "text": LAOS}, {"id": "ok", "text": AD_LEGIT}]
    lines = [json.dumps(r) for r in rows] + ['{"text": "rusak \x01"}']
    batch_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    submitted = _cli("batch", "submit", str(batch_file), *as_rina)
    assert submitted.returncode == 0, submitted.stderr
    assert "baris / row 7: JSON tidak sah" in submitted.stdout and "row 7: row 7" not in submitted.stdout
    assert "(kolom " in submitted.stdout and "(column " in submitted.stdout
    batch_id = int(re.search(r"batch (\d+):", submitted.stdout).group(1))  # type: ignore[union-attr]
    status = _cli("batch", "status", str(batch_id), *as_rina)
    assert status.returncode == 0 and "(iklan.jsonl)" in status.stdout and "status done" in status.stdout

    # -- 1. order with reasons, filterable ----------------------------------------------------------
    queue = api.get("/api/v1/queue", headers={"Authorization": f"Bearer {rina}"}).json()["items"]
    assert len(queue) == 4  # the campaign (3 reposts), Myanmar, Laos, and the audit-sampled legit ad
    campaign, myanmar, laos, legit = (_by_text(queue, t) for t in ("Kamboja", "Myanmar", "Laos", "Bekasi"))
    assert campaign["cluster_size"] == 3
    assert {campaign["reason"], myanmar["reason"], laos["reason"]} == {"threshold"}
    assert legit["reason"] == "audit" and queue[-1]["id"] == legit["id"]
    audit = api.get("/api/v1/queue?reason=audit", headers={"Authorization": f"Bearer {rina}"}).json()
    assert [i["id"] for i in audit["items"]] == [legit["id"]]

    # -- Rina: two serious verdicts, one unsure, then releases the rest in one call -----------------
    claimed = _cli("queue", "claim", "--limit", "10", *as_rina)
    assert claimed.returncode == 0, claimed.stderr
    assert len(claimed.stdout.splitlines()) == 4
    decide = ("queue", "decide")
    assert _cli(*decide, str(campaign["id"]), "--verdict", "tppo", "--indicator", "dest_scam_hub",
                "--indicator", "salary_unrealistic", *as_rina).returncode == 0  # fmt: skip
    unsure = _cli(*decide, str(myanmar["id"]), "--verdict", "unsure", *as_rina)
    assert json.loads(unsure.stdout)["status"] == "open"  # 2. unsure returns the item to the queue
    assert (
        _cli(
            *decide, str(laos["id"]), "--verdict", "tppo", "--indicator", "dest_scam_hub", *as_rina
        ).returncode
        == 0
    )
    released = _cli("queue", "release", "--all", *as_rina)  # 4. bulk release
    assert released.returncode == 0, released.stderr
    assert json.loads(released.stdout)["released"] == [legit["id"]]
    # Queue bookkeeping does not use up the scoring limit (20 a minute here).
    for _ in range(25):
        assert api.get("/api/v1/queue", headers={"Authorization": f"Bearer {rina}"}).status_code == 200
    # Rina may take the released item again, but not the one she was unsure about: another moderator.
    again = [
        json.loads(line)["id"]
        for line in _cli("queue", "claim", "--limit", "10", *as_rina).stdout.splitlines()
    ]
    assert again == [legit["id"]]
    assert _cli("queue", "release", str(legit["id"]), *as_rina).returncode == 0

    queue = api.get("/api/v1/queue", headers={"Authorization": f"Bearer {dedi}"}).json()["items"]
    assert [i["reason"] for i in queue[:2]] == ["second_review", "second_review"]  # second reviews first
    assert {i["id"] for i in queue[:2]} == {campaign["id"], laos["id"]}

    # -- Dedi: agrees on the campaign without marking, disagrees on Laos, decides the others -------
    claimed = _cli("queue", "claim", "--limit", "10", *as_dedi)
    ids = [json.loads(line)["id"] for line in claimed.stdout.splitlines()]
    assert set(ids[:2]) == {campaign["id"], laos["id"]} and set(ids) == {i["id"] for i in queue}
    agreed = json.loads(_cli(*decide, str(campaign["id"]), "--verdict", "tppo", *as_dedi).stdout)
    assert agreed["status"] == "decided"
    assert (
        json.loads(_cli(*decide, str(laos["id"]), "--verdict", "legit", *as_dedi).stdout)["status"]
        == "adjudication"
    )
    assert _cli(*decide, str(myanmar["id"]), "--verdict", "scam", *as_dedi).returncode == 0
    assert _cli(*decide, str(legit["id"]), "--verdict", "scam", *as_dedi).returncode == 0

    again = _cli(*decide, str(campaign["id"]), "--verdict", "legit", *as_rina)
    assert (
        again.returncode == 2 and "sudah diputuskan" in again.stderr and "Dedi (Polda Kepri)" in again.stderr
    )
    assert "klaim" not in again.stderr and "Traceback" not in again.stderr

    # -- 3. names, and both verdicts side by side for the adjudicator -----------------------------
    adjudication = api.get("/api/v1/adjudication", headers=admin).json()["items"]
    assert [i["id"] for i in adjudication] == [laos["id"]]
    sides = [(d["reviewer"], d["verdict"]) for d in adjudication[0]["decisions"]]
    assert sides == [("Rina (BP2MI Batam)", "tppo"), ("Dedi (Polda Kepri)", "legit")]
    settled = api.post(f"/api/v1/items/{laos['id']}/adjudicate", headers=admin,
                       json={"verdict": "tppo", "indicators": ["dest_scam_hub", "tourist_visa_work"]})  # fmt: skip
    assert settled.json()["status"] == "decided"
    detail = api.get(f"/api/v1/items/{campaign['id']}", headers=admin).json()
    assert [d["reviewer"] for d in detail["decisions"]] == ["Rina (BP2MI Batam)", "Dedi (Polda Kepri)"]
    # 2. indicators kept: the agreeing reviewers' union, in the item and in the exported training rows
    assert detail["final_indicators"] == ["dest_scam_hub", "salary_unrealistic"]
    exported = [
        json.loads(line) for line in api.get("/api/v1/export/decisions", headers=admin).text.splitlines()
    ]
    campaign_rows = [r for r in exported if "Kamboja" in r["text"]]
    assert len(campaign_rows) == 3
    assert all(r["indicators"] == ["dest_scam_hub", "salary_unrealistic"] for r in campaign_rows)
    # 6. places counted once per ad: 3 ads naming Thailand twice each are "Thailand x 3"
    places = {p["value"]: p["count"] for p in detail["cluster"]["varying"]["places"]}
    assert places["Thailand"] == 3
    stats = api.get("/api/v1/stats", headers=admin).json()
    assert {r["name"] for r in stats["reviewers"]} == {"Rina (BP2MI Batam)", "Dedi (Polda Kepri)"}

    # -- 6. educators: every confirmed case, filters in both languages, redacted JSON --------------
    teach = {"Authorization": f"Bearer {educator}"}
    examples = api.get("/api/v1/examples", headers=teach).json()
    assert examples["illustrative"] is False and examples["total"] == 4  # 4 campaigns confirmed risky
    unmarked = [e for e in examples["items"] if not e["flags"]]
    assert len(unmarked) == 1 and "Bekasi" in unmarked[0]["text"]  # confirmed, no red flag marked
    for name in ("Cambodia", "Kamboja", "kh"):
        found = api.get("/api/v1/examples", params={"place": name}, headers=teach).json()
        assert [e["id"] for e in found["items"]] == [f"case-{campaign['id']}"], name
    scam_hub = next(ind for ind in catalogue() if ind.id == "dest_scam_hub")
    totals = {
        q: api.get("/api/v1/examples", params={"indicator": q}, headers=teach).json()["total"]
        for q in (scam_hub.id, scam_hub.name_id, scam_hub.name_en)
    }
    assert set(totals.values()) == {3}, totals
    assert not any(phone in e["text"] for e in examples["items"] for phone in PHONES)
    login = api.get(f"/login?key={educator}", follow_redirects=False)
    assert login.status_code == 303
    page = api.get("/contoh").text
    assert "4 contoh" in page and "Tidak ada tanda bahaya yang ditandai" in page
    for e in examples["items"]:  # redacted exactly as the page: every piece between the marks is there
        cuts = sorted({0, len(e["text"]), *(x for sp in e["spans"] for x in (sp["start"], sp["end"]))})
        for a, b in itertools.pairwise(cuts):
            assert html.escape(e["text"][a:b].strip(), quote=False) in page, e["text"][a:b]
    cambodia = api.get("/contoh", params={"place": "Cambodia"}).text
    assert "1 contoh" in cambodia

    # -- 5. the server is gone: one clean line, a non-zero exit ------------------------------------
    api.close()
    live_servers.stop(server, signal.SIGKILL)
    watch = ("batch", "status", str(batch_id), "--watch", "--poll", "0.01")  # retries with backoff, then
    for args in (
        ("batch", "status", str(batch_id)),
        watch,
        ("batch", "submit", str(batch_file)),
        ("queue", "claim"),
    ):
        gone = _cli(*args, *as_rina)
        assert gone.returncode == 2, args
        assert "Traceback" not in gone.stderr and len(gone.stderr.strip().splitlines()) == 1, gone.stderr
        assert "tidak dapat dihubungi" in gone.stderr and "cannot be reached" in gone.stderr
        if args == watch:
            assert f"screener batch status {batch_id} --watch" in gone.stderr
