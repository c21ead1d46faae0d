"""Changing and revealing people's records (人员信息更正、查看完整信息、撤回同意), each written to the audit log.

Corrections go through the ledger's own row parser (``ingest.ledger_row.RowParser``), so a value typed into
the API means exactly what it means in a ledger cell (``普通劳动力``, ``3千``, ``电焊、开车``, ``叉车证``).
Every change writes one audit event (``update_worker``: the changed field names, phones as masks, health
without values), one ``WorkerChange`` row per field (phones encrypted, like an import's) and tells
``Changes`` so cached search results are dropped. Services do not commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.accounts import Scope, bind_phone
from api.changes import Changes
from api.people import NO_SUCH_WORKER, detail_fields, visible_worker
from api.people_schemas import ConsentOut, OwnProfile, RevealIn, RevealOut, WorkerDetail
from ingest.fields import LEDGER_FIELDS
from ingest.ledger_row import CellProblem, PersonRecord, RowParser
from models.account_repository import AccountRepository
from models.audit import record_audit
from models.base import utcnow
from models.crypto import PersonalDataCipher, mask_phone
from models.errors import InvalidInput, NotFound
from models.people_repository import PeopleRepository, WorkerRow
from models.repository import LedgerRepository
from models.taxonomy import default_taxonomy
from models.worker import Worker

__all__ = [
    "REASON_MAX",
    "REASON_MIN",
    "own_profile",
    "phones_of",
    "reveal",
    "set_consent",
    "update_own",
    "update_worker",
]

REASON_MIN = 4
REASON_MAX = 500
# API field -> ledger field (``ingest.fields``): what the row parser calls it
_LEDGER = {
    "phone": "phone",
    "wish_employment": "wish_employment",
    "wish_job_text": "wish_job",
    "wish_place_range": "wish_place",
    "wish_min_wage": "wish_wage",
    "training_wish": "training_wish",
    "education": "education",
    "labour_capacity": "labour_capacity",
    "health": "health",
    "employment_status": "employment_status",
    "skills": "skills",
    "certificates": "certificates",
}
_API = {ledger: api for api, ledger in _LEDGER.items()}
_HINTS = {
    "phone": "请填写 11 位手机号，或带区号的座机号（如 0350-1234567），多个号码用 / 分隔",
    "wish_employment": "请填写 是 或 否",
    "training_wish": "请填写 是 或 否",
    "wish_min_wage": "请填写每月金额（元），如 3000",
    "wish_place_range": "可选：本地、县内、市内、省内、省外均可",
    "education": "可选：文盲或半文盲、小学、初中、高中、中专/中职/技校、大专、本科及以上",
    "labour_capacity": "可选：技能劳动力、普通劳动力、弱劳动力或半劳动力、无劳动力、丧失劳动力",
    "health": "可选：健康、长期慢性病、患有大病、残疾",
    "employment_status": "可选：未就业、乡镇内务工、县内务工、省内县外务工、省外务工、公益性岗位、帮扶车间、"
    "自主创业、灵活就业、在校生、无就业意愿",
}
# understood, with a note for staff: fine in a correction too (an unknown certificate is kept as written)
_ACCEPTED = frozenset({"value_assumed", "certificate_unknown"})
# skills, wishes and certificates live in their own tables: API field -> detail kind
_DETAILS = {"skills": "skill", "wish_job_text": "wish", "certificates": "certificate"}
_QUIET = frozenset({"health"})  # sensitive: the audit log names the field without its values


def _zh(api_field: str) -> str:
    return LEDGER_FIELDS[_LEDGER[api_field]]


def phones_of(cipher: PersonalDataCipher, worker: Worker) -> list[str]:
    """A worker's phone numbers in plain text (first the main one)."""
    if worker.phone_enc is None:
        return []
    return [cipher.decrypt(worker.phone_enc), *(cipher.decrypt_text(x) for x in worker.other_phones_enc or [])]


# reveal -----------------------------------------------------------------------------------------------
def reveal(session: Session, cipher: PersonalDataCipher, scope: Scope, worker_id: int, body: RevealIn) -> RevealOut:
    """The full ID number and phones of one person, for a stated reason that goes to the audit log."""
    reason = body.reason.strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise InvalidInput(
            f"reason（查看原因）：请写明查看完整信息的原因，{REASON_MIN} 至 {REASON_MAX} 个字，"
            "如“联系本人核实就业情况”。"
        )
    worker = visible_worker(session, scope, worker_id).worker
    record_audit(session, scope.actor, "reveal", f"worker:{worker.id}", reason=reason,
                 detail={"fields": ["id_number", "phone"]})  # fmt: skip
    return RevealOut(
        worker_id=worker.id, name=worker.name, id_number=cipher.decrypt(worker.id_number_enc),
        phones=phones_of(cipher, worker),
    )  # fmt: skip


