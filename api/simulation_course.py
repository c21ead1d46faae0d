"""How one simulated proposal plays out: the demo city's hidden behaviour model, step by step.

The steps, their delays and the decisions are those of the demo history's walk (``ingest.demo.history_walk``,
``HISTORY.md``), drawn with the behaviour model's own functions (``fit``, ``interest_logit``, ``offer_logit``,
``show_logit``, ``tenure``): the broker reaches the worker (90%, 50% without a phone) 0-4 days after the
proposal; the worker says yes or no 0-3 days later (interest logit plus a keenness ε₁ ~ N(0, 0.6)); the
interview is 2-10 days later and the employer's answer 1-5 days after it (offer logit plus N(0, 0.5)); a
worker who accepts comes 2-12 days after the offer (show-up logit); a hire lasts what ``tenure`` draws (noise
0.3·ε₁ + N(0, 0.4), as in the history).

Every draw of a proposal comes from a stream of its own, seeded by the run's seed, the worker and the posting
(``Draw(f"{seed}:{worker}:{posting}")``), and the whole course is drawn at once in a fixed order. So the same
proposal made under two policies meets the same worker's answer, the same employer's answer and the same
tenure: the policies are compared on common random numbers, and differ only by whom they propose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ingest.demo.draw import Draw
from ingest.demo.history_model import (
    Job,
    Person,
    Tenure,
    employer_reason,
    fit,
    interest_logit,
    offer_logit,
    show_logit,
    sigmoid,
    tenure,
    worker_reason,
)

__all__ = [
    "EMPLOYER_NOISE_SD",
    "KEENNESS_CARRIED",
    "KEENNESS_SD",
    "STAY_NOISE_SD",
    "UNREACHED",
    "Course",
    "Opening",
    "draw_course",
    "reach_chance",
]

UNREACHED = "未能联系"  # the broker could not reach the worker within the contact window
_CONTACT_WINDOW = 4  # days after the proposal
KEENNESS_SD = 0.6  # ε₁, the worker's keenness for this job: added to the interest logit
EMPLOYER_NOISE_SD = 0.5  # added to the offer logit
KEENNESS_CARRIED = 0.3  # the share of ε₁ that carries over into the retention logit ...
STAY_NOISE_SD = 0.4  # ... with fresh noise of this size


@dataclass(frozen=True, slots=True)
class Opening:
    """What the behaviour model needs of an open posting: the job, and its pay as a monthly range (the wage
    offered is drawn in it, as the history draws it)."""

    job: Job
    pay: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Course:
    """The drawn course of one proposal, days counted from the proposal's day.

    ``decided``: the day the proposal ends without an offer (unreached, declined by the worker or by the
    employer; ``reason`` says which) or, for an offer, the day of the offer. ``utility``: how much the worker
    wants this job (interest logit plus their keenness ε₁), which decides between offers. ``shows``: whether an
    accepted offer is taken up, ``start`` days after the offer; ``stay``: how long the hire lasts."""

    offered: bool
    decided: int
    reason: str | None
    wage: int
    utility: float
    shows: bool
    start: int
    stay: Tenure


def draw_course(seed: int, person: Person, opening: Opening, on: dt.date, posting_id: int) -> Course:
    """The course of proposing ``person`` for ``opening`` (posting ``posting_id``) on day ``on``."""
    rng = Draw(f"{seed}:{person.worker_id}:{posting_id}")
    low, high = opening.pay
    wage = int(round(rng.uniform(low, high), -1))
    if rng.random() >= reach_chance(person):
        return Course(False, _CONTACT_WINDOW, UNREACHED, wage, 0.0, False, 0, Tenure(None, None))
    day = rng.randint(0, _CONTACT_WINDOW)
    f = fit(person, opening.job, on + dt.timedelta(days=day), wage)
    keenness = rng.gauss(0.0, KEENNESS_SD)
    utility = interest_logit(f, person, opening.job) + keenness
    day += rng.randint(0, 3)
    if rng.random() >= sigmoid(utility):
        return Course(False, day, worker_reason(rng, f, person), wage, utility, False, 0, Tenure(None, None))
    day += rng.randint(2, 10) + rng.randint(1, 5)
    if rng.random() >= sigmoid(offer_logit(f, person) + rng.gauss(0.0, EMPLOYER_NOISE_SD)):
        return Course(False, day, employer_reason(f), wage, utility, False, 0, Tenure(None, None))
    start = rng.randint(2, 12)
    shows = rng.random() < sigmoid(show_logit(f))
    stay = tenure(rng, f, person, opening.job, KEENNESS_CARRIED * keenness + rng.gauss(0.0, STAY_NOISE_SD))
    return Course(True, day, None, wage, utility, shows, start, stay)


def reach_chance(person: Person) -> float:
    """The chance the broker reaches the worker within the contact window: 90%, 50% without a phone on record."""
    return 0.9 if person.reachable else 0.5
