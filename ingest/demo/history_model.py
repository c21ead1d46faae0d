"""The hidden behaviour model of the demo city's outcome history (``ingest.demo.history``).

How people and employers of the demo city behave: who is interested in a job, whom an employer takes, and
how long a hire lasts and why it ends. "Hidden" means the matching engine never reads this module (the
import-linter layers keep ``matcher`` from importing ``ingest``); it has to learn these effects from the
recorded outcomes. ``HISTORY.md`` beside this file lists every effect with its coefficient.

Each decision is a logistic function of the traits of a ``Person`` and a ``Job``, plus noise. Two latent
factors are drawn once: an employer's quality (drives retention, so an employer's past retention is a real
signal) and a worker's reliability (so a worker's past retention is one too).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

__all__ = [
    "HEAVY",
    "LIGHT",
    "NORMAL",
    "SEPARATION_REASONS",
    "Fit",
    "Job",
    "Person",
    "Tenure",
    "demand_of",
    "draw_latents",
    "employer_reason",
    "fit",
    "interest_logit",
    "offer_logit",
    "retention_logit",
    "show_logit",
    "sigmoid",
    "reach_of",
    "scheduled_reaches",
    "tenure",
    "wished_wage",
    "worker_reason",
]

LIGHT, NORMAL, HEAVY = 0, 1, 2
_HEAVY_CODES = ("6-29", "4-02-05", "6-18-02-02", "6-31-99", "5-01-02-05")
_LIGHT_CODES = ("6-05", "6-09", "4-01", "3-01", "4-14", "6-25", "4-07-05", "4-09")
SEPARATION_REASONS = ("工资低", "离家远", "身体原因", "照顾家庭", "企业减员", "合同到期", "季节结束")
# How far (km) a place wish (models.vocab.PlaceRange) reaches.
_REACH = {"local": 10.0, "county": 45.0, "city": 120.0, "province": 450.0, "anywhere": 5000.0}
# Wished monthly wage when the ledger records neither a wish nor an income, by labour capacity.
_DEFAULT_WISH = {"skilled": 4200.0, "full": 3200.0, "weak": 1600.0}
_HEALTH_PENALTY = {"chronic": 0.5, "disabled": 0.8, "serious": 1.5}
_SHAPE = 0.6  # Weibull shape of time to leaving: most who leave, leave early
_FAR_FOR_CARE_KM = 25.0
_SEASON_DAYS = (60, 150)  # a season lasts this many days (uniform)
_CONTRACT_DAYS = (20, 150)  # a temporary or daily contract
_WELFARE_RENEWED = 0.55  # a public-welfare appointment renewed at its term
_TERM_SLACK = (0, 10)  # days after the term an unrenewed appointment ends
_YEAR_CONTRACT_SHARE = 1 / 7  # full-time hires that reach the end of a one-year contract
_YEAR_CONTRACT_DAYS = (365, 395)


@dataclass(slots=True)
class Person:
    """What the model knows of a worker: ledger facts, and ``reliability`` (latent)."""

    worker_id: int
    county: str | None
    longitude: float | None
    latitude: float | None
    birth_date: dt.date
    female: bool
    labour: str
    health: str | None
    wish_wage: float
    reach_km: float
    wish_codes: frozenset[str]
    skill_codes: frozenset[str]
    certificates: frozenset[str]
    care: bool  # care duties: 照顾家庭/老人小孩 given as reason, or a mother of a child under 6
    idle_household: bool  # no one of the household is employed
    monitored: bool  # 监测户
    reachable: bool  # a phone is on record
    reliability: float = 0.0

    def age(self, on: dt.date) -> int:
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


@dataclass(slots=True)
class Job:
    """What the model knows of a past posting; ``quality`` is its employer's (latent)."""

    employer_id: int
    occupation_code: str | None
    age_min: int | None
    age_max: int | None
    required: frozenset[str]
    preferred: frozenset[str]
    job_kind: str | None
    welfare_term_months: int | None  # set for a 公益性岗位
    longitude: float | None
    latitude: float | None
    county: str | None
    quality: float = 0.0
    demand: int = field(init=False)

    def __post_init__(self) -> None:
        self.demand = demand_of(self.occupation_code)


