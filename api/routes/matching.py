"""Candidate search, recommendations and a worker's interest (人岗匹配)."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(tags=["人岗匹配"])
