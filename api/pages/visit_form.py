"""The form of a follow-up visit (回访登记): what a broker types, read into the ``Visit`` that
``api.tracking.Tracking.checkpoint`` records (the service of ``POST /matches/{id}/checkpoints``), with a Chinese
message beside each field it gets wrong; the checkpoints a hire still has open, for the month chooser.

A person may leave between visits (the service takes a visit only from 15 days before it falls due): with no
month chosen (不是定期回访) and 已离职, the form is the separation step ``Tracking.step`` records for
``POST /matches/{id}/events``.

The service has no field for the day of the visit: the day typed is the service's "today" (a separation may not
be later than it, a checkpoint may not be recorded long before it falls due) and, when it is not today, it opens
the visit's note, so a visit written up later keeps the day it was made.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from api.pages.web import Form, field_errors
from api.tracking import Visit
from api.tracking_schemas import CheckpointIn
from models.pipeline import CHECKPOINT_MONTHS, Step, checkpoint_due
from models.vocab import MatchStage

__all__ = ["FIELDS", "OpenCheckpoint", "VisitForm", "open_checkpoints", "read_visit_form", "visit_refusal"]

FIELDS = ("month", "visited_on", "still_employed", "wage", "note", "separated_on", "reason")
# the words by which the service's refusals name a field of this form, most particular first
_NAMED = (("回访月份", "month"), ("个月回访", "month"), ("离职日期", "separated_on"), ("离职原因", "reason"),
          ("工资", "wage"))  # fmt: skip


@dataclass(frozen=True, slots=True)
class OpenCheckpoint:
    """A checkpoint of a hire not yet recorded: its month, the day it falls due, days overdue (0: not yet)."""

    month: int
    due_on: dt.date
    overdue_days: int


def open_checkpoints(hired_on: dt.date, done: set[int], today: dt.date) -> list[OpenCheckpoint]:
    return [
        OpenCheckpoint(m, due, max((today - due).days, 0))
        for m in CHECKPOINT_MONTHS
        if m not in done
        for due in (checkpoint_due(hired_on, m),)
    ]


@dataclass(slots=True)
class VisitForm:
    """The form as typed (``values``, given back on an error), the messages by field, and when every field was
    understood, its day and either the visit or (no month chosen) the separation."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    visit: Visit | None = None
    leaving: Step | None = None
    visited_on: dt.date | None = None

    @property
    def understood(self) -> bool:
        return self.visit is not None or self.leaving is not None


def _date(raw: str, name: str, label: str, errors: dict[str, str]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = f"{label}应为日期，如 {dt.date.today().isoformat()}。"
        return None


def _wage(raw: str, errors: dict[str, str]) -> Decimal | None:
    text = unicodedata.normalize("NFKC", raw).replace(",", "").removesuffix("元").strip()
    if not text:
        return None
    try:
        wage = Decimal(text)
    except InvalidOperation:
        wage = Decimal("NaN")
    if not wage.is_finite():
        errors["wage"] = "月工资请填写数字（元），如 4200；不清楚可以不填。"
        return None
    return wage


def _dates(read: VisitForm, hired_on: dt.date, today: dt.date) -> tuple[dt.date, dt.date | None]:
    """The day of the visit (today when not given) and of leaving, checked against the hire and each other."""
    errors = read.errors
    visited = _date(read.values["visited_on"], "visited_on", "回访日期", errors) or today
    if visited > today:
        errors["visited_on"] = "回访日期不能晚于今天。"
    elif visited < hired_on:
        errors["visited_on"] = f"回访日期不能早于上岗日期（{hired_on}）。"
    left = _date(read.values["separated_on"], "separated_on", "离职日期", errors)
    if left is not None and "separated_on" not in errors and left > visited:
        errors["separated_on"] = "离职日期不能晚于回访日期。"
    return visited, left


def read_visit_form(form: Form, hired_on: dt.date, today: dt.date) -> VisitForm:
    """The posted visit form; neither a visit nor a separation when a field is wrong (``errors`` say which)."""
    read = VisitForm(values={name: form.text(name) for name in FIELDS})
    values, errors = read.values, read.errors
    still = {"yes": True, "no": False}.get(values["still_employed"])
    if still is None:
        errors["still_employed"] = "请选择本人是否仍在岗。"
    if not values["month"] and still is True:
        errors["month"] = "请选择这是第几个月的回访；不是定期回访时只能登记离职。"
    elif values["month"] and not values["month"].isdigit():
        errors["month"] = "请选择这是第几个月的回访。"
    if still is False and not values["reason"]:
        errors["reason"] = "已离职时请选择离职原因。"
    visited, left = _dates(read, hired_on, today)
    wage = _wage(values["wage"], errors) if still else None
    note = values["note"] or None
    try:
        body = CheckpointIn(month=int(values["month"]) if values["month"].isdigit() else 0, still_employed=bool(still),
                            wage=wage, note=note, separated_on=left, reason=values["reason"] or None)  # fmt: skip
    except ValidationError as exc:
        for name, message in field_errors(exc).items():
            errors.setdefault(name, message)
        return read
    if errors:
        return read
    read.visited_on = visited
    if not values["month"]:
        read.leaving = Step(MatchStage.SEPARATED, on=left or visited, reason=body.reason, note=note)
        return read
    if visited != today:
        note = f"{visited.isoformat()} 回访" + (f"：{note}" if note else "")
    read.visit = Visit(**{**body.model_dump(), "note": note})
    return read


def visit_refusal(detail: str) -> dict[str, str]:
    """A refusal of the visit by the service, beside the field it names ('' above the form)."""
    return {next((name for word, name in _NAMED if word in detail), ""): detail}
