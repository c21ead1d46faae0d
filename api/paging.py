"""Pagination and sorting of list endpoints: ``?page=1&size=20&sort=-created_at``, answered as a ``Page``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from models.errors import InvalidInput

__all__ = ["MAX_PAGE_SIZE", "Page", "PageParams", "page_params"]

MAX_PAGE_SIZE = 200
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageParams:
    page: int
    size: int
    sort: str | None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def sort_key(self, allowed: tuple[str, ...], default: str) -> tuple[str, bool]:
        """The field to sort by and whether descending (``-name``); ``InvalidInput`` for a field not allowed."""
        raw = self.sort or default
        descending = raw.startswith("-")
        name = raw.lstrip("-+")
        if name not in allowed:
            raise InvalidInput(f"不能按“{name}”排序，可选：{'、'.join(allowed)}（前加 - 表示倒序）。")
        return name, descending


def page_params(
    page: Annotated[int, Query(ge=1, description="页码，从 1 开始")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，最多 {MAX_PAGE_SIZE}")] = 20,
    sort: Annotated[str | None, Query(description="排序字段，前加 - 表示倒序，如 -created_at")] = None,
) -> PageParams:
    return PageParams(page, size, sort)


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="符合条件的总条数")
    page: int
    size: int
