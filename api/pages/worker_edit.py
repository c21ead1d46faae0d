"""Staff edit of a worker's record (修改劳动力信息): the fields brokers and site staff maintain, saved through
``api.people_changes.update_worker`` as ``PATCH /workers/{id}`` saves them (values read as the ledger reads its
cells, each change audited and recorded, the matcher told). Only the fields changed on the form are sent, so a
field left alone is never read again and never shows as a change.

Phones stay masked: the field is empty (left empty: unchanged) until the numbers are shown for a stated reason,
as the worker page's reveal does (audited); then it holds them in full to correct. The ID number is shown
masked and cannot be changed here (the service does not change it either).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.accounts import Scope
from api.changes import Changes
from api.deps import get_changes, get_cipher
from api.pages.broker import DB, Posted, Staff
from api.pages.web import errors_by_field, redirect, render
from api.people import worker_detail
from api.people_changes import reveal, update_worker
from api.people_schemas import RevealIn, WorkerDetail, WorkerPatch
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput
from models.vocab import Education, EmploymentStatus, Health, LabourCapacity, PlaceRange

__all__ = ["FIELDS", "router"]

router = APIRouter(prefix="/web/staff/workers")

Cipher = Annotated[PersonalDataCipher, Depends(get_cipher)]
ChangesDep = Annotated[Changes, Depends(get_changes)]
# what WorkerPatch accepts, in the order of the form
FIELDS = ("phone", "employment_status", "wish_employment", "wish_job_text", "wish_place_range", "wish_min_wage",
          "training_wish", "skills", "certificates", "labour_capacity", "health", "education")  # fmt: skip
_CHOICES: dict[str, Any] = {"employment_status": EmploymentStatus, "wish_place_range": PlaceRange,
                            "labour_capacity": LabourCapacity, "health": Health, "education": Education}  # fmt: skip
_YES_NO = [("", "未填写"), ("是", "是"), ("否", "否")]
_NOTICES = {"saved": "已保存修改（已记入审计日志）。", "same": "没有修改任何内容。"}
PHONES_SHOWN = "已记入审计日志。完整电话已填入下方，可以修改；多个号码用 / 分隔。"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def current_values(w: WorkerDetail) -> dict[str, str]:
    """The record as the form shows it (labels, texts as written); the phone empty (masked)."""
    return {
        "phone": "",
        "employment_status": w.employment_status_label or "",
        "wish_employment": _yes_no(w.wish_employment),
        "wish_job_text": w.wish_job_text or "",
        "wish_place_range": w.wish_place_range_label or "",
        "wish_min_wage": "" if w.wish_min_wage is None else str(w.wish_min_wage),
        "training_wish": _yes_no(w.training_wish),
        "skills": "、".join(s.source_text for s in w.skills),
        "certificates": "、".join(c.source_text for c in w.certificates),
        "labour_capacity": w.labour_capacity_label or "",
        "health": w.health_label or "",
        "education": w.education_label or "",
    }


def _options(values: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The choices of each select by Chinese label; a value on file outside the vocabulary stays choosable."""
    out = {name: [("", "未填写"), *((m.zh, m.zh) for m in enum)] for name, enum in _CHOICES.items()}
    for name, choices in out.items():
        if values.get(name) and all(v != values[name] for v, _ in choices):
            choices.append((values[name], values[name]))
    return out | {"wish_employment": _YES_NO, "training_wish": _YES_NO}


def _page(request: Request, scope: Scope, w: WorkerDetail, values: dict[str, str], *, errors: dict[str, str]
          | None = None, notice: str | None = None, status: int = 200) -> Response:  # fmt: skip
    context = {"me": scope, "w": w, "values": values, "errors": errors or {}, "notice": notice,
               "options": _options(values)}  # fmt: skip
    return render(request, "staff_worker_edit.html", context, status=status)


@router.get("/{worker_id:int}/edit")
def edit_form(request: Request, worker_id: int, scope: Staff, session: DB, done: str = "") -> Response:
    w = worker_detail(session, scope, worker_id)
    return _page(request, scope, w, current_values(w), notice=_NOTICES.get(done))


def _readable(errors: dict[str, str]) -> dict[str, str]:
    """``wish_min_wage（期望月薪）：…`` said as ``期望月薪：…`` beside its field."""
    return {name: text.replace(f"{name}（", "", 1).replace("）：", "：", 1) if text.startswith(f"{name}（") else text
            for name, text in errors.items()}  # fmt: skip


@router.post("/{worker_id:int}/edit")
def save(request: Request, worker_id: int, scope: Staff, session: DB, form: Posted, cipher: Cipher,
         changes: ChangesDep) -> Response:  # fmt: skip
    """``action=reveal``: show the phones in full for the reason given (audited), everything typed kept;
    otherwise save the fields changed on the form."""
    w = worker_detail(session, scope, worker_id)
    values = {name: form.text(name) for name in FIELDS} | {"reason": form.text("reason")}
    shown = form.text("phone_shown") == "1"
    if form.text("action") == "reveal":
        try:
            phones = reveal(session, cipher, scope, worker_id, RevealIn(reason=values["reason"])).phones
        except InvalidInput as exc:
            return _page(request, scope, w, values, errors={"reason": exc.detail.split("：", 1)[-1]}, status=422)
        values |= {"phone": " / ".join(phones), "phone_shown": "1"}
        return _page(request, scope, w, values, notice=PHONES_SHOWN)
    before = current_values(w)
    sent = [n for n in FIELDS if n in form.values and n != "phone"]  # a field not on the form is not cleared
    changed = {n: values[n] or None for n in sent if values[n] != before[n]}
    if values["phone"] or shown:  # left empty while masked: unchanged; emptied once shown: no phone on file
        changed["phone"] = values["phone"] or None
    if not changed:
        return redirect(f"/web/staff/workers/{worker_id}/edit?done=same")
    try:
        update_worker(session, cipher, changes, scope, worker_id, WorkerPatch(**changed))
    except InvalidInput as exc:
        session.rollback()
        errors = _readable(errors_by_field(exc.detail, FIELDS))
        values["phone_shown"] = "1" if shown else ""
        return _page(request, scope, worker_detail(session, scope, worker_id), values, errors=errors, status=422)
    return redirect(f"/web/staff/workers/{worker_id}/edit?done=saved")
