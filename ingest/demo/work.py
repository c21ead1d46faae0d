"""Schooling, labour, health, work, wishes, skills, certificates and training of one demo person.

Every value is a label of ``models.vocab`` (or a common synonym) so that a clean row has no problem.
The proportions are the behaviour model described in the package docstring.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from ingest.demo.draw import Weighted
from ingest.demo.reference import certificate_names

if TYPE_CHECKING:
    from ingest.demo.population import Person
    from ingest.demo.sites import Site

__all__ = ["PAID_STATUSES", "assign_work", "not_working_reason", "past_job", "skill_text"]


_EDUCATION: tuple[tuple[int, Weighted], ...] = (
    (1950, Weighted(("文盲或半文盲", 45), ("小学", 45), ("初中", 10))),
    (1965, Weighted(("文盲或半文盲", 20), ("小学", 50), ("初中", 27), ("高中", 3))),
    (1980, Weighted(("文盲或半文盲", 5), ("小学", 35), ("初中", 50), ("高中", 7), ("中专", 3))),
    (
        1995,
        Weighted(("小学", 15), ("初中", 55), ("高中", 12), ("中专", 6), ("技校", 4), ("大专", 6), ("本科", 2)),
    ),
    (2100, Weighted(("初中", 35), ("高中", 20), ("中专", 12), ("技校", 8), ("大专", 18), ("本科", 7))),
)
# Health (健康状况) under 40, 40-59, 60 and over.
_HEALTH = (
    Weighted(("健康", 94), ("长期慢性病", 2), ("患有大病", 1), ("残疾", 3)),
    Weighted(("健康", 82), ("长期慢性病", 10), ("患有大病", 3), ("残疾", 5)),
    Weighted(("健康", 55), ("长期慢性病", 33), ("患有大病", 5), ("残疾", 7)),
)
# Labour capacity of the healthy under 60, and of those aged 60-64.
_LABOUR_ADULT = Weighted(("普通劳动力", 78), ("技能劳动力", 16), ("弱劳动力或半劳动力", 6))
_LABOUR_SIXTIES = Weighted(("普通劳动力", 40), ("弱劳动力或半劳动力", 45), ("无劳动力", 15))
# Employment status (就业状态) of people with labour: full labour, and weak labour or aged 60+.
_STATUS_FULL = Weighted(
    ("县内务工", 20), ("乡镇内务工", 8), ("省内县外务工", 17), ("省外务工", 14), ("公益性岗位", 5),
    ("帮扶车间", 7), ("自主创业", 4), ("灵活就业", 12), ("未就业", 10), ("无就业意愿", 3),
)  # fmt: skip
_STATUS_WEAK = Weighted(
    ("公益性岗位", 30), ("帮扶车间", 12), ("灵活就业", 15), ("乡镇内务工", 8), ("县内务工", 5),
    ("未就业", 22), ("无就业意愿", 8),
)  # fmt: skip
# status -> (monthly income range in yuan, months worked range)
_PAY = {
    "乡镇内务工": ((1800, 3200), (3, 12)), "县内务工": ((2500, 4500), (3, 12)),
    "省内县外务工": ((3000, 5500), (4, 12)), "省外务工": ((4000, 7500), (5, 11)),
    "公益性岗位": ((600, 1500), (6, 12)), "帮扶车间": ((1600, 3000), (3, 12)),
    "自主创业": ((2500, 6000), (6, 12)), "灵活就业": ((1200, 3500), (2, 10)),
}  # fmt: skip
# place:short name used in company names
_PROVINCE_CITIES = "太原市:太原 大同市:大同 朔州市:朔州 晋中市:晋中 吕梁市:吕梁 阳泉市:阳泉 长治市:长治".split()
_OTHER_PROVINCES = (
    "北京市:北京 天津市:天津 河北省石家庄市:石家庄 内蒙古鄂尔多斯市:鄂尔多斯 内蒙古包头市:包头 "
    "陕西省榆林市:榆林 江苏省苏州市:苏州 浙江省宁波市:宁波 广东省东莞市:东莞 山东省青岛市:青岛"
).split()
_BRANDS = "鑫源 宏达 晋丰 恒通 华兴 瑞丰 金盛 兴旺 永盛 天润 众诚 福源 汇丰 昌盛 新峰 顺达".split()
_INDUSTRIES = "建材 煤业 农业开发 食品 物流 建筑工程 服装 环保科技 杂粮加工 光伏科技 牧业 家政服务".split()
_WORKSHOP_TRADES = "服装加工 手工编织 杂粮包装 电子组装 布鞋制作 箱包加工".split()
_SHOPS = "小卖部 饭店 理发店 蔬菜店 修车铺 快递驿站".split()
_WISH_JOBS = (
    "保洁 电焊工 厨师 叉车司机 建筑工 家政服务 保安 快递员 服装加工 养老护理 货车司机 电工 "
    "超市收银 餐厅服务员 挖掘机司机 仓库管理 月嫂 装修工"
).split()
_PLACES = Weighted(("本地", 25), ("县内", 30), ("市内", 15), ("省内", 15), ("省外均可", 15))
_SKILLS = (
    "电焊 开车 做饭 砌墙 瓦工 木工 电工 缝纫 养殖 种植 开挖掘机 修车 理发 家政 护理 厨师 装修 "
    "刮大白 面点 编织 开叉车 剪纸"
).split()
_SKILL_SEPARATORS = ("、", "、", "；", "，", " ")
_TRADES = "电焊 家政服务 中式烹调 育婴员 养老护理 电工 挖掘机 叉车 电子商务 缝纫 保安 中式面点 美发".split()
_REASONS_CARE = ("照顾老人小孩", "照顾家庭")
_REASONS_OTHER = ("缺乏技能", "无合适岗位", "就业信息少")
PAID_STATUSES = frozenset(_PAY)
"""The statuses that are a job with an income (the rest: 未就业, 无就业意愿, 在校生, none)."""
_HELP = {
    "公益性岗位": "公益性岗位安置", "帮扶车间": "帮扶车间就业", "省外务工": "外出务工交通补贴",
    "省内县外务工": "组织劳务输出", "未就业": "推荐就业岗位", "自主创业": "创业担保贷款",
}  # fmt: skip
_REMARKS = ("低保户", "常年在外", "2025年新增劳动力", "特困供养", "季节性务工", "电话已核实")


def assign_work(rng: random.Random, person: Person, site: Site) -> None:
    """Fill ``person``'s ledger attributes from age, sex and health; work is near ``site`` or away."""
    age = person.age
    student = 6 <= age <= 15 or (16 <= age <= 18 and rng.random() < 0.75) or (19 <= age <= 22 and rng.random() < 0.3)
    person.education = _education(rng, person, age, student)
    person.health = _health(rng, age)
    person.labour = "无劳动力" if student else _labour(rng, age, person.health)
    if student:
        person.status = "在校生"
    elif person.labour in ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力"):
        _worker(rng, person, site, age)
    if rng.random() < 0.04 and age >= 16:
        person.remarks = "已办理残疾证" if person.health == "残疾" else rng.choice(_REMARKS)


