"""Posting 招聘岗位 and PublicWelfareJob 公益性岗位, with the rules of a posting's life.

A posting's life::

    draft ──> open <──> paused
                │  ╲      │
                │   ╲     ├──> filled   (every place taken; reopens when a place frees up)
                │    ╲    ├──> expired  (deadline passed; reopens when the deadline moves)
                └─────────┴──> closed   (by the employer or staff; final)

``filled_count`` never exceeds ``headcount``: the rule is checked here, enforced by a CHECK constraint, and
places are taken with one conditional UPDATE (``PostingRepository.take_places``) so concurrent hires
cannot overfill a posting.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow
from models.errors import Conflict, InvalidInput, NotAllowed
from models.vocab import PostingStatus

__all__ = [
    "LEGAL_WORKING_AGE",
    "TRANSITIONS",
    "Posting",
    "PublicWelfareJob",
    "change_status",
    "check_posting",
    "missing_for_opening",
    "pay_text",
]

LEGAL_WORKING_AGE = 16

S = PostingStatus
TRANSITIONS: dict[PostingStatus, frozenset[PostingStatus]] = {
    S.DRAFT: frozenset({S.OPEN, S.CLOSED}),
    S.OPEN: frozenset({S.PAUSED, S.FILLED, S.CLOSED, S.EXPIRED}),
    S.PAUSED: frozenset({S.OPEN, S.FILLED, S.CLOSED, S.EXPIRED}),
    S.FILLED: frozenset({S.OPEN, S.CLOSED}),
    S.EXPIRED: frozenset({S.OPEN, S.CLOSED}),
    S.CLOSED: frozenset(),
}


class Posting(TimestampMixin, Base):
    __tablename__ = "posting"
    __table_args__ = (
        CheckConstraint("filled_count >= 0", name="filled_not_negative"),
        CheckConstraint("headcount IS NULL OR filled_count <= headcount", name="filled_within_headcount"),
        CheckConstraint("headcount IS NULL OR headcount >= 1", name="headcount_positive"),
        CheckConstraint("pay_min IS NULL OR pay_max IS NULL OR pay_min <= pay_max", name="pay_range"),
        CheckConstraint("age_min IS NULL OR age_max IS NULL OR age_min <= age_max", name="age_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    # A post at a settlement site (public-welfare posts, site workshops); None for most enterprise jobs.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_site.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    occupation_code: Mapped[str | None] = mapped_column(String(16), index=True)
    occupation_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    headcount: Mapped[int | None]  # None while a draft says 若干
    filled_count: Mapped[int] = mapped_column(default=0, server_default="0")
    pay_min: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    pay_max: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    pay_period: Mapped[str | None] = mapped_column(String(8))
    pay_notes: Mapped[list[Any] | None] = mapped_column(JSON)  # 计件, 提成, 五险一金, 全勤奖 ...
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    # Kept as the employer wrote it; a sex requirement is flagged as possibly discriminatory and applied
    # in matching only where the configured policy allows.
    sex_required: Mapped[str | None] = mapped_column(String(8))
    education_min: Mapped[str | None] = mapped_column(String(16))
    certificates_required: Mapped[list[Any]] = mapped_column(JSON, default=list)
    certificates_preferred: Mapped[list[Any]] = mapped_column(JSON, default=list)
    skills: Mapped[list[Any]] = mapped_column(JSON, default=list)
    experience_years: Mapped[int | None]
    meals: Mapped[bool | None]
    housing: Mapped[bool | None]
    shift_pattern: Mapped[str | None] = mapped_column(Text)
    job_kind: Mapped[str | None] = mapped_column(String(16))
    work_address: Mapped[str | None] = mapped_column(Text)
    work_adcode: Mapped[str | None] = mapped_column(String(12), index=True)
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    out_of_area: Mapped[bool] = mapped_column(default=False, server_default=false())  # 外出务工 group recruitment
    destination: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default=PostingStatus.DRAFT, index=True)
    source: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str | None] = mapped_column(Text)  # the pasted ad, kept whole
    # Per field: the text span the parser read it from, and which fields a person should confirm.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    unsure: Mapped[list[Any] | None] = mapped_column(JSON)
    # Normalised employer + title + text, to recognise the same posting imported or pasted again.
    match_text: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    last_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))

    public_welfare: Mapped[PublicWelfareJob | None] = relationship(
        back_populates="posting", lazy="raise", cascade="all, delete-orphan", uselist=False
    )

    @property
    def places_left(self) -> int | None:
        return None if self.headcount is None else self.headcount - self.filled_count

    @property
    def sex_flagged(self) -> bool:
        """A sex requirement is a possibly discriminatory condition (就业促进法 第27条)."""
        return self.sex_required is not None


class PublicWelfareJob(Base):
    """公益性岗位: the terms of a public-welfare post, one-to-one with its posting.

    The eligibility defaults follow the usual local rules (see ``DOMAIN.md``); each county may change them
    per post.
    """

    __tablename__ = "public_welfare_job"

    posting_id: Mapped[int] = mapped_column(ForeignKey("posting.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(16))
    funding_source: Mapped[str | None] = mapped_column(Text)  # 衔接资金, 光伏收益, 县级财政 ...
    term_months: Mapped[int | None]  # subsidy term of one appointment, usually 12-36
    max_renewals: Mapped[int] = mapped_column(default=2)
    hire_age_min: Mapped[int] = mapped_column(default=LEGAL_WORKING_AGE)
    hire_age_max: Mapped[int] = mapped_column(default=60)
    local_registration_required: Mapped[bool] = mapped_column(default=True)
    exclude_village_cadres: Mapped[bool] = mapped_column(default=True)
    # Paid from 光伏 income: only 脱贫 or 边缘易致贫 workers may hold it.
    photovoltaic_funded: Mapped[bool] = mapped_column(default=False)
    # Groups the post is for (脱贫, 搬迁, 低收入, 零就业家庭, 持证残疾, 大龄); empty means all relocated workers.
    eligible_groups: Mapped[list[Any]] = mapped_column(JSON, default=list)

    posting: Mapped[Posting] = relationship(back_populates="public_welfare", lazy="raise")


_STATUS_ZH = {s: s.zh for s in PostingStatus}


_PER = {"month": "月", "day": "天", "hour": "小时", "piece": "件", "year": "年"}


def pay_text(low: Decimal | None, high: Decimal | None, period: str | None) -> str:
    """Pay as brokers say it: 3500-4500元/月, 2000元/月起, 0.2元/件, 最高150元/天, 面议."""
    if low is None and high is None:
        return "面议"
    per = f"元/{_PER[period]}" if period in _PER else "元"
    lo, hi = (f"{v.normalize():f}" if v is not None else None for v in (low, high))
    if lo and hi:
        return f"{lo}{per}" if lo == hi else f"{lo}-{hi}{per}"
    return f"{lo}{per}起" if lo else f"最高{hi}{per}"


def missing_for_opening(posting: Posting) -> list[str]:
    """The fields (Chinese names) a posting lacks before it can be opened to candidates."""
    missing = []
    if not posting.title.strip():
        missing.append("岗位名称")
    if posting.headcount is None:
        missing.append("招聘人数（写“若干”的请估计一个人数）")
    if posting.pay_min is None and posting.pay_max is None:
        missing.append("薪资")
    return missing


def check_posting(posting: Posting) -> None:
    """Rules every posting keeps in every state; raises ``InvalidInput`` with a Chinese reason."""
    if posting.pay_min is not None and posting.pay_max is not None and posting.pay_min > posting.pay_max:
        raise InvalidInput("薪资下限高于上限，请核对。")
    if posting.age_min is not None and posting.age_max is not None and posting.age_min > posting.age_max:
        raise InvalidInput("最低年龄高于最高年龄，请核对。")
    if posting.age_min is not None and posting.age_min < LEGAL_WORKING_AGE:
        raise InvalidInput(f"最低年龄不能低于法定劳动年龄 {LEGAL_WORKING_AGE} 周岁。")
    if posting.headcount is not None and posting.headcount < 1:
        raise InvalidInput("招聘人数至少为 1。")
    if posting.headcount is not None and posting.filled_count > posting.headcount:
        raise InvalidInput(f"招聘人数不能少于已录用人数（{posting.filled_count} 人）。")


def change_status(posting: Posting, to: PostingStatus, *, today: dt.date) -> None:
    """Move ``posting`` to ``to`` if its life allows it, or raise ``NotAllowed`` / ``InvalidInput``."""
    current = PostingStatus.of(posting.status)
    if to == current:
        return
    if to not in TRANSITIONS[current]:
        raise NotAllowed(f"岗位当前为“{_STATUS_ZH[current]}”，不能改为“{_STATUS_ZH[to]}”。")
    if to == S.OPEN:
        _check_can_open(posting, today)
    if to == S.FILLED and (posting.places_left is None or posting.places_left > 0):
        raise NotAllowed("岗位还有空缺，不能标记为已招满。")
    if to == S.EXPIRED and (posting.deadline is None or posting.deadline >= today):
        raise NotAllowed("岗位尚未过截止日期。")
    posting.status = to
    now = utcnow()
    if to == S.OPEN:
        posting.opened_at = posting.opened_at or now
    elif to in (S.CLOSED, S.FILLED, S.EXPIRED):
        posting.closed_at = now


def _check_can_open(posting: Posting, today: dt.date) -> None:
    missing = missing_for_opening(posting)
    if missing:
        raise InvalidInput("发布前请补全：" + "、".join(missing) + "。")
    check_posting(posting)
    if posting.places_left == 0:
        raise Conflict("岗位已招满，请先增加招聘人数。")
    if posting.deadline is not None and posting.deadline < today:
        raise InvalidInput("截止日期已过，请先修改截止日期。")
