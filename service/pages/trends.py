"""Tren (moderators, educators, admins): weekly charts of offers and flagged offers, "baru minggu ini",
and the CSV download; the same numbers as ``GET /api/v1/trends``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from service.auth import Caller
from service.deps import ServicesDep
from service.pages.charts import PALETTE, bar_chart, line_chart
from service.pages.core import page_role, render
from service.pages.i18n import N_
from service.trends import MAX_WEEKS, trends_csv, trends_public
from service.vocabulary import Role

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Caller, page_role(Role.MODERATOR, Role.EDUCATOR)]
Weeks = Annotated[int, Query(ge=1, le=MAX_WEEKS)]

DIMENSION_TITLES = {
    "destination": N_("Tujuan"),
    "cover_role": N_("Pekerjaan kedok"),
    "indicator": N_("Indikator"),
    "salary_band": N_("Rentang gaji"),
    "platform": N_("Platform"),
    "source": N_("Sumber"),
}
NEW_KINDS = {
    "destination": N_("Tujuan"),
    "cover_role": N_("Pekerjaan kedok"),
    "phone_country": N_("Negara nomor telepon"),
    "contact": N_("Kontak"),
}


def _short(week: str) -> str:
    return f"{week[8:10]}/{week[5:7]}"


async def _public(services: Any, caller: Caller, weeks: int) -> dict[str, Any]:
    return await run_in_threadpool(
        trends_public,
        services.sessions,
        now=services.clock(),
        weeks=weeks,
        redact_contacts=caller.role == Role.EDUCATOR,
    )


@router.get("/tren")
async def trends_page(request: Request, services: ServicesDep, caller: Viewer, weeks: Weeks = 12) -> Response:
    """Weekly charts with a table beside each, and what is new this week."""
    public = await _public(services, caller, weeks)
    labels = [_short(w) for w in public["weeks"]]
    totals = bar_chart(
        "chart-offers",
        "Lowongan dan lowongan berisiko per minggu / offers and flagged offers per week",
        ", ".join(
            f"{w}: {o}/{f}"
            for w, o, f in zip(public["weeks"], public["offers"], public["flagged"], strict=True)
        ),
        labels,
        [("offers", public["offers"]), ("flagged", public["flagged"])],
    )
    charts = []
    for dimension, title in DIMENSION_TITLES.items():
        entries = public["series"][dimension]
        series = [(e["value"], e["flagged"]) for e in entries]
        description = "; ".join(f"{e['value']}: {sum(e['flagged'])}/{sum(e['offers'])}" for e in entries)
        charts.append(
            {
                "id": dimension,
                "title": title,
                "svg": line_chart(f"chart-{dimension}", title, description, labels, series)
                if entries
                else None,
                "entries": [{**e, "color": PALETTE[i % len(PALETTE)]} for i, e in enumerate(entries)],
            }
        )
    return render(
        request,
        "trends.html",
        {
            "weeks": weeks,
            "public": public,
            "labels": labels,
            "totals": totals,
            "charts": charts,
            "new_kinds": NEW_KINDS,
            "palette": PALETTE,
        },
    )


@router.get("/tren.csv")
async def trends_download(services: ServicesDep, caller: Viewer, weeks: Weeks = 12) -> Response:
    """The weekly counts as CSV (contacts redacted for educators, as on the page)."""
    public = await _public(services, caller, weeks)
    return Response(
        trends_csv(public),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="tren-{weeks}-minggu.csv"'},
    )
