"""The lists site staff act on (工作清单), as pure functions over household states and placements.

- 零就业家庭 (``zero_employment``): households on the ledger on ``day`` with labour and no one of them employed
  (``api.figures_state``). Source: "确保安置区有劳动能力的搬迁家庭每户至少一人稳定就业" (五好社区 text, 帮扶就业).
- 培训缺口 (``training_gap``): labour on the ledger who wish to be trained (培训意愿 是) and have neither a
  training on record (on or before ``day``) nor a certificate. Source: "确保有培训意愿和劳动能力的搬迁群众至少
  接受1次职业技能培训".
- 失业救助对象 (``relief_candidates``): labour on the ledger who want work (求职意愿 not 否; not 在校生 nor
  无就业意愿), are not employed on ``day``, have been without work at least ``days`` days and for an objective
  reason. Without work since: the later of the day their last placement ended and the day the ledger's status
  last changed; with neither, the day the ledger first recorded them. The reason: that of the last
  separation when it is the later fact, else the ledger's 未就业原因;
  objective when it names one of ``OBJECTIVE_REASONS`` (the employer cut jobs, a contract or season ended, no
  suitable work) — not pay, distance, care duties or unwillingness. Source: "对因客观因素导致有就业意愿而未就业的
  搬迁群众可按照不高于当地失业保险金标准给予临时性、阶段性、季节性的救助".
- 公益性岗位到期 (``welfare_terms``): people in an active placement in a public-welfare post whose term (the
  post's ``term_months``, else ``DEFAULT_TERM_MONTHS``, counted from ``hired_on``) ends within ``within`` days
  after ``day`` or has already ended. Source: ``shared/DOMAIN.md`` (subsidy term 3 years, at most 2
  renewals). Holders known only from the ledger (its status 公益性岗位 on ``day``, no placement going on) have
  no start date, so no term end: they are listed apart (``welfare_without_start``) for staff to find out the
  start, never left out, since any of them may be at the end of a term.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from api.figures_state import HouseholdState, PersonState, active_hires
from models.figures_repository import HireRow
from models.vocab import EmploymentStatus

__all__ = [
    "DEFAULT_RELIEF_DAYS",
    "DEFAULT_TERM_MONTHS",
    "DEFAULT_TERM_WINDOW",
    "OBJECTIVE_REASONS",
    "Idle",
    "TermEnd",
    "add_months",
    "relief_candidates",
    "training_gap",
    "welfare_terms",
    "welfare_without_start",
    "zero_employment",
]

DEFAULT_RELIEF_DAYS = 90
DEFAULT_TERM_MONTHS = 36
DEFAULT_TERM_WINDOW = 60
OBJECTIVE_REASONS = (
    "企业减员", "裁员", "停产", "歇业", "倒闭", "合同到期", "季节结束", "工程结束", "项目结束",
    "无合适岗位", "就业信息少", "疫情",
)  # fmt: skip
_OUT_OF_MARKET = (EmploymentStatus.STUDENT.value, EmploymentStatus.NOT_SEEKING.value)
_WELFARE = EmploymentStatus.PUBLIC_WELFARE.value


def zero_employment(states: Iterable[HouseholdState]) -> list[HouseholdState]:
    return [h for h in states if h.on_ledger and h.zero_employment]


def training_gap(states: Iterable[HouseholdState], day: dt.date) -> list[PersonState]:
    out = []
    for member in (m for h in states for m in h.members):
        person = member.person
        trained = person.trained_on is not None and person.trained_on <= day
        certified = person.certified_by_training or bool(person.certificate_expiries)
        if member.on_ledger and member.labour and person.training_wish and not trained and not certified:
            out.append(member)
    return out


@dataclass(frozen=True, slots=True)
class Idle:
    member: PersonState
    since: dt.date
    days: int
    reason: str


def _idle(member: PersonState) -> tuple[dt.date, str]:
    """Since when and why the member has been without work: the later of the last separation and the day the
    ledger's status last changed; with neither, the day the ledger first recorded them (a lower bound)."""
    last = member.last_separation
    separated = last.separated_on if last is not None else None
    ledger_reason = member.person.not_working_reason or ""
    changed = member.status_changed_on
    if separated is not None and last is not None and (changed is None or separated >= changed):
        return separated, last.separation_reason or ledger_reason
    return changed or member.person.recorded_on, ledger_reason


def relief_candidates(
    states: Iterable[HouseholdState],
    day: dt.date,
    *,
    days: int = DEFAULT_RELIEF_DAYS,
    reasons: Sequence[str] = OBJECTIVE_REASONS,
) -> list[Idle]:
    out = []
    for member in (m for h in states for m in h.members):
        person = member.person
        wants = person.wish_employment is not False and member.status not in _OUT_OF_MARKET
        if not (member.on_ledger and member.labour and wants) or member.employed:
            continue
        since, reason = _idle(member)
        if (day - since).days >= days and any(word in reason for word in reasons):
            out.append(Idle(member, since, (day - since).days, reason))
    return out


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when that month is shorter)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class TermEnd:
    hire: HireRow
    term_months: int
    ends_on: dt.date
    days_left: int


def welfare_terms(
    hires: Iterable[HireRow],
    day: dt.date,
    *,
    within: int = DEFAULT_TERM_WINDOW,
    default_term: int = DEFAULT_TERM_MONTHS,
) -> list[TermEnd]:
    out = []
    for hire in active_hires([h for h in hires if h.public_welfare], day):
        months = hire.term_months or default_term
        ends = add_months(hire.hired_on, months)
        if (ends - day).days <= within:
            out.append(TermEnd(hire, months, ends, (ends - day).days))
    return sorted(out, key=lambda t: (t.ends_on, t.hire.match_id))


def welfare_without_start(
    states: Iterable[HouseholdState], hires: Iterable[HireRow], day: dt.date
) -> list[PersonState]:
    """People the ledger holds in a public-welfare post on ``day`` with no placement going on then (their
    start, and so the end of their term, is not on record)."""
    placed = {h.worker_id for h in active_hires(hires, day)}
    return [
        m
        for h in states
        for m in h.members
        if m.on_ledger and m.employed and m.status == _WELFARE and m.person.worker_id not in placed
    ]
