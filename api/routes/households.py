"""Households (搬迁户) of the sites an account may see."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/households", tags=["搬迁户"])
