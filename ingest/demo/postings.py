"""Job openings (招聘岗位) of the demo city: ``employers.csv``, ``postings.xlsx``, ``ads.jsonl`` and their answer key.

``generate_openings(out_dir, city, scale=..., seed=...)`` draws the employers (``ingest.demo.employers``) and
their postings from the templates of ``data/openings.json``: about 300 postings at full scale, about 30 at
small scale. Pay follows Shanxi 2026 levels (保洁 1800-2500/月, 普工 3500-5500/月, 外出电子厂 5000-7000/月,
建筑日结 200-350/天, 公益性岗位 800-1800/月). Public bodies post 公益性岗位 of every category in turn; labour
agencies post 外出务工 group recruitment to 江苏/浙江/广东/北京/天津 and elsewhere. About 15% of the postings
(never public-welfare ones) are published only as WeChat-style ads in ``ads.jsonl``; the answer key gives
for each the 11 labels of ``bench/data/README.md``. The rest are rows of ``postings.xlsx``, where five
mistakes are planted (``MISTAKES``). Draws use their own seed stream, so the ledgers do not change.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from ingest.demo.ads import ad_text
from ingest.demo.draw import Draw
from ingest.demo.employers import CREDIT_ALPHABET, Employer, openings_data, plan_employers, write_employers
from ingest.demo.population import City
from models.errors import InvalidInput

__all__ = ["MISTAKES", "Opening", "OpeningsSummary", "generate_openings", "plan_openings"]

MISTAKES = ("credit_code_bad_checksum", "title_missing", "pay_as_text", "duplicate_row", "reposted")
_SHEET = "岗位信息"
_TITLE = "忻州市2026年冬季就业帮扶岗位信息汇总表"
HEADERS = (
    "岗位编号", "单位名称", "统一社会信用代码", "岗位名称", "职业（工种）", "职业编码", "招聘人数", "薪资下限",
    "薪资上限", "计薪方式", "年龄要求", "性别要求", "学历要求", "证书要求", "优先证书", "包吃", "包住", "班次",
    "工作地点", "工作地区划代码", "安置点", "用工形式", "是否外出务工", "外出务工目的地", "公益性岗位类别", "资金来源",
    "聘期", "截止日期", "联系人", "联系电话", "岗位描述",
)  # fmt: skip
_PERIOD = {"month": "月薪", "day": "日薪", "hour": "时薪", "piece": "计件", "year": "年薪"}
# postings per employer (low, high) at full and small scale
_PER_EMPLOYER = {
    "enterprise": ((3, 6), (3, 4)), "agricultural": ((2, 4), (2, 3)), "workshop": ((1, 3), (2, 3)),
    "home_workshop": ((1, 2), (1, 2)), "park": ((3, 6), (3, 4)), "cooperative": ((1, 3), (2, 2)),
    "agency": ((6, 10), (5, 6)), "public_body": ((2, 5), (3, 4)),
}  # fmt: skip
_AD_SHARE = 0.15
_FIXED_TIME = (2026, 11, 1, 9, 0, 0)
_WELFARE_NOTE = "面向脱贫户、监测户和易地搬迁劳动力，须本地户籍，村干部及其近亲属不得报名。"
_SOLAR_NOTE = "本岗位由村级光伏电站收益列支，仅限脱贫户和边缘易致贫户劳动力。"


@dataclass(frozen=True, slots=True)
class Opening:
    """One posting as the employer meant it. Pay is in yuan per ``pay_period`` (month/day/hour/piece/year);
    ``pay_max`` None is an open top (以上, 底薪+提成). ``place`` is the work address, ``site`` the settlement
    site it stands at, if any."""

    id: str
    employer: Employer
    title: str
    occupation: str
    occupation_code: str
    description: str
    headcount: int | None
    pay_min: float | None
    pay_max: float | None
    pay_period: str
    age_min: int | None
    age_max: int | None
    sex: str | None
    education: str
    required: tuple[str, ...]
    preferred: tuple[str, ...]
    meals: bool | None
    housing: bool | None
    shift: str
    job_kind: str
    place: str
    adcode: str
    site: str | None
    destination: str | None
    welfare: str | None
    funding: str | None
    term: str | None
    deadline: dt.date
    unit: str | None = None
    commission: bool = False


@dataclass(frozen=True, slots=True)
class OpeningsSummary:
    """What ``generate_openings`` wrote; ``key`` is the answer key's ``openings`` section."""

    scale: str
    seed: int
    employers: int
    postings: int
    sheet_rows: int
    ads: int
    public_welfare: int
    out_of_area: int
    key: dict[str, Any] = field(repr=False)


