"""The command-line client of a running service: ``screener batch submit|status`` and ``screener queue
claim|decide|release`` (registered by :mod:`service.cli`).

A service that is down, or goes away while a batch is followed, is one line and a non-zero exit (the
wait retries with backoff first), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

from service.cli import ServiceCliError, _settings
from service.vocabulary import BatchStatus

__all__ = ["cmd_batch_status", "cmd_batch_submit", "cmd_queue_claim", "cmd_queue_decide", "cmd_queue_release"]


def _bar(done: float, total: float, label: str, width: int = 30) -> None:
    share = 1.0 if not total else min(1.0, done / total)
    filled = int(share * width)
    print(
        f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {share:6.1%}",
        end="",
        file=sys.stderr,
        flush=True,
    )


def _client(args: argparse.Namespace) -> tuple[str, dict[str, str]]:
    """The service URL and the authorisation header of the command-line client."""
    settings = _settings()
    url = (args.url or settings.api_url).rstrip("/")
    key = args.key or settings.api_key
    if not key:
        raise ServiceCliError("an API key is needed: --key or SCREENER_API_KEY", "perlu kunci API: --key")
    return url, {"Authorization": f"Bearer {key}"}


def _unreachable(url: str, exc: Exception, batch_id: int | None = None) -> ServiceCliError:
    """One line for a service that is down or went away (no traceback)."""
    what = exc.__class__.__name__
    later = f"screener batch status {batch_id} --watch"
    return ServiceCliError(
        f"the service at {url} cannot be reached ({what}); is `screener serve` running?"
        + (f" Follow the batch later: {later}" if batch_id else ""),
        f"layanan di {url} tidak dapat dihubungi ({what}); apakah `screener serve` berjalan?"
        + (f" Ikuti batch nanti: {later}" if batch_id else ""),
    )


def _refused(response: Any) -> ServiceCliError:
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = response.text[:300]
    return ServiceCliError(f"the service answered {response.status_code}: {message}",
                           f"layanan menjawab {response.status_code}: {message}")  # fmt: skip


def _watch_batch(client: Any, url: str, auth: dict[str, str], batch_id: int, *, poll: float, watch: bool,
                 retries: int | None = None) -> dict[str, Any]:  # fmt: skip
    """Poll a batch until it is done or failed (once without ``watch``), retrying a lost service with
    backoff (1, 2, 4 ... s) before giving up with one line that says how to follow the batch later."""
    import time

    import httpx

    failures, retries = 0, (6 if watch else 0) if retries is None else retries
    while True:
        try:
            response = client.get(f"/api/v1/batches/{batch_id}", headers=auth)
        except httpx.TransportError as exc:
            failures += 1
            if failures > retries:
                print(file=sys.stderr)
                raise _unreachable(url, exc, batch_id) from None
            time.sleep(min(30.0, poll * 2 ** (failures - 1)))
            continue
        failures = 0
        if response.status_code >= 400:
            raise _refused(response)
        batch: dict[str, Any] = response.json()
        if not watch:
            return batch
        _bar(batch["scored"], batch["accepted"], "nilai / scoring ")
        if batch["status"] in (BatchStatus.DONE, BatchStatus.FAILED):
            print(file=sys.stderr)
            return batch
        time.sleep(poll)


def _batch_summary(batch: dict[str, Any]) -> int:
    for error in batch["errors"][:20]:
        print(f"  baris / row {error['row']}: {error['message']}")
    print(
        f"status {batch['status']}: {batch['scored']} dinilai / scored, {batch['enqueued']} masuk antrean / queued"
    )
    return 0 if batch["status"] == BatchStatus.DONE else 1


def cmd_batch_submit(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    import httpx

    from service.batches import format_of

    url, auth = _client(args)
    path = Path(args.file)
    fmt = format_of(None, path.name)
    if not path.is_file():
        raise ServiceCliError(
            f"{path}: expected an existing file (.csv, .jsonl, .json, a WhatsApp or Telegram export)",
            f"{path}: perlu berkas yang ada (.csv, .jsonl, .json, ekspor WhatsApp atau Telegram)",
        )
    # The service detects chat and channel exports from the content; format= forces a reader.
    types = {"csv": "text/csv", "jsonl": "application/x-ndjson", "json": "application/json"}
    content_type = types[fmt] if fmt else "application/octet-stream"
    params = {"filename": path.name}
    if getattr(args, "format", None):
        params["format"] = args.format
    size = os.path.getsize(path)

    def chunks() -> Iterator[bytes]:
        sent = 0
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                sent += len(block)
                _bar(sent, size, "unggah / upload ")
                yield block
        print(file=sys.stderr)

    upload_headers = {**auth, "Content-Type": content_type, "Content-Length": str(size)}
    with httpx.Client(base_url=url, timeout=httpx.Timeout(30.0, read=600.0)) as client:
        try:
            response = client.post("/api/v1/batches", content=chunks(), headers=upload_headers, params=params)
        except httpx.TransportError as exc:
            raise _unreachable(url, exc) from None
        if response.status_code != 202:
            raise _refused(response)
        created = response.json()
        print(
            f"batch {created['id']}: {created['accepted']} diterima / accepted, {created['rejected']} ditolak / rejected"
        )
        if created.get("skipped") or created.get("format") not in (None, "csv", "jsonl", "json"):
            print(
                f"format {created.get('format')}: {created.get('skipped', 0)} dilewati (bukan iklan) / skipped (not ads)"
            )
        if args.no_wait:
            return 0
        batch = _watch_batch(client, url, auth, int(created["id"]), poll=args.poll, watch=True)
    return _batch_summary(batch)


def cmd_batch_status(args: argparse.Namespace) -> int:
    """A batch's status (``--watch``: follow it until it is done), as after ``batch submit``."""
    import httpx

    url, auth = _client(args)
    with httpx.Client(base_url=url, timeout=60) as client:
        batch = _watch_batch(client, url, auth, args.id, poll=args.poll, watch=args.watch)
    print(
        f"batch {batch['id']} ({batch['filename'] or '-'}): {batch['accepted']} diterima / accepted, "
        f"{batch['rejected']} ditolak / rejected"
    )
    return _batch_summary(batch)


