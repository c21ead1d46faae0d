"""Coded ledger values: every spelling staff use, what counts as blank, and what is refused."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.problem import CODES, Checked
from ingest.values import (
    normalise_relation,
    parse_amount,
    parse_count,
    parse_education,
    parse_employment_status,
    parse_health,
    parse_household_category,
    parse_labour_capacity,
    parse_place_range,
    parse_sex,
    parse_yes_no,
    split_multi,
)

Parser = Callable[[object], Checked[Any]]


def accepts(parser: Parser, cases: Mapping[object, object]) -> None:
    for raw, expected in cases.items():
        found = parser(raw)
        assert (found.value, found.code) == (expected, None), raw


def refuses(parser: Parser, raws: list[object], code: str = "value_unknown") -> None:
    for raw in raws:
        found = parser(raw)
        assert (found.value, found.code) == (None, code), raw
        assert found.reason


ALL_CODED: list[Parser] = [
    parse_yes_no,
    parse_sex,
    parse_education,
    parse_labour_capacity,
    parse_health,
    parse_employment_status,
    parse_household_category,
    parse_place_range,
    parse_amount,
    parse_count,
]


@pytest.mark.parametrize("parser", ALL_CODED)
@pytest.mark.parametrize("blank", [None, "", "  ", "/", "-", "——", float("nan")])
def test_blank_cells_are_nothing_and_no_problem(parser: Parser, blank: object) -> None:
    found = parser(blank)
    assert found.value is None and found.code is None


def test_yes_no() -> None:
    yes = [
        "是",
        "√",
        "✓",
        "✔",
        "1",
        1,
        1.0,
        True,
        "有",
        "Y",
        "y",
        "yes",
        "YES",
        "愿意",
        "需要",
        "已",
        "是（已取证）",
    ]
    no = ["否", "×", "✗", "0", 0, False, "无", "N", "no", "不愿意", "不需要", "未", "没有", "不愿意参加"]
    # Not a dict: 1, 1.0 and True are one key there.
    for raw, expected in [(r, True) for r in yes] + [(r, False) for r in no]:
        assert (parse_yes_no(raw).value, parse_yes_no(raw).code) == (expected, None), raw
    refuses(parse_yes_no, ["也许", "看情况", "不确定", 2])


def test_sex() -> None:
    accepts(parse_sex, {"男": "male", "男性": "male", "M": "male", "m": "male", 1: "male", "1": "male"})
    accepts(parse_sex, {"女": "female", "女性": "female", "F": "female", 2: "female", "２": "female"})
    refuses(parse_sex, ["0", "9", "未知", "x"])


def test_education() -> None:
    accepts(
        parse_education,
        {
            "文盲": "illiterate",
            "半文盲": "illiterate",
            "文盲或半文盲": "illiterate",
            "小学": "primary",
            "初中": "junior",
            "高中": "senior",
            "中专": "vocational",
            "中职": "vocational",
            "技校": "vocational",
            "职高": "vocational",
            "中专/中职/技校": "vocational",
            "大专": "college",
            "高职": "college",
            "本科": "bachelor",
            "本科及以上": "bachelor",
            "研究生": "bachelor",
            "硕士": "bachelor",
            "博士": "bachelor",
            "junior": "junior",  # a stored code
            # In-school and qualified forms give the level named.
            "初中在读": "junior",
            "在读初中": "junior",
            "小学三年级": "primary",
            "高中毕业": "senior",
            "初中文化": "junior",
            "大专及以上": "college",
        },
    )
    # A preschooler has no level: understood, nothing to record, no problem.
    accepts(parse_education, {"学龄前": None, "学前儿童": None, "幼儿园": None})
    refuses(parse_education, ["扫盲班", "xyz"])


def test_labour_capacity() -> None:
    accepts(
        parse_labour_capacity,
        {
            "普通劳动力": "full",
            "全劳力": "full",
            "技能劳动力": "skilled",
            "弱劳动力或半劳动力": "weak",
            "弱劳力": "weak",
            "半劳力": "weak",
            "半劳动力": "weak",
            "丧失劳动力": "lost",
            "无劳动力": "none",
            "无劳力": "none",
        },
    )
    refuses(parse_labour_capacity, ["很好", "学生"])


def test_health() -> None:
    accepts(
        parse_health,
        {
            "健康": "healthy",
            "良好": "healthy",
            "长期慢性病": "chronic",
            "慢性病": "chronic",
            "患有大病": "serious",
            "大病": "serious",
            "残疾": "disabled",
            "残疾人": "disabled",
            "一级残疾": "disabled",
            "肢体残疾二级": "disabled",
            "残疾、长期慢性病": "disabled",  # the condition that limits work most
        },
    )
    refuses(parse_health, ["一般般", "感冒"])


def test_employment_status() -> None:
    accepts(
        parse_employment_status,
        {
            "未就业": "unemployed",
            "待业": "unemployed",
            "无业": "unemployed",
            "乡镇内务工": "township",
            "县内务工": "county",
            "县内就业": "county",
            "省内县外务工": "province",
            "省内务工": "province",
            "市内县外": "province",
            "省外务工": "out_of_province",
            "省外务工（浙江）": "out_of_province",
            "公益性岗位": "public_welfare",
            "公益岗": "public_welfare",
            "县内公益性岗位": "public_welfare",
            "帮扶车间": "workshop",
            "扶贫车间": "workshop",
            "自主创业": "self_employed",
            "个体": "self_employed",
            "灵活就业": "flexible",
            "零工": "flexible",
            "打零工": "flexible",
            "在校生": "student",
            "在校": "student",
            "学生": "student",
            "无就业意愿": "not_seeking",
            "county": "county",
        },
    )
    refuses(parse_employment_status, ["已就业", "上班"])


def test_away_from_home_is_kept_with_a_warning() -> None:
    found = parse_employment_status("外出务工")
    assert found.value == "province"
    assert found.code == "value_assumed"
    assert found.reason is not None and "外出务工" in found.reason


def test_household_category() -> None:
    accepts(
        parse_household_category,
        {
            "脱贫户": ("lifted", None),
            "已脱贫户": ("lifted", None),
            "建档立卡户": ("lifted", None),
            "监测户": ("monitored", None),
            "脱贫不稳定户": ("monitored", "unstable"),
            "边缘易致贫户": ("monitored", "marginal"),
            "突发严重困难户": ("monitored", "sudden_hardship"),
            "脱贫户（监测户）": ("monitored", None),
            "同步搬迁户": ("concurrent", None),
            "随迁户": ("concurrent", None),
        },
    )
    refuses(parse_household_category, ["一般户", "城镇户"])


def test_place_range() -> None:
    accepts(
        parse_place_range,
        {
            "本地": "local",
            "本镇": "local",
            "县内": "county",
            "本县": "county",
            "市内": "city",
            "省内": "province",
            "省外": "anywhere",
            "省外均可": "anywhere",
            "均可": "anywhere",
            "不限": "anywhere",
            "县内或市内": "city",  # the farthest place named
        },
    )
    refuses(parse_place_range, ["北京", "看工资"])


def test_amount() -> None:
    accepts(
        parse_amount,
        {
            3000: 3000,
            "3000": 3000,
            "３０００": 3000,
            "3,000": 3000,
            "3000元": 3000,
            "3000元/月": 3000,
            "每月3000元": 3000,
            "约3000元左右": 3000,
            "3千": 3000,
            "3.5千": 3500,
            "0.3万": 3000,
            "1万+": 10000,
            "三千": 3000,
            "两千五": 2500,
            "3000-4000": 3000,  # the lower bound
            "3000~4000元/月": 3000,
            "3-4千": 3000,  # the unit written once applies to both ends
            "3000以上": 3000,
            "3000及以上": 3000,
            "月薪3000": 3000,
            "0": 0,
            "无收入": 0,
            "面议": None,
            "不限": None,
        },
    )
    accepts(parse_amount, {3000.0: 3000})
    refuses(
        parse_amount,
        ["abc", "200元/天", "日结200", "5万/年", "3000以下", -5, "-500", 2_000_000, "1-2-3", True],
        "number_invalid",
    )


def test_count() -> None:
    accepts(parse_count, {5: 5, "5": 5, "5人": 5, "6口": 6, "6个月": 6, "45岁": 45, "０": 0, 1000: 1000})
    accepts(parse_count, {5.0: 5})  # an integral float cell
    refuses(parse_count, [5.5, "-1", 1001, "abc", "五", True], "number_invalid")


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("电焊、开车；会做饭", ["电焊", "开车", "会做饭"]),
        ("叉车证,C1驾照 / 电工证", ["叉车证", "C1驾照", "电工证"]),
        ("1.电焊 2.厨师", ["电焊", "厨师"]),
        ("1、保洁\n2、保安", ["保洁", "保安"]),
        ("(1)电焊(2)厨师", ["电焊", "厨师"]),
        ("①电焊②厨师", ["电焊", "厨师"]),
        ("电焊，电焊。", ["电焊"]),
        ("无", []),
        ("没有", []),
        ("/", []),
        ("", []),
        ("电焊、无、/", ["电焊"]),
        ("C1.驾照", ["C1.驾照"]),  # C1 is not an item number
        ("持证3.5年", ["持证3.5年"]),
    ],
)
def test_split_multi(text: str, items: list[str]) -> None:
    assert split_multi(text) == items


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("户主", "户主"),
        ("本人", "户主"),
        ("妻", "配偶"),
        ("妻子", "配偶"),
        ("丈夫", "配偶"),
        ("夫", "配偶"),
        ("户主之妻", "配偶"),
        ("之子", "子"),
        ("长子", "子"),
        ("次子", "子"),
        ("儿子", "子"),
        ("三儿子", "子"),
        ("之女", "女"),
        ("女儿", "女"),
        ("长女", "女"),
        ("之儿媳", "儿媳"),
        ("女婿", "女婿"),
        ("之孙子", "孙子"),
        ("孙女", "孙女"),
        ("之父", "父亲"),
        ("母亲", "母亲"),
        ("哥哥", "兄弟姐妹"),
        ("侄子", "侄子"),  # unknown text is kept
        ("", None),
        (None, None),
    ],
)
def test_normalise_relation(raw: object, expected: str | None) -> None:
    assert normalise_relation(raw) == expected


def test_kept_relation_text_fits_the_column() -> None:
    found = normalise_relation("户主的远房表亲的儿子的朋友的同学的邻居")
    assert found is not None and len(found) == 16


@pytest.mark.parametrize("parser", ALL_CODED)
@given(raw=st.one_of(st.none(), st.text(), st.integers(), st.floats(), st.booleans()))
def test_parsers_never_raise(parser: Parser, raw: object) -> None:
    found = parser(raw)
    assert found.code is None or (found.code in CODES and found.reason)


@given(st.text())
def test_split_and_relation_never_raise(text: str) -> None:
    items = split_multi(text)
    assert len(items) == len(set(items)) and all(items)
    relation = normalise_relation(text)
    assert relation is None or 0 < len(relation) <= 16
