"""Posting forms shared by staff and employers (发布岗位): paste an ad and confirm what the parser read (its
evidence highlighted in the ad), or fill the form; then publish. ``posting_router`` makes the same routes
under each area's prefix; they call ``api.openings.Openings`` as ``/postings``, ``/postings/parse`` and
``/postings/{id}`` do."""

# no `from __future__ import annotations`: the routes below are made in a function, and FastAPI must see
# their `Who` dependency (a local name) as an object, not as a string to resolve in the module

import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.accounts import Scope
from api.openings import Openings, PostingCreate, PostingPatch, form_of, openings_service
from api.pages.web import Form, errors_by_field, field_errors, posted_form, redirect, render
from models.errors import Conflict, InvalidInput, NotAllowed, NotFound
from models.posting import Posting
from models.vocab import PayPeriod, PostingStatus, Role

__all__ = ["FIELDS", "PostingPages", "evidence_segments", "posting_router"]

# the fields the page shows, in order: name -> (label, input type)
FIELDS: dict[str, tuple[str, str]] = {
    "title": ("岗位名称", "text"),
    "headcount": ("招聘人数", "number"),
    "pay_min": ("薪资下限（元）", "number"),
    "pay_max": ("薪资上限（元）", "number"),
    "pay_period": ("计薪方式", "period"),
    "work_address": ("工作地点", "text"),
    "age_min": ("最低年龄", "number"),
    "age_max": ("最高年龄", "number"),
    "certificates_required": ("必须持有的证书（多个用、分隔）", "text"),
    "meals": ("包吃", "yesno"),
    "housing": ("包住", "yesno"),
    "contact_name": ("联系人", "text"),
    "contact_phone": ("联系电话", "tel"),
    "deadline": ("截止日期", "date"),
    "description": ("岗位描述", "textarea"),
}
# what the parser calls a field in its evidence -> the form's field
_EVIDENCE_NAMES = {"place": "work_address", "phone": "contact_phone", "contact": "contact_name",
                   "certificates": "certificates_required"}  # fmt: skip
_LISTS = frozenset({"certificates_required"})  # list fields, written as one line with 、 between the items
PERIODS = [("", "未说明"), *((p.value, p.zh) for p in PayPeriod)]
Service = Annotated[Openings, Depends(openings_service)]
Posted = Annotated[Form, Depends(posted_form)]
_BAD = (InvalidInput, Conflict, NotAllowed, NotFound)


def evidence_segments(text: str, evidence: dict[str, Any]) -> list[tuple[str, str]]:
    """``text`` cut into (piece, labels of the fields read from it; '' for plain text), spans merged."""
    marks: list[tuple[int, int, str]] = []
    for name, spans in (evidence or {}).items():
        label = FIELDS.get(_EVIDENCE_NAMES.get(name, name), (name, ""))[0]
        for span in spans if isinstance(spans, list) else []:
            if isinstance(span, dict) and 0 <= int(span.get("start", -1)) < int(span.get("end", -1)) <= len(text):
                marks.append((int(span["start"]), int(span["end"]), label))
    marks.sort()
    out: list[tuple[str, str]] = []
    at = 0
    for start, end, label in marks:
        if start < at:  # overlaps the mark before: add its label there
            if out and end <= at:
                piece, labels = out[-1]
                out[-1] = (piece, labels if label in labels.split("、") else f"{labels}、{label}")
            continue
        if start > at:
            out.append((text[at:start], ""))
        out.append((text[start:end], label))
        at = end
    if at < len(text):
        out.append((text[at:], ""))
    return out


def _evidence_of(posting: Posting) -> dict[str, str]:
    """Each form field's evidence text, for the note beside the field."""
    found: dict[str, str] = {}
    for name, spans in (posting.evidence or {}).items():
        field = _EVIDENCE_NAMES.get(name, name)
        if field in FIELDS and isinstance(spans, list) and spans:
            found[field] = "、".join(str(s.get("text", "")) for s in spans if isinstance(s, dict))
    return found