def _education(rng: random.Random, person: Person, age: int, student: bool) -> str | None:
    if age < 6:
        return None
    if student:
        if age <= 11:
            return "小学"
        if age <= 14:
            return "初中"
        return rng.choice(("高中", "中专", "技校")) if age <= 18 else rng.choice(("大专", "本科"))
    for last_year, table in _EDUCATION:
        if person.born.year <= last_year:
            level = table.pick(rng)
            if not person.male and person.born.year <= 1965 and level == "初中" and rng.random() < 0.4:
                level = "小学"
            if age < 21 and level in ("大专", "本科"):  # too young to have finished college
                level = "高中"
            return level
    raise AssertionError("the last cohort covers every year")


def _health(rng: random.Random, age: int) -> str:
    return _HEALTH[0 if age < 40 else 1 if age < 60 else 2].pick(rng)


def _labour(rng: random.Random, age: int, health: str) -> str:
    """劳动能力: none for children and most of the old; 丧失 mostly through serious illness or disability."""
    if age < 16:
        return "无劳动力"
    if health == "患有大病" or (health == "残疾" and rng.random() < 0.5):
        return "丧失劳动力" if rng.random() < 0.8 else "弱劳动力或半劳动力"
    if age >= 70:
        return "无劳动力"
    if age >= 65:
        return "弱劳动力或半劳动力" if rng.random() < 0.35 else "无劳动力"
    if age >= 60:
        return _LABOUR_SIXTIES.pick(rng)
    if health != "健康":
        return "弱劳动力或半劳动力" if rng.random() < 0.6 else "普通劳动力"
    return _LABOUR_ADULT.pick(rng)


