"""What a match-day plan hands out (撮合日材料): per broker a call list (外呼名单) workbook, per worker the short
messages (``api.allocation_sms``), per employer the proposed candidates who agreed to be put forward.

Personal data: a call list shows a person's phone in full only for proposals committed into the pipeline and
only to a broker of the person's site (the rows are the broker's sites' people); every phone so shown is
written to the audit log (reason 撮合日外呼名单). A preview's lists carry masks. An employer's list shows the
name and phone of those who agreed (stage 有意向 or later, consent kept), each one audited, as
``GET /postings/{id}/applicants`` does. Message texts name the worker by surname and the broker by name and
phone; the phone they are sent to stays masked here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.allocation import Plans, region_label
from api.allocation_sms import SmsParts, honorific, pay_phrase, sms_text
from matcher.geo import haversine_km
from models.account_repository import AccountRepository
from models.audit import Actor, record_audit
from models.crypto import PersonalDataCipher
from models.errors import Conflict, NotAllowed
from models.match_plan import MatchPlan
from models.match_plan_repository import BrokerRow, ItemRow, MatchPlanRepository
from models.vocab import MatchStage, Role, Sex, label

__all__ = [
    "CALL_LIST_HEADERS",
    "CALL_LIST_REASON",
    "EMPLOYER_HEADERS",
    "NO_ONE_EMPLOYED",
    "Message",
    "agreed",
    "broker_call_list",
    "broker_of_sites",
    "call_list",
    "employer_list",
    "messages",
    "plan_messages",
]

CALL_LIST_REASON = "撮合日外呼名单"
AGREED_REASON = "本人已同意向用人单位推荐"
NO_ONE_EMPLOYED = "家中暂无就业人员"
CALL_LIST_HEADERS = ("序号", "安置点", "户编号", "姓名", "性别", "年龄", "电话", "推荐岗位", "用人单位", "待遇",
                     "工作地点", "距离（公里）", "推荐理由", "家庭情况", "稳定就业概率", "短信回复码", "撮合编号",
                     "岗位编号", "外呼结果", "备注")  # fmt: skip
EMPLOYER_HEADERS = ("序号", "岗位编号", "岗位", "姓名", "性别", "年龄", "电话", "安置点", "当前环节", "同意推荐时间")
_AGREED_STAGES = frozenset(s.value for s in (MatchStage.INTERESTED, MatchStage.INTERVIEW, MatchStage.OFFERED,
                                              MatchStage.HIRED))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Message:
    item_id: int
    worker_id: int
    name: str
    phone_mask: str | None
    posting_id: int
    match_id: int | None
    reply: int
    text: str


def _age(row: ItemRow, on: dt.date) -> int:
    born = row.worker.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _distance_km(row: ItemRow) -> float | None:
    site, posting = row.site, row.posting
    lon = posting.longitude if posting.longitude is not None else row.employer.longitude
    lat = posting.latitude if posting.latitude is not None else row.employer.latitude
    if posting.out_of_area or site.longitude is None or site.latitude is None or lon is None or lat is None:
        return None
    return round(float(haversine_km(site.longitude, site.latitude, lon, lat)), 1)


def _pay(row: ItemRow) -> str | None:
    return pay_phrase(row.posting.pay_min, row.posting.pay_max, row.posting.pay_period)


def _replies(rows: Iterable[ItemRow]) -> dict[int, int]:
    """Item id -> the digit its message asks to reply with: 1, 2 ... over each worker's proposals in the plan's
    order (those skipped at commit have no message)."""
    seen: dict[int, int] = {}
    out: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: (r.item.rank, r.item.id)):
        if row.item.skipped is not None:
            continue
        seen[row.worker.id] = seen.get(row.worker.id, 0) + 1
        out[row.item.id] = seen[row.worker.id]
    return out


def broker_of_sites(brokers: Sequence[BrokerRow], prefer: str | None = None) -> dict[int, BrokerRow]:
    """Site id -> the broker a worker of the site is told to call: ``prefer`` (the committing broker) where
    they serve the site, else the first by user name."""
    out: dict[int, BrokerRow] = {}
    for broker in brokers:
        if broker.site_id not in out or broker.username == prefer:
            out[broker.site_id] = broker
    return out


def messages(session: Session, cipher: PersonalDataCipher, rows: Sequence[ItemRow], *,
             prefer: str | None = None) -> list[Message]:  # fmt: skip
    """One message per proposal of ``rows`` (see ``api.allocation_sms``)."""
    brokers = broker_of_sites(MatchPlanRepository(session).brokers(frozenset(r.site.id for r in rows)), prefer)
    replies = _replies(rows)
    out = []
    for row in rows:
        broker = brokers.get(row.site.id)
        phone = cipher.decrypt(broker.phone_enc) if broker is not None and broker.phone_enc else None
        parts = SmsParts(honorific(row.worker.name, row.worker.sex), row.employer.name, row.posting.title,
                         _pay(row), _distance_km(row), broker.display_name if broker else None, phone,
                         replies[row.item.id])  # fmt: skip
        out.append(Message(row.item.id, row.worker.id, row.worker.name, row.worker.phone_mask, row.posting.id,
                           row.item.match_id, replies[row.item.id], sms_text(parts)))  # fmt: skip
    return out


def _sheet(workbook: Workbook, title: str, subtitle: str, headers: Sequence[str]) -> None:
    ws = workbook.active
    assert ws is not None
    ws.title = title[:28]
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.cell(2, 1, subtitle)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(3, j, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = max(8, min(40, 2 * len(header) + 4))
    ws.freeze_panes = "A4"


def _bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _subtitle(plan: MatchPlan, who: str) -> str:
    region = region_label(plan.region_adcode, plan.out_of_area, plan.employer_ids)
    return f"计划编号 {plan.id}    地区：{region}    撮合日：{plan.plan_day.isoformat()}    {who}"


def call_list(session: Session, cipher: PersonalDataCipher, plan: MatchPlan, rows: Sequence[ItemRow], *,
              actor: Actor, broker: str, reveal: bool = True) -> bytes:  # fmt: skip
    """The call list workbook of ``broker`` (``rows``: the plan's items of their sites). With ``reveal``,
    committed proposals show the phone in full, each person audited once; others (a preview) show the mask."""
    workbook = Workbook()
    _sheet(workbook, f"撮合日外呼名单（{broker}）", _subtitle(plan, f"经纪人：{broker}"), CALL_LIST_HEADERS)
    ws = workbook.active
    assert ws is not None
    replies, audited = _replies(rows), set[int]()
    for i, row in enumerate(rows, start=1):
        worker, committed = row.worker, row.item.match_id is not None
        phone = worker.phone_mask
        if reveal and committed and worker.phone_enc is not None:
            phone = cipher.decrypt(worker.phone_enc)
            if worker.id not in audited:
                audited.add(worker.id)
                record_audit(session, actor, "reveal", f"worker:{worker.id}", reason=CALL_LIST_REASON,
                             detail={"fields": ["phone"], "plan_id": plan.id, "broker": broker})  # fmt: skip
        note = "" if committed else (row.item.skipped or "预览，计划未提交")
        ws.append([i, row.site.name, row.household.number, worker.name, label(worker.sex, Sex),
                   _age(row, plan.plan_day), phone, row.posting.title, row.employer.name, _pay(row) or "",
                   row.posting.work_address or row.posting.destination or "", _distance_km(row),
                   "；".join(row.item.reasons), NO_ONE_EMPLOYED if row.item.covers_household else "",
                   round(row.item.probability, 3), replies.get(row.item.id), row.item.match_id, row.posting.id, "",
                   note])  # fmt: skip
    return _bytes(workbook)


def agreed(rows: Iterable[ItemRow]) -> list[ItemRow]:
    """The proposals whose worker agreed to be put forward (有意向 or later) and kept their consent."""
    return [r for r in rows if r.match is not None and r.match.agreed_at is not None
            and r.match.stage in _AGREED_STAGES and r.worker.consent_withdrawn_at is None]  # fmt: skip


def employer_list(session: Session, cipher: PersonalDataCipher, plan: MatchPlan, rows: Sequence[ItemRow], *,
                  actor: Actor, employer: str) -> bytes:  # fmt: skip
    """The workbook for ``employer`` (``rows``: the plan's items of its postings): those who agreed, with
    name and phone, each audited."""
    workbook = Workbook()
    _sheet(workbook, f"撮合日推荐人选（{employer}）", _subtitle(plan, "仅列出本人已同意推荐的人员"), EMPLOYER_HEADERS)
    ws = workbook.active
    assert ws is not None
    for i, row in enumerate(agreed(rows), start=1):
        worker, match = row.worker, row.match
        assert match is not None and match.agreed_at is not None
        phone = cipher.decrypt(worker.phone_enc) if worker.phone_enc else ""
        record_audit(session, actor, "employer_view", f"worker:{worker.id}", reason=AGREED_REASON,
                     detail={"posting_id": row.posting.id, "match_id": match.id, "plan_id": plan.id})  # fmt: skip
        ws.append([i, row.posting.id, row.posting.title, worker.name, label(worker.sex, Sex), _age(row, plan.plan_day),
                   phone, row.site.name, MatchStage.of(match.stage).zh,
                   match.agreed_at.replace(tzinfo=None).isoformat(timespec="minutes")])  # fmt: skip
    return _bytes(workbook)


def broker_call_list(plans: Plans, cipher: PersonalDataCipher, scope: Scope, plan_id: int) -> tuple[str, bytes]:
    """The signed-in broker's call list of a committed plan: the proposals written into the pipeline for
    people of their sites (file name, workbook)."""
    if scope.role is not Role.BROKER:
        raise NotAllowed("外呼名单按经纪人生成，只含其负责安置点的人员；请用劳务经纪人账号下载。")
    plan = plans.get(scope, plan_id)
    rows, _ = plans.repo.items(plan_id, scope.site_ids)
    if any(r.item.committed_at is None for r in rows):
        raise Conflict("计划中您负责安置点的推荐尚未提交。请先提交计划（写入撮合跟踪），再下载外呼名单。")
    account = AccountRepository(plans.session).get(scope.account_id)
    name = account.display_name if account is not None else scope.username
    committed = [r for r in rows if r.item.match_id is not None]
    content = call_list(plans.session, cipher, plan, committed, actor=scope.actor, broker=name)
    return f"撮合日外呼名单-计划{plan_id}-{name}.xlsx", content


def plan_messages(plans: Plans, cipher: PersonalDataCipher, scope: Scope, plan_id: int) -> list[Message]:
    """The messages of the plan's proposals of the account's sites, those skipped at commit left out."""
    rows, _ = plans.items(scope, plan_id)
    prefer = scope.username if scope.role is Role.BROKER else None
    return messages(plans.session, cipher, [r for r in rows if r.item.skipped is None], prefer=prefer)
