"""Sign-in routes (登录): password form, one-time code for workers, sign-out, and who am I."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.accounts import Scope, scope_of
from api.deps import (
    bearer_token,
    current_account,
    get_cache,
    get_cipher,
    get_client_address,
    get_codes,
    get_limiter,
    get_session,
    get_tokens,
    require_roles,
)
from api.otp import OneTimeCodes
from api.ratelimit import CodeSendLimiter, LoginLimiter
from api.signin import CODE_SENT, request_code, sign_in_with_password, sign_in_with_phone_code, sign_out
from api.signin_link import issue_link, sign_in_with_link
from api.tokens import IssuedToken, TokenStore
from models.account import Account
from models.cache import Cache
from models.crypto import PersonalDataCipher
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


class LinkRequest(BaseModel):
    worker_id: int = Field(description="劳动力编号（安业系统内的编号）")


class LinkOut(BaseModel):
    path: str = Field(description="登录链接（站内路径，# 之后为一次性令牌）")
    expires_in: int = Field(description="有效期（秒）")


class LinkVerify(BaseModel):
    token: str = Field(description="登录链接 # 之后的一次性令牌")


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
    address: Annotated[str, Depends(get_client_address)],
    form: Annotated[PasswordForm, Depends(password_form)],
    session: Annotated[Session, Depends(get_session)],
    limiter: Annotated[LoginLimiter, Depends(get_limiter)],
    tokens: Annotated[TokenStore, Depends(get_tokens)],
) -> TokenOut:
    return TokenOut.of(sign_in_with_password(session, limiter, tokens, form.username, form.password, address))


@router.post(
    "/code",
    summary="获取短信验证码",
    description="搬迁劳动力用手机号登录时先获取验证码。无论该手机号是否开通账号，都返回相同的提示。"
    "同一手机号 60 秒内只能获取一次、1 小时内最多 5 次。",
    status_code=202,
    response_model=Message,
)
def code(
    body: CodeRequest,
    address: Annotated[str, Depends(get_client_address)],
    session: Annotated[Session, Depends(get_session)],
    codes: Annotated[OneTimeCodes, Depends(get_codes)],
    cache: Annotated[Cache, Depends(get_cache)],
) -> Message:
    request_code(session, codes, CodeSendLimiter(cache), body.phone, address)
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
    session: Annotated[Session, Depends(get_session)],
) -> None:
    sign_out(session, tokens, raw)


@router.post(
    "/link",
    summary="为劳动力生成一次性登录链接",
    description="经纪人或安置点工作人员为所负责安置点的劳动力生成登录链接（没有账号的自动开通），"
    "可当面出示二维码或通过微信发送。链接只能使用一次，默认 72 小时内有效；每次生成都记入审计日志。",
    response_model=LinkOut,
    status_code=201,
)
def link(
    body: LinkRequest,
    request: Request,
    scope: Annotated[Scope, Depends(require_roles(Role.ADMIN, Role.BROKER))],
    session: Annotated[Session, Depends(get_session)],
    cache: Annotated[Cache, Depends(get_cache)],
    cipher: Annotated[PersonalDataCipher, Depends(get_cipher)],
) -> LinkOut:
    hours = request.app.state.settings.link_hours
    issued = issue_link(session, cache, cipher, scope, body.worker_id, hours=hours)
    return LinkOut(path=issued.path, expires_in=issued.expires_in)


@router.post(
    "/link/verify",
    summary="用登录链接登录",
    description="提交登录链接中的一次性令牌，换取访问令牌。链接用过一次即失效。",
    response_model=TokenOut,
)
def verify_link(
    body: LinkVerify,
    session: Annotated[Session, Depends(get_session)],
    cache: Annotated[Cache, Depends(get_cache)],
    cipher: Annotated[PersonalDataCipher, Depends(get_cipher)],
    tokens: Annotated[TokenStore, Depends(get_tokens)],
) -> TokenOut:
    return TokenOut.of(sign_in_with_link(session, cache, cipher, tokens, body.token))


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