# corrections ------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Correction:
    """What a correction changed: (field, old, new) per API field, plain values (never logged as such)."""

    fields: list[tuple[str, Any, Any]] = field(default_factory=list)
    details: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)  # kind -> new rows


def _given(patch: BaseModel, allowed: frozenset[str]) -> dict[str, Any]:
    """The fields the request set; ``InvalidInput`` naming any the caller may not change."""
    refused = sorted(set(patch.model_extra or {}) | (patch.model_fields_set - allowed))
    if refused:
        names = "、".join(f"{n}（{_zh(n)}）" if n in _LEDGER else n for n in refused)
        raise InvalidInput(f"请求内容有误，以下字段不能在此修改：{names}。如需更正，请联系安置点工作人员。")
    return {name: getattr(patch, name) for name in patch.model_fields_set}


def _parse(cipher: PersonalDataCipher, worker: Worker, given: dict[str, Any]) -> PersonRecord:
    """The given values read as the ledger reads its cells; ``InvalidInput`` naming each field not understood."""
    cells: dict[str, object] = {"id_number": cipher.decrypt(worker.id_number_enc), "name": worker.name}
    cells.update({_LEDGER[name]: value for name, value in given.items()})
    record, problems = RowParser(default_taxonomy(), dt.date.today()).parse(cells, {})
    refused = [p for p in problems if p.code not in _ACCEPTED]
    if record is None or refused:
        raise InvalidInput("请求内容有误，请检查以下字段：" + "；".join(_message(p) for p in refused))
    return record


def _message(problem: CellProblem) -> str:
    api = _API.get(problem.field or "", problem.field or "")
    hint = _HINTS.get(api, "无法识别，请检查")
    return f"{api}（{LEDGER_FIELDS.get(problem.field or '', api)}）：填写的内容无法识别，{hint}"


def _apply(
    session: Session, cipher: PersonalDataCipher, worker: Worker, given: dict[str, Any], record: PersonRecord
) -> _Correction:
    out = _Correction()
    for name in given:  # API field names are the Worker attributes the parser fills
        if name in ("phone", "skills", "certificates"):
            continue
        new = record.attrs.get(name)
        if getattr(worker, name) != new:
            out.fields.append((name, getattr(worker, name), new))
            setattr(worker, name, new)
    if "phone" in given and phones_of(cipher, worker) != record.phones:
        out.fields.append(("phone", phones_of(cipher, worker), record.phones))
        _set_phones(cipher, worker, record.phones)
    _details(session, worker, given, record, out)
    return out


def _set_phones(cipher: PersonalDataCipher, worker: Worker, phones: list[str]) -> None:
    first, others = (phones[0], phones[1:]) if phones else (None, [])
    worker.phone_hash = cipher.digest(first) if first else None
    worker.phone_enc = cipher.encrypt(first) if first else None
    worker.phone_mask = mask_phone(first) if first else None
    worker.other_phones_enc = [cipher.encrypt_text(x) for x in others] or None


def _details(session: Session, worker: Worker, given: dict[str, Any], record: PersonRecord, out: _Correction) -> None:
    """Skills, wishes and certificates, replaced as a ledger import replaces them (only when they differ)."""
    ledger = LedgerRepository(session)
    before = ledger.details_of([worker.id]).get(worker.id, [])
    # a certificate still written the same way keeps the expiry date on file
    expiry = {c.source_text: c.expires_on for c in PeopleRepository(session).certificates(worker.id)}
    after: dict[str, list[tuple[Any, ...]]] = {
        "skill": [(k, code, name, text) for k, code, name, text in record.skills if k == "skill"],
        "wish": [(k, code, name, text) for k, code, name, text in record.skills if k == "wish"],
        "certificate": [(canonical, text, expiry.get(text)) for canonical, text in record.certificates],
    }
    for name, kind in _DETAILS.items():
        if name not in given:
            continue
        old = sorted(t[1] for t in before if t[0] == kind)
        new = sorted(row[-1] if kind != "certificate" else row[1] for row in after[kind])
        if old != new:
            out.fields.append((f"details:{kind}", old, new))
            out.details[kind] = after[kind]
    if out.details:
        skills = [(worker.id, *row) for kind in ("skill", "wish") for row in out.details.get(kind, [])]
        certificates = [(worker.id, *row) for row in out.details.get("certificate", [])]
        ledger.replace_details({kind: [worker.id] for kind in out.details}, skills, certificates, [])


