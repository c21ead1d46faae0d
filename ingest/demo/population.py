"""The demo city's people: settlement sites, households and their members, before any ledger is drawn.

``build_city`` is deterministic for a seed. At full scale it makes Xinzhou's published totals exactly
(68 sites, 34,434 households, 84,505 people); at small scale 8 of those sites in 4 counties with 800
households and 1,963 people (the same people per household).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from ingest.demo import idnumber, names
from ingest.demo.draw import Draw, Weighted
from ingest.demo.reference import County
from ingest.demo.sites import Site, plan_sites
from ingest.demo.work import assign_work
from models.errors import InvalidInput

__all__ = ["AS_OF", "MOBILE_PREFIXES", "SCALES", "City", "Household", "Person", "Site", "build_city"]

AS_OF = dt.date(2026, 11, 1)
"""The ledgers' fill date (填报日期 2026年11月): ages and 年龄 cells are counted to this day."""

# scale -> (households, people)
SCALES: dict[str, tuple[int, int]] = {"full": (34_434, 84_505), "small": (800, 1_963)}
# Household size 1..7; the mean (2.45) is the city's people per household.
_SIZE_WEIGHTS = (0.27, 0.34, 0.18, 0.12, 0.065, 0.022, 0.003)
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 "
    "176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
).split()
# Household category (户类型): 脱贫户 most, then 同步搬迁户 and 监测户.
_CATEGORIES = Weighted(("脱贫户", 82), ("同步搬迁户", 10), ("监测户", 8))


@dataclass(slots=True)
class Person:
    """One household member with every ledger attribute (Chinese labels as a clean ledger writes them)."""

    name: str
    male: bool
    born: dt.date
    id_number: str
    relation: str
    phones: tuple[str, ...] = ()
    education: str | None = None
    labour: str | None = None
    health: str | None = None
    status: str | None = None
    place: str | None = None
    employer: str | None = None
    months: int | None = None
    income: int | None = None
    wish_employment: bool | None = None
    wish_job: str | None = None
    wish_place: str | None = None
    wish_wage: int | None = None
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    training_wish: bool | None = None
    training: tuple[str, dt.date, bool] | None = None
    reason: str | None = None
    assistance: str | None = None
    remarks: str | None = None
    as_of: dt.date = AS_OF  # the fill date of the ledger this person's row is for (earlier for a snapshot)

    @property
    def age(self) -> int:
        """Full years on ``as_of``."""
        born, on = self.born, self.as_of
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(slots=True)
class Household:
    """A household (搬迁户); ``number``: its city-unique 户编号; ``town``, ``village``: its origin."""

    number: str
    site: Site
    town: str
    village: str
    building: int
    category: str
    members: list[Person] = field(default_factory=list)


@dataclass(slots=True)
class City:
    """Everything generated for one scale and seed."""

    scale: str
    seed: int
    sites: list[Site]
    households: list[Household]

    @property
    def people(self) -> int:
        return sum(len(h.members) for h in self.households)


def build_city(scale: str, seed: int) -> City:
    """The city's sites, households and people for ``scale`` ("full" or "small")."""
    if scale not in SCALES:
        raise InvalidInput(f"演示城市的规模只能是 full（忻州市全市）或 small（约2000人），不能是“{scale}”。")
    rng = Draw(f"{seed}:population")
    n_households, n_people = SCALES[scale]
    sites = plan_sites(rng, n_households, small=scale == "small")
    sizes = household_sizes(rng, n_households, n_people)
    ids: set[str] = set()
    phones: set[str] = set()
    households: list[Household] = []
    for site in sites:
        for _ in range(site.household_count):
            household = _household(rng, site, len(site.households) + 1)
            for relation, male, age in _members(rng, sizes[len(households)]):
                person = _person(rng, site.county, relation, male, age, household, ids)
                assign_work(rng, person, site)
                person.phones = _phones(rng, person, phones)
                household.members.append(person)
            site.households.append(household)
            households.append(household)
    return City(scale, seed, sites, households)


def household_sizes(rng: random.Random, count: int, people: int) -> list[int]:
    """``count`` household sizes in 1..7 drawn from the size weights, nudged to sum to ``people`` exactly."""
    sizes = rng.choices(range(1, 8), _SIZE_WEIGHTS, k=count)
    gap = people - sum(sizes)
    while gap:
        i = rng.randrange(count)
        step = 1 if gap > 0 else -1
        if 1 <= sizes[i] + step <= 7:
            sizes[i] += step
            gap -= step
    return sizes


def _household(rng: random.Random, site: Site, number: int) -> Household:
    town, village = rng.choice(site.origins)
    category = _CATEGORIES.pick(rng)
    return Household(
        number=f"{site.county.adcode}{site.index:02d}{number:04d}",
        site=site,
        town=town,
        village=village,
        building=1 + (number - 1) // site.households_per_building,
        category=category,
    )


def _members(rng: random.Random, size: int) -> list[tuple[str, bool, int]]:
    """(relation to the head, male, age) of each member, head first."""
    if size == 1:
        age = rng.randint(60, 88) if rng.random() < 0.7 else rng.randint(30, 59)
        return [("户主", rng.random() < (0.55 if age >= 60 else 0.8), age)]
    roll = rng.random()
    if size == 2:
        if roll < 0.75:
            return _couple(rng, rng.randint(58, 82) if roll < 0.6 else rng.randint(36, 57))
        return _single_parent(rng, 1)
    stem, with_parent = {3: (0.0, 0.2), 4: (0.25, 0.15)}.get(size, (0.6, 0.2))
    if roll < stem:
        return _stem(rng, size - 4)
    if roll < stem + with_parent:
        return _with_parent(rng, size - 3)
    if roll > 0.93:
        return _single_parent(rng, size - 1)
    return _nuclear(rng, size - 2)