def _api_call(args: argparse.Namespace, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One authenticated JSON call to the service for the moderator's command-line client."""
    import httpx

    url, auth = _client(args)
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            response = client.request(method, path, json=body, headers=auth)
    except httpx.TransportError as exc:
        raise _unreachable(url, exc) from None
    if response.status_code >= 400:
        raise _refused(response)
    return response.json()


def cmd_queue_claim(args: argparse.Namespace) -> int:
    """Lease items and print them as JSON lines (one item per line) for a moderator's script."""
    claimed = _api_call(args, "POST", "/api/v1/queue/claim", {"limit": args.limit})
    for item in claimed["items"]:
        print(json.dumps(item, ensure_ascii=False))
    print(f"{len(claimed['items'])} item diambil / items claimed", file=sys.stderr)
    return 0


def cmd_queue_decide(args: argparse.Namespace) -> int:
    body = {"verdict": args.verdict, "indicators": args.indicator or [], "note": args.note}
    result = _api_call(args, "POST", f"/api/v1/items/{args.id}/decision", body)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_queue_release(args: argparse.Namespace) -> int:
    """Release one item (as before), several, or ``--all`` the caller holds (one call, not N)."""
    if len(args.id) == 1 and not args.all:
        print(json.dumps(_api_call(args, "POST", f"/api/v1/items/{args.id[0]}/release"), ensure_ascii=False))
        return 0
    if not args.id and not args.all:
        raise ServiceCliError("name item ids or --all", "sebutkan id item atau --all")
    body: dict[str, Any] = {} if args.all else {"ids": args.id}
    result = _api_call(args, "POST", "/api/v1/queue/release", body)
    print(json.dumps(result, ensure_ascii=False))
    print(f"{len(result['released'])} item dilepas / items released", file=sys.stderr)
    return 0
