"""Workers (搬迁劳动力): lists, profiles, reveal for a reason, corrections, consent."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/workers", tags=["搬迁劳动力"])