def generate_openings(out_dir: Path, city: City, *, scale: str, seed: int) -> OpeningsSummary:
    """Write ``employers.csv``, ``postings.xlsx`` and ``ads.jsonl`` for the sites of ``city`` into ``out_dir``
    and return the summary with the answer-key section; the same seed gives the same bytes."""
    if scale not in ("full", "small"):
        raise InvalidInput(f"演示岗位的规模只能是 full 或 small，不能是“{scale}”。")
    rng = Draw(f"{seed}:openings")
    employers = plan_employers(rng, city.sites, small=scale == "small")
    openings = plan_openings(rng, employers, small=scale == "small")
    picked = _pick_ads(rng, openings)
    rows, mistakes = _plant(rng, [o for o in openings if o.id not in picked], f"P{len(openings) + 1:04d}")
    ads = [(o, *ad_text(rng, o)) for o in openings if o.id in picked]
    out_dir.mkdir(parents=True, exist_ok=True)
    write_employers(employers, out_dir / "employers.csv")
    _write_postings(rows, out_dir / "postings.xlsx")
    lines = [{"id": o.id, "employer": o.employer.name, "text": text} for o, text, _ in ads]
    (out_dir / "ads.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    key = _key(scale, seed, employers, openings, rows, mistakes)
    key["ads"] = [{"id": o.id, "employer": o.employer.id, "expected": expected} for o, _, expected in ads]
    return OpeningsSummary(
        scale=scale,
        seed=seed,
        employers=len(employers),
        postings=len(openings),
        sheet_rows=len(rows),
        ads=len(ads),
        public_welfare=sum(o.welfare is not None for o in openings),
        out_of_area=sum(o.destination is not None for o in openings),
        key=key,
    )


def plan_openings(rng: Draw, employers: list[Employer], *, small: bool) -> list[Opening]:
    """Every employer's postings, numbered ``P0001``.. in employer order."""
    categories = list(openings_data()["welfare"])
    rng.shuffle(categories)
    out: list[Opening] = []
    for employer in employers:
        low, high = _PER_EMPLOYER[employer.kind][1 if small else 0]
        titles: set[str] = set()  # one employer never posts two jobs under one title: that would be a repeat
        jobs = list(employer.jobs)
        rng.shuffle(jobs)
        for n in range(rng.randint(low, high)):
            ident = f"P{len(out) + 1:04d}"
            if employer.kind == "public_body":
                category = categories[sum(o.welfare is not None for o in out) % len(categories)]
                opening = _welfare(rng, ident, employer, category, titles)
            else:
                opening = _opening(rng, ident, employer, jobs[n % len(jobs)], titles)
            if opening is not None:
                titles.add(opening.title)
                out.append(opening)
    return out


def _title(rng: Draw, titles: list[str], taken: set[str]) -> str | None:
    free = [t for t in titles if t not in taken]
    return rng.choice(free) if free else None


def _opening(rng: Draw, ident: str, employer: Employer, template_key: str, taken: set[str]) -> Opening | None:
    t = openings_data()["templates"][template_key]
    title = _title(rng, t["titles"], taken)
    if title is None:
        return None
    pay_min, pay_max = _pay(rng, t["pay"])
    age_min, age_max = rng.choice(t["ages"])
    sex = t["sex"][0] if t["sex"] and rng.random() < t["sex"][1] else None
    required = tuple(c for c, p in t["required"] if rng.random() < p)
    preferred = tuple(dict.fromkeys(c for c, p in t["preferred"] if rng.random() < p and c not in required))
    shift = rng.choice(t["shifts"])
    housing = _maybe(rng, t["housing"])
    housing = False if "不住家" in shift else True if "住家" in shift else housing
    low, high = t["headcount"]
    place, adcode, site, destination = employer.address, employer.county.adcode, employer.site, None
    if t["destinations"]:
        destination, adcode = openings_data()["destinations"][rng.choice(t["destinations"])]
        place, site = destination, None
    return Opening(
        id=ident,
        employer=employer,
        title=title,
        occupation=t["occupation"],
        occupation_code=t["code"],
        description=_description(rng, t["duties"], pay_max is None and t["commission"]),
        headcount=None if rng.random() < 0.08 else rng.randint(low, high),
        pay_min=pay_min,
        pay_max=pay_max,
        pay_period=t["pay"]["period"],
        age_min=age_min,
        age_max=age_max,
        sex=sex,
        education=rng.choice(t["education"]),
        required=required,
        preferred=preferred,
        meals=_maybe(rng, t["meals"]),
        housing=housing,
        shift=shift,
        job_kind=t["kind"],
        place=place,
        adcode=adcode,
        site=site.name if site else None,
        destination=destination,
        welfare=None,
        funding=None,
        term=None,
        deadline=dt.date(2026, 12, 5) + dt.timedelta(days=rng.randint(0, 110)),
        unit=t["unit"],
        commission=pay_max is None and t["commission"],
    )


def _welfare(rng: Draw, ident: str, employer: Employer, category: str, taken: set[str]) -> Opening | None:
    """A 公益性岗位 of ``category``; about one in ten quotes its subsidy per year."""
    w = openings_data()["welfare"][category]
    title = _title(rng, w["titles"], taken)
    if title is None:
        return None
    monthly = 100 * rng.randint(w["pay"][0] // 100, w["pay"][1] // 100)
    yearly = rng.random() < 0.1
    ages = rng.choice(((16, 60), (18, 60), (None, 60), (18, 65), (16, 60)))
    sex = {"妇幼保健": "女", "治安巡逻": "男"}.get(category) if rng.random() < 0.4 else None
    education = rng.choice(("初中及以上", "高中及以上")) if category in ("便民服务", "妇幼保健") else "不限"
    funding = _weighted(rng, openings_data()["funding"])
    duties = w["duties"][0] + "。" + _WELFARE_NOTE + (_SOLAR_NOTE if funding == "光伏收益" else "")
    site = employer.site
    return Opening(
        id=ident,
        employer=employer,
        title=title,
        occupation=w["occupation"],
        occupation_code=w["code"],
        description=duties,
        headcount=rng.randint(*w["headcount"]),
        pay_min=monthly * 12 if yearly else monthly,
        pay_max=monthly * 12 if yearly else monthly,
        pay_period="year" if yearly else "month",
        age_min=ages[0],
        age_max=ages[1],
        sex=sex,
        education=education,
        required=(),
        preferred=("养老护理员",) if category == "托老托幼助残" and rng.random() < 0.5 else (),
        meals=None,
        housing=None,
        shift=rng.choice(w["shifts"]),
        job_kind=w["kind"],
        place=employer.address,
        adcode=employer.county.adcode,
        site=site.name if site else None,
        destination=None,
        welfare=category,
        funding=funding,
        term=_weighted(rng, openings_data()["terms"]),
        deadline=dt.date(2026, 12, 5) + dt.timedelta(days=rng.randint(0, 40)),
    )


def _pay(rng: Draw, pay: dict[str, Any]) -> tuple[float, float | None]:
    """(min, max) from the template: a range, a single figure or an open top, by the template's ``forms``."""
    step = pay["step"]
    low = _steps(rng, pay["low"][0], pay["low"][1], step)
    spread = max(step, _steps(rng, pay["spread"][0], pay["spread"][1], step))
    form = rng.choices(("range", "single", "open"), pay["forms"])[0]
    high = None if form == "open" else low if form == "single" else _num(low + spread)
    return low, high


def _steps(rng: Draw, low: float, high: float, step: float) -> float:
    return _num(low + step * rng.randint(0, round((high - low) / step)))


def _num(value: float) -> float:
    """Whole yuan as int (so cells and JSON show 3500, not 3500.0); piece rates to the fen."""
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def _maybe(rng: Draw, chances: list[float]) -> bool | None:
    roll = rng.random()
    return True if roll < chances[0] else False if roll < chances[0] + chances[1] else None


def _weighted(rng: Draw, pairs: list[list[Any]]) -> str:
    value: str = rng.choices([v for v, _ in pairs], [w for _, w in pairs])[0]
    return value


def _description(rng: Draw, duties: list[str], commission: bool) -> str:
    extra = rng.choice(("身体健康，能吃苦耐劳。", "有相关经验者优先。", "工资按月足额发放。", "欢迎搬迁群众报名。"))
    return rng.choice(duties) + "。" + extra + ("另有提成。" if commission else "")


def _pick_ads(rng: Draw, openings: list[Opening]) -> set[str]:
    """About 15% of the postings, none of them public-welfare: those go out only as ads."""
    candidates = [o.id for o in openings if o.welfare is None]
    return set(rng.sample(candidates, max(1, round(_AD_SHARE * len(openings)))))


def _row(o: Opening) -> list[Any]:
    ages = (
        f"{o.age_min}-{o.age_max}周岁" if o.age_min and o.age_max else f"{o.age_max}周岁以下" if o.age_max
        else f"{o.age_min}周岁以上" if o.age_min else "不限"
    )  # fmt: skip
    yes = {True: "是", False: "否", None: None}
    e = o.employer
    return [
        o.id, e.name, e.credit_code, o.title, o.occupation, o.occupation_code, o.headcount if o.headcount else "若干",
        o.pay_min, o.pay_max, _PERIOD[o.pay_period], ages, o.sex or "不限", o.education, "、".join(o.required) or None,
        "、".join(o.preferred) or None, yes[o.meals], yes[o.housing], o.shift, o.place, o.adcode, o.site, o.job_kind,
        "是" if o.destination else "否", o.destination, o.welfare, o.funding, o.term, o.deadline, e.contact_name,
        e.contact_phone, o.description,
    ]  # fmt: skip


def _plant(rng: Draw, sheet: list[Opening], repost_id: str) -> tuple[list[list[Any]], list[dict[str, Any]]]:
    """The sheet's rows with the five ``MISTAKES`` planted on distinct postings; rows are numbered as Excel
    shows them (title row 1, header row 2, data from row 3). The copies go somewhere below their originals."""
    rows = [_row(o) for o in sheet]
    ranged = [i for i, o in enumerate(sheet) if o.pay_period == "month" and o.pay_max and o.pay_max > (o.pay_min or 0)]
    pay_at = rng.choice(ranged)
    code_at, title_at, dup_at, repost_at = rng.sample([i for i in range(len(sheet) // 2) if i != pay_at], 4)
    col = HEADERS.index
    good = rows[code_at][col("统一社会信用代码")]
    rows[code_at][col("统一社会信用代码")] = bad = _mistype(rng, good)
    rows[title_at][col("岗位名称")] = None
    pay_text = f"{sheet[pay_at].pay_min}-{sheet[pay_at].pay_max}"
    rows[pay_at][col("薪资下限")], rows[pay_at][col("薪资上限")] = pay_text, None
    original = sheet[repost_at]
    again = replace(
        original,
        id=repost_id,
        description="急招！" + original.description.replace("。", "，", 1),
        deadline=original.deadline + dt.timedelta(days=30),
    )
    copies = [(list(rows[dup_at]), rows[dup_at], "duplicate_row"), (_row(again), rows[repost_at], "reposted")]
    for copy, source, _ in copies:
        rows.insert(rng.randint(_at(rows, source) + 1, len(rows)), copy)
    mistakes = [
        _mistake("credit_code_bad_checksum", sheet[code_at].id, rows, "统一社会信用代码", bad, good),
        _mistake("title_missing", sheet[title_at].id, rows, "岗位名称", None, sheet[title_at].title),
        _mistake("pay_as_text", sheet[pay_at].id, rows, "薪资下限", pay_text,
                 {"pay_min": sheet[pay_at].pay_min, "pay_max": sheet[pay_at].pay_max}),
    ]  # fmt: skip
    for copy, source, code in copies:
        entry = {"code": code, "id": copy[0], "row": _at(rows, copy) + 3, "column": None}
        entry["of_row"] = _at(rows, source) + 3
        if code == "reposted":
            entry.update(of=original.id, changed=["岗位编号", "截止日期", "岗位描述"])
        mistakes.append(entry)
    return rows, mistakes


def _at(rows: list[list[Any]], row: list[Any]) -> int:
    """The index of ``row`` itself (not of an equal copy)."""
    return next(i for i, r in enumerate(rows) if r is row)


def _mistake(code: str, ident: str, rows: list[list[Any]], column: str, value: Any, correct: Any) -> dict[str, Any]:
    """A planted cell mistake on the (only) row of posting ``ident``."""
    row = next(i for i, r in enumerate(rows) if r[0] == ident)
    return {"code": code, "id": ident, "row": row + 3, "column": column, "value": value, "correct": correct}


def _mistype(rng: Draw, code: str) -> str:
    """``code`` with one character changed: GB 32100's check catches every single substitution."""
    at = rng.randrange(17)
    return code[:at] + rng.choice([c for c in CREDIT_ALPHABET if c != code[at]]) + code[at + 1 :]


def _write_postings(rows: list[list[Any]], path: Path) -> None:
    book = Workbook()
    book.properties.creator = "安业演示数据"
    book.properties.created = book.properties.modified = dt.datetime(*_FIXED_TIME)
    ws = book.active
    assert ws is not None
    ws.title = _SHEET
    ws.append([_TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(HEADERS))
    for row in rows:
        ws.append(row)
    deadline = HEADERS.index("截止日期") + 1
    for (cell,) in ws.iter_rows(min_row=3, min_col=deadline, max_col=deadline):
        cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A3"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()  # not book.save(): that stamps the current time as 'modified'
    _rezip(buffer.getvalue(), path)


def _rezip(data: bytes, path: Path) -> None:
    """Rewrite the workbook's ZIP with fixed entry times, so the same rows give the same bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))


def _key(
    scale: str,
    seed: int,
    employers: list[Employer],
    openings: list[Opening],
    rows: list[list[Any]],
    mistakes: list[dict[str, Any]],
) -> dict[str, Any]:
    """The answer key's ``openings`` section (``ads`` is added by the caller)."""
    sheet = {r[0] for r in rows} & {o.id for o in openings}  # not the reposting's new number
    return {
        "scale": scale,
        "seed": seed,
        "files": {
            "employers": {"file": "employers.csv", "encoding": "utf-8-sig", "header_row": 1, "rows": len(employers)},
            "postings": {"file": "postings.xlsx", "sheet": _SHEET, "header_row": 2, "first_row": 3, "rows": len(rows)},
            "ads": {"file": "ads.jsonl", "lines": len(openings) - len(sheet)},
        },
        "counts": {
            "employers": len(employers),
            "employers_by_kind": dict(Counter(e.kind for e in employers)),
            "postings": len(openings),
            "sheet_postings": len(sheet),
            "sheet_rows": len(rows),
            "importable_postings": len(sheet) - 1,
            "ads": len(openings) - len(sheet),
            "by_job_kind": dict(Counter(o.job_kind for o in openings)),
            "by_pay_period": dict(Counter(o.pay_period for o in openings)),
            "public_welfare": sum(o.welfare is not None for o in openings),
            "public_welfare_by_category": dict(Counter(o.welfare for o in openings if o.welfare)),
            "out_of_area": sum(o.destination is not None for o in openings),
        },
        "mistakes": mistakes,
    }
