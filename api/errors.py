"""Maps domain errors to HTTP status codes and renders ``{"error": "ClassName", "detail": "..."}``.

Two errors of the HTTP edge live here, under ``NotAllowed``::

    NotAllowed
    ├── NotAuthenticated   no valid sign-in (401)
    └── TooManyAttempts    sign-in refused for a while after repeated failures (429)
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from models.errors import AnyeError, Conflict, InvalidInput, Misconfigured, NotAllowed, NotFound

__all__ = ["NotAuthenticated", "TooManyAttempts", "install_error_handlers", "status_for"]


class NotAuthenticated(NotAllowed):
    pass


class TooManyAttempts(NotAllowed):
    pass


_STATUS: dict[type[AnyeError], int] = {
    NotAuthenticated: 401,
    TooManyAttempts: 429,
    NotFound: 404,
    Conflict: 409,
    NotAllowed: 403,
    InvalidInput: 422,
    Misconfigured: 500,
}


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
            parts.append(f"{where}: {err.get('msg', '')}")
        detail = "请求内容有误，请检查以下字段：" + "；".join(parts)
        return JSONResponse({"error": "InvalidInput", "detail": detail}, status_code=422)
