"""Employer 用人单位: a business, workshop, cooperative, agency or public body that offers work.

Kinds are ``models.vocab.EmployerKind``: 企业, 涉农企业, 帮扶车间/扶贫车间, 扶贫工坊, 产业园区企业, 合作社,
劳务派遣/人力资源机构, and the 村委会/社区/乡镇 that create public-welfare posts (公益性岗位).
The contact is a business contact that appears on the employer's own ads, so it is stored as written.

Review (审核): an employer that registers itself starts 待审核 (``ReviewStatus.PENDING``) and none of its
postings may open until site staff approve it (``check_can_publish``, called wherever a posting opens), so
nothing of it reaches workers before then. Staff decide once (``decide_review``): 通过, or 不通过 with a
reason the employer sees; a refused employer corrects its details and asks again (``resubmit_review``).
Employers registered by staff or imported from a register are approved from the start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin
from models.errors import Conflict, InvalidInput, NotAllowed
from models.vocab import EmployerKind

__all__ = [
    "CREDIT_CODE_REQUIRED",
    "REVIEW_REASON_MAX",
    "Employer",
    "ReviewStatus",
    "check_can_publish",
    "decide_review",
    "resubmit_review",
]

# Registered market entities always hold a 统一社会信用代码; workshops, home workshops and village bodies
# often register without one at hand (the staff form and imports accept any kind without it).
CREDIT_CODE_REQUIRED = frozenset(
    {EmployerKind.ENTERPRISE, EmployerKind.AGRICULTURAL, EmployerKind.PARK, EmployerKind.COOPERATIVE,
     EmployerKind.AGENCY}
)  # fmt: skip
REVIEW_REASON_MAX = 500


class ReviewStatus(StrEnum):
    """审核状态: pending (待审核) -> approved (已通过) | rejected (不通过) -> pending again when resubmitted."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def zh(self) -> str:
        return {"pending": "待审核", "approved": "已通过", "rejected": "不通过"}[self.value]


class Employer(TimestampMixin, Base):
    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # 统一社会信用代码 (GB 32100-2015, check character validated); missing for many small workshops.
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    county_adcode: Mapped[str | None] = mapped_column(String(12), index=True)
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    contact_name: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    remarks: Mapped[str | None] = mapped_column(Text)
    # 审核: who decided last, when and why (the reason is shown to the employer; every decision is audited)
    review_status: Mapped[str] = mapped_column(
        String(16), server_default=ReviewStatus.APPROVED.value, default=ReviewStatus.APPROVED.value
    )
    reviewed_at: Mapped[dt.datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    review_reason: Mapped[str | None] = mapped_column(Text)


VERIFIED_FIELDS = ("name", "credit_code", "kind")  # what staff approve: an approved employer asks staff to change them
CHANGED_SINCE_SEEN = "该单位在您打开页面后修改了单位名称、统一社会信用代码或单位类型，请核对新的信息后再审核。"
LOCKED_AFTER_REVIEW = "单位名称、统一社会信用代码和单位类型已审核通过，不能自行修改；如需变更，请联系安置点工作人员。"


def identity_of(employer: Employer) -> str:
    """A short check code of what staff approve (``VERIFIED_FIELDS``): a review page carries the one its reviewer
    saw, so a decision is refused when the unit changed them meanwhile."""
    text = "\x1f".join(str(getattr(employer, f) or "") for f in VERIFIED_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def locked_fields(employer: Employer) -> tuple[str, ...]:
    """The fields the employer may not change itself: once approved, those staff approved (``VERIFIED_FIELDS``);
    a name or credit code changed after approval would carry the approval to another unit. Staff change them."""
    return VERIFIED_FIELDS if employer.review_status == ReviewStatus.APPROVED else ()


def check_own_change(employer: Employer, changed: Iterable[str]) -> None:
    """``NotAllowed`` when the employer itself changes one of its ``locked_fields``."""
    if set(changed) & set(locked_fields(employer)):
        raise NotAllowed(LOCKED_AFTER_REVIEW)


def check_can_publish(employer: Employer) -> None:
    """``NotAllowed`` unless staff have approved ``employer``: its postings may not open before then."""
    status = ReviewStatus(employer.review_status)
    if status is ReviewStatus.PENDING:
        raise NotAllowed("该单位还在审核中（待审核），审核通过后才能发布岗位；现在可以先存为草稿。")
    if status is ReviewStatus.REJECTED:
        raise NotAllowed("该单位审核未通过，不能发布岗位。请按首页写明的原因修改单位信息，再重新提交审核。")


def decide_review(
    employer: Employer,
    *,
    approve: bool,
    reason: str | None,
    reviewer: str,
    at: dt.datetime,
    seen: str | None = None,
) -> None:
    """通过 or 不通过 (a reason required) a pending employer; ``Conflict`` when it was decided already, or when
    ``seen`` (the ``identity_of`` the reviewer saw) is given and the unit changed its name, credit code or kind
    since."""
    status = ReviewStatus(employer.review_status)
    if status is not ReviewStatus.PENDING:
        raise Conflict(f"该单位已审核（{status.zh}），不能重复审核。")
    if seen is not None and seen != identity_of(employer):
        raise Conflict(CHANGED_SINCE_SEEN)
    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise InvalidInput("请填写不通过的原因：单位会在首页看到它，并据此修改。")
    if reason is not None and len(reason) > REVIEW_REASON_MAX:
        raise InvalidInput(f"原因最多 {REVIEW_REASON_MAX} 个字。")
    employer.review_status = (ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED).value
    employer.reviewed_at, employer.reviewed_by, employer.review_reason = at, reviewer, reason


def resubmit_review(employer: Employer) -> None:
    """A refused employer, its details corrected, asks to be reviewed again (the last decision stays on record)."""
    if employer.review_status != ReviewStatus.REJECTED:
        raise Conflict("只有审核未通过的单位可以重新提交审核。")
    employer.review_status = ReviewStatus.PENDING.value
