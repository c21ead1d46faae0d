"""Employers (用人单位)."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/employers", tags=["用人单位"])
