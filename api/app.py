"""The FastAPI application (``api.app:app``): built once, with engine and cache made in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from sqlalchemy import text

from api.answer_fastpath import AnswerFastPath
from api.changes import Changes
from api.deps import committed_first
from api.errors import install_error_handlers
from api.otp import LoggingCodeSender
from api.pages import install_pages
from api.queue import build_queue
from api.ratelimit import LoginLimiter
from api.routes import (
    audit,
    auth,
    employers,
    households,
    jobs,
    matches,
    matching,
    plans,
    postings,
    reports,
    sites,
    workers,
)
from api.settings import Settings, load_settings
from api.tokens import TokenStore
from models.cache import build_cache
from models.db import build_engine, build_session_factory

__all__ = ["app", "create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = build_engine(settings.db_url)
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessions = build_session_factory(engine)
        app.state.cache = cache = build_cache(settings.redis_url)
        app.state.changes = Changes(cache)
        app.state.tokens = TokenStore(cache, settings.cipher, hours=settings.token_hours)
        app.state.limiter = LoginLimiter(cache)
        # No SMS gateway exists yet: in production /auth/code says so instead of the app refusing to start.
        app.state.code_sender = None if settings.env == "production" else LoggingCodeSender(settings.env)
        app.state.queue = build_queue(settings, app.state.changes)  # RQ on Redis, else a background thread
        yield
        app.state.queue.close()
        engine.dispose()

    app = FastAPI(
        title="安业 Anye",
        description="易地扶贫搬迁劳动力就业帮扶：台账、岗位、人岗匹配与跟踪回访。",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(AnswerFastPath)  # cached answers of the busiest reads, before routing (see its docstring)
    routers = (auth, sites, households, workers, employers, postings, matching, matches, plans, jobs, audit, reports)
    for module in routers:  # each unit of work committed before its answer leaves (``committed_first``)
        app.include_router(module.router, dependencies=[Depends(committed_first, scope="function")])
    install_pages(app)  # the web pages (/web, /static): the same services, rendered

    @app.get("/health", summary="健康检查：数据库与缓存是否可用", tags=["系统"])
    def health(request: Request) -> dict[str, Any]:
        state = request.app.state
        try:
            with state.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            database = "ok"
        except Exception:
            database = "unavailable"
        cache = state.cache
        cache_state = "ok" if cache.healthy() else "unavailable"
        status = "ok" if database == "ok" and cache_state == "ok" else "degraded"
        return {
            "status": status,
            "database": {"backend": state.engine.dialect.name, "state": database},
            "cache": {"backend": cache.backend, "state": cache_state},
        }

    return app


app = create_app()
