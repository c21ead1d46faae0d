"""Account use cases (账号): create, sign in, change a password, and what an account may see.

Services do not commit; the caller's unit of work does. Sign-in failures never say whether the user name
or the password was wrong, and take the same time either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from api.ratelimit import LoginLimiter
from ingest.phone import parse_phones
from models.account import Account
from models.account_repository import AccountRepository
from models.audit import Actor
from models.base import utcnow
from models.crypto import PersonalDataCipher, mask_phone
from models.errors import Conflict, InvalidInput, NotAllowed
from models.password import check_policy, hash_password, needs_rehash, verify_password
from models.vocab import Role

__all__ = [
    "SIGN_IN_FAILED",
    "Scope",
    "authenticate",
    "bind_phone",
    "can_see_site",
    "create_account",
    "login",
    "normalise_mobile",
    "scope_of",
    "set_password",
]

SIGN_IN_FAILED = "用户名或密码不正确，请重新输入；忘记密码请联系管理员。"
_USERNAME_MAX = 64


@dataclass(frozen=True, slots=True)
class Scope:
    """What an account may see: its role and, by role, its sites, counties, employer or own worker record.

    ``site_ids`` is ``None`` for an administrator of the whole city (every site)."""

    account_id: int
    role: Role
    site_ids: frozenset[int] | None
    county_adcodes: frozenset[str]
    employer_id: int | None = None
    worker_id: int | None = None
    username: str = ""

    def to_view(self) -> dict[str, Any]:
        """As JSON (kept beside a sign-in token by ``TokenStore.remember_view``)."""
        sites = None if self.site_ids is None else sorted(self.site_ids)
        return {"account_id": self.account_id, "role": self.role.value, "site_ids": sites,
                "county_adcodes": sorted(self.county_adcodes), "employer_id": self.employer_id,
                "worker_id": self.worker_id, "username": self.username}  # fmt: skip

    @classmethod
    def from_view(cls, view: dict[str, Any]) -> Scope:
        sites = view["site_ids"]
        return cls(
            int(view["account_id"]),
            Role.of(view["role"]),
            None if sites is None else frozenset(sites),
            frozenset(view["county_adcodes"]),
            view["employer_id"],
            view["worker_id"],
            view["username"],
        )

    @property
    def actor(self) -> Actor:
        """The account as the audit log names it."""
        return Actor(self.username, self.role.value)


def normalise_mobile(raw: str) -> str:
    """The 11 digits of one mobile number as people type it (spaces, dashes, full-width digits)."""
    checked = parse_phones(raw)
    phones = checked.value or []
    if not checked.ok or len(phones) != 1 or len(phones[0]) != 11:
        raise InvalidInput("请填写一个 11 位手机号码。")
    return phones[0]


def create_account(
    session: Session,
    cipher: PersonalDataCipher,
    *,
    username: str,
    role: Role,
    display_name: str | None = None,
    password: str | None = None,
    phone: str | None = None,
    site_ids: Iterable[int] = (),
    county_adcodes: Iterable[str] = (),
    employer_id: int | None = None,
    worker_id: int | None = None,
    link_only: bool = False,
) -> Account:
    """A new active account; the password, when given, must pass the policy. Scope must fit the role.
    ``link_only``: a worker's account with neither password nor phone, signed in through links a broker
    issues."""
    username = username.strip()
    if not username or len(username) > _USERNAME_MAX or any(c.isspace() for c in username):
        raise InvalidInput(f"用户名不能为空、不能含空格，最多 {_USERNAME_MAX} 个字符。")
    repo = AccountRepository(session)
    if repo.by_username(username) is not None:
        raise Conflict(f"用户名“{username}”已被使用，请换一个。")
    sites, counties = frozenset(site_ids), frozenset(c.strip() for c in county_adcodes)
    _check_scope(repo, role, sites, counties, employer_id, worker_id)
    if password is None and phone is None and not (link_only and role is Role.WORKER):
        raise InvalidInput("账号须设置密码或手机号（用于验证码登录）。")
    account = Account(username=username, display_name=(display_name or username).strip(), role=role.value)
    if password is not None:
        check_policy(password, username)
        account.password_hash = hash_password(password)
    if phone is not None:
        _set_phone(repo, cipher, account, phone)
    account.employer_id, account.worker_id = employer_id, worker_id
    repo.add(account)
    repo.add_scope(account, sites, counties)
    return account


def _check_scope(
    repo: AccountRepository,
    role: Role,
    sites: frozenset[int],
    counties: frozenset[str],
    employer_id: int | None,
    worker_id: int | None,
) -> None:
    if sites and role is not Role.BROKER:
        raise InvalidInput("只有劳务经纪人/安置点工作人员的账号可以指定安置点。")
    if counties and role is not Role.ADMIN:
        raise InvalidInput("只有管理员账号可以指定所辖县（区）。")
    if role is Role.BROKER and not sites:
        raise InvalidInput("请为劳务经纪人/安置点工作人员指定至少一个安置点。")
    if missing := sites - repo.existing_site_ids(sites):
        raise InvalidInput(f"安置点不存在：{', '.join(str(s) for s in sorted(missing))}。")
    if (employer_id is not None) != (role is Role.EMPLOYER):
        raise InvalidInput("用人单位账号必须（且只有它可以）关联一个用人单位。")
    if (worker_id is not None) != (role is Role.WORKER):
        raise InvalidInput("搬迁劳动力账号必须（且只有它可以）关联本人的人员记录。")
    if worker_id is not None and repo.by_worker(worker_id) is not None:
        raise Conflict("此人已有账号。")


def bind_phone(session: Session, cipher: PersonalDataCipher, account: Account, raw: str) -> None:
    """Make ``raw`` the mobile the account signs in with (``Conflict`` when another account has it)."""
    _set_phone(AccountRepository(session), cipher, account, raw)


def _set_phone(repo: AccountRepository, cipher: PersonalDataCipher, account: Account, raw: str) -> None:
    phone = normalise_mobile(raw)
    digest = cipher.digest(phone)
    other = repo.by_phone_hash(digest)
    if other is not None and other is not account:
        raise Conflict("这个手机号已绑定其他账号。")
    account.phone_hash, account.phone_enc, account.phone_mask = digest, cipher.encrypt(phone), mask_phone(phone)


def authenticate(session: Session, username: str, password: str, *, now: dt.datetime | None = None) -> Account:
    """The active account whose password this is; ``NotAllowed`` with one message for every failure."""
    account = AccountRepository(session).by_username(username.strip())
    stored = account.password_hash if account is not None and account.active else None
    if not verify_password(stored, password) or account is None or stored is None:
        raise NotAllowed(SIGN_IN_FAILED)
    if needs_rehash(stored):
        account.password_hash = hash_password(password)
    account.last_login_at = now or utcnow()
    return account


def login(session: Session, limiter: LoginLimiter, username: str, password: str, address: str) -> Account:
    """``authenticate`` behind the rate limiter: refused while too many recent failures, counted on failure."""
    limiter.check(username, address)
    try:
        account = authenticate(session, username, password)
    except NotAllowed:
        limiter.failed(username, address)
        raise
    limiter.succeeded(username)
    return account


def set_password(account: Account, new_password: str, *, current: str | None = None) -> None:
    """Change the password; with ``current`` (the holder changing their own) the old one must match."""
    if current is not None and not verify_password(account.password_hash, current):
        raise NotAllowed("原密码不正确。")
    check_policy(new_password, account.username)
    account.password_hash = hash_password(new_password)
    account.must_change_password = False


def scope_of(session: Session, account: Account) -> Scope:
    repo = AccountRepository(session)
    role = Role.of(account.role)
    counties = repo.county_adcodes(account.id)
    sites: frozenset[int] | None
    if role is Role.ADMIN:
        sites = repo.site_ids_in_counties(counties) if counties else None
    elif role is Role.BROKER:
        sites = repo.site_ids(account.id)
    else:
        sites = frozenset()
    return Scope(account.id, role, sites, counties, account.employer_id, account.worker_id, account.username)


def can_see_site(scope: Scope, site_id: int) -> bool:
    """Whether the account may read the households and workers of this site (employers and workers never)."""
    if scope.role not in (Role.ADMIN, Role.BROKER):
        return False
    return scope.site_ids is None or site_id in scope.site_ids