def _worker(rng: random.Random, person: Person, site: Site, age: int) -> None:
    weak = person.labour == "弱劳动力或半劳动力" or age >= 60
    person.status = (_STATUS_WEAK if weak else _STATUS_FULL).pick(rng)
    if person.status in _PAY:
        _job(rng, person, site)
    else:
        person.reason = not_working_reason(rng, person, age)
    _wishes(rng, person)
    _skills(rng, person)
    if rng.random() < 0.5:
        person.assistance = _HELP.get(person.status, rng.choice(("技能培训", "职业指导", "推荐就业岗位")))


def _job(rng: random.Random, person: Person, site: Site) -> None:
    status = person.status
    assert status is not None
    (low, high), (m_low, m_high) = _PAY[status]
    person.income = rng.randrange(low, high + 1, 100)
    person.months = rng.randint(m_low, m_high)
    person.place, employer = _workplace(rng, status, site)
    person.employer = employer if rng.random() < 0.9 else None


def _workplace(rng: random.Random, status: str, site: Site) -> tuple[str, str]:
    """(务工地点, 务工单位) that fit the status."""
    company = f"{rng.choice(_BRANDS)}{rng.choice(_INDUSTRIES)}有限公司"
    if status == "县内务工":
        return site.county.name, site.county.name + company
    if status in ("省内县外务工", "省外务工"):
        place, short = rng.choice(_PROVINCE_CITIES if status == "省内县外务工" else _OTHER_PROVINCES).split(":")
        return place, short + company
    if status == "乡镇内务工":
        return site.town, f"{site.town}{rng.choice(_BRANDS)}养殖专业合作社"
    if status == "公益性岗位":
        return site.town, rng.choice((f"{site.name}居委会", f"{site.town}人民政府"))
    if status == "帮扶车间":
        return site.town, f"{site.name}{rng.choice(_WORKSHOP_TRADES)}帮扶车间"
    if status == "自主创业":
        return site.county.name, f"个体（{rng.choice(_SHOPS)}）"
    return site.county.name, "零工"


def past_job(rng: random.Random, person: Person, site: Site) -> None:
    """Give ``person`` a job drawn as for anyone of their labour and age (status, place, employer, months,
    income), for a ledger of a time when they had one; clears the not-working reason."""
    weak = person.labour == "弱劳动力或半劳动力" or person.age >= 60
    table = _STATUS_WEAK if weak else _STATUS_FULL
    status = table.pick(rng)
    while status not in _PAY:
        status = table.pick(rng)
    person.status, person.reason = status, None
    _job(rng, person, site)


def not_working_reason(rng: random.Random, person: Person, age: int) -> str:
    """未就业原因, from the person's situation."""
    if person.health != "健康":
        return "身体原因"
    if age >= 50:
        return "年龄偏大"
    if not person.male and rng.random() < 0.6:
        return rng.choice(_REASONS_CARE)
    return rng.choice(_REASONS_OTHER)


def _wishes(rng: random.Random, person: Person) -> None:
    seeking = person.status != "无就业意愿"
    person.wish_employment = seeking and rng.random() < 0.9
    if person.wish_employment:
        person.wish_job = rng.choice(_WISH_JOBS) if rng.random() < 0.6 else None
        person.wish_place = _PLACES.pick(rng) if rng.random() < 0.6 else None
        person.wish_wage = rng.randrange(2000, 6001, 500) if rng.random() < 0.5 else None
    person.training_wish = seeking and rng.random() < 0.45


def _skills(rng: random.Random, person: Person) -> None:
    """Skills (a minority), certificates (fewer, more among 技能劳动力) and past training."""
    skilled = person.labour == "技能劳动力"
    if rng.random() < (0.8 if skilled else 0.25):
        picked = rng.sample(_SKILLS, rng.choice((1, 1, 2, 3)))
        person.skills = tuple(("会" + s if s == "做饭" else s) for s in picked)
    if rng.random() < (0.55 if skilled else 0.07):
        certificates = rng.sample(certificate_names(), rng.choice((1, 1, 1, 2)))
        person.certificates = tuple(rng.choice(texts) for _, texts in certificates)
    if rng.random() < (0.5 if skilled else 0.2):
        when = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2800))
        person.training = (rng.choice(_TRADES), when, rng.random() < 0.55)


def skill_text(rng: random.Random, skills: tuple[str, ...]) -> str:
    """Skills joined the way staff type them (``电焊、开车；会做饭``)."""
    out = skills[0]
    for skill in skills[1:]:
        out += rng.choice(_SKILL_SEPARATORS) + skill
    return out