def _record(
    session: Session, cipher: PersonalDataCipher, scope: Scope, worker: Worker, correction: _Correction
) -> None:
    """The audit event, the change history and the change notice of one correction."""
    audit: dict[str, Any] = {}
    history: list[dict[str, Any]] = []
    for name, old, new in correction.fields:
        row = {"worker_id": worker.id, "batch_id": None, "actor": scope.username, "field": name,
               "changed_at": utcnow()}  # fmt: skip
        if name == "phone":
            audit[name] = {"old": [mask_phone(p) for p in old], "new": [mask_phone(p) for p in new]}
            history.append(row | {"old_value": _sealed(cipher, old), "new_value": _sealed(cipher, new),
                                  "encrypted": True})  # fmt: skip
            continue
        audit[name] = None if name in _QUIET else {"old": old, "new": new}
        history.append(row | {"old_value": _text(old), "new_value": _text(new), "encrypted": False})
    record_audit(session, scope.actor, "update_worker", f"worker:{worker.id}",
                 detail={"fields": [n for n, _, _ in correction.fields], "changes": audit})  # fmt: skip
    LedgerRepository(session).insert_changes(history)


def _sealed(cipher: PersonalDataCipher, phones: list[str]) -> str | None:
    return cipher.encrypt_text("/".join(phones)) if phones else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _correct(
    session: Session, cipher: PersonalDataCipher, changes: Changes, scope: Scope, worker: Worker, given: dict[str, Any]
) -> None:
    if not given:
        return
    correction = _apply(session, cipher, worker, given, _parse(cipher, worker, given))
    if correction.fields:
        worker.updated_at = now = utcnow()  # also when only skills or certificates changed
        # the record now reflects today: a ledger dated earlier, imported later, must not undo the correction
        if worker.as_of is None or worker.as_of < now.date():
            worker.as_of = now.date()
        session.flush()
        _record(session, cipher, scope, worker, correction)
        changes.worker_changed(session, worker.id)


_BROKER_FIELDS = frozenset(_LEDGER)
_OWN_FIELDS = frozenset({"phone", "wish_employment", "wish_job_text", "wish_place_range", "wish_min_wage",
                         "training_wish"})  # fmt: skip


def update_worker(
    session: Session, cipher: PersonalDataCipher, changes: Changes, scope: Scope, worker_id: int, patch: BaseModel
) -> WorkerDetail:
    """A broker's or administrator's correction of a person in their scope; the corrected profile (masked)."""
    row = visible_worker(session, scope, worker_id)
    _correct(session, cipher, changes, scope, row.worker, _given(patch, _BROKER_FIELDS))
    return WorkerDetail(**detail_fields(session, row))


# the worker's own record ------------------------------------------------------------------------------
def _own(session: Session, scope: Scope) -> WorkerRow:
    row = PeopleRepository(session).worker(scope.worker_id, None) if scope.worker_id is not None else None
    if row is None:
        raise NotFound(NO_SUCH_WORKER)
    return row


def own_profile(session: Session, cipher: PersonalDataCipher, scope: Scope) -> OwnProfile:
    """The signed-in worker's own record, with their own phone numbers in full."""
    row = _own(session, scope)
    return OwnProfile(**detail_fields(session, row), phones=phones_of(cipher, row.worker))


def update_own(
    session: Session, cipher: PersonalDataCipher, changes: Changes, scope: Scope, patch: BaseModel
) -> OwnProfile:
    """A worker's correction of their own phone and wishes; a new mobile is also the one they sign in with."""
    row = _own(session, scope)
    given = _given(patch, _OWN_FIELDS)
    _correct(session, cipher, changes, scope, row.worker, given)
    phones = phones_of(cipher, row.worker)
    account = AccountRepository(session).get(scope.account_id)
    if "phone" in given and account is not None and account.phone_hash is not None and phones:
        mobile = next((p for p in phones if len(p) == 11 and p.startswith("1")), None)
        if mobile is not None:
            bind_phone(session, cipher, account, mobile)
    return OwnProfile(**detail_fields(session, row), phones=phones_of(cipher, row.worker))


def set_consent(
    session: Session, changes: Changes, scope: Scope, consent: bool, *, now: dt.datetime | None = None
) -> ConsentOut:
    """Withdraw (``False``) or restore (``True``) consent to being recommended and put forward to employers."""
    worker = _own(session, scope).worker
    if consent == (worker.consent_withdrawn_at is not None):  # a change of mind, not a repeat
        worker.consent_withdrawn_at = None if consent else (now or utcnow())
        record_audit(session, scope.actor, "consent", f"worker:{worker.id}", detail={"consent": consent})
        changes.worker_changed(session, worker.id)
    return ConsentOut(consent=worker.consent_withdrawn_at is None, consent_withdrawn_at=worker.consent_withdrawn_at)