def _couple(rng: random.Random, head_age: int) -> list[tuple[str, bool, int]]:
    male_head = rng.random() < 0.88
    spouse_age = max(18, head_age + (rng.randint(-6, 2) if male_head else rng.randint(-2, 6)))
    return [("户主", male_head, head_age), ("配偶", not male_head, spouse_age)]


def _children(rng: random.Random, parent_age: int, count: int) -> list[tuple[bool, int]]:
    """``count`` children of a parent, eldest first: ages at least 22 years below the parent's."""
    if count == 0:
        return []
    eldest = max(2 * (count - 1), parent_age - rng.randint(22, 32))
    ages = [eldest]
    for _ in range(count - 1):
        ages.append(max(0, ages[-1] - rng.randint(1, 5)))
    return [(rng.random() < 0.52, age) for age in ages]


def _kids(rng: random.Random, parent_age: int, count: int, boy: str, girl: str) -> list[tuple[str, bool, int]]:
    return [(boy if male else girl, male, age) for male, age in _children(rng, parent_age, count)]


def _nuclear(rng: random.Random, kids: int) -> list[tuple[str, bool, int]]:
    head_age = max(rng.randint(28, 62), 22 + 2 * kids)
    return _couple(rng, head_age) + _kids(rng, head_age, kids, "之子", "之女")


def _single_parent(rng: random.Random, kids: int) -> list[tuple[str, bool, int]]:
    head_age = rng.randint(38, 80)
    head = ("户主", rng.random() < 0.5, head_age)
    return [head, *_kids(rng, head_age, kids, "之子", "之女")]


def _stem(rng: random.Random, grandkids: int) -> list[tuple[str, bool, int]]:
    """Head couple, a married son (or daughter with son-in-law) and grandchildren."""
    head_age = rng.randint(50, 75)
    child_age = max(20 + (2 * grandkids if grandkids else 0), head_age - rng.randint(22, 30))
    son = rng.random() < 0.88
    child = ("之子", True, child_age) if son else ("之女", False, child_age)
    in_law = (
        ("儿媳", False, max(18, child_age + rng.randint(-4, 1)))
        if son
        else ("女婿", True, child_age + rng.randint(-1, 4))
    )
    grand = _kids(rng, child_age, grandkids, "孙子", "孙女")
    return [*_couple(rng, head_age), child, in_law, *grand]


def _with_parent(rng: random.Random, kids: int) -> list[tuple[str, bool, int]]:
    """Head couple, their children and one of the head's parents."""
    head_age = max(rng.randint(30, 56), 22 + 2 * kids)
    parent_age = min(95, head_age + rng.randint(22, 32))
    parent = ("之母", False, parent_age) if rng.random() < 0.7 else ("之父", True, parent_age)
    return [*_couple(rng, head_age), *_kids(rng, head_age, kids, "之子", "之女"), parent]


def _person(
    rng: random.Random,
    county: County,
    relation: str,
    male: bool,
    age: int,
    household: Household,
    ids: set[str],
) -> Person:
    born = AS_OF - dt.timedelta(days=int(age * 365.2425) + rng.randint(1, 360))
    family = _family_name(household.members, relation)
    name = names.child_name(rng, family, male, born.year) if family else names.person_name(rng, male, born.year)
    while True:
        sequence = rng.randrange(1 if male else 0, 1000, 2)
        id_number = idnumber.make_id(county.adcode, born, sequence)
        if id_number not in ids:
            ids.add(id_number)
            return Person(name=name, male=male, born=born, id_number=id_number, relation=relation)


def _family_name(members: list[Person], relation: str) -> str | None:
    """The surname a member inherits (the father's), or None for those who married in."""
    if relation in ("之子", "之女"):
        fathers = [m for m in members[:2] if m.male and m.relation in ("户主", "配偶")]
        return (fathers or members)[0].name[0]
    if relation in ("孙子", "孙女"):
        fathers = [m for m in members if m.relation in ("之子", "女婿")]
        return (fathers or members)[0].name[0]
    return members[0].name[0] if relation == "之父" else None


def _mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in used:
            used.add(phone)
            return phone


def _phones(rng: random.Random, person: Person, used: set[str]) -> tuple[str, ...]:
    """None for children and pupils; one mobile for most adults; some have a second one or a landline."""
    age = person.age
    if age < 16 or (person.status == "在校生" and rng.random() < 0.4):
        return ()
    if rng.random() > (0.5 if age >= 70 else 0.93):
        return ()
    roll = rng.random()
    if roll < 0.04 and person.relation == "户主":
        return (f"0350-{rng.randint(2, 8)}{rng.randrange(10**6):06d}",)
    phones: tuple[str, ...] = (_mobile(rng, used),)
    if roll > 0.92:
        phones += (_mobile(rng, used),)
    elif roll > 0.89:
        phones += (f"0350-{rng.randint(2, 8)}{rng.randrange(10**6):06d}",)
    return phones
