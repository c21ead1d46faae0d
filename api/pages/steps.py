"""A match's next steps as buttons (撮合进展), shared by the broker's and the employer's posting pages: which
steps a page offers for each stage, and the posted step recorded through ``api.tracking.Tracking.step``
exactly as ``POST /matches/{id}/events`` records it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from api.accounts import Scope
from api.pages.web import Form, field_errors
from api.tracking import Tracking
from api.tracking_schemas import StepIn
from models.errors import Conflict, InvalidInput, NotAllowed, NotFound
from models.pipeline import TRANSITIONS, ContractKind, Step
from models.vocab import MatchStage, Role

__all__ = ["CONTRACTS", "next_steps", "posted_step", "record_step", "refusal", "step_view", "unsuffixed"]

M = MatchStage
_EMPLOYER = (M.INTERVIEW, M.OFFERED, M.HIRED)
CONTRACTS = [(c.value, c.value) for c in ContractKind]
_REFUSED = (Conflict, InvalidInput, NotAllowed, NotFound)
# the words by which the pipeline's messages name a step's fields (models.pipeline), nearest first
_NAMED = (("月工资", "wage"), ("工资", "wage"), ("上岗日期", "on"), ("离职日期", "on"), ("用工协议", "contract_kind"),
          ("工作地点", "place"), ("原因", "reason"))  # fmt: skip


def next_steps(scope: Scope, stage: str) -> list[str]:
    """The stages a button may move a match at ``stage`` to, for this account (employers: interview, offer,
    hire; staff: every legal step but a separation, which a follow-up visit records)."""
    legal = TRANSITIONS[M.of(stage)]
    if scope.role is Role.EMPLOYER:
        return [s.value for s in _EMPLOYER if s in legal]
    return [s.value for s in M if s in legal and s is not M.SEPARATED]


def step_view(scope: Scope, match_id: int, stage: str) -> dict[str, Any]:
    """What the template needs to draw a match's buttons."""
    return {"id": match_id, "stage": stage, "stage_label": M.of(stage).zh, "next": next_steps(scope, stage),
            "labels": {s.value: s.zh for s in M}, "today": dt.date.today().isoformat()}  # fmt: skip


def record_step(tracking: Tracking, scope: Scope, match_id: int, values: Mapping[str, str]) -> dict[str, str]:
    """Record the posted step (``values``: the form's fields without their ``-{match id}`` suffix); the Chinese
    messages by field when the form is refused. The service's own refusals (an illegal step, a full posting)
    are raised as they are."""
    raw = {name: values.get(name) or None for name in ("stage", "on", "reason", "wage", "contract_kind", "place")}
    try:
        body = StepIn(**raw, worker_agreed=values.get("worker_agreed") == "1")
    except ValidationError as exc:
        return field_errors(exc)
    step = Step(body.stage, on=body.on, reason=body.reason, wage=body.wage, contract_kind=body.contract_kind,
                place=body.place, note=body.note)  # fmt: skip
    tracking.step(scope, match_id, step, worker_agreed=body.worker_agreed, status=body.employment_status)
    return {}


def unsuffixed(form: Form, match_id: int) -> dict[str, str]:
    """The form's fields named as ``StepIn`` names them (a page has one form per match: ``wage-12``)."""
    return {k.removesuffix(f"-{match_id}"): v for k, v in form.values.items()}


def refusal(detail: str) -> dict[str, str]:
    """A service's refusal of a step, beside the field it names ('' when it names none)."""
    return {next((name for word, name in _NAMED if word in detail), ""): detail}


def posted_step(tracking: Tracking, scope: Scope, match_id: int, form: Form) -> dict[str, str]:
    """Record the step posted by a match's form on a posting page; when it is refused (by the form's rules or by
    the service), roll the unit of work back and return the Chinese messages by field as the page names them
    (``wage-12``; '' above the form)."""
    try:
        errors = record_step(tracking, scope, match_id, unsuffixed(form, match_id))
    except _REFUSED as exc:
        errors = refusal(exc.detail)
    if errors:
        tracking.session.rollback()
    return {f"{k}-{match_id}" if k else "": v for k, v in errors.items()}
