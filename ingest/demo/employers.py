"""Employers 用人单位 of the demo city, each with a valid 统一社会信用代码 (GB 32100-2015), and ``employers.csv``.

Kinds and proportions at full scale (84): 企业 18, 涉农企业 8, 帮扶车间 14 (a few written 扶贫车间), 扶贫工坊 6,
产业园区企业 7, 合作社 8, 劳务派遣/人力资源机构 7 (they run the 外出务工 group recruitment), and 16 public bodies
that create 公益性岗位: 村委会 4, 社区居委会 6, 乡镇人民政府 6. Small scale: 10, without a 产业园区企业.
Enterprises cluster in 忻府区 and 原平市; workshops and 社区居委会 sit at settlement sites; everything stays in
the counties of the city's sites. Industries, parks and the jobs each employer offers come from
``data/openings.json``.

A credit code is registration authority and kind (91 企业, 92 个体工商户, 93 农民专业合作社, 54 基层群众性自治组织,
11 机关), the county's adcode, a nine-character organisation code (GB 11714: eight characters and a check
character; ``MA...`` for codes issued since 2015, eight digits for older bodies) and the GB 32100 check character.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ingest.demo import names
from ingest.demo.draw import Weighted
from ingest.demo.reference import County
from ingest.demo.sites import Site

__all__ = [
    "CREDIT_ALPHABET",
    "EMPLOYER_HEADERS",
    "KINDS",
    "Employer",
    "credit_check_character",
    "is_valid_credit_code",
    "make_credit_code",
    "openings_data",
    "plan_employers",
    "write_employers",
]

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_DATA = Path(__file__).resolve().parent / "data" / "openings.json"

# kind code (models.vocab.EmployerKind) -> how many at full and at small scale
KINDS: dict[str, tuple[int, int]] = {
    "enterprise": (18, 2), "agricultural": (8, 1), "workshop": (14, 2), "home_workshop": (6, 1),
    "park": (7, 0), "cooperative": (8, 1), "agency": (7, 1), "public_body": (16, 2),
}  # fmt: skip
_LABEL = {
    "enterprise": "企业", "agricultural": "涉农企业", "workshop": "帮扶车间", "home_workshop": "扶贫工坊",
    "park": "产业园区企业", "cooperative": "合作社", "agency": "劳务派遣/人力资源机构",
}  # fmt: skip
# public bodies in order: the small city gets the first two
_PUBLIC = ("社区居委会", "乡镇人民政府", "村委会", "社区居委会", "乡镇人民政府", "村委会", "社区居委会", "乡镇人民政府")
_PUBLIC_FULL = {"村委会": 4, "社区居委会": 6, "乡镇人民政府": 6}
_CREDIT_KIND = {
    "enterprise": ("91",), "agricultural": ("91",), "park": ("91",), "agency": ("91",), "workshop": ("91", "92"),
    "home_workshop": ("92", "93"), "cooperative": ("93",), "村委会": ("54",), "社区居委会": ("54",),
    "乡镇人民政府": ("11",),
}  # fmt: skip
_COUNTY_WEIGHT = {"忻府区": 5.0, "原平市": 3.0, "定襄县": 1.5}
_BRANDS = "晋源 鑫盛 宏泰 恒达 华晋 瑞通 金穗 永兴 天和 众鑫 福瑞 汇通 昌隆 新元 顺安 泰丰 晋北 云中 芦芽 汾河".split()
_ROADS = "和平街 建设路 七一路 长征街 新建路 迎宾大道 人民路 开发路 工业路 富民路 兴业街 滨河东路".split()
_PRODUCTS = {
    "种植专业合作社": ("红芸豆", "辣椒", "蔬菜", "马铃薯", "谷子"), "养殖专业合作社": ("肉羊", "肉牛", "生猪", "蛋鸡"),
    "杂粮专业合作社": ("", "金谷", "益农", "丰源"), "食用菌专业合作社": ("", "绿源", "鑫菇"),
}  # fmt: skip
EMPLOYER_HEADERS = (
    "单位编号", "单位名称", "单位类型", "统一社会信用代码", "所在县（市、区）", "县区代码", "乡镇", "单位地址", "经度",
    "纬度", "所属安置点", "联系人", "联系电话", "备注",
)  # fmt: skip
_MOBILE = "130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 180 182 183 185 186 187 188 189".split()


@dataclass(frozen=True, slots=True)
class Employer:
    """An employer: ``kind`` is the EmployerKind code, ``label`` the 单位类型 written in the CSV; ``jobs`` the
    template keys of ``openings.json`` it posts (empty for public bodies, which post 公益性岗位)."""

    id: str
    name: str
    kind: str
    label: str
    credit_code: str
    county: County
    town: str
    address: str
    longitude: float
    latitude: float
    contact_name: str
    contact_phone: str
    site: Site | None
    jobs: tuple[str, ...]
    remarks: str


@cache
def openings_data() -> dict[str, Any]:
    """``data/openings.json``: job templates, public-welfare categories, trades, destinations, parks."""
    data: dict[str, Any] = json.loads(_DATA.read_text(encoding="utf-8"))
    return data


def credit_check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters of a credit code.

    >>> credit_check_character("91350100M000100Y4")  # the standard's worked example
    '3'
    """
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """Eighteen characters of the alphabet with the right check character.

    >>> is_valid_credit_code("91350100M000100Y43"), is_valid_credit_code("91350100M000100Y44")
    (True, False)
    """
    if len(code) != 18 or any(ch not in CREDIT_ALPHABET for ch in code):
        return False
    return credit_check_character(code[:17]) == code[17]


