"""Maps domain errors to HTTP status codes and renders ``{"error": "ClassName", "detail": "..."}``.

Errors of the HTTP edge live here::

    NotAllowed
    ├── NotAuthenticated   no valid sign-in (401)
    └── TooManyAttempts    sign-in refused for a while after repeated failures (429)
    Unavailable            a service the request needs (the job queue's Redis) is away; try again (503)
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from models.errors import AnyeError, Conflict, InvalidInput, Misconfigured, NotAllowed, NotFound

__all__ = ["NotAuthenticated", "TooManyAttempts", "Unavailable", "install_error_handlers", "status_for"]


class NotAuthenticated(NotAllowed):
    pass


class TooManyAttempts(NotAllowed):
    pass


class Unavailable(AnyeError):
    pass


_STATUS: dict[type[AnyeError], int] = {
    NotAuthenticated: 401,
    TooManyAttempts: 429,
    Unavailable: 503,
    NotFound: 404,
    Conflict: 409,
    NotAllowed: 403,
    InvalidInput: 422,
    Misconfigured: 500,
}


# pydantic's error types in the words a broker understands; others keep pydantic's (English) message
_MESSAGES = {
    "missing": "必填",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为是或否（true/false）",
    "bool_parsing": "应为是或否（true/false）",
    "date_type": "应为日期（如 2026-11-28）",
    "date_parsing": "应为日期（如 2026-11-28）",
    "date_from_datetime_parsing": "应为日期（如 2026-11-28）",
    "datetime_parsing": "应为日期时间",
    "enum": "不是可选的值",
    "literal_error": "不是可选的值",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "格式不对",
    "dict_type": "格式不对",
    "list_type": "应为列表",
    "extra_forbidden": "不认识这个字段",
}


def _message(err: Any) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "string_too_short":
        return f"至少 {ctx.get('min_length')} 个字"
    if kind == "string_too_long":
        return f"最多 {ctx.get('max_length')} 个字"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{'或等于' if kind == 'greater_than' else ''} {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于{'或等于' if kind == 'less_than' else ''} {ctx.get('le', ctx.get('lt'))}"
    if kind == "value_error":
        return str(ctx.get("error") or err.get("msg", ""))
    return _MESSAGES.get(kind, str(err.get("msg", "")))


def status_for(exc: AnyeError) -> int:
    for cls in type(exc).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return 400


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AnyeError)
    async def _domain(_request: Request, exc: AnyeError) -> JSONResponse:
        status = status_for(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": type(exc).__name__, "detail": exc.detail}, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append(f"{where}: {_message(err)}")
        detail = "请求内容有误，请检查以下字段：" + "；".join(parts)
        return JSONResponse({"error": "InvalidInput", "detail": detail}, status_code=422)
