"""Settlement sites (集中安置点) of the demo city: names, places, sizes and the villages their people left.

Xinzhou built 68 concentrated sites; a county has one to ten. The demo gives the poorer north-western
counties more sites (``SITES_PER_COUNTY``). Sizes follow a log-normal spread (tens to a few thousand
households); each site draws its origin villages (about 42 households a village, as 810 whole villages made
34,434 households) from its own county.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.demo.reference import County, counties

if TYPE_CHECKING:
    from ingest.demo.population import Household

__all__ = ["SITES_PER_COUNTY", "Site", "plan_sites"]

SITES_PER_COUNTY: dict[str, int] = {
    "静乐县": 8, "岢岚县": 7, "宁武县": 7, "五寨县": 6, "神池县": 5, "偏关县": 5, "河曲县": 5,
    "保德县": 5, "繁峙县": 5, "五台县": 5, "代县": 4, "原平市": 3, "忻府区": 2, "定襄县": 1,
}  # fmt: skip
_SMALL_COUNTIES = 4
_SMALL_SITES_PER_COUNTY = 2
_HOUSEHOLDS_PER_VILLAGE = 42
_ESTATE_NAMES = (
    "幸福家园 阳光新村 和谐家园 康乐小区 惠民小区 安康苑 富民新村 祥和苑 丰泽园 同心家园 兴旺小区 "
    "滨河新村 锦绣家园 福康苑 宜居苑 乐居小区 振兴新村 安居苑 幸福里 民安小区 团结新村 永安家园 "
    "红旗新村 朝阳小区 育才家园 汾源新村 芦芽家园 长城新村 黄河家园 岚漪苑"
).split()
_COMMUNITY_NAMES = (
    "滨河 同心 幸福 和谐 阳光 康乐 惠民 安康 富民 祥和 新华 兴旺 锦绣 福康 振兴 宜居 安居 乐居 "
    "丰泽 民安 团结 永安 朝阳 金山 秀水 春晖 东城 西城 南关 北关"
).split()
_ROADS = "滨河路 新建路 建设路 和平街 人民路 迎宾大道 长征街 七一路 学府街 文昌路 府西街 东环路".split()


@dataclass(slots=True)
class Site:
    """A settlement site; ``index`` is its 1-based place in the city, ``town`` the town it stands in."""

    index: int
    name: str
    county: County
    town: str
    longitude: float
    latitude: float
    address: str
    household_count: int
    origins: list[tuple[str, str]]
    households_per_building: int
    households: list[Household] = field(default_factory=list)


def plan_sites(rng: random.Random, households: int, *, small: bool) -> list[Site]:
    """The 68 sites (or the small city's 8) with household counts summing to ``households``."""
    drafts = [(county, n) for county in counties() for n in range(SITES_PER_COUNTY[county.name])]
    weights = [rng.lognormvariate(0.0, 0.8) for _ in drafts]
    names: set[str] = set()
    towns = {c.name: _site_towns(rng, c) for c in counties()}
    named = [(county, _site_name(rng, county, towns[county.name][n], names), towns[county.name][n])
             for county, n in drafts]  # fmt: skip
    chosen = list(range(len(drafts)))
    if small:
        picked = rng.sample([c.name for c in counties() if SITES_PER_COUNTY[c.name] >= 2], _SMALL_COUNTIES)
        chosen = [i for i, (county, n) in enumerate(drafts) if county.name in picked and n < _SMALL_SITES_PER_COUNTY]
    counts = _allocate(households, [weights[i] for i in chosen], minimum=40 if small else 30)
    pools: dict[str, list[tuple[str, str]]] = {}
    sites = []
    for index, (i, count) in enumerate(zip(chosen, counts, strict=True), start=1):
        county, name, town = named[i]
        pool = pools.setdefault(county.name, [])
        origins = [_next_village(rng, county, pool) for _ in range(_village_count(count))]
        sites.append(_site(rng, index, county, name, town, count, origins))
    return sites


def _site(
    rng: random.Random,
    index: int,
    county: County,
    name: str,
    town: str,
    count: int,
    origins: list[tuple[str, str]],
) -> Site:
    return Site(
        index=index,
        name=name,
        county=county,
        town=town,
        longitude=round(county.longitude + rng.uniform(-0.045, 0.045), 6),
        latitude=round(county.latitude + rng.uniform(-0.035, 0.035), 6),
        address=f"山西省忻州市{county.name}{town}{rng.choice(_ROADS)}{rng.randint(1, 199)}号",
        household_count=count,
        origins=origins,
        households_per_building=rng.randint(24, 60),
    )


def _site_towns(rng: random.Random, county: County) -> list[str]:
    """Towns for a county's sites: 镇 before 乡, each used once while there are enough."""
    towns = sorted((t.name for t in county.towns), key=lambda t: (not t.endswith("镇"), rng.random()))
    return [towns[i % len(towns)] for i in range(SITES_PER_COUNTY[county.name])]


def _site_name(rng: random.Random, county: County, town: str, used: set[str]) -> str:
    """A unique name: 五台县东冶镇幸福家园安置点, 阳光新村安置区 or 滨河社区 (prefixed when taken)."""
    roll = rng.random()
    if roll < 0.45:
        candidates = [f"{county.name}{town}{rng.choice(_ESTATE_NAMES)}安置点"]
    elif roll < 0.75:
        estate = rng.choice(_ESTATE_NAMES)
        candidates = [f"{estate}安置区", f"{town}{estate}安置区"]
    else:
        community = rng.choice(_COMMUNITY_NAMES)
        candidates = [f"{community}社区", f"{_short(county)}{community}社区"]
    for name in candidates:
        if name not in used:
            used.add(name)
            return name
    return _site_name(rng, county, town, used)


def _short(county: County) -> str:
    """五台县 -> 五台; two-character names (代县) stay whole."""
    return county.name[:-1] if len(county.name) > 2 else county.name


def _village_count(households: int) -> int:
    return max(1, min(40, round(households / _HOUSEHOLDS_PER_VILLAGE)))


def _next_village(rng: random.Random, county: County, pool: list[tuple[str, str]]) -> tuple[str, str]:
    """The next origin village of the county; villages are used once until the county runs out."""
    if not pool:
        pool.extend((t.name, v) for t in county.towns for v in t.villages)
        rng.shuffle(pool)
    return pool.pop()


def _allocate(total: int, weights: list[float], *, minimum: int) -> list[int]:
    """Integers proportional to ``weights``, each at least ``minimum``, summing to ``total`` exactly."""
    spare = total - minimum * len(weights)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [minimum + int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: int(shares[i]) - shares[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