@dataclass(frozen=True, slots=True)
class Fit:
    """The traits of one worker for one job that the decisions depend on (``Fit.wage``: log pay / wish)."""

    wage: float
    far: float  # 0 within the place wish, up to 3 far beyond it
    distant: bool  # more than 25 km: too far to come home every day
    wish_level: int  # 3 same 大典 code as a wished job, 2 same minor group, 1 same middle group, 0 none
    has_wishes: bool
    skill_level: int
    missing_required: int
    preferred_held: int
    age_out: int  # years outside the posting's age range
    misfit: float  # labour capacity against physical demand: 0 fine, 1 strained, 2.8 heavy work for weak labour
    health: float
    older: bool  # 大龄: women 45+, men 50+
    young: bool  # under 35
    teen: bool  # under 23


@dataclass(frozen=True, slots=True)
class Tenure:
    """How a hire ends: ``days`` after hiring and why, or ``None`` days for a hire still at work."""

    days: int | None
    reason: str | None


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def demand_of(code: str | None) -> int:
    """Physical demand of a job by its 大典 code: heavy (建筑, 装卸搬运, 锻造, 井下辅助, 药材采挖), light
    (缝纫, 手工, 收银, 社区服务, 电子装配, 保安, 保洁) or normal."""
    if code is None:
        return NORMAL
    if code.startswith(_HEAVY_CODES):
        return HEAVY
    return LIGHT if code.startswith(_LIGHT_CODES) else NORMAL


def wished_wage(recorded: int | None, income: int | None, labour: str, age: int) -> float:
    """The wage a worker expects a month: the recorded wish, else 110% of the current income, else a default
    by labour capacity (three quarters of it from 55 on)."""
    if recorded:
        return float(recorded)
    if income:
        return 1.1 * income
    return _DEFAULT_WISH.get(labour, 2500.0) * (0.75 if age >= 55 else 1.0)


def reach_of(recorded: str | None, status: str | None, *, weak: bool, old: bool, care: bool) -> float:
    """How far a worker goes (km): the recorded place wish; else as far as their present work (省外, 省内);
    else local for weak, older or caring people; else the county."""
    if recorded in _REACH:
        return _REACH[recorded]
    if status in ("out_of_province", "province"):
        return _REACH["anywhere" if status == "out_of_province" else "province"]
    return _REACH["local"] if weak or old or care else _REACH["county"]


def draw_latents(rng: random.Random, employer_ids: list[int], people: list[Person]) -> dict[int, float]:
    """Employer quality ~ N(0, 1) for each employer in id order (the stream's first draws, so a reader with
    the seed can recompute it), then each person's reliability ~ N(0, 0.5) in list order."""
    quality = {e: rng.gauss(0.0, 1.0) for e in sorted(employer_ids)}
    for person in people:
        person.reliability = rng.gauss(0.0, 0.5)
    return quality


def fit(person: Person, job: Job, on: dt.date, wage: float) -> Fit:
    """The traits of ``person`` for ``job`` on day ``on``, offered ``wage`` a month."""
    age = person.age(on)
    km = distance_km(person, job)
    out = max((job.age_min or 0) - age, age - (job.age_max or 200), 0)
    return Fit(
        wage=max(-1.2, min(1.0, math.log(max(wage, 1.0) / max(person.wish_wage, 1.0)))),
        far=min(3.0, max(0.0, km - person.reach_km) / max(person.reach_km, 20.0)),
        distant=km > _FAR_FOR_CARE_KM,
        wish_level=_level(job.occupation_code, person.wish_codes),
        has_wishes=bool(person.wish_codes),
        skill_level=_level(job.occupation_code, person.skill_codes),
        missing_required=len(job.required - person.certificates),
        preferred_held=len(job.preferred & person.certificates),
        age_out=min(out, 5),
        misfit=_misfit(person, job.demand, age),
        health=_HEALTH_PENALTY.get(person.health or "", 0.0),
        older=age >= (45 if person.female else 50),
        young=age < 35,
        teen=age < 23,
    )


