"""The way back: the ledger in the county's reporting layout (Chinese headers, one row per person).

Offices report upward in Excel every month. ID numbers and phones are masked unless an administrator
asks for them in full, with a reason; every export is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from ingest.fields import LEDGER_FIELDS
from ingest.idcard import age_on
from models.audit import Actor, AuditEvent
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput, NotAllowed
from models.repository import export_rows
from models.vocab import (
    Education,
    EmploymentStatus,
    Health,
    HouseholdCategory,
    LabourCapacity,
    PlaceRange,
    Sex,
    label,
)

__all__ = ["EXPORT_COLUMNS", "export_ledger"]

EXPORT_COLUMNS = [
    "anye_id",
    "site",
    "household_number",
    "head_name",
    "relation",
    "name",
    "sex",
    "id_number",
    "birth_date",
    "age",
    "phone",
    "household_category",
    "origin_town",
    "origin_village",
    "education",
    "labour_capacity",
    "health",
    "employment_status",
    "employment_place",
    "employer_name",
    "months_worked",
    "monthly_income",
    "wish_employment",
    "wish_job",
    "wish_place",
    "wish_wage",
    "skills",
    "certificates",
    "training_wish",
    "training_trade",
    "training_date",
    "training_certified",
    "not_working_reason",
    "assistance",
    "remarks",
]


def export_ledger(
    session: Session,
    cipher: PersonalDataCipher,
    path: Path,
    *,
    actor: Actor,
    site: str | None = None,
    full_ids: bool = False,
    reason: str | None = None,
    today: dt.date | None = None,
) -> int:
    """Write the ledger to ``path`` (.xlsx); returns the number of persons written."""
    if full_ids and not actor.is_admin:
        raise NotAllowed("只有管理员可以导出完整的身份证号和电话。")
    if full_ids and not (reason and reason.strip()):
        raise InvalidInput("导出完整身份证号必须填写用途（如“按月向县乡村振兴局报送”）。")
    today = today or dt.date.today()
    rows, details = export_rows(session, site)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("搬迁劳动力台账")
    title = WriteOnlyCell(ws, f"{site or '全部安置点'}易地扶贫搬迁劳动力就业情况台账")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([f"导出日期：{today.isoformat()}　导出人：{actor.name}　身份证号：{'完整' if full_ids else '已脱敏'}"])
    header = []
    for key in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, LEDGER_FIELDS[key])
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    for item in rows:
        values = _row(item, details[item["worker"].id], cipher, full_ids, today)
        ws.append([values[k] for k in EXPORT_COLUMNS])
    session.add(
        AuditEvent(
            actor=actor.name,
            actor_role=actor.role,
            action="export_ledger",
            subject=site or "全部安置点",
            reason=reason,
            detail={"persons": len(rows), "full_ids": full_ids, "file": path.name},
        )
    )
    session.flush()
    wb.save(path)  # after the audit record: no file of personal data without its record
    return len(rows)


def _row(
    item: dict[str, Any], det: dict[str, list[Any]], cipher: PersonalDataCipher, full: bool, today: dt.date
) -> dict[str, Any]:
    w, h, s = item["worker"], item["household"], item["site"]
    phones = ""
    if w.phone_enc is not None:
        phones = (
            "/".join([cipher.decrypt(w.phone_enc)] + [cipher.decrypt_text(x) for x in w.other_phones_enc or []])
            if full
            else (w.phone_mask or "")
        )
    training = det["training"][0] if det["training"] else None
    return {
        "anye_id": w.id,
        "site": s.name,
        "household_number": h.number,
        "head_name": h.head_name,
        "relation": w.relation_to_head,
        "name": w.name,
        "sex": label(w.sex, Sex),
        "id_number": cipher.decrypt(w.id_number_enc) if full else w.id_number_mask,
        "birth_date": w.birth_date.isoformat(),
        "age": age_on(w.birth_date, today),
        "phone": phones,
        "household_category": h.monitoring_kind or label(h.category, HouseholdCategory) or None,
        "origin_town": h.origin_town,
        "origin_village": h.origin_village,
        "education": label(w.education, Education),
        "labour_capacity": label(w.labour_capacity, LabourCapacity),
        "health": label(w.health, Health),
        "employment_status": label(w.employment_status, EmploymentStatus),
        "employment_place": w.employment_place,
        "employer_name": w.employer_name,
        "months_worked": w.months_worked,
        "monthly_income": w.monthly_income,
        "wish_employment": _yes_no(w.wish_employment),
        "wish_job": w.wish_job_text,
        "wish_place": label(w.wish_place_range, PlaceRange),
        "wish_wage": w.wish_min_wage,
        "skills": "、".join(x.source_text for x in det["skill"]) or None,
        "certificates": "、".join(c.source_text for c in det["certificate"]) or None,
        "training_wish": _yes_no(w.training_wish),
        "training_trade": training.trade if training else None,
        "training_date": training.attended_on.isoformat() if training and training.attended_on else None,
        "training_certified": _yes_no(training.certified) if training else None,
        "not_working_reason": w.not_working_reason,
        "assistance": w.assistance,
        "remarks": w.remarks,
    }


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("是" if value else "否")
