"""What every page shares: the templates, the sign-in cookie, CSRF protection, rendering and form helpers.

A page signs in with the same opaque token the JSON API issues (``api.tokens.TokenStore``), kept in an
HttpOnly, SameSite=Lax cookie (Secure in production), never readable by the page's scripts. Every POST form
carries a CSRF token: a keyed digest (the app's cipher) of a random per-browser cookie, so a form posted
from another site, which can neither read that cookie nor compute the digest, is refused.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from api.accounts import Scope
from api.deps import NOT_PERMITTED, NOT_SIGNED_IN, current_scope, get_session, get_tokens
from api.errors import NotAuthenticated, _message
from api.tokens import IssuedToken, TokenStore
from models.errors import NotAllowed
from models.vocab import Role

__all__ = [
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "Form",
    "PageError",
    "errors_by_field",
    "field_errors",
    "home_of",
    "page_roles",
    "page_scope",
    "posted_form",
    "redirect",
    "render",
    "set_session_cookie",
    "templates",
]

SESSION_COOKIE = "anye_session"
CSRF_COOKIE = "anye_csrf"
STALE_FORM = "页面已过期或来源不明，请刷新页面后重新提交。"
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

_HOMES = {Role.ADMIN: "/web/staff", Role.BROKER: "/web/staff", Role.EMPLOYER: "/web/employer", Role.WORKER: "/web/me"}


class PageError(NotAllowed):
    """A form that cannot be trusted (no or wrong CSRF token)."""


def home_of(role: Role) -> str:
    return _HOMES[role]


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.env == "production")


def _csrf_of(request: Request, browser: str) -> str:
    tokens: TokenStore = request.app.state.tokens
    return tokens.cipher.digest("page-csrf:" + browser)


def render(request: Request, name: str, context: Mapping[str, Any] | None = None, *, status: int = 200) -> HTMLResponse:
    """The template ``name`` with ``context``, the CSRF token of this browser (a new browser cookie when it
    has none yet) and ``Cache-Control: no-store`` (pages show personal data)."""
    browser = request.cookies.get(CSRF_COOKIE)
    fresh = browser is None
    browser = browser or secrets.token_urlsafe(24)
    values = {"csrf_token": _csrf_of(request, browser), "errors": {}, "values": {}, "me": None, **(context or {})}
    response = templates.TemplateResponse(request, name, values, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    if fresh:
        response.set_cookie(CSRF_COOKIE, browser, httponly=True, samesite="lax", secure=_secure(request), path="/")
    return response


def redirect(url: str) -> RedirectResponse:
    """After a successful POST: see the result with a GET (the browser's back button never posts again)."""
    return RedirectResponse(url, status_code=303)


def set_session_cookie(request: Request, response: Response, issued: IssuedToken) -> None:
    response.set_cookie(SESSION_COOKIE, issued.access_token, max_age=issued.expires_in, httponly=True,
                        samesite="lax", secure=_secure(request), path="/")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Form:
    """A posted form whose CSRF token was checked. ``text`` gives a field stripped ('' when absent)."""

    data: FormData
    values: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        return self.values.get(name, "")

    def optional(self, name: str) -> str | None:
        return self.values.get(name) or None

    def file(self, name: str) -> UploadFile | None:
        found = self.data.get(name)
        return found if isinstance(found, UploadFile) and found.filename else None


async def posted_form(request: Request) -> AsyncIterator[Form]:
    """The POSTed form, refused (``PageError``) unless its CSRF token fits this browser's cookie; its
    uploaded files are closed after the request."""
    data = await request.form()
    try:
        browser = request.cookies.get(CSRF_COOKIE)
        sent = data.get("csrf_token")
        if not browser or not isinstance(sent, str) or not hmac.compare_digest(sent, _csrf_of(request, browser)):
            raise PageError(STALE_FORM)
        values = {k: v.strip() for k, v in data.multi_items() if isinstance(v, str) and k != "csrf_token"}
        yield Form(data, values)
    finally:
        await data.close()


async def cookie_token(request: Request) -> str:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise NotAuthenticated(NOT_SIGNED_IN)
    return token


def page_scope(
    token: Annotated[str, Depends(cookie_token)],
    tokens: Annotated[TokenStore, Depends(get_tokens)],
    session: Annotated[Session, Depends(get_session)],
) -> Scope:
    """The scope of the account signed in by cookie, read the same way as a bearer token's."""
    return current_scope(token, tokens, session)


def page_roles(*roles: Role) -> Callable[[Scope], Coroutine[Any, Any, Scope]]:
    """Like ``api.deps.require_roles``, for pages signed in by cookie."""
    allowed = frozenset(roles)

    async def check(scope: Annotated[Scope, Depends(page_scope)]) -> Scope:
        if scope.role not in allowed:
            raise NotAllowed(NOT_PERMITTED)
        return scope

    return check


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Each refused field's Chinese message, by field name ('' for a rule across fields)."""
    found: dict[str, str] = {}
    for err in exc.errors():
        name = str(err["loc"][0]) if err.get("loc") else ""
        found.setdefault(name, _message(err))
    return found


def errors_by_field(detail: str, names: tuple[str, ...]) -> dict[str, str]:
    """A service's message ``请求内容有误，请检查以下字段：a（…）：…；b：…`` split onto the fields it names;
    anything naming no field of the form goes to '' (shown above the form)."""
    found: dict[str, str] = {}
    for part in detail.split("：", 1)[-1].split("；") if "检查以下字段" in detail else [detail]:
        name = next((n for n in names if part.startswith(n)), "")
        found[name] = (found.get(name, "") + " " + part).strip()
    return found
