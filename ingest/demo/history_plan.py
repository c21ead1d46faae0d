"""Past postings of the demo city's history: each employer's current postings, repeated over the past years.

A current posting (with a pay) is a template. Its past instances open as a Poisson process over the window
(``years`` years back to 90 days before ``today``, so every step of every proposal lies in the past): three
times a year for enterprises, workshops and cooperatives, four times for labour agencies' group recruitment,
once for public bodies' 公益性岗位; seasonal work once a season (farm work opening March to May,
boiler work September to October) in nine years of ten. An instance keeps title, occupation, age range,
certificates and public-welfare terms; pay drifts back about 4% a year with ±6% noise; headcount varies
±40%; the deadline is 20-60 days after opening.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ingest.demo.history_model import Job
from models.employer import Employer
from models.posting import Posting
from models.vocab import PostingSource

__all__ = ["LAST_OPENING", "PastPosting", "job_of", "monthly_pay", "piece_reference", "plan_postings"]

_RATE = {"agency": 4.0, "public_body": 1.0}  # past postings a year per template; others 3
_DEFAULT_RATE = 3.0
_MONTHLY = {"month": 1.0, "day": 21.75, "hour": 21.75 * 8, "year": 1 / 12}
_PIECE_MONTH = 2400.0  # what the usual piece rate of an occupation earns a month
_STEP = {"month": 100.0, "year": 1200.0, "day": 10.0, "hour": 1.0}
LAST_OPENING = 90  # days before today
_COPIED = (
    "employer_id", "site_id", "title", "occupation_code", "occupation_name", "pay_period", "pay_notes", "age_min",
    "age_max", "sex_required", "education_min", "certificates_required", "certificates_preferred", "skills",
    "experience_years", "meals", "housing", "shift_pattern", "job_kind", "work_address", "work_adcode", "longitude",
    "latitude", "out_of_area", "destination", "contact_name", "contact_phone",
)  # fmt: skip
_WELFARE = (
    "category", "funding_source", "term_months", "max_renewals", "hire_age_min", "hire_age_max",
    "local_registration_required", "exclude_village_cadres", "photovoltaic_funded", "eligible_groups",
)  # fmt: skip


@dataclass(slots=True)
class PastPosting:
    """One past posting: its row for insertion (status, places filled and closing time are set by the walk),
    its public-welfare terms, and what the walk needs: the job for the behaviour model, places, the region its
    candidates come from ("*" for the whole city), keywords and the pay range a month."""

    index: int
    row: dict[str, Any]
    welfare: dict[str, Any] | None
    job: Job
    opened: dt.date
    headcount: int
    region: str
    keywords: str
    pay_range: tuple[float, float]
    hired: int = field(default=0)


def plan_postings(
    rng: random.Random, session: Session, quality: dict[int, float], *, today: dt.date, years: int
) -> list[PastPosting]:
    """The past postings of every employer, in order of opening."""
    templates = _templates(session)
    piece_ref = piece_reference(p for p, _, _ in templates)
    start, end = today - dt.timedelta(days=365 * years), today - dt.timedelta(days=LAST_OPENING)
    found: list[tuple[dt.date, int, Posting, str | None]] = []
    for posting, county, kind in templates:
        for opened in _openings(rng, posting, kind, start, end):
            found.append((opened, posting.id, posting, county))
    found.sort(key=lambda x: (x[0], x[1]))
    return [
        _past(rng, n, posting, county, opened, today, quality, piece_ref)
        for n, (opened, _, posting, county) in enumerate(found)
    ]


def _templates(session: Session) -> list[tuple[Posting, str | None, str]]:
    query = (
        select(Posting, Employer.county_adcode, Employer.kind)
        .join(Employer, Employer.id == Posting.employer_id)
        .where(Posting.pay_period.is_not(None), (Posting.pay_min.is_not(None)) | (Posting.pay_max.is_not(None)))
        .options(selectinload(Posting.public_welfare))
        .order_by(Posting.id)
    )
    return [(p, county, kind) for p, county, kind in session.execute(query)]


def piece_reference(postings: Iterable[Posting]) -> dict[str | None, float]:
    """The median piece rate of each occupation among ``postings`` (those with a piece rate stated)."""
    rates: dict[str | None, list[float]] = {}
    for posting in postings:
        if posting.pay_period == "piece" and (posting.pay_min is not None or posting.pay_max is not None):
            rates.setdefault(posting.occupation_code, []).append(_middle(posting))
    return {code: statistics.median(values) for code, values in rates.items()}


def _middle(posting: Posting) -> float:
    low = float(posting.pay_min if posting.pay_min is not None else posting.pay_max or 0)
    high = float(posting.pay_max) if posting.pay_max is not None else low * 1.2
    return (low + high) / 2


def monthly_pay(period: str, amount: float, code: str | None, piece_ref: dict[str | None, float]) -> float:
    """Pay a month for ``amount`` per ``period``; a piece rate earns ``_PIECE_MONTH`` at its occupation's
    median rate and proportionally more or less."""
    if period == "piece":
        return _PIECE_MONTH * amount / max(piece_ref.get(code, amount), 0.01)
    return amount * _MONTHLY.get(period, 1.0)


def _openings(rng: random.Random, posting: Posting, kind: str, start: dt.date, end: dt.date) -> list[dt.date]:
    if posting.job_kind == "seasonal":
        boiler = (posting.occupation_code or "").startswith("6-28")
        first, days = ((9, 15), 45) if boiler else ((3, 1), 90)
        dates = [dt.date(y, *first) + dt.timedelta(days=rng.randint(0, days)) for y in range(start.year, end.year + 1)]
        return [d for d in dates if start <= d <= end and rng.random() < 0.9]
    rate = _RATE.get(kind, _DEFAULT_RATE) / 365
    out, day = [], start + dt.timedelta(days=rng.expovariate(rate))
    while day <= end:
        out.append(day)
        day += dt.timedelta(days=1 + rng.expovariate(rate))
    return out


def _past(
    rng: random.Random,
    index: int,
    t: Posting,
    county: str | None,
    opened: dt.date,
    today: dt.date,
    quality: dict[int, float],
    piece_ref: dict[str | None, float],
) -> PastPosting:
    drift = 1.04 ** (-(today - opened).days / 365) * rng.uniform(0.94, 1.06)
    period = t.pay_period or "month"
    pay_min, pay_max = (None if v is None else _round(float(v) * drift, period) for v in (t.pay_min, t.pay_max))
    headcount = max(1, round((t.headcount or rng.randint(3, 10)) * rng.uniform(0.6, 1.4)))
    row = {name: getattr(t, name) for name in _COPIED}
    row |= {
        "description": "\n".join(x for x in (t.description or "").splitlines() if not x.startswith("岗位编号")),
        "headcount": headcount, "pay_min": pay_min, "pay_max": pay_max,
        "deadline": opened + dt.timedelta(days=rng.randint(20, 60)), "source": PostingSource.IMPORT.value,
        "match_text": "",  # never taken for a repeat of a new posting
        "opened_at": _at(opened), "created_at": _at(opened),
    }  # fmt: skip
    welfare = None if t.public_welfare is None else {n: getattr(t.public_welfare, n) for n in _WELFARE}
    low = pay_min if pay_min is not None else pay_max
    assert low is not None  # templates have a pay
    high = pay_max if pay_max is not None else low * 1.25  # an open top (以上, 提成)
    months = (
        monthly_pay(period, low, t.occupation_code, piece_ref),
        monthly_pay(period, high, t.occupation_code, piece_ref),
    )
    region = "*" if t.out_of_area or county is None else county
    keywords = f"{t.title} {t.occupation_name or ''}"
    job = job_of(t, (welfare["term_months"] or 12) if welfare else None, quality.get(t.employer_id, 0.0))
    return PastPosting(index, row, welfare, job, opened, headcount, region, keywords, months)


def job_of(t: Posting, welfare_term_months: int | None, quality: float) -> Job:
    """The posting as the behaviour model sees it (``welfare_term_months``: None unless public-welfare)."""
    return Job(
        employer_id=t.employer_id, occupation_code=t.occupation_code, age_min=t.age_min, age_max=t.age_max,
        required=frozenset(t.certificates_required or ()), preferred=frozenset(t.certificates_preferred or ()),
        job_kind=t.job_kind, welfare_term_months=welfare_term_months, longitude=t.longitude, latitude=t.latitude,
        county=t.work_adcode, quality=quality,
    )  # fmt: skip


def _round(value: float, period: str) -> float:
    step = _STEP.get(period)
    if step is None:  # piece rates: to the fen
        return max(0.01, round(value, 2))
    return max(step, round(value / step) * step)


def _at(day: dt.date, minutes: int = 0) -> dt.datetime:
    """A time on ``day`` in office hours (09:00 Beijing = 01:00 UTC)."""
    return dt.datetime(day.year, day.month, day.day, 1, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
