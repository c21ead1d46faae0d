"""One-time sign-in codes (短信验证码) for workers, who rarely have passwords.

A code is six digits, lives five minutes, allows five tries and works once. The cache holds only a keyed
hash of phone and code (never either in plain text); the code reaches the worker through a ``CodeSender``.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Protocol

from sqlalchemy.orm import Session

from api.accounts import normalise_mobile
from models.account import Account
from models.account_repository import AccountRepository
from models.base import utcnow
from models.cache import Cache
from models.crypto import PersonalDataCipher, mask_phone
from models.errors import Misconfigured, NotAllowed

__all__ = ["CodeSender", "LoggingCodeSender", "OneTimeCodes", "sign_in_with_code"]

log = logging.getLogger("anye.otp")

EXPIRED = "验证码已失效，请重新获取。"
TOO_MANY = "验证码输错次数过多，已作废，请重新获取。"
WRONG = "验证码不正确，请核对短信后重新输入。"


class CodeSender(Protocol):
    """Delivers a code to a phone (an SMS gateway in production)."""

    def send(self, phone: str, code: str) -> None: ...


class LoggingCodeSender:
    """The development sender: writes the code to the log. Refuses to exist in production."""

    def __init__(self, env: str) -> None:
        if env == "production":
            raise Misconfigured("生产环境不能使用把验证码写进日志的开发用发送方式，请配置短信通道。")

    def send(self, phone: str, code: str) -> None:
        log.warning("development sign-in code for %s: %s", mask_phone(phone), code)


class OneTimeCodes:
    def __init__(
        self,
        cache: Cache,
        cipher: PersonalDataCipher,
        sender: CodeSender,
        *,
        ttl_seconds: int = 5 * 60,
        max_tries: int = 5,
    ) -> None:
        self.cache = cache
        self.cipher = cipher
        self.sender = sender
        self.ttl_seconds = ttl_seconds
        self.max_tries = max_tries

    def issue(self, phone: str) -> None:
        """Send a fresh code to ``phone``; an earlier code of the same phone stops working."""
        phone = normalise_mobile(phone)
        code = f"{secrets.randbelow(10**6):06d}"
        key = self._key(phone)
        self.cache.delete(f"{key}:tries")
        self.cache.set(key, self._digest(phone, code).encode(), self.ttl_seconds)
        self.sender.send(phone, code)

    def verify(self, phone: str, code: str) -> str:
        """The normalised phone when ``code`` is its current code; the code is spent. ``NotAllowed`` otherwise."""
        phone = normalise_mobile(phone)
        key = self._key(phone)
        stored = self.cache.get(key)
        if stored is None:
            raise NotAllowed(EXPIRED)
        if self.cache.incr(f"{key}:tries", self.ttl_seconds) > self.max_tries:
            self.cache.delete(key, f"{key}:tries")
            raise NotAllowed(TOO_MANY)
        if not hmac.compare_digest(stored, self._digest(phone, code.strip()).encode()):
            raise NotAllowed(WRONG)
        if self.cache.take(key) != stored:  # spent by a request racing this one
            raise NotAllowed(EXPIRED)
        self.cache.delete(f"{key}:tries")
        return phone

    def _key(self, phone: str) -> str:
        return f"otp:{self.cipher.digest('otp-phone:' + phone)}"

    def _digest(self, phone: str, code: str) -> str:
        return self.cipher.digest(f"otp-code:{phone}:{code}")


def sign_in_with_code(session: Session, codes: OneTimeCodes, phone: str, code: str) -> Account:
    """The active account bound to ``phone``, once its code is right (the code is spent either way)."""
    plain = codes.verify(phone, code)
    account = AccountRepository(session).by_phone_hash(codes.cipher.digest(plain))
    if account is None or not account.active:
        raise NotAllowed("这个手机号没有可用的账号，请联系安置点工作人员。")
    account.last_login_at = utcnow()
    return account
