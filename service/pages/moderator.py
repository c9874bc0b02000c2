"""Antrian (moderators, admins): the review queue's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from service.auth import Caller
from service.pages.core import page_role, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Moderator = Annotated[Caller, page_role("moderator")]


@router.get("/antrian")
async def queue_page(request: Request, caller: Moderator) -> Response:
    """The review queue (a placeholder until the queue is installed)."""
    return render(request, "queue.html", {})