def _values_of(posting: Posting) -> dict[str, str]:
    data = form_of(posting)
    out = {}
    for name in FIELDS:
        value = data.get(name)
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, list):
            out[name] = "、".join(str(v) for v in value)
        elif value is not None:
            out[name] = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return out


def _given(form: Form) -> dict[str, Any]:
    """The form's posting fields as the service takes them: an empty field is no value (a title is text, a
    list is split at 、 , ， ; or spaces)."""
    given: dict[str, Any] = {name: form.text(name) or (None if name != "title" else "") for name in FIELDS}
    for name in _LISTS:
        given[name] = [item for item in re.split(r"[、,，;；\s]+", form.text(name)) if item]
    return given


def _refused(service: Openings, exc: Exception) -> dict[str, str]:
    """The messages by field; and nothing of the failed request stays (a draft made before a refused
    publication is not kept)."""
    service.changes.discard(service.session)
    service.session.rollback()
    if isinstance(exc, ValidationError):
        return field_errors(exc)
    detail = getattr(exc, "detail", str(exc))
    return errors_by_field(detail, tuple(FIELDS))


@dataclass(frozen=True, slots=True)
class PostingPages:
    """The pages of one area (``prefix``: ``/web/staff/postings`` or ``/web/employer/postings``)."""

    prefix: str

    def new_page(
        self, request: Request, scope: Scope, service: Openings, context: dict[str, Any], status: int = 200
    ) -> Response:
        employers = []
        if scope.role is not Role.EMPLOYER:
            found, _ = service.employers(scope, q=None, sort=("name", False), offset=0, limit=200)
            employers = [(str(e.id), e.name) for e in found]
        base = {"me": scope, "prefix": self.prefix, "fields": FIELDS, "periods": PERIODS, "employers": employers}
        return render(request, "posting_new.html", {**base, **context}, status=status)

    def new(self, request: Request, scope: Scope, service: Openings, employer: str) -> Response:
        notice = "用人单位已登记，现在可以为它发布岗位。" if employer else None
        return self.new_page(request, scope, service, {"values": {"employer_id": employer}, "notice": notice})

    def parse(self, request: Request, scope: Scope, service: Openings, form: Form) -> Response:
        """The pasted ad saved as draft postings (one per job it lists); then confirm each."""
        values = {"ad": form.text("ad"), "employer_id": form.text("employer_id")}
        employer = int(values["employer_id"]) if values["employer_id"].isdigit() else None
        errors = {"ad": "请粘贴招聘广告的文字。"} if not values["ad"] else {}
        if employer is None and scope.role is not Role.EMPLOYER:
            errors["employer_id"] = "请选择用人单位。"
        if not errors:
            try:
                drafts = service.parse_ad(scope, values["ad"], employer_id=employer, save=True)
            except _BAD as exc:
                errors = {"ad": exc.detail}
        if errors:
            return self.new_page(request, scope, service, {"values": values, "errors": errors}, 422)
        ids = [d.posting.id for d in drafts if d.posting is not None]
        return redirect(f"{self.prefix}/{ids[0]}/edit" + (f"?more={len(ids) - 1}" if len(ids) > 1 else ""))

    def create(self, request: Request, scope: Scope, service: Openings, form: Form) -> Response:
        values = {name: form.text(name) for name in (*FIELDS, "employer_id")}
        try:
            employer = int(values["employer_id"]) if values["employer_id"] else None
            body = PostingCreate(**_given(form), employer_id=employer, open=form.text("action") == "publish")
            posting = service.create_posting(scope, body)
        except (ValidationError, *_BAD) as exc:
            context = {"values": values, "errors": _refused(service, exc)}
            return self.new_page(request, scope, service, context, 422)
        return redirect(f"{self.prefix}/{posting.id}")

    def edit_page(
        self, request: Request, scope: Scope, posting: Posting, context: dict[str, Any], status: int = 200
    ) -> Response:
        base = {
            "me": scope, "prefix": self.prefix, "fields": FIELDS, "periods": PERIODS, "posting": posting,
            "status_label": PostingStatus.of(posting.status).zh, "values": _values_of(posting),
            "evidence": _evidence_of(posting), "unsure": set(posting.unsure or []),
            "segments": evidence_segments(posting.source_text, posting.evidence or {}) if posting.source_text else [],
        }  # fmt: skip
        return render(request, "posting_edit.html", {**base, **context}, status=status)

    def edit(self, request: Request, posting_id: int, scope: Scope, service: Openings, more: int) -> Response:
        posting = service.posting(scope, posting_id)
        if scope.role is Role.EMPLOYER and posting.employer_id != scope.employer_id:
            raise NotAllowed("只能修改本单位的岗位。")
        notice = f"这条广告还读出了另外 {more} 个岗位，已存为草稿，可在岗位列表里逐个确认。" if more else None
        return self.edit_page(request, scope, posting, {"notice": notice})

    def save(self, request: Request, posting_id: int, scope: Scope, service: Openings, form: Form) -> Response:
        """The confirmed fields (``PATCH /postings/{id}``), then published when asked (``open``)."""
        values = {name: form.text(name) for name in FIELDS}
        try:
            service.update_posting(scope, posting_id, PostingPatch(**_given(form)))
            if form.text("action") == "publish" and service.posting(scope, posting_id).status != PostingStatus.OPEN:
                service.change_status(scope, posting_id, "open")
        except (ValidationError, *_BAD) as exc:
            context = {"values": values, "errors": _refused(service, exc)}
            return self.edit_page(request, scope, service.posting(scope, posting_id), context, 422)
        return redirect(f"{self.prefix}/{posting_id}")

    def status(self, posting_id: int, scope: Scope, service: Openings, form: Form) -> Response:
        """发布, 暂停 or 关闭 (``POST /postings/{id}/status``)."""
        action = form.text("action")
        if action == "open":
            service.change_status(scope, posting_id, "open")
        elif action == "pause":
            service.change_status(scope, posting_id, "pause")
        elif action == "close":
            service.change_status(scope, posting_id, "close")
        else:
            raise InvalidInput("请选择发布、暂停或关闭。")
        return redirect(f"{self.prefix}/{posting_id}?done=status")


