"""Sign-in pages (登录): password for staff and employers, phone and one-time code for workers, sign-out.

They call the sign-in services of the JSON API (``api.signin``) and keep the token they issue in a cookie.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.deps import get_cache, get_cipher, get_client_address, get_codes, get_limiter, get_session, get_tokens
from api.otp import OneTimeCodes
from api.pages.web import SESSION_COOKIE, Form, home_of, page_scope, posted_form, redirect, render, set_session_cookie
from api.ratelimit import CodeSendLimiter, LoginLimiter
from api.signin import CODE_SENT, request_code, sign_in_with_password, sign_in_with_phone_code, sign_out
from api.signin_link import LINK_PAGE, sign_in_with_link
from api.tokens import TokenStore
from models.cache import Cache
from models.crypto import PersonalDataCipher
from models.errors import AnyeError

__all__ = ["router"]

router = APIRouter()

DB = Annotated[Session, Depends(get_session)]
Tokens = Annotated[TokenStore, Depends(get_tokens)]
Posted = Annotated[Form, Depends(posted_form)]
Address = Annotated[str, Depends(get_client_address)]


def _next(raw: str) -> str:
    """Only a path of this site (never ``//elsewhere``): a sign-in link must not send anyone away."""
    return raw if raw.startswith("/web/") and not raw.startswith("//") else "/web/"


@router.get("/")
def root() -> Response:
    return redirect("/web/")


@router.get("/web/")
def home(request: Request, session: DB, tokens: Tokens) -> Response:
    """The signed-in account's own home, or the sign-in page."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            return redirect(home_of(page_scope(token, tokens, session).role))
        except AnyeError:
            pass
    return redirect("/web/login")


@router.get("/web/login")
def login_page(request: Request, next: str = "") -> Response:  # noqa: A002 (the parameter's name in the URL)
    return render(request, "login.html", {"values": {"next": _next(next)}})


@router.post("/web/login")
def login(request: Request, form: Posted, session: DB, tokens: Tokens, address: Address,
          limiter: Annotated[LoginLimiter, Depends(get_limiter)]) -> Response:  # fmt: skip
    values = {"username": form.text("username"), "next": _next(form.text("next"))}
    errors = {n: "必填" for n in ("username", "password") if not form.text(n)}
    if errors:
        return render(request, "login.html", {"values": values, "errors": errors}, status=422)
    try:
        issued = sign_in_with_password(session, limiter, tokens, values["username"], form.text("password"), address)
    except AnyeError as exc:
        return render(request, "login.html", {"values": values, "errors": {"password": exc.detail}}, status=401)
    response = redirect(values["next"])
    set_session_cookie(request, response, issued)
    return response


@router.get("/web/login/phone")
def phone_page(request: Request) -> Response:
    return render(request, "login_phone.html")


@router.post("/web/login/code")
def send_code(request: Request, form: Posted, session: DB, address: Address,
              codes: Annotated[OneTimeCodes, Depends(get_codes)],
              cache: Annotated[Cache, Depends(get_cache)]) -> Response:  # fmt: skip
    values = {"phone": form.text("phone")}
    try:
        request_code(session, codes, CodeSendLimiter(cache), values["phone"], address)
    except AnyeError as exc:
        return render(request, "login_phone.html", {"values": values, "errors": {"phone": exc.detail}}, status=422)
    return render(request, "login_phone.html", {"values": values, "sent": True, "notice": CODE_SENT})


@router.post("/web/login/phone")
def phone_login(request: Request, form: Posted, session: DB, tokens: Tokens,
                codes: Annotated[OneTimeCodes, Depends(get_codes)]) -> Response:  # fmt: skip
    values = {"phone": form.text("phone"), "code": form.text("code")}
    if not values["code"]:
        return render(
            request, "login_phone.html", {"values": values, "sent": True, "errors": {"code": "必填"}}, status=422
        )
    try:
        issued = sign_in_with_phone_code(session, codes, tokens, values["phone"], values["code"])
    except AnyeError as exc:
        context = {"values": values, "sent": True, "errors": {"code": exc.detail}}
        return render(request, "login_phone.html", context, status=401)
    response = redirect("/web/")
    set_session_cookie(request, response, issued)
    return response


@router.get(LINK_PAGE)
def link_page(request: Request) -> Response:
    """The page a broker's one-time link opens (``/signin/link#token``): the token after ``#`` never reaches
    a server log; the page's script puts it into the form and sends it."""
    return render(request, "login_link.html")


@router.post("/web/login/link")
def link_login(request: Request, form: Posted, session: DB, tokens: Tokens,
               cache: Annotated[Cache, Depends(get_cache)],
               cipher: Annotated[PersonalDataCipher, Depends(get_cipher)]) -> Response:  # fmt: skip
    try:
        issued = sign_in_with_link(session, cache, cipher, tokens, form.text("token"))
    except AnyeError as exc:
        return render(request, "login_link.html", {"errors": {"": exc.detail}}, status=401)
    response = redirect("/web/")
    set_session_cookie(request, response, issued)
    return response


@router.post("/web/logout")
def logout(request: Request, form: Posted, session: DB, tokens: Tokens) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sign_out(session, tokens, token)
    response = redirect("/web/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
