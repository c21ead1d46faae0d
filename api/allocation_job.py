"""The background job of a match-day plan (``POST /plans``): build the matcher for the plan's day, plan, store
the preview. Run by ``api.job_tasks`` in an ``anye worker`` or the app's job thread."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.accounts import Scope
from api.allocation import PlanRequest, make_plan
from api.live_matcher import default_build
from api.settings import Settings
from models.db import build_engine, build_session_factory

__all__ = ["plan_payload", "run_plan"]


def plan_payload(scope: Scope, request: PlanRequest) -> dict[str, Any]:
    """What the job is given: who asked (their scope, as kept beside a token) and what to plan."""
    return {"scope": scope.to_view(), "request": request.to_json()}


def run_plan(settings: Settings, payload: dict[str, Any]) -> dict[str, Any]:
    """Plan and store the preview (committed here); the job's result names the plan and its figures."""
    scope = Scope.from_view(payload["scope"])
    request = PlanRequest.from_json(payload["request"])
    on = request.day or dt.date.today()
    engine = build_engine(settings.db_url)
    try:
        with build_session_factory(engine)() as session:
            matcher = default_build(settings.var_dir / "models")(session, on)
            stored = make_plan(session, matcher, scope, request, on)
            session.commit()
            return {"plan_id": stored.id, "day": on.isoformat(), "model_version": stored.model_version,
                    "figures": dict(stored.figures)}  # fmt: skip
    finally:
        engine.dispose()
