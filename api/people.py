"""Reading the people resources (人员信息): sites, households, workers and the audit log, within an account's scope.

A record outside the account's scope answers exactly like one that does not exist (``NotFound``), so
nobody learns which IDs exist elsewhere. The write side (reveal, corrections, consent) is
``api.people_changes``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.accounts import Scope
from api.paging import Page, PageParams
from api.people_schemas import (
    AuditOut,
    CertificateOut,
    HouseholdDetail,
    HouseholdOut,
    HouseholdSummary,
    SiteOut,
    SkillOut,
    WorkerDetail,
    WorkerItem,
    label_of,
)
from ingest.problem import Checked
from ingest.values import parse_employment_status, parse_household_category, parse_labour_capacity
from models.errors import InvalidInput, NotFound
from models.people_repository import HouseholdFilter, PeopleRepository, Sorting, WorkerFilter, WorkerRow
from models.taxonomy import Taxonomy, default_taxonomy
from models.vocab import EmploymentStatus, HouseholdCategory, LabourCapacity

__all__ = [
    "NO_SUCH_HOUSEHOLD",
    "NO_SUCH_SITE",
    "NO_SUCH_WORKER",
    "HouseholdQuery",
    "WorkerQuery",
    "audit_page",
    "detail_fields",
    "household_detail",
    "household_page",
    "site_detail",
    "site_page",
    "visible_worker",
    "worker_detail",
    "worker_filter",
    "worker_page",
    "years_before",
]

NO_SUCH_SITE = "找不到该安置点，或您无权查看。"
NO_SUCH_HOUSEHOLD = "找不到该户，或您无权查看。"
NO_SUCH_WORKER = "找不到此人，或您无权查看。"
SITE_SORTS = ("name", "county", "id")
HOUSEHOLD_SORTS = ("number", "head_name", "site", "members", "updated_at")
WORKER_SORTS = ("name", "age", "site", "updated_at")
AUDIT_SORTS = ("at",)
_CODE_PREFIX = re.compile(r"\d+(?:-\d*)*", re.ASCII)


@dataclass(frozen=True, slots=True)
class HouseholdQuery:
    site_id: int | None = None
    county: str | None = None
    category: str | None = None
    no_one_employed: bool | None = None


@dataclass(frozen=True, slots=True)
class WorkerQuery:
    """The filters of the worker list as the request gives them (codes or Chinese words)."""

    site_id: int | None = None
    county: str | None = None
    status: tuple[str, ...] = ()
    occupation: str | None = None
    certificate: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    labour_capacity: tuple[str, ...] = ()
    available: bool | None = None
    q: str | None = None


def _sorting(page: PageParams, allowed: tuple[str, ...], default: str) -> Sorting:
    field, descending = page.sort_key(allowed, default)
    return Sorting(field, descending, page.offset, page.size)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# sites ------------------------------------------------------------------------------------------------
def site_page(session: Session, scope: Scope, county: str | None, page: PageParams) -> Page[SiteOut]:
    rows, total = PeopleRepository(session).sites(scope.site_ids, county, _sorting(page, SITE_SORTS, "name"))
    return Page(items=[SiteOut.of(r) for r in rows], total=total, page=page.page, size=page.size)


def site_detail(session: Session, scope: Scope, site_id: int) -> SiteOut:
    row = PeopleRepository(session).site(site_id, scope.site_ids)
    if row is None:
        raise NotFound(NO_SUCH_SITE)
    return SiteOut.of(row)


# households -------------------------------------------------------------------------------------------
def household_page(session: Session, scope: Scope, query: HouseholdQuery, page: PageParams) -> Page[HouseholdOut]:
    category = _code("category", "户类型", query.category, parse_household_category, HouseholdCategory)
    where = HouseholdFilter(scope.site_ids, query.site_id, query.county, category, query.no_one_employed)
    rows, total = PeopleRepository(session).households(where, _sorting(page, HOUSEHOLD_SORTS, "number"))
    return Page(items=[HouseholdOut.of(r) for r in rows], total=total, page=page.page, size=page.size)


def household_detail(
    session: Session, scope: Scope, household_id: int, today: dt.date | None = None
) -> HouseholdDetail:
    repo = PeopleRepository(session)
    row = repo.household(household_id, scope.site_ids)
    if row is None:
        raise NotFound(NO_SUCH_HOUSEHOLD)
    today = today or dt.date.today()
    members = [WorkerItem.of(m, today) for m in repo.members(household_id)]
    return HouseholdDetail(**HouseholdOut.of(row).model_dump(), members=members)


# workers ----------------------------------------------------------------------------------------------
def worker_page(
    session: Session, scope: Scope, query: WorkerQuery, page: PageParams, today: dt.date | None = None
) -> Page[WorkerItem]:
    today = today or dt.date.today()
    where = worker_filter(scope, query, today, default_taxonomy())
    rows, total = PeopleRepository(session).workers(where, _sorting(page, WORKER_SORTS, "name"))
    return Page(items=[WorkerItem.of(r, today) for r in rows], total=total, page=page.page, size=page.size)


def worker_filter(scope: Scope, query: WorkerQuery, today: dt.date, taxonomy: Taxonomy) -> WorkerFilter:
    """The request's filters in the repository's terms: codes, a 大典 prefix, a canonical certificate name,
    birth-date bounds; ``InvalidInput`` naming the parameter for anything not understood."""
    if query.age_min is not None and query.age_max is not None and query.age_min > query.age_max:
        raise InvalidInput("age_min（最小年龄）不能大于 age_max（最大年龄）。")
    statuses = tuple(_code("status", "就业状态", s, parse_employment_status, EmploymentStatus) for s in query.status)
    labour = tuple(_code("labour_capacity", "劳动能力", c, parse_labour_capacity, LabourCapacity)
                   for c in query.labour_capacity)  # fmt: skip
    return WorkerFilter(
        scope.site_ids,
        site_id=query.site_id,
        county=query.county,
        statuses=tuple(s for s in statuses if s),
        occupation_prefix=_occupation_prefix(query.occupation, taxonomy),
        certificate=_certificate(query.certificate, taxonomy),
        born_on_or_before=years_before(today, query.age_min) if query.age_min is not None else None,
        born_after=years_before(today, query.age_max + 1) if query.age_max is not None else None,
        labour=tuple(c for c in labour if c),
        available=query.available,
        name_contains=query.q.strip() if query.q and query.q.strip() else None,
    )


def _code(param: str, zh: str, raw: str | None, parse: Any, enum: Any) -> str | None:
    """The stored code of a filter value given as a code, a Chinese label or a ledger spelling."""
    text = (raw or "").strip()
    if not text:
        return None
    if text in {member.value for member in enum}:
        return text
    checked: Checked[Any] = parse(text)
    if checked.value is None:
        options = "、".join(member.zh for member in enum)
        raise InvalidInput(f"{param}（{zh}）：无法识别“{text}”，可选：{options}。")
    value = checked.value
    return str(value[0] if isinstance(value, tuple) else value)  # a household category comes with its kind


def _occupation_prefix(raw: str | None, taxonomy: Taxonomy) -> str | None:
    text = (raw or "").strip()
    if not text:
        return None
    if _CODE_PREFIX.fullmatch(text):
        return text
    found = taxonomy.match_occupation(text)
    if found is None:
        raise InvalidInput(
            f"occupation（职业）：无法识别“{text}”。请填写职业分类大典编码（如 6-18）或常见工种名称（如 电焊工）。"
        )
    return found[0]


def _certificate(raw: str | None, taxonomy: Taxonomy) -> str | None:
    text = (raw or "").strip()
    if not text:
        return None
    found = taxonomy.match_certificate(text)
    if found is None:
        raise InvalidInput(f"certificate（证书）：无法识别“{text}”。请填写证书名称，如 叉车司机、低压电工作业。")
    return found


def visible_worker(session: Session, scope: Scope, worker_id: int) -> WorkerRow:
    """The worker, if the account may see them; ``NotFound`` otherwise (also for other roles' scopes)."""
    row = PeopleRepository(session).worker(worker_id, scope.site_ids)
    if row is None:
        raise NotFound(NO_SUCH_WORKER)
    return row


def worker_detail(session: Session, scope: Scope, worker_id: int, today: dt.date | None = None) -> WorkerDetail:
    return WorkerDetail(**detail_fields(session, visible_worker(session, scope, worker_id), today))


def detail_fields(session: Session, row: WorkerRow, today: dt.date | None = None) -> dict[str, Any]:
    """The fields of a ``WorkerDetail`` (masked) of a worker the caller may see."""
    today = today or dt.date.today()
    repo = PeopleRepository(session)
    skills = repo.skills(row.worker.id)
    household = repo.household(row.worker.household_id, None)
    assert household is not None  # a worker's household exists (foreign key)
    h = household.household
    summary = HouseholdSummary(
        id=h.id, number=h.number, head_name=h.head_name, category=h.category,
        category_label=label_of(h.category, HouseholdCategory), size=h.size, site_id=h.site_id,
        site_name=household.site_name, employed_members=household.employed,
    )  # fmt: skip
    return dict(
        WorkerDetail.detail_fields(row, today),
        skills=[SkillOut.of(s) for s in skills if s.kind != "wish"],
        wishes=[SkillOut.of(s) for s in skills if s.kind == "wish"],
        certificates=[CertificateOut.of(c, today) for c in repo.certificates(row.worker.id)],
        household=summary,
    )


# audit ------------------------------------------------------------------------------------------------
def audit_page(
    session: Session, scope: Scope, *, subject: str | None, actor: str | None, action: str | None, page: PageParams
) -> Page[AuditOut]:
    """Audit events, newest first; an administrator of counties sees those about their counties' people."""
    events, total = PeopleRepository(session).audit_events(
        scope.site_ids, subject=subject, actor=actor, action=action, sorting=_sorting(page, AUDIT_SORTS, "-at")
    )
    return Page(items=[AuditOut.of(e) for e in events], total=total, page=page.page, size=page.size)
