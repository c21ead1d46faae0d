"""Settlement sites (安置点) an account may see."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/sites", tags=["安置点"])
