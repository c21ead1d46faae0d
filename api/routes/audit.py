"""The audit log (审计日志): reveals of personal data and corrections of people's records, for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.deps import get_session, require_roles
from api.paging import Page, PageParams, page_params
from api.people import audit_page
from api.people_schemas import AuditOut
from models.vocab import Role

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["审计日志"])


@router.get(
    "",
    summary="审计日志",
    description="管理员查看谁在何时因何查看了谁的完整信息（reveal）、更正了谁的信息（update_worker）、"
    "谁撤回或恢复了同意（consent）等。县（区）管理员只看到本县（区）人员的记录。按时间倒序（sort=at 正序）。",
    response_model=Page[AuditOut],
)
def list_audit(
    scope: Annotated[Scope, Depends(require_roles(Role.ADMIN))],
    session: Annotated[Session, Depends(get_session)],
    page: Annotated[PageParams, Depends(page_params)],
    subject: Annotated[str | None, Query(description="对象，如 worker:12")] = None,
    actor: Annotated[str | None, Query(description="操作人用户名")] = None,
    action: Annotated[str | None, Query(description="操作：reveal、update_worker、consent ……")] = None,
) -> Page[AuditOut]:
    return audit_page(session, scope, subject=subject, actor=actor, action=action, page=page)
