"""Web pages (网页): the second face of the same services the JSON API calls, rendered from Jinja2 templates.

One module per area: ``auth`` (sign-in), ``worker`` (搬迁劳动力, phone first), ``broker`` and its neighbours
(劳务经纪人/安置点工作人员), ``employer`` (用人单位). Pages live under ``/web`` and stay out of the OpenAPI
schema; the stylesheet and the few lines of script are served from ``/static`` by the app itself (no CDN).
A domain error on a page is shown as a page (a sign-in missing: back to the sign-in page), never as JSON.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import committed_first
from api.errors import NotAuthenticated, status_for
from api.pages import (
    auth,
    broker,
    broker_employers,
    broker_followups,
    broker_plans,
    broker_postings,
    broker_reports,
    employer,
    employer_info,
    employer_register,
    worker,
    worker_edit,
)
from api.pages.web import redirect, render
from models.errors import AnyeError

__all__ = ["STATIC_DIR", "install_pages", "router"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# every page's unit of work is committed before its answer leaves (see ``committed_first``)
router = APIRouter(include_in_schema=False, dependencies=[Depends(committed_first, scope="function")])
_MODULES = (
    auth,
    worker,
    broker,
    broker_postings,
    broker_reports,
    broker_plans,
    broker_followups,  # 回访
    worker_edit,  # staff edit of a worker's record
    broker_employers,  # review of self-registered employers
    employer,
    employer_info,
    employer_register,  # 用人单位注册
)
for _module in _MODULES:
    router.include_router(_module.router)


Handler = Callable[[Request, Exception], Awaitable[Response]]
NO_SUCH_PAGE = "没有这个页面，请从菜单进入。"
BAD_ADDRESS = "网址中的参数有误，请从菜单重新进入。"


def install_pages(app: FastAPI) -> None:
    """Add the pages and ``/static`` to ``app``; errors under ``/web`` become pages, the rest stay as they were
    (JSON)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    domain: Handler = app.exception_handlers[AnyeError]  # type: ignore[assignment]
    invalid: Handler = app.exception_handlers.get(RequestValidationError, request_validation_exception_handler)  # type: ignore[assignment]

    async def on_domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AnyeError)
        if not request.url.path.startswith("/web"):
            return await domain(request, exc)
        if isinstance(exc, NotAuthenticated):
            back = request.url.path if request.method == "GET" else "/web/"
            return redirect(f"/web/login?next={quote(back)}")
        return render(request, "error.html", {"message": exc.detail}, status=status_for(exc))

    async def on_invalid(request: Request, exc: Exception) -> Response:
        if not request.url.path.startswith("/web"):
            return await invalid(request, exc)
        return render(request, "error.html", {"message": BAD_ADDRESS}, status=422)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not request.url.path.startswith("/web") or exc.status_code != 404:
            return await http_exception_handler(request, exc)
        return render(request, "error.html", {"message": NO_SUCH_PAGE}, status=404)

    app.add_exception_handler(AnyeError, on_domain)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(StarletteHTTPException, on_http)
