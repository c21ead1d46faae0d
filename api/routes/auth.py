"""Sign-in routes (登录): password form, one-time code for workers, sign-out, and who am I."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.accounts import scope_of
from api.deps import bearer_token, current_account, get_codes, get_limiter, get_session, get_tokens
from api.otp import OneTimeCodes
from api.ratelimit import LoginLimiter
from api.signin import CODE_SENT, request_code, sign_in_with_password, sign_in_with_phone_code, sign_out
from api.tokens import IssuedToken, TokenStore
from models.account import Account
from models.errors import InvalidInput
from models.vocab import Role

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["登录"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="有效期（秒）")

    @classmethod
    def of(cls, issued: IssuedToken) -> TokenOut:
        return cls(access_token=issued.access_token, expires_in=issued.expires_in)


class PasswordForm(BaseModel):
    username: str
    password: str


class CodeRequest(BaseModel):
    phone: str = Field(description="11 位手机号码")


class CodeVerify(BaseModel):
    phone: str = Field(description="11 位手机号码")
    code: str = Field(description="短信收到的 6 位验证码")


class Message(BaseModel):
    detail: str


class ScopeOut(BaseModel):
    site_ids: list[int] | None = Field(description="可查看的安置点；null 表示全市")
    county_adcodes: list[str]
    employer_id: int | None
    worker_id: int | None


class MeOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    phone: str | None = Field(description="脱敏后的手机号")
    scope: ScopeOut


_FORM_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string"},
                        "password": {"type": "string", "format": "password"},
                    },
                }
            }
        },
    }
}


async def password_form(request: Request) -> PasswordForm:
    """The OAuth2 password form (``application/x-www-form-urlencoded``), parsed without python-multipart."""
    fields = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    missing = [name for name in ("username", "password") if not fields.get(name)]
    if missing:
        raise InvalidInput("请求内容有误，请检查以下字段：" + "；".join(f"{m}: 必填" for m in missing))
    return PasswordForm(username=fields["username"], password=fields["password"])


@router.post(
    "/token",
    summary="用户名密码登录",
    description="以 OAuth2 密码表单（username、password）登录，返回访问令牌（12 小时内有效）。"
    "用户名或密码错误时统一提示；同一账号短时间内失败 5 次后需等待后再试。",
    response_model=TokenOut,
    openapi_extra=_FORM_BODY,
)
def token(
    request: Request,
    form: Annotated[PasswordForm, Depends(password_form)],
    session: Annotated[Session, Depends(get_session)],
    limiter: Annotated[LoginLimiter, Depends(get_limiter)],
    tokens: Annotated[TokenStore, Depends(get_tokens)],
) -> TokenOut:
    address = request.client.host if request.client else "unknown"
    return TokenOut.of(sign_in_with_password(session, limiter, tokens, form.username, form.password, address))


@router.post(
    "/code",
    summary="获取短信验证码",
    description="搬迁劳动力用手机号登录时先获取验证码。无论该手机号是否开通账号，都返回相同的提示。",
    status_code=202,
    response_model=Message,
)
def code(
    body: CodeRequest,
    session: Annotated[Session, Depends(get_session)],
    codes: Annotated[OneTimeCodes, Depends(get_codes)],
) -> Message:
    request_code(session, codes, body.phone)
    return Message(detail=CODE_SENT)


@router.post(
    "/code/verify",
    summary="验证码登录",
    description="提交手机号和短信验证码，验证通过后返回访问令牌。验证码 5 分钟内有效，只能使用一次。",
    response_model=TokenOut,
)
def verify_code(
    body: CodeVerify,
    session: Annotated[Session, Depends(get_session)],
    codes: Annotated[OneTimeCodes, Depends(get_codes)],
    tokens: Annotated[TokenStore, Depends(get_tokens)],
) -> TokenOut:
    return TokenOut.of(sign_in_with_phone_code(session, codes, tokens, body.phone, body.code))


@router.post(
    "/logout",
    summary="退出登录",
    description="作废当前访问令牌，之后须重新登录。",
    status_code=204,
    dependencies=[Depends(current_account)],
)
def logout(
    raw: Annotated[str, Depends(bearer_token)],
    tokens: Annotated[TokenStore, Depends(get_tokens)],
) -> None:
    sign_out(tokens, raw)


@router.get(
    "/me",
    summary="当前账号信息",
    description="返回当前登录账号的用户名、姓名、角色和可查看范围；手机号已脱敏。",
    response_model=MeOut,
)
def me(
    account: Annotated[Account, Depends(current_account)],
    session: Annotated[Session, Depends(get_session)],
) -> MeOut:
    scope = scope_of(session, account)
    role = Role.of(account.role)
    return MeOut(
        id=account.id,
        username=account.username,
        display_name=account.display_name,
        role=role.value,
        role_label=role.zh,
        phone=account.phone_mask,
        scope=ScopeOut(
            site_ids=sorted(scope.site_ids) if scope.site_ids is not None else None,
            county_adcodes=sorted(scope.county_adcodes),
            employer_id=scope.employer_id,
            worker_id=scope.worker_id,
        ),
    )
