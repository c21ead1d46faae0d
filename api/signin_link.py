"""Sign-in links (登录链接) a broker issues to a worker who has neither password nor a phone that gets SMS.

The broker asks for a link for one worker of a site they serve and hands it over (read out, shown as a QR
code, sent by WeChat). The link carries a random token after ``#``, so it never reaches a server log; the
page posts it to ``/auth/link/verify``. A link works once, within ``hours``; the cache keeps only a keyed hash
of it. A worker without an account gets one (link-only, with the phone of their record bound when it is a
mobile number no other account holds). Each issued link is written to the audit log.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.accounts import Scope, can_see_site, create_account, normalise_mobile
from api.errors import NotAuthenticated
from api.tokens import IssuedToken, TokenStore
from models.account import Account
from models.account_repository import AccountRepository
from models.audit import record_audit
from models.base import utcnow
from models.cache import Cache
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput, NotFound
from models.household import Household
from models.vocab import Role
from models.worker import Worker

__all__ = ["LINK_SPENT", "IssuedLink", "issue_link", "sign_in_with_link"]

LINK_SPENT = "登录链接已失效或已使用，请向安置点工作人员重新索取。"
LINK_PAGE = "/signin/link"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    path: str
    expires_in: int


def issue_link(
    session: Session, cache: Cache, cipher: PersonalDataCipher, scope: Scope, worker_id: int, *, hours: int
) -> IssuedLink:
    """A one-time sign-in link for a worker of a site the broker (or administrator) serves."""
    worker = session.get(Worker, worker_id)
    household = session.get(Household, worker.household_id) if worker is not None else None
    if worker is None or household is None or not can_see_site(scope, household.site_id):
        raise NotFound(f"找不到编号为 {worker_id} 的劳动力。")
    account = AccountRepository(session).by_worker(worker.id) or _link_account(session, cipher, worker)
    if not account.active:
        raise InvalidInput("此人的账号已停用，请联系管理员。")
    token = secrets.token_urlsafe(32)
    ttl = hours * 3600
    cache.set(_key(cipher, token), str(account.id).encode(), ttl)
    record_audit(session, scope.actor, "issue_signin_link", f"worker:{worker.id}")
    return IssuedLink(f"{LINK_PAGE}#{token}", ttl)


def sign_in_with_link(
    session: Session, cache: Cache, cipher: PersonalDataCipher, tokens: TokenStore, token: str
) -> IssuedToken:
    """The link's token spent (once, atomically) for a bearer token; ``NotAuthenticated`` otherwise."""
    raw = cache.take(_key(cipher, token.strip()))
    account = AccountRepository(session).get(int(raw)) if raw else None
    if account is None or not account.active or Role.of(account.role) is not Role.WORKER:
        raise NotAuthenticated(LINK_SPENT)
    account.last_login_at = utcnow()
    return tokens.issue(session, account)


def _link_account(session: Session, cipher: PersonalDataCipher, worker: Worker) -> Account:
    phone = _mobile_of(cipher, worker)
    if phone is not None and AccountRepository(session).by_phone_hash(cipher.digest(phone)) is not None:
        phone = None
    return create_account(
        session,
        cipher,
        username=f"w{worker.id}",
        role=Role.WORKER,
        display_name=worker.name,
        phone=phone,
        worker_id=worker.id,
        link_only=True,
    )


def _mobile_of(cipher: PersonalDataCipher, worker: Worker) -> str | None:
    if worker.phone_enc is None:
        return None
    try:
        return normalise_mobile(cipher.decrypt(worker.phone_enc))
    except InvalidInput:
        return None


def _key(cipher: PersonalDataCipher, token: str) -> str:
    return f"signin-link:{cipher.digest('signin-link:' + token)}"
