"""Background jobs (后台任务): imports, retraining, batch recommendations, and their status."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/jobs", tags=["后台任务"])
