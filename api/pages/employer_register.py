"""Employer self-registration page (用人单位注册, ``/web/employer/register``), phone first: the contact's mobile
gets a one-time code, then the unit, the code and the account are sent together (``api.employer_signup``, as
``POST /employers/register/code`` and ``POST /employers/register``). A refusal is said beside each field and
keeps everything typed except the password and the code. Once registered the employer is signed in and sees
its home page, 待审核 until site staff decide."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.deps import get_cache, get_client_address, get_codes, get_session, get_tokens
from api.employer_signup import EmployerSignup, SignupConflict, SignupInvalid, request_signup_code, sign_up_employer
from api.errors import status_for
from api.figures_terms import county_name
from api.otp import OneTimeCodes
from api.pages.web import Form, field_errors, posted_form, redirect, render, set_session_cookie
from api.ratelimit import CodeSendLimiter
from api.tokens import TokenStore
from models.cache import Cache
from models.employer_repository import EmployerRepository
from models.errors import AnyeError
from models.taxonomy import default_taxonomy
from models.vocab import EmployerKind

__all__ = ["router"]

PAGE = "/web/employer/register"
router = APIRouter()

DB = Annotated[Session, Depends(get_session)]
Posted = Annotated[Form, Depends(posted_form)]
Codes = Annotated[OneTimeCodes, Depends(get_codes)]
# what the page keeps and shows again after a refusal (never the password or the code)
KEPT = ("phone", "name", "kind", "credit_code", "county_adcode", "address", "contact_name", "username")
SECRET = ("code", "password")
KINDS = [("", "请选择"), *((k.value, k.zh) for k in EmployerKind)]
MISMATCH = "两次输入的密码不一致，请重新输入。"


def _page(request: Request, session: Session, context: dict[str, Any], status: int = 200) -> Response:
    counties = [("", "按地址自动识别"), *((c, county_name(c)) for c in EmployerRepository(session).site_counties())]
    base = {"kinds": KINDS, "counties": counties, "sent": False}
    return render(request, "employer_register.html", {**base, **context}, status=status)


def _kept(form: Form) -> dict[str, str]:
    return {name: form.text(name) for name in KEPT}


@router.get(PAGE)
def register_page(request: Request, session: DB) -> Response:
    return _page(request, session, {})


@router.post(PAGE + "/code")
def send_code(request: Request, form: Posted, session: DB, codes: Codes,
              address: Annotated[str, Depends(get_client_address)],
              cache: Annotated[Cache, Depends(get_cache)]) -> Response:  # fmt: skip
    """The code to the phone typed; the rest of the form, when it was sent along (重新获取), is kept."""
    values, details = _kept(form), form.text("step") == "details"
    try:
        masked = request_signup_code(codes, CodeSendLimiter(cache), values["phone"], address)
    except AnyeError as exc:
        context = {"values": values, "errors": {"phone": exc.detail}, "sent": details}
        return _page(request, session, context, status=status_for(exc))
    notice = f"验证码已发送到 {masked}，5 分钟内有效。请填写验证码和单位信息。"
    return _page(request, session, {"values": values, "sent": True, "notice": notice})


@router.post(PAGE)
def register(request: Request, form: Posted, session: DB, codes: Codes,
             tokens: Annotated[TokenStore, Depends(get_tokens)]) -> Response:  # fmt: skip
    values = _kept(form)
    errors = {"password2": MISMATCH} if form.text("password") != form.text("password2") else {}
    try:
        signup = EmployerSignup(**{n: form.text(n) for n in (*KEPT, *SECRET) if form.text(n)})
    except ValidationError as exc:
        errors = {**field_errors(exc), **errors}
    if not errors:
        try:
            done = sign_up_employer(session, codes, default_taxonomy(), signup)
        except (SignupInvalid, SignupConflict) as exc:
            errors = exc.fields
    if errors:
        session.rollback()
        return _page(request, session, {"values": values, "errors": errors, "sent": True}, status=422)
    response = redirect("/web/employer?done=registered")
    set_session_cookie(request, response, tokens.issue(session, done.account))
    return response
