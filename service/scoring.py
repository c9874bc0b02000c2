"""Scoring one ad given as text or as a link: the one code path behind ``POST /api/v1/score`` and the
"Cek iklan" page (size limit, link intake, the assessment off the event loop, the metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

from screener import Assessment
from service.errors import PayloadTooLarge, Unprocessable
from service.services import Services

__all__ = ["INLINE_MAX_CHARS", "Scored", "score_ad"]

# Texts up to this length are assessed on the event loop, together with those of other requests
# waiting at the same time (:mod:`service.batching`). A thread would not let the loop run
# sooner: a thread holding the GIL gives it up only after the switch interval (5 ms), longer than
# such a text takes (a few ms at most today, less as the screener gets faster), and the hop itself
# costs about as much CPU as the request's other work. Longer texts still go to the threadpool,
# where the loop gets the GIL back every 5 ms however long the assessment runs.
INLINE_MAX_CHARS = 2048


@dataclass(frozen=True)
class Scored:
    """The assessed text, its assessment and, for a link, what was fetched."""

    text: str
    assessment: Assessment
    source: dict[str, str] | None


async def score_ad(services: Services, *, text: str | None = None, url: str | None = None) -> Scored:
    """Fetch the link (when given) or check the text's size, then assess it.

    Raises the service's errors (413, 422) and the intake's (422, 502, 504) unchanged, so the API and
    the pages report the same failures.
    """
    settings = services.settings
    source: dict[str, Any] | None = None
    if url is not None:
        page = await services.fetcher.fetch(url.strip())
        text = page.text
        if not text.strip():
            raise Unprocessable(
                "the page has no text to score",
                "halaman tidak berisi teks yang bisa dinilai",
                code="empty_page",
            )
        source = {"url": page.url, "final_url": page.final_url, "title": page.title, "text": page.text}
    else:
        assert text is not None
        size = len(text.encode("utf-8"))
        if size > settings.max_text_bytes:
            raise PayloadTooLarge(
                f"the text is {size} bytes; the limit is {settings.max_text_bytes}",
                f"teks berukuran {size} byte; batasnya {settings.max_text_bytes}",
            )
    assert text is not None
    if len(text) <= INLINE_MAX_CHARS:
        assessment = await services.batcher.assess(text)
    else:
        assessment = await run_in_threadpool(services.screener.assess, text)
    services.metrics.scores.labels(assessment.tier).inc()
    return Scored(text, assessment, source)
