"""The report shapes (a report is titled tables plus the written definitions) and the definitions themselves,
the same in every JSON answer, every workbook's 指标说明 sheet and every ``anye report`` command."""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel

__all__ = ["DEFINITIONS", "Cell", "Column", "Definition", "Report", "Table", "county_name"]

Cell = str | int | float | None
_POLICY = "《忻州市以创建“五好社区”为抓手全面加强搬迁后扶工作》帮扶就业部分"


class Column(BaseModel):
    key: str
    header: str
    kind: Literal["text", "int", "rate", "date", "money"] = "text"


class Table(BaseModel):
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Cell]]


class Definition(BaseModel):
    name: str
    numerator: str
    denominator: str
    as_of: str
    source: str


class Report(BaseModel):
    kind: str
    title: str
    area: str
    start: dt.date
    end: dt.date
    tables: list[Table]
    definitions: list[Definition]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def _d(name: str, numerator: str, denominator: str, as_of: str, source: str) -> Definition:
    return Definition(name=name, numerator=numerator, denominator=denominator, as_of=as_of, source=source)


_END = "统计期末日（截至日）"
DEFINITIONS: list[Definition] = [
    _d("劳动力", "劳动能力为技能劳动力、普通劳动力、弱劳动力或半劳动力的人（以截至日台账记录为准）", "-", _END,
       "台账“劳动能力”栏；与安置点、搬迁户列表的统计口径一致"),
    _d("就业（在岗）", "截至日处于上岗记录（已上岗且未离职）中，或台账就业状态为务工、公益性岗位、帮扶车间、自主创业、"
       "灵活就业，且此后没有更晚的离职记录", "-", _END, "台账“务工状态”栏与本系统上岗、离职记录，以较新者为准"),
    _d("参训率", "有培训意愿的劳动力中，截至日已有培训记录的人数", "有培训意愿（培训意愿为“是”）的劳动力人数", _END,
       _POLICY + "：确保有培训意愿和劳动能力的搬迁群众至少接受1次职业技能培训"),
    _d("持证率", "持有至少一本截至日仍有效的证书（或培训已取证）的劳动力人数", "劳动力人数", _END,
       _POLICY + "：深化“人人持证、技能社会”，提高技能证、资格证、等级证的覆盖率"),
    _d("就业率", "截至日就业的劳动力人数", "劳动力人数", _END, _POLICY + "：全面提高参训率、持证率、就业率、增收率"),
    _d("增收率", "截至日家庭月收入（成员收入之和：在岗者按上岗工资，其余按台账月收入）高于上年同日的户数",
       "有劳动力、且上年同日台账已有该户记录的户数（上年同日台账尚无该户的另列，不计入分母；仅有上岗记录不算）",
       "截至日与上年同日",
       _POLICY + "：促进搬迁劳动力实现稳定增收"),
    _d("户覆盖率", "有劳动力且至少一人就业的户数", "有劳动力的户数", "每月末及截至日",
       _POLICY + "：确保安置区有劳动能力的搬迁家庭每户至少一人稳定就业"),
    _d("零就业家庭", "有劳动力但截至日无一人就业的户（优先帮扶清单）", "-", _END, _POLICY + "：每户至少一人稳定就业"),
    _d("撮合漏斗", "统计期内推荐的撮合记录到达各环节（推荐、联系、有意向、面试、录用、上岗）的人次；"
       "到达后面环节的也计入前面各环节；留存满3个月：上岗满90天仍在岗（或离职日距上岗满90天）",
       "推荐人次", "统计期（按推荐日期）",
       "跟踪回访 1、3、6、12 个月；劳务经纪人按稳定就业3个月以上奖补（DOMAIN.md）"),
    _d("留存率（3/6/12个月）", "Kaplan-Meier 估计：上岗后在岗满90/180/365天的比例；截至日仍在岗者按删失处理",
       "统计期内上岗的人次", "统计期（按上岗日期），在岗时长算至截至日", "跟踪回访 1、3、6、12 个月（DOMAIN.md）"),
    _d("公益性岗位使用率", "统计期内开放过的公益性岗位已录用人数", "这些岗位的招聘人数", "统计期；在岗人数按截至日",
       _POLICY + "：统筹开发保洁、保绿、公共设施维护等岗位，新增或调剂岗位优先保障搬迁劳动力就业"),
    _d("培训缺口", "有劳动力、有培训意愿、截至日既无培训记录也无证书的人", "-", _END,
       _POLICY + "：确保有培训意愿和劳动能力的搬迁群众至少接受1次职业技能培训"),
    _d("失业救助对象", "有劳动力、有就业意愿、截至日未就业，且因客观原因（企业减员、合同到期、季节结束、无合适岗位等）"
       "连续未就业达到规定天数的人；未就业起始日取最后一次离职日，否则取台账记录日", "-", _END,
       _POLICY + "：对因客观因素导致有就业意愿而未就业的搬迁群众给予临时性、阶段性、季节性的救助"),
    _d("公益性岗位到期", "截至日在公益性岗位上岗、岗位期限（岗位规定月数，未规定按36个月，自上岗日起算）在规定天数内"
       "到期或已到期的人；台账记为公益性岗位但无上岗记录的人上岗日期不详，列在其后待核实", "-", _END,
       "公益性岗位补贴期限一般3年，最多续聘2次（DOMAIN.md）"),
]  # fmt: skip


@cache
def _county_names() -> dict[str, str]:
    with resources.files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as fh:
        names: dict[str, str] = {}
        for row in csv.DictReader(fh):
            if row["adcode"].endswith("000000"):
                names.setdefault(row["adcode"][:6], row["name"])
        return names


def county_name(adcode: str | None) -> str:
    """The county's name by adcode (the code itself when unknown, '' for None)."""
    if not adcode:
        return ""
    return _county_names().get(adcode[:6], adcode)
