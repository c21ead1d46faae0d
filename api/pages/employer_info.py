"""An employer's registration (用人单位登记): staff register a new employer (``POST /employers``), and an
employer account checks and corrects its own details (``PATCH /employers/{id}``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.accounts import Scope
from api.openings import EmployerPatch, Openings, openings_service
from api.pages.web import Form, errors_by_field, field_errors, page_roles, posted_form, redirect, render
from ingest.posting_form import EmployerForm
from models.employer import LOCKED_AFTER_REVIEW, Employer, locked_fields
from models.errors import Conflict, InvalidInput, NotAllowed
from models.vocab import EmployerKind, Role

__all__ = ["router"]

router = APIRouter()

Service = Annotated[Openings, Depends(openings_service)]
Posted = Annotated[Form, Depends(posted_form)]
Staff = Annotated[Scope, Depends(page_roles(Role.ADMIN, Role.BROKER))]
Own = Annotated[Scope, Depends(page_roles(Role.EMPLOYER))]
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("单位名称", "text"),
    "credit_code": ("统一社会信用代码（18 位，可不填）", "text"),
    "address": ("地址", "text"),
    "contact_name": ("联系人", "text"),
    "contact_phone": ("联系电话", "tel"),
}
KINDS = [(k.value, k.zh) for k in EmployerKind]
_REFUSED = (InvalidInput, Conflict, NotAllowed)


def _values(form: Form) -> dict[str, str]:
    return {name: form.text(name) for name in (*FIELDS, "kind")}


def _errors(service: Openings, exc: Exception) -> dict[str, str]:
    service.session.rollback()
    if isinstance(exc, ValidationError):
        return field_errors(exc)
    return errors_by_field(getattr(exc, "detail", str(exc)), (*FIELDS, "kind"))


def _page(request: Request, scope: Scope, action: str, context: dict[str, Any], status: int = 200) -> Response:
    base = {"me": scope, "action": action, "fields": FIELDS, "kinds": KINDS, "locked": (),
            "locked_note": LOCKED_AFTER_REVIEW}  # fmt: skip
    return render(request, "employer_form.html", {**base, **context}, status=status)


@router.get("/web/staff/employers/new")
def new(request: Request, scope: Staff) -> Response:
    return _page(
        request, scope, "/web/staff/employers/new", {"title": "登记用人单位", "values": {"kind": "enterprise"}}
    )


@router.post("/web/staff/employers/new")
def register(request: Request, scope: Staff, service: Service, form: Posted) -> Response:
    values = _values(form)
    try:
        employer = service.register_employer(scope, EmployerForm(**{k: v or None for k, v in values.items()}))
    except (ValidationError, *_REFUSED) as exc:
        context = {"title": "登记用人单位", "values": values, "errors": _errors(service, exc)}
        return _page(request, scope, "/web/staff/employers/new", context, status=422)
    return redirect(f"/web/staff/postings/new?employer={employer.id}")


def _current(employer: Employer) -> dict[str, str]:
    return {name: str(getattr(employer, name) or "") for name in (*FIELDS, "kind")}


@router.get("/web/employer/profile")
def profile(request: Request, scope: Own, service: Service, done: str = "") -> Response:
    employer = service.employer(scope, scope.employer_id or 0)
    context = {"title": "单位信息", "values": _current(employer), "notice": "已保存。" if done else None,
               "locked": locked_fields(employer)}  # fmt: skip
    return _page(request, scope, "/web/employer/profile", context)


@router.post("/web/employer/profile")
def save(request: Request, scope: Own, service: Service, form: Posted) -> Response:
    values = _values(form)
    try:
        patch = EmployerPatch(**{k: v or None for k, v in values.items() if k != "name"}, name=values["name"] or "")
        service.update_employer(scope, scope.employer_id or 0, patch)
    except (ValidationError, *_REFUSED) as exc:
        errors = _errors(service, exc)
        employer = service.employer(scope, scope.employer_id or 0)
        locked = locked_fields(employer)
        values |= {name: value for name, value in _current(employer).items() if name in locked}  # as stored
        context = {"title": "单位信息", "values": values, "errors": errors, "locked": locked}
        return _page(request, scope, "/web/employer/profile", context, status=422)
    return redirect("/web/employer/profile?done=1")