def distance_km(person: Person, job: Job) -> float:
    """Great-circle distance from the worker's site to the workplace; 0 or 60 km (same county or not)
    when a coordinate is missing."""
    if person.longitude is None or person.latitude is None or job.longitude is None or job.latitude is None:
        return 0.0 if person.county == job.county else 60.0
    lon1, lat1, lon2, lat2 = map(math.radians, (person.longitude, person.latitude, job.longitude, job.latitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _level(code: str | None, codes: frozenset[str]) -> int:
    if not code or not codes:
        return 0
    if code in codes:
        return 3
    parts = code.split("-")
    for level, n in ((2, 3), (1, 2)):
        prefix = "-".join(parts[:n]) + "-"
        if any(c.startswith(prefix) for c in codes):
            return level
    return 0


def _misfit(person: Person, demand: int, age: int) -> float:
    weak = person.labour == "weak"
    if demand == HEAVY:
        return 2.8 if weak else 1.0 if age >= 55 or person.health in _HEALTH_PENALTY else 0.0
    return 1.0 if demand == NORMAL and weak else 0.0


def interest_logit(f: Fit, person: Person, job: Job) -> float:
    """Contacted -> interested (else declined by the worker)."""
    wish = (0.0, 0.4, 1.0, 1.5)[f.wish_level] if f.wish_level else (-0.6 if f.has_wishes else 0.0)
    welfare = (1.0 if f.older else -0.6 if f.young else 0.0) if job.welfare_term_months else 0.0
    return (
        0.2 + 2.2 * f.wage - 1.3 * f.far + wish + 0.5 * (f.skill_level >= 2) + 0.6 * person.idle_household
        + 0.3 * person.monitored - 0.9 * (person.care and f.distant) + welfare - 0.4 * f.health
    )  # fmt: skip


def offer_logit(f: Fit, person: Person) -> float:
    """Interview -> offered (else turned down by the employer)."""
    per_missing = 1.2 if f.skill_level == 3 else 2.5  # an experienced hand gets the licence on the job
    return (
        0.6 - per_missing * f.missing_required + 0.5 * f.preferred_held + 1.0 * (f.skill_level >= 2)
        + 0.5 * (f.wish_level >= 2) - 0.35 * f.age_out - 1.0 * min(f.misfit, 1.5) - 0.4 * f.health
        + 0.3 * (person.labour == "skilled")
    )  # fmt: skip


def show_logit(f: Fit) -> float:
    """Offered -> hired (else does not come)."""
    return 2.4 + 0.8 * f.wage - 0.4 * f.far


def retention_logit(f: Fit, person: Person, job: Job) -> float:
    """Log-odds of still being at work after 3 months, leaving scheduled ends (season, contract) aside."""
    welfare = (1.2 if f.older else -0.8 if f.young else 0.0) if job.welfare_term_months else 0.0
    return (
        1.2 + 0.9 * job.quality + person.reliability + 2.0 * min(f.wage, 0.3) - 0.7 * (f.wage < 0) - 0.8 * f.far
        - 1.4 * (person.care and f.distant) + 0.8 * (f.wish_level >= 2) + 0.4 * (f.skill_level >= 2)
        - f.misfit - 0.6 * f.health + welfare + 0.3 * person.idle_household + 0.4 * min(f.preferred_held, 1)
        - 0.4 * f.teen
    )  # fmt: skip


def worker_reason(rng: random.Random, f: Fit, person: Person) -> str:
    """Why a worker says no: each reason weighted by the pressure behind it."""
    weights = {
        "工资低": 0.1 + 2.0 * max(0.0, -f.wage),
        "离家远": 0.1 + f.far,
        "照顾家庭": 0.05 + (1.0 if person.care and f.distant else 0.0),
        "身体原因": 0.05 + 0.5 * f.misfit + 0.5 * f.health,
        "不感兴趣": 0.4 + (0.5 if f.has_wishes and not f.wish_level else 0.0),
    }
    return rng.choices(list(weights), list(weights.values()))[0]


def employer_reason(f: Fit) -> str:
    """Why an employer says no: the largest shortfall."""
    shortfalls = {"缺少所需证书": 2.5 * f.missing_required, "年龄不符": 0.35 * f.age_out, "身体条件不符": f.misfit}
    reason, size = max(shortfalls.items(), key=lambda kv: kv[1])
    return reason if size > 0 else "技能经验不符"


def _leaving_weights(f: Fit, person: Person, job: Job) -> dict[str, float]:
    """Why a hire ends early: each reason weighted by the pressure behind it, plus a little of each."""
    young_welfare = 0.6 if job.welfare_term_months and f.young else 0.0
    return {
        "工资低": 0.15 + 1.6 * max(0.0, -f.wage) + young_welfare,
        "离家远": 0.15 + 0.8 * f.far + 0.3 * f.distant,
        "身体原因": 0.1 + f.misfit + 0.6 * f.health,
        "照顾家庭": 0.1 + (1.4 if person.care and f.distant else 0.3 if person.care else 0.0),
        "企业减员": 0.1 + 0.9 * max(0.0, -job.quality),
    }


def tenure(rng: random.Random, f: Fit, person: Person, job: Job, noise: float) -> Tenure:
    """Days until a hire ends and why. Time to leaving is Weibull (shape 0.6) scaled so that the chance of
    lasting 90 days is ``sigmoid(retention_logit + noise)``; a scheduled end (season, contract, public-welfare
    term) comes first when it is earlier."""
    p = sigmoid(retention_logit(f, person, job) + noise)
    scale = 90.0 / (-math.log(p)) ** (1 / _SHAPE) if p < 1.0 else math.inf
    leave = scale * (-math.log(1.0 - rng.random())) ** (1 / _SHAPE)
    end, why = _scheduled_end(rng, job)
    if end is not None and end <= leave:
        return Tenure(max(1, end), why)
    if math.isinf(leave) or leave > 3650:
        return Tenure(None, None)
    weights = _leaving_weights(f, person, job)
    reason = rng.choices(list(weights), list(weights.values()))[0]
    return Tenure(max(1, int(leave)), reason)


def _scheduled_end(rng: random.Random, job: Job) -> tuple[int | None, str | None]:
    """Seasonal work ends with its season (60-150 days); temporary and daily work with its contract (20-150
    days); a public-welfare appointment at its term unless renewed (55%); one full-time contract in seven
    after a year."""
    kind = job.job_kind
    if kind == "seasonal":
        return rng.randint(*_SEASON_DAYS), "季节结束"
    if kind in ("temporary", "daily"):
        return rng.randint(*_CONTRACT_DAYS), "合同到期"
    if job.welfare_term_months:
        renewed = rng.random() < _WELFARE_RENEWED
        return (None, None) if renewed else (job.welfare_term_months * 30 + rng.randint(*_TERM_SLACK), "合同到期")
    if rng.random() < _YEAR_CONTRACT_SHARE:
        return rng.randint(*_YEAR_CONTRACT_DAYS), "合同到期"
    return None, None


def scheduled_reaches(job: Job, days: int) -> float:
    """The chance that a hire's scheduled end (``_scheduled_end``'s draw) does not come before ``days`` days
    (1.0 for a job without one)."""

    def at_least(low: int, high: int) -> float:  # a uniform whole number in [low, high] is >= days
        return min(1.0, max(0.0, (high - max(days, low) + 1) / (high - low + 1)))

    kind = job.job_kind
    if kind == "seasonal":
        return at_least(*_SEASON_DAYS)
    if kind in ("temporary", "daily"):
        return at_least(*_CONTRACT_DAYS)
    if job.welfare_term_months:
        term = job.welfare_term_months * 30
        return _WELFARE_RENEWED + (1 - _WELFARE_RENEWED) * at_least(term + _TERM_SLACK[0], term + _TERM_SLACK[1])
    return 1 - _YEAR_CONTRACT_SHARE * (1 - at_least(*_YEAR_CONTRACT_DAYS))
