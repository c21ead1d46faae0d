"""Postings (招聘岗位): openings, public-welfare posts, paste-an-ad drafts, status."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter(prefix="/postings", tags=["招聘岗位"])