def _org_check_character(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body (letters count A=10 .. Z=35).

    >>> _org_check_character("D2143569")  # the standard's example: D2143569-X
    'X'
    """
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_credit_code(rng: random.Random, prefix: str, adcode: str) -> str:
    """A valid code: ``prefix`` (e.g. "91"), the 6-digit ``adcode``, an organisation code and the check."""
    if prefix == "11":
        body = "".join(rng.choice("0123456789") for _ in range(8))
    else:
        body = "MA" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(6))
    first = prefix + adcode + body + _org_check_character(body)
    return first + credit_check_character(first)


def plan_employers(rng: random.Random, sites: list[Site], *, small: bool) -> list[Employer]:
    """The employers of the city whose settlement sites are ``sites``."""
    plans: list[str] = []
    for kind, (full, few) in KINDS.items():
        if kind == "public_body":
            plans += list(_PUBLIC[:few]) if small else [k for k, n in _PUBLIC_FULL.items() for _ in range(n)]
        else:
            plans += [kind] * (few if small else full)
    employers: list[Employer] = []
    used: set[str] = set()
    phones: set[str] = set()
    taken: set[int] = set()
    for n, kind in enumerate(plans, start=1):
        employers.append(_employer(rng, f"E{n:03d}", kind, sites, (used, phones, taken)))
    return employers


def _employer(
    rng: random.Random, ident: str, kind: str, sites: list[Site], seen: tuple[set[str], set[str], set[int]]
) -> Employer:
    used, phones, taken = seen
    site = _site_for(rng, kind, sites, taken)
    county = site.county if site else _county(rng, sites, kind)
    towns = [t.name for t in county.towns if t.name.endswith("镇")] or [county.towns[0].name]
    town = site.town if site else rng.choice(towns)
    name, jobs, address, label = _identity(rng, kind, county, town, site, used)
    used.add(name)
    lon = site.longitude if site else round(county.longitude + rng.uniform(-0.03, 0.03), 6)
    lat = site.latitude if site else round(county.latitude + rng.uniform(-0.025, 0.025), 6)
    born = rng.randint(1965, 1995)
    male = rng.random() < 0.6
    return Employer(
        id=ident,
        name=name,
        kind="public_body" if kind in _PUBLIC_FULL else kind,
        label=label,
        credit_code=make_credit_code(rng, rng.choice(_CREDIT_KIND[kind]), county.adcode),
        county=county,
        town=town,
        address=address,
        longitude=lon,
        latitude=lat,
        contact_name=names.person_name(rng, male, born),
        contact_phone=_mobile(rng, phones),
        site=site,
        jobs=jobs,
        remarks=_remarks(rng, kind, address),
    )


def _site_for(rng: random.Random, kind: str, sites: list[Site], taken: set[int]) -> Site | None:
    """Workshops, 扶贫工坊 and 社区居委会 sit at a site (one not taken yet while there are any)."""
    if kind not in ("workshop", "home_workshop", "社区居委会"):
        return None
    site = rng.choice([s for s in sites if s.index not in taken] or sites)
    taken.add(site.index)
    return site


def _county(rng: random.Random, sites: list[Site], kind: str) -> County:
    counties = list({s.county.name: s.county for s in sites}.values())
    if kind == "park":
        counties = [c for c in counties if c.name in openings_data()["parks"]] or counties
    weights = Weighted(*((c.name, _COUNTY_WEIGHT.get(c.name, 1.0)) for c in counties))
    chosen = weights.pick(rng)
    return next(c for c in counties if c.name == chosen)


def _identity(
    rng: random.Random, kind: str, county: County, town: str, site: Site | None, used: set[str]
) -> tuple[str, tuple[str, ...], str, str]:
    """(name, job templates, address, 单位类型) of an employer of ``kind``."""
    here = f"山西省忻州市{county.name}"
    street = f"{rng.choice(_ROADS)}{rng.randint(1, 299)}号"
    short = county.name[:-1] if len(county.name) > 2 else county.name
    if kind in _PUBLIC_FULL:
        return _public_identity(rng, kind, county, town, site)
    trade, jobs = _trade(rng, kind)
    if kind in ("workshop", "home_workshop"):
        assert site is not None
        if kind == "workshop":
            label = "扶贫车间" if rng.random() < 0.2 else "帮扶车间"
            return f"{site.name}{trade}{label}", jobs, site.address, label
        return f"{county.name}{town}{trade}扶贫工坊", jobs, site.address, _LABEL[kind]
    if kind == "cooperative":
        village = rng.choice(next(t for t in county.towns if t.name == town).villages)
        name = _fresh(lambda: f"{county.name}{village}{rng.choice(_PRODUCTS[trade])}{trade}", used)
        return name, jobs, f"{here}{town}{village}", _LABEL[kind]
    if kind == "park":
        park = openings_data()["parks"][county.name]
        return _fresh(lambda: f"山西{rng.choice(_BRANDS)}{trade}", used), jobs, f"{here}{park}{street}", _LABEL[kind]
    prefixes = ("忻州", "忻州市", "山西", short, county.name)
    name = _fresh(lambda: f"{rng.choice(prefixes)}{rng.choice(_BRANDS)}{trade}", used)
    return name, jobs, f"{here}{town}{street}", _LABEL[kind]


def _public_identity(
    rng: random.Random, kind: str, county: County, town: str, site: Site | None
) -> tuple[str, tuple[str, ...], str, str]:
    here = f"山西省忻州市{county.name}{town}"
    if kind == "社区居委会":
        assert site is not None
        base = site.name.removesuffix("安置点").removesuffix("安置区")
        name = f"{base}居民委员会" if base.endswith("社区") else f"{base}社区居民委员会"
        return (name if name.startswith(county.name) else county.name + name), (), site.address, kind
    if kind == "乡镇人民政府":
        return f"{county.name}{town}人民政府", (), f"{here}政府街{rng.randint(1, 60)}号", kind
    village = rng.choice(next(t for t in county.towns if t.name == town).villages)
    return f"{county.name}{town}{village}村民委员会", (), f"{here}{village}", kind


def _trade(rng: random.Random, kind: str) -> tuple[str, tuple[str, ...]]:
    trades: list[tuple[str, list[str], float]] = openings_data()["trades"][_LABEL[kind]]
    trade, jobs, _ = rng.choices(trades, [w for _, _, w in trades])[0]
    return trade, tuple(jobs)


def _fresh(make: Callable[[], str], used: set[str]) -> str:
    """A name from ``make`` not used yet (another brand or product is drawn while it is taken)."""
    for _ in range(100):
        name = make()
        if name not in used:
            return name
    raise AssertionError("too few brands for the employers of one county")


def _remarks(rng: random.Random, kind: str, address: str) -> str:
    if kind == "workshop":
        return f"认定帮扶车间，吸纳脱贫劳动力{rng.randint(5, 30)}人"
    if kind == "home_workshop":
        return f"居家就业，带动{rng.randint(10, 60)}户"
    if kind == "agency":
        return "组织劳务输出，外出务工交通补贴代办"
    parks: dict[str, str] = openings_data()["parks"]
    return next((p for p in parks.values() if p in address), "") if kind == "park" else ""


def _mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = rng.choice(_MOBILE) + f"{rng.randrange(10**8):08d}"
        if phone not in used:
            used.add(phone)
            return phone


def write_employers(employers: list[Employer], path: Path) -> None:
    """UTF-8 with a BOM and CRLF, as Excel saves "CSV UTF-8"."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(EMPLOYER_HEADERS)
    for e in employers:
        writer.writerow([
            e.id, e.name, e.label, e.credit_code, e.county.name, e.county.adcode, e.town, e.address, e.longitude,
            e.latitude, e.site.name if e.site else "", e.contact_name, e.contact_phone, e.remarks,
        ])  # fmt: skip
    path.write_bytes(text.getvalue().encode("utf-8-sig"))
