"""Sign-in use cases (登录): password, one-time code, sign-out. Each ends in a bearer token or none.

Every failure to sign in is ``NotAuthenticated`` with a message that never says which part was wrong;
too many failed passwords is ``TooManyAttempts`` with the minutes to wait.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.accounts import SIGN_IN_FAILED, login, normalise_mobile
from api.errors import NotAuthenticated, TooManyAttempts
from api.otp import OneTimeCodes, sign_in_with_code
from api.ratelimit import CodeSendLimiter, LoginLimiter
from api.tokens import IssuedToken, TokenStore
from models.account_repository import AccountRepository
from models.errors import NotAllowed

__all__ = ["CODE_SENT", "counted_send", "request_code", "sign_in_with_password", "sign_in_with_phone_code", "sign_out"]

CODE_SENT = "如果这个手机号已开通账号，验证码已发送，5 分钟内有效；收不到请联系安置点工作人员。"


def sign_in_with_password(
    session: Session, limiter: LoginLimiter, tokens: TokenStore, username: str, password: str, address: str
) -> IssuedToken:
    try:
        account = login(session, limiter, username, password, address)
    except NotAllowed as exc:
        if exc.detail == SIGN_IN_FAILED:
            raise NotAuthenticated(SIGN_IN_FAILED) from None
        raise TooManyAttempts(exc.detail) from None
    return tokens.issue(session, account)


def counted_send(limiter: CodeSendLimiter, phone: str, address: str) -> str:
    """The mobile ``phone`` normalised, once the limiter allows a code to be sent to it from ``address`` (and
    counts it); ``TooManyAttempts`` when the phone or the address asked too often."""
    plain = normalise_mobile(phone)
    try:
        limiter.check_and_count(plain, address)
    except NotAllowed as exc:
        raise TooManyAttempts(exc.detail) from None
    return plain


def request_code(session: Session, codes: OneTimeCodes, limiter: CodeSendLimiter, phone: str, address: str) -> None:
    """Send a code when the phone belongs to an active account; say nothing either way. Sends are limited per
    phone and per address (``TooManyAttempts``), counted for every phone alike."""
    plain = counted_send(limiter, phone, address)
    account = AccountRepository(session).by_phone_hash(codes.cipher.digest(plain))
    if account is not None and account.active:
        codes.issue(plain)


def sign_in_with_phone_code(
    session: Session, codes: OneTimeCodes, tokens: TokenStore, phone: str, code: str
) -> IssuedToken:
    try:
        account = sign_in_with_code(session, codes, phone, code)
    except NotAllowed as exc:
        raise NotAuthenticated(exc.detail) from None
    return tokens.issue(session, account)


def sign_out(session: Session, tokens: TokenStore, token: str) -> None:
    tokens.revoke(session, token)
