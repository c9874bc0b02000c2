"""Model page: the loaded model's card, tier thresholds and metrics, and the evaluation report's plots
when ``screener evaluate`` has written one (``reports/evaluation``, not committed)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from screener.vocabulary import Tier
from service.auth import Caller
from service.deps import ServicesDep
from service.pages.core import not_found, page_role, render
from service.vocabulary import Role

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
AnyRole = Annotated[Caller, page_role(*Role)]
_PLOT = re.compile(r"[a-z0-9_]{1,60}\.png")
METRICS = ("precision", "recall", "f1", "pr_auc", "roc_auc", "brier", "ece")


def _plots(folder: Path) -> list[str]:
    if not (folder / "report.md").is_file():
        return []
    return sorted(p.name for p in folder.glob("*.png") if _PLOT.fullmatch(p.name))


@router.get("/model")
async def model_page(request: Request, services: ServicesDep, caller: AnyRole) -> Response:
    """Card, thresholds, metrics and the evaluation plots."""
    screener = services.screener
    card = dict(screener.model.card)
    metrics = card.get("metrics") or {}
    return render(
        request,
        "model.html",
        {
            "card": card,
            "version": screener.version,
            "thresholds": {k: screener.thresholds[k] for k in (Tier.SEDANG, Tier.TINGGI)},
            "metrics": [(name, metrics[name]) for name in METRICS if name in metrics],
            "at": [
                (tier, metrics.get(f"at_{tier}"))
                for tier in (Tier.SEDANG, Tier.TINGGI)
                if metrics.get(f"at_{tier}")
            ],
            "method": metrics.get("method", ""),
            "plots": _plots(services.evaluation_dir),
        },
    )


@router.get("/model/plot/{name}")
async def plot(request: Request, services: ServicesDep, caller: AnyRole, name: str) -> Response:
    """One PNG of the evaluation report (only names the report folder lists)."""
    if name not in _plots(services.evaluation_dir):
        return not_found(request)
    return FileResponse(services.evaluation_dir / name, media_type="image/png")