def posting_router(prefix: str, roles: Callable[..., Coroutine[Any, Any, Scope]]) -> APIRouter:
    """The new / parse / create / edit / status routes under ``prefix`` for the accounts ``roles`` lets through; a
    posting's own page is the area's."""
    router, pages = APIRouter(prefix=prefix), PostingPages(prefix)
    Who = Annotated[Scope, Depends(roles)]

    @router.get("/new")
    def new(request: Request, scope: Who, service: Service, employer: str = "") -> Response:
        return pages.new(request, scope, service, employer)

    @router.post("/parse")
    def parse(request: Request, scope: Who, service: Service, form: Posted) -> Response:
        return pages.parse(request, scope, service, form)

    @router.post("/create")
    def create(request: Request, scope: Who, service: Service, form: Posted) -> Response:
        return pages.create(request, scope, service, form)

    @router.get("/{posting_id:int}/edit")
    def edit(request: Request, posting_id: int, scope: Who, service: Service, more: int = 0) -> Response:
        return pages.edit(request, posting_id, scope, service, more)

    @router.post("/{posting_id:int}/edit")
    def save(request: Request, posting_id: int, scope: Who, service: Service, form: Posted) -> Response:
        return pages.save(request, posting_id, scope, service, form)

    @router.post("/{posting_id:int}/status")
    def status(posting_id: int, scope: Who, service: Service, form: Posted) -> Response:
        return pages.status(posting_id, scope, service, form)

    return router
