"""The free-text posting parser: numbers, pay, ages, headcounts, certificates, sex, board, positions, evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.posting_number import chinese_number
from ingest.posting_parser import CORE_FIELDS, ParsedPosting, parse_posting, parse_posting_lines
from models.taxonomy import default_taxonomy

SHARED_DEV = Path(__file__).resolve().parents[3] / "shared" / "examples" / "postings_dev.jsonl"
DEVSET = Path(__file__).resolve().parents[1] / "fixtures" / "postings_devset.jsonl"
KEYS = [
    *CORE_FIELDS,
    "title",
    "occupation_code",
    "education_min",
    "job_kind",
    "public_welfare_category",
    "place",
    "phone",
    "salary_notes",
    "positions",
    "evidence",
    "unsure",
]


def parsed(text: str) -> dict[str, Any]:
    return parse_posting(text).as_json()


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三千五", 3500),
        ("一万二", 12000),
        ("两千", 2000),
        ("五百", 500),
        ("十五", 15),
        ("二十", 20),
        ("一百五", 150),
        ("一万二千五百", 12500),
        ("一千零五", 1005),
        ("一二三", None),  # digits read one by one are no amount
    ],
)
def test_chinese_numerals(text: str, value: int | None) -> None:
    assert chinese_number(text) == value


# -- pay -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high", "period"),
    [
        ("月薪三千五", 3500, 3500, "month"),
        ("月薪一万二，包吃住", 12000, 12000, "month"),
        ("工资1.5万", 15000, 15000, "month"),
        ("月薪4-6千", 4000, 6000, "month"),
        ("月薪4k-6k", 4000, 6000, "month"),
        ("待遇6000一9000元", 6000, 9000, "month"),
        ("工资3千到5千", 3000, 5000, "month"),
        ("月工资两千", 2000, 2000, "month"),
        ("每天五百元", 500, 500, "day"),
        ("工资１.２-１.５万", 12000, 15000, "month"),
        ("４５００－６０００元／月", 4500, 6000, "month"),
        ("月薪1万2", 12000, 12000, "month"),
        ("底薪2800+提成", 2800, None, "month"),
        ("底薪3000元+绩效，综合5000-8000", 3000, None, "month"),
        ("保底2000元+计件", 2000, None, "month"),
        ("日结200元/天", 200, 200, "day"),
        ("日工资180-220元，现金日结", 180, 220, "day"),
        ("一天200块", 200, 200, "day"),
        ("点工380一天", 380, 380, "day"),
        ("时薪18元", 18, 18, "hour"),
        ("工价22元/小时", 22, 22, "hour"),
        ("每小时15元", 15, 15, "hour"),
        ("计件，每件1.2元", 1.2, 1.2, "piece"),
        ("按斤计价每斤0.3元", 0.3, 0.3, "piece"),
        ("0.5元/件", 0.5, 0.5, "piece"),
        ("按平方计价8元/平方", 8, 8, "piece"),
        ("年薪6万-8万", 60000, 80000, "year"),
        ("年薪8-10万", 80000, 100000, "year"),
        ("月薪3500元起", 3500, None, "month"),
        ("月收入8000元以上", 8000, None, "month"),
        ("月入8000+", 8000, None, "month"),
        ("月薪过万", 10000, None, "month"),
        ("工资3000元以下", None, 3000, "month"),
        ("月薪最高6000", None, 6000, "month"),
        ("综合3000左右", 3000, 3000, "month"),
        ("计件工资，熟练工月收入8000元以上", 8000, None, "month"),
        ("计件，熟手日收入100-150元", 100, 150, "day"),
        ("工资：2600元/月+全勤100元", 2600, 2600, "month"),
        ("每月补贴800元，每天工作4小时", 800, 800, "month"),
        ("工资：3500元-5000元/月", 3500, 5000, "month"),
        ("日薪200元-260元", 200, 260, "day"),
        ("月薪2,800元", 2800, 2800, "month"),
        ("月薪四五千", 4000, 5000, "month"),
        ("一天两百", 200, 200, "day"),
        ("一个工350元", 350, 350, "day"),
        ("计时工资20元/小时", 20, 20, "hour"),
        ("每公斤1.2元", 1.2, 1.2, "piece"),
        ("编一个篮子5元", 5, 5, "piece"),
        ("1元/串", 1, 1, "piece"),
        ("1800元/月+提成", 1800, None, "month"),
        ("底薪+提成，月薪4000-6000元", 4000, 6000, "month"),
        ("月薪4000元+油补", 4000, 4000, "month"),
        ("月嫂 26天9800元", 9800, 9800, "month"),
        ("押金200元，月薪3000元", 3000, 3000, "month"),
        ("4000元/月-6000元/月", 4000, 6000, "month"),
        ("一个月3500", 3500, 3500, "month"),
        ("按车计价，一车（约8吨）150元", 150, 150, "piece"),
        ("每次上门服务补贴25元", 25, 25, "piece"),
        ("保洁费40元/次", 40, 40, "piece"),
        ("派件一票0.8元", 0.8, 0.8, "piece"),
        ("年补贴4800元，年龄60岁以下", 4800, 4800, "year"),
        ("月嫂，26天一单，9800元/单", 9800, 9800, "month"),
        ("跑腿代购，每单6元", 6, 6, "piece"),
        ("月薪4000-6000元，多劳多得上不封顶", 4000, None, "month"),
        ("月薪4000-6000元。奖金上不封顶", 4000, 6000, "month"),
        # a 每天/一天 that opens the next statement is not the pay's period
        ("村委会保洁 月补贴900元 每天工作四小时", 900, 900, "month"),
        ("收苹果 每筐4元 一天能摘四十筐", 4, 4, "piece"),
        ("护林员 补助1000元 每天巡山5小时", 1000, 1000, "month"),
        ("门卫 月薪2600元 一天值班12小时", 2600, 2600, "month"),
        ("帮厨 日薪150元 每天8小时", 150, 150, "day"),
        ("220元一天 9个小时", 220, 220, "day"),
        # the 一 of a period after a spoken amount
        ("瓦工四百二一天", 420, 420, "day"),
        ("保洁两千一个月", 2000, 2000, "month"),
        ("一万二一个月", 12000, 12000, "month"),
        # spoken yuan and jiao
        ("剥蒜 一块五一斤", 1.5, 1.5, "piece"),
        ("捡石头 三毛钱一块", 0.3, 0.3, "piece"),
        ("串珠子 两毛五一串", 0.25, 0.25, "piece"),
        ("锁边 2块5一件", 2.5, 2.5, "piece"),
        # 块 counting things, not yuan
        ("铺路砖 一块0.5元", 0.5, 0.5, "piece"),
        ("码砖 一块砖一毛", 0.1, 0.1, "piece"),
        # a unit of work right before the amount
        ("拉沙 跑一趟两百", 200, 200, "piece"),
        ("收麦子 每亩80", 80, 80, "piece"),
        ("挖沟 按米算 每米12元", 12, 12, "piece"),
        ("点工三百", 300, 300, "day"),
        ("每垄5元 拔草", 5, 5, "piece"),
        ("采棉花 每千克1.8元", 1.8, 1.8, "piece"),
        ("卸砖 每千块20元", 20, 20, "piece"),
        ("陪诊 一个钟30块", 30, 30, "hour"),
        ("每个工时26元", 26, 26, "hour"),
        # places and working time name no period
        ("跑天津港 工资9000", 9000, 9000, "month"),
        ("天水线路 薪资8500", 8500, 8500, "month"),
        ("月休4天 工资4300", 4300, 4300, "month"),
        ("做六休一 薪资3900", 3900, 3900, "month"),
        ("上班10小时 工资五千", 5000, 5000, "month"),
        ("月薪3600 年龄20-40", 3600, 3600, "month"),
        # 多劳多得 is no open end; a lone digit opens a range
        ("派单员 每单2元 多劳多得", 2, 2, "piece"),
        ("年薪五到七万", 50000, 70000, "year"),
        ("月薪三到四千", 3000, 4000, "month"),
        ("护理员 女 四十五到五十五 一个月三千八", 3800, 3800, "month"),  # the range is an age
    ],
)
def test_pay(text: str, low: float | None, high: float | None, period: str) -> None:
    out = parsed(text)
    assert (out["salary_min"], out["salary_max"], out["salary_period"]) == (low, high, period)


@pytest.mark.parametrize(
    "text",
    [
        "工作8小时，月休4天，五险一金",
        "地址：建设路128号3号楼，电话13812345678",
        "上班时间8:00-17:30，2024年3月1日入职",
        "18-45周岁，招20名",
        "满勤奖300元，餐补15元/天",
        "薪资面议",
        "A2驾照，驾龄3年以上",
        "投资200万元建设的帮扶车间",
        "年出栏1万头的养猪场",
        "已带动3千余人就业",
        "一块地三亩",
        "夫妻俩一起来",
    ],
)
def test_numbers_that_are_no_pay(text: str) -> None:
    out = parsed(text)
    assert (out["salary_min"], out["salary_max"], out["salary_period"]) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "low", "high", "period"),
    [
        # a wage plus overtime pay is open upward, like 底薪+加班费 and 月薪+提成
        ("包装工 月薪3200元+加班费 包住", 3200, None, "month"),
        ("工资：3600元+加班费，食堂自费", 3600, None, "month"),
        ("普工 3000/月+加班工资", 3000, None, "month"),
        ("月薪4200+加班，长白班", 4200, None, "month"),
        ("工资3800加加班费", 3800, None, "month"),
        ("月薪3000元+全勤200元", 3000, 3000, "month"),  # a bonus on a fixed wage is still no open end
        # a 每天 after the pay that tells when the work is done (上午, 早上, 晚上 ...) is not its period
        ("护路员 一个月900 每天上午干半天", 900, 900, "month"),
        ("看门的 一个月1500 每天晚上住厂里", 1500, 1500, "month"),
        ("保洁员 月工资1800 每天早上6点上班", 1800, 1800, "month"),
        ("钟点工 每小时25 每天下午两小时", 25, 25, "hour"),
        ("超市理货 月薪2800 每周休一天", 2800, 2800, "month"),
        ("一周内到岗，月薪4000", 4000, 4000, "month"),
        # a 月嫂's 单 is a 26-day contract even when the days are not written
        ("金牌月嫂 一单9800 住家", 9800, 9800, "month"),
        ("招月嫂 12800元/单 需育婴员证", 12800, 12800, "month"),
        ("母婴护理 一单一万二", 12000, 12000, "month"),
        ("外卖骑手 每单5元", 5, 5, "piece"),  # an order of a courier stays a piece
        # 多送多得 (the more, the more pay) is no open end; 三千多 is
        ("送水工 一桶两块 多送多得", 2, 2, "piece"),
        ("送水工 一桶两块多", 2, None, "piece"),
        # fen, said with 钱
        ("码砖 一块砖两分钱", 0.02, 0.02, "piece"),
        # 一次 right before the amount is a rate per visit, like 每次服务; 一次性 is not
        ("钟点工 两小时一次 一次八十", 80, 80, "piece"),
        ("上门理发 一次三十元", 30, 30, "piece"),
    ],
)
def test_pay_families(text: str, low: float | None, high: float | None, period: str) -> None:
    out = parsed(text)
    assert (out["salary_min"], out["salary_max"], out["salary_period"]) == (low, high, period)


@pytest.mark.parametrize("text", ["饭店服务员 周薪1200 包吃住", "服务员 1500元/周", "装卸工 每周1300元 日结也行"])
def test_weekly_pay_is_not_converted_but_asked(text: str) -> None:
    out = parsed(text)
    assert (out["salary_min"], out["salary_max"], out["salary_period"]) == (None, None, None)
    assert {"salary_min", "salary_period"} <= set(out["unsure"])
    assert "周" in out["evidence"]["salary_period"][0]["text"]


@pytest.mark.parametrize("text", ["小工 日薪200 周结", "小工 日薪200 月结", "小工 每天200元 月结", "小工 日薪200,周结"])
def test_payment_rhythm_after_the_pay_keeps_the_rate_period(text: str) -> None:
    out = parsed(text)
    assert (out["salary_min"], out["salary_period"]) == (200, "day")


def test_pay_range_written_backwards_is_swapped_and_unsure() -> None:
    out = parsed("月薪6000-4000元")
    assert (out["salary_min"], out["salary_max"]) == (4000, 6000)
    assert "salary_min" in out["unsure"]


def test_headcount_range_is_null_and_unsure() -> None:
    out = parsed("招10-20人，月薪4000元")
    assert out["headcount"] is None
    assert "headcount" in out["unsure"]


def test_public_welfare_subsidy_without_period_is_monthly() -> None:
    out = parsed("公益性岗位：保洁员\n补贴标准：600元")
    assert (out["salary_min"], out["salary_period"]) == (600, "month")


def test_pay_period_guessed_from_size_is_unsure() -> None:
    out = parsed("保洁 工资150元")
    assert out["salary_period"] == "day"
    assert "salary_period" in out["unsure"]


# -- ages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("18-45周岁", 18, 45),
        ("年龄20-50岁", 20, 50),
        ("年龄：18～45", 18, 45),
        ("45周岁至60周岁", 45, 60),
        ("18到35岁", 18, 35),
        ("45岁以下", None, 45),
        ("60岁以内身体好就行", None, 60),
        ("18周岁以上", 18, None),
        ("年满18周岁，不超过60周岁", 18, 60),
        ("年龄五十岁以下", None, 50),
        ("男，50以下", None, 50),
        ("年龄不限", None, None),
        ("45-58岁女性优先", None, None),  # a preference, not a limit
        ("照顾一位80岁老人", None, None),
        ("18一45岁", 18, 45),
        ("年龄：18——35岁", 18, 35),
        ("年龄60周岁（含）以下", None, 60),
        ("年龄上限：50岁", None, 50),
        ("年龄不超过五十五周岁", None, 55),
        ("十八至四十五周岁", 18, 45),
    ],
)
def test_ages(text: str, low: int | None, high: int | None) -> None:
    out = parsed(text)
    assert (out["age_min"], out["age_max"]) == (low, high)


@pytest.mark.parametrize("text", ["男50女45", "男50岁以下，女45岁以下", "女45岁以下、男50岁以下"])
def test_sex_specific_age_limit_gives_the_higher_limit_and_asks(text: str) -> None:
    out = parsed(text)
    assert out["age_max"] == 50
    assert out["gender"] is None
    assert "age_max" in out["unsure"]


def test_widened_age_limit_gives_the_wider_limit_and_asks() -> None:
    out = parsed("年龄50岁以下，特别能干的可放宽至55岁")
    assert out["age_max"] == 55
    assert "age_max" in out["unsure"]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("男20-55 女20-50", 20, 55),
        ("女22-45，男22-50", 22, 50),
        ("男性：18-60岁；女性：18-55岁", 18, 60),
        ("男18-50周岁 女20-45周岁", 18, 50),
    ],
)
def test_age_ranges_by_sex_give_the_loosest_limits_and_ask(text: str, low: int, high: int) -> None:
    out = parsed(text)
    assert (out["age_min"], out["age_max"], out["gender"]) == (low, high, None)
    assert "age_max" in out["unsure"]


@pytest.mark.parametrize(
    ("text", "low", "gender"),
    [
        ("男20-45", 20, "male"),
        ("女 20到45", 20, "female"),
        ("限男性，22-45", 22, "male"),
        ("要求：男，20-45", 20, "male"),
    ],
)
def test_age_range_right_after_the_sex_needs_no_unit(text: str, low: int, gender: str) -> None:
    out = parsed(text)
    assert (out["age_min"], out["age_max"], out["gender"]) == (low, 45, gender)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("男的六十以下女的五十五以下", None, 60),
        ("男六十女五十五", None, 60),
        ("女五十五以下，男六十以下", None, 60),
        ("女性不超过55周岁，男性不超过60周岁", None, 60),
        ("女性不超过五十五周岁，男性不超过六十周岁", None, 60),
        ("女性年龄在50岁以下，男性年龄在58岁以下", None, 58),
        ("年龄：女性十八至五十五周岁，男性十八至六十周岁", 18, 60),
        ("女十八到五十 男二十到六十", 18, 60),
        ("女满18周岁不超过55周岁、男满20周岁不超过60周岁", 18, 60),
    ],
)
def test_sex_specific_limits_in_any_order_and_numerals_give_the_loosest(text: str, low: int | None, high: int) -> None:
    out = parsed(text)
    assert (out["age_min"], out["age_max"], out["gender"]) == (low, high, None)
    assert "age_max" in out["unsure"]


@pytest.mark.parametrize(("text", "gender"), [("女的五十以下", "female"), ("男性 五十以下", "male")])
def test_age_limit_after_the_sex_in_chinese_numerals(text: str, gender: str) -> None:
    out = parsed(text)
    assert (out["age_max"], out["gender"]) == (50, gender)
    assert "age_max" not in out["unsure"]


def test_sex_specific_lower_age_limit_gives_the_lower_limit() -> None:
    out = parsed("面向大龄劳动力（女45周岁以上、男50周岁以上）")
    assert (out["age_min"], out["age_max"]) == (45, None)


# -- headcount -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("招聘20名", 20),
        ("招聘普工20名", 20),
        ("招5人", 5),
        ("普工(20人)", 20),
        ("岗位2个", 2),
        ("名额50个", 50),
        ("共5个岗位", 5),
        ("招聘人数：6人", 6),
        ("人数：3", 3),
        ("需要30人", 30),
        ("急聘保姆一名", 1),
        ("要5个人", 5),
        ("家里找两个阿姨", 2),
        ("工地需要3个小工", 3),
        ("一个工350元", None),
        ("照顾一个老人", None),
        ("工厂有员工500人，现招普工10人", 10),
        ("招聘普工50名，其中男工30名", 50),  # a part of the 50, not another job
        ("招聘保洁10余人", 10),
        ("岗位数量：2", 2),
        ("人员需求：30 年龄18-45", 30),
        ("急招男工10名，女工5名", 15),
        ("男女各10名", 20),
        ("本公司现有员工200人，招聘包装工5名", 5),
        ("招聘数十名", None),
        ("计划招募50人，报名截止5月20日", 50),
        ("20人以上报销车费", None),
        ("车间已带动120名搬迁群众就业，现招缝纫工10名", 10),
        ("现有岗位10个", 10),
        ("招聘若干", None),
        ("招聘数名", None),
        ("宿舍4人间", None),
        ("满10人报销车费", None),
        ("18-45岁", None),
        # numbers in all forms
        ("急招叉车工3人", 3),
        ("招聘质检员两名", 2),
        ("需要客服10位", 10),
        ("急需厨师一人", 1),
        ("找俩帮手", 2),
        ("还要俩", 2),
        ("招小工二十个", 20),
        ("人数：5", 5),
        ("仓管（5人）", 5),
        ("招3-5人", None),
        # spoken: the count, 个 and who is wanted, or the count closing the statement
        ("要8个男的 搬家具", 8),
        ("要三个女的", 3),
        ("小区要两个扫地的", 2),
        ("要一个看仓库的老师傅", 1),
        ("找一个做饭的", 1),
        ("拖拉机手要一个 会开就行", 1),
        ("还缺三个，速来", 3),
        ("后厨差两个", 2),
        # no headcount
        ("公司规模2000人", None),
        ("员工600余人", None),
        ("工厂职工800多名", None),
        ("团队40人", None),
        ("宿舍4人间", None),
        ("两人一间", None),
        ("一间住6人", None),
        ("年龄段18-40", None),
        ("已有30人报名", None),
        ("去年带动200人就业", None),
        ("5人一组", None),
        ("每班3人", None),
        ("每班工作4人", None),
        ("4人一班", None),
        ("需要两个小时的车程", None),
        ("照顾一个老人的", None),
        ("夫妻俩", None),
        # a hiring word after the number that does not count
        ("占地300亩 员工1200人 现招电工4名", 4),
        ("已带动60户增收 今年再招20人", 20),
        ("现有保安30人，招保安队长1名", 1),
    ],
)
def test_headcount(text: str, count: int | None) -> None:
    assert parsed(text)["headcount"] == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        # the job named, then the count closing the statement
        ("招 粉刷工 两个 一天260", 2),
        ("贴砖的师傅来两个 活在五台", 2),
        ("木工要三个 一天350", 3),
        ("小工再来两个，日结200", 2),
        ("店里缺服务员 两个", 2),
        ("搬砖的 来俩 男的", 2),
        # counts by sex in Chinese numerals add up
        ("招聘护工 男女各两名", 4),
        ("男工五名，女工三名", 8),
        ("工地上再来两个", 2),
        ("蘑菇厂要人，采菇工二十个，不论男女", 20),
        ("工地有电工两个，再招小工", None),  # people there already
        ("现有木工三个 还缺小工两个", 2),
        ("需要 瓦工 3个 一天三百五", 3),
        ("电工师傅来一个，一天400", 1),
        # ... but not what the worker looks after or does
        ("招保洁员 负责打扫两个单元 月薪1800", None),
        ("招育儿嫂 带孩子两个", None),
        ("招厨师 会做菜 一个", None),
        ("招聘电工 持证 两个班倒", None),
        # 一个月 / 两个星期 after the job is time or pay, not people
        ("小区招门卫 一个月1600 每天晚上值班", None),
        ("招采摘工 干两个星期 一天150", None),
        ("招保洁 一个小时20", None),
        # 人数 right before the count
        ("岗位：助残员，人数4名，补贴1000元", 4),
        ("饭店招服务员 人数3人", 3),
        ("招聘人数 5 人，月薪3000", 5),
    ],
)
def test_headcount_after_the_job_or_人数(text: str, count: int | None) -> None:
    assert parsed(text)["headcount"] == count


@pytest.mark.parametrize(("text", "count"), [("招普工十来个 包住", 10), ("需要二十来个小工", 20), ("招10来人", 10)])
def test_about_a_number_gives_the_number_and_asks(text: str, count: int) -> None:
    out = parsed(text)
    assert out["headcount"] == count
    assert "headcount" in out["unsure"]


# -- sex -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        ("限男", "male"),
        ("男性，50岁以下", "male"),
        ("招男工80名", "male"),
        ("女工，18-50岁", "female"),
        ("保洁阿姨", "female"),
        ("男女不限", None),
        ("性别不限", None),
        ("男工为主，女工也要", None),
        ("女性优先", None),
        ("宿舍分男女", None),
        ("照顾子女", None),
        ("男女工均可", None),
        ("性别：不限", None),
        ("联系人：刘女士 13835012345", None),
        ("月薪3000，联系电话13903508888 李阿姨", None),
        ("找做饭阿姨", "female"),
        ("适合宝妈", None),
        ("女的也要", None),
        ("男的也行", None),
        ("女工也收", None),
        ("以男工为主 女的也可以", None),
        ("要三个小伙子", "male"),
    ],
)
def test_gender(text: str, gender: str | None) -> None:
    assert parsed(text)["gender"] == gender


# -- certificates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "required", "preferred"),
    [
        ("须持有叉车证（N1）", ["叉车司机"], []),
        ("持焊工证上岗", ["熔化焊接与热切割作业"], []),
        ("需持有厨师证和健康证", ["中式烹调师", "健康证明"], []),
        ("B2驾照，驾龄3年", ["机动车驾驶证B2"], []),
        ("B2以上驾照", ["机动车驾驶证B2"], []),
        ("持B2及以上驾驶证", ["机动车驾驶证B2"], []),
        ("招聘A2司机1名", ["机动车驾驶证A2"], []),
        ("有健康证者优先", [], ["健康证明"]),
        ("持养老护理员证书者优先录用", [], ["养老护理员"]),
        ("有叉车证优先", [], ["叉车司机"]),
        ("持证上岗（行车证Q2）", ["起重机司机"], []),
        ("持健康证上岗（可入职后办理）", ["健康证明"], []),
        ("公司免费办理健康证", [], []),
        ("叉车司机2名", [], []),  # a job title, not a certificate
        ("养老护理员\n招5人", [], []),
        ("电工 1名，持证上岗", [], []),  # no certificate named: asked, not guessed
        ("需持有效健康证（由公司统一办理）", [], []),
        ("要求：C照，驾龄3年以上", ["机动车驾驶证C1"], []),
        ("有叉车本", ["叉车司机"], []),
        ("入职需提供健康证明", ["健康证明"], []),
        ("持特种作业操作证（电工）", ["低压电工作业"], []),
        ("A2/B2驾照，有货运资格证", ["机动车驾驶证A2", "机动车驾驶证B2", "道路货物运输驾驶员从业资格证"], []),
        ("有养老护理员证书者工资另加200元", [], ["养老护理员"]),
        ("护理员，持证者优先", [], []),  # no certificate named
        ("需钢筋工8人", [], []),  # the job hired, not its certificate
        ("需要电焊工2名", [], []),
        ("要求电工 月薪5000", [], []),
        ("持有维修电工", ["电工"], []),
        ("有维修电工等级证书优先", [], ["电工"]),
        ("需持保安證", ["保安员证"], []),  # traditional characters
    ],
)
def test_certificates(text: str, required: list[str], preferred: list[str]) -> None:
    out = parsed(text)
    assert (out["certificates_required"], out["certificates_preferred"]) == (required, preferred)


def test_unnamed_certificate_is_not_guessed_but_asked() -> None:
    out = parsed("焊工 2名，持证上岗，日结380元")
    assert out["certificates_required"] == []
    assert "certificates_required" in out["unsure"]
    assert out["evidence"]["certificates_required"][0]["text"] == "持证上岗"


def test_title_line_is_no_certificate_of_the_next_line() -> None:
    out = parsed("育儿嫂\n照看2岁小孩，持育婴员证优先，月薪5500")
    assert (out["certificates_required"], out["certificates_preferred"]) == ([], ["育婴员"])


# -- board -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "meals", "housing"),
    [
        ("包吃住", True, True),
        ("包吃包住", True, True),
        ("包食宿", True, True),
        ("不包吃住", False, False),
        ("食宿自理", False, False),
        ("包住不包吃", False, True),
        ("包吃不包住", True, False),
        ("不包住", None, False),
        ("住宿自理", None, False),
        ("提供宿舍，中午管饭", True, True),
        ("包住宿，三餐自理", False, True),
        ("提供工作餐", True, None),
        ("吃饭有餐补", None, None),  # an allowance is money, not meals
        ("包住，餐补每天12元", None, True),
        ("提供餐补和住房补贴", None, None),
        ("提供住宿补贴", None, None),
        ("吃饭有补贴", None, None),
        ("中午免费午餐", True, None),
        ("夜班提供夜宵", True, None),
        ("包住，中午一顿饭", True, True),
        ("一顿饭自理", None, None),
        ("吃住厂里全包", True, True),
        ("饭菜自理，可住宿", False, True),
        ("包早中晚三餐", True, None),
        ("宵夜免费", True, None),
        ("吃住自己负责", False, False),
        ("有住宿，无餐补", None, True),
        ("有夫妻房", None, True),
        ("管一顿饭", True, None),
        ("住家", None, True),
        ("不提供住宿", None, False),
        ("就餐：食堂餐卡，自费", False, None),
        ("月薪3000元", None, None),
        ("食宿公司解决", True, True),
        ("吃住不管", False, False),
        ("食宿全免", True, True),
        ("提供住宿和工作餐", True, True),
        ("吃饭免费，住宿自理", True, False),
        ("住宿：免费，6人间", None, True),
        ("管住不管吃", False, True),
        ("包中午一顿饭", True, None),
        ("住宿和吃饭都要自理", False, False),
        ("吃饭公司管，住宿自理", True, False),
        ("提供一日三餐，住宿免费", True, True),
        ("食宿费用自理", False, False),
        ("吃住在场里", True, True),
        ("提供吃住", True, True),
        ("吃住不包", False, False),
        # cooking is the job, not a meal given
        ("每天中午做一顿饭", None, None),
        ("给工人做三顿饭 包住", None, True),
        # wordings of meals and housing given or not
        ("包吃主", True, True),
        ("包吃往", True, True),
        ("食堂自费", False, None),
        ("在食堂吃饭自己掏钱", False, None),
        ("食堂刷卡消费", False, None),
        ("吃住都管", True, True),
        ("吃的住的都管", True, True),
        ("吃饭住宿都免费", True, True),
        ("吃住不要钱", True, True),
        ("住宿不要钱", None, True),
        ("中午饭管", True, None),
        ("中午管一顿", True, None),
        ("吃饭不管 住宿管", False, True),
        ("供应午餐", True, None),
        ("免餐费", True, None),
        ("免住宿费", None, True),
        ("需自己租房", None, False),
        ("宿舍费用自理", None, False),
        ("住工地宿舍 伙食自理", False, True),
        ("吃饭住宿自理", False, False),
        ("住宿：4人间", None, True),
        ("两人一间", None, True),
        ("住宿管理员", None, None),
        ("中餐免费", True, None),
        ("晚饭自理", False, None),
        ("饭钱公司出", True, None),
        ("住宿费公司出", None, True),
        ("中餐馆服务员", None, None),
    ],
)
def test_meals_and_housing(text: str, meals: bool | None, housing: bool | None) -> None:
    out = parsed(text)
    assert (out["meals"], out["housing"]) == (meals, housing)


@pytest.mark.parametrize(
    ("text", "meals", "housing"),
    [
        # one meal left to the worker does not undo another the employer gives
        ("早餐自理 午餐公司提供", True, None),
        ("早饭自理，中午管饭，提供宿舍", True, True),
        ("管午饭，晚饭自己解决", True, None),
        ("包住，早餐自理，午餐晚餐免费", True, True),
        ("三餐自理 中午管饭", False, None),  # all meals, then one: contradictory, the first stays (asked)
        # lodging on the site
        ("钢筋工 住工地板房 吃饭自理", False, True),
        ("工地提供活动板房", None, True),
        ("住工棚，管两顿饭", True, True),
        ("住在工地上，管三餐", True, True),
        ("住宿：板房", None, True),
        ("架子工 工地住 管三餐", True, True),
        ("厂里住，一个月四千", None, True),
        ("工地住宿自理", None, False),
        # meals at a price are the worker's; an allowance per meal is money
        ("食堂吃饭每顿5元", False, None),
        ("有宿舍 一顿饭五块钱", False, True),
        ("伙食费每月300元，包住", False, True),
        ("餐补 一顿10元", None, None),
        ("公司给饭钱每天20元", None, None),
        ("管一顿饭 一天200", True, None),
        ("不住工地，每天接送", None, False),
        ("住工地附近的优先", None, None),
    ],
)
def test_partial_meals_and_site_lodging(text: str, meals: bool | None, housing: bool | None) -> None:
    out = parsed(text)
    assert (out["meals"], out["housing"]) == (meals, housing)


# -- the other fields ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("电话：13812345678", "13812345678"),
        ("手机：158 3501 2345", "15835012345"),
        ("联系电话：0350-3036688", "0350-3036688"),
        ("电话 ０３５０－２０２５６７８", "0350-2025678"),
        ("月薪3000元", None),
    ],
)
def test_phone(text: str, phone: str | None) -> None:
    assert parsed(text)["phone"] == phone


@pytest.mark.parametrize(
    ("text", "education"),
    [
        ("初中以上学历", "junior"),
        ("高中及以上", "senior"),
        ("高中/中专以上", "senior"),
        ("中专及以上学历", "vocational"),
        ("大专以上学历", "college"),
        ("学历不限", None),
        ("大专以上优先", None),
    ],
)
def test_education(text: str, education: str | None) -> None:
    assert parsed(text)["education_min"] == education


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("兼职，每天150元", "part_time"),
        ("季节性用工，7月至9月", "seasonal"),
        ("临时工，双十一", "temporary"),
        ("建筑小工，现金日结", "daily"),
        ("长期工，包吃住", "full_time"),
        ("每天工作12小时工作制", None),
        ("保洁员，月薪2000", None),
    ],
)
def test_job_kind(text: str, kind: str | None) -> None:
    assert parsed(text)["job_kind"] == kind


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("乡村公益性岗位：保洁员\n负责村内卫生", "保洁"),
        ("公益性岗位：护林员", "保绿"),
        ("乡村快递收发员（公益性岗位）", "乡村快递收发"),
        ("社区公益性岗位（治安巡逻员）", "治安巡逻"),
        ("公益性岗位｜托幼助残服务员", "托老托幼助残"),
        ("保洁员\n负责小区卫生", None),  # no 公益性岗位: no category
    ],
)
def test_public_welfare_category(text: str, category: str | None) -> None:
    assert parsed(text)["public_welfare_category"] == category


def test_title_occupation_and_place() -> None:
    out = parsed("急招！！电焊工15名\n要求：男女不限\n地点：忻州市五台县")
    assert out["title"] == "电焊工"
    assert out["occupation_code"] == "6-18-02-04"
    assert out["place"] == {"text": "忻州市五台县", "adcode": "140922"}


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("保洁员\n岗位职责：负责小区卫生", "保洁员"),
        ("招聘普工20名\n18-45周岁", "普工"),
        ("宁波某汽配厂招操作工 20人，18到42岁", "操作工"),
        ("【高薪】司机招聘！A2驾照，月薪过万", "司机"),
        ("🔥🔥🔥急招🔥🔥🔥\n📣 普工２０名", "普工"),
        ("养老服务中心招聘\n岗位：护理员\n人数：3人", "护理员"),
        ("公益性岗位：护林员\n本村户籍", "护林员"),
        ("招聘会计1名，持初级会计证", "会计"),
        ("快递公司招派件员：底薪2000元", "派件员"),
        ("组织外出务工：江苏苏州电子厂\n面向搬迁群众", "江苏苏州电子厂"),
        ("招人，有意者电话联系13812345678", None),
        ("超市招收银员2名，女", "收银员"),  # 招 + 收银员, not 招收 + 银员
        ("超市招收营业员3名", "营业员"),
    ],
)
def test_title(text: str, title: str | None) -> None:
    assert parsed(text)["title"] == title


def test_salary_notes() -> None:
    out = parsed("底薪2500+计件，缴纳五险一金，全勤奖200元")
    assert out["salary_notes"] == ["底薪", "计件", "五险一金", "全勤奖"]


# -- several jobs in one ad ------------------------------------------------------------------------


def test_single_job_ad_has_no_positions() -> None:
    assert parsed("招聘普工20名，月薪4000元")["positions"] == []


def test_numbered_positions_each_keep_their_own_fields_and_share_the_rest() -> None:
    out = parsed(
        "物流园招聘\n一、叉车司机2名\n持叉车证，月薪6000元\n二、装卸工10名\n男，55岁以下，月收入5000-8000元\n"
        "三、仓管员1名\n女，高中以上学历，月薪4000元\n包吃住"
    )
    jobs = out["positions"]
    assert [j["title"] for j in jobs] == ["叉车司机", "装卸工", "仓管员"]
    assert [j["headcount"] for j in jobs] == [2, 10, 1]
    assert [(j["salary_min"], j["salary_max"]) for j in jobs] == [(6000, 6000), (5000, 8000), (4000, 4000)]
    assert [j["gender"] for j in jobs] == [None, "male", "female"]
    assert jobs[0]["certificates_required"] == ["叉车司机"]
    assert all(j["meals"] is True and j["housing"] is True for j in jobs)
    assert (out["headcount"], out["salary_min"], out["salary_max"]) == (13, 4000, 8000)
    assert out["certificates_required"] == ["叉车司机"]


def test_listed_positions_share_the_pay_written_once() -> None:
    out = parsed("建筑公司招聘：钢筋工10名、木工5名、架子工3名，日工资300-400元，男，60岁以下，包住")
    assert [j["title"] for j in out["positions"]] == ["钢筋工", "木工", "架子工"]
    assert all(j["salary_period"] == "day" and j["age_max"] == 60 for j in out["positions"])
    assert out["headcount"] == 18


def test_bulleted_positions() -> None:
    out = parsed("帮扶车间招工\n● 包装工 10名 女 20-50岁 月薪3200元\n● 搬运工 2名 男 月薪4200元\n提供午饭")
    first = out["positions"][0]
    assert [j["title"] for j in out["positions"]] == ["包装工", "搬运工"]
    assert (first["headcount"], first["gender"], first["age_max"], first["meals"]) == (10, "female", 50, True)


def test_positions_one_a_line_with_a_space_after_the_job() -> None:
    out = parsed("工地用工\n瓦工大工 日工资380元 6人\n瓦工小工 日工资230元 4人\n要求男性，60岁以下")
    assert [(j["title"], j["headcount"], j["salary_min"]) for j in out["positions"]] == [
        ("瓦工大工", 6, 380),
        ("瓦工小工", 4, 230),
    ]
    assert all(j["gender"] == "male" and j["age_max"] == 60 for j in out["positions"])


def test_positions_listed_with_their_own_notes_in_brackets() -> None:
    out = parsed("酒店招聘：厨师（月薪6500）、传菜员（月薪3200）。年龄50岁以下，包吃住。")
    assert [(j["title"], j["salary_min"]) for j in out["positions"]] == [("厨师", 6500), ("传菜员", 3200)]
    assert all(j["age_max"] == 50 and j["meals"] is True for j in out["positions"])


def test_line_after_one_line_positions_is_shared_by_all() -> None:
    out = parsed("招聘\n保洁员：3人，月薪2200元；\n绿化工：2人，月薪2500元。\n统一包住，吃饭自理。")
    assert [(j["meals"], j["housing"]) for j in out["positions"]] == [(False, True), (False, True)]


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("招聘\n（一）会计1名，月薪4000元\n（二）司机2名，持B2驾照，月薪5000元", ["会计", "司机"]),
        ("酒店招聘\n【前台】2名，女，月薪3000\n【保安】3名，男，月薪2800", ["前台", "保安"]),
        ("招聘：\n·普工20名，月薪4500\n·电工2名，持电工证，月薪6000", ["普工", "电工"]),
        ("招聘维修工\n1、会电工\n2、会焊工\n3、年龄50岁以下\n月薪5000", []),
        ("招聘普工50名，其中男工30名，月薪4500", []),
    ],
)
def test_position_layouts(text: str, titles: list[str]) -> None:
    assert [j["title"] for j in parsed(text)["positions"]] == titles


def test_numbered_requirements_are_not_positions() -> None:
    out = parsed("招聘工程车司机\n1.持B2及以上驾驶证\n2.年龄25-50岁\n3.驾龄两年以上\n月薪6500元")
    assert out["positions"] == []
    assert (out["age_min"], out["age_max"], out["salary_min"]) == (25, 50, 6500)


# -- the shape of the result -----------------------------------------------------------------------


def test_as_json_has_exactly_the_documented_keys() -> None:
    out = parsed("招聘普工20名，月薪4000元")
    assert list(out) == KEYS
    json.dumps(out, ensure_ascii=False)


def test_evidence_points_at_the_original_text() -> None:
    text = "📣 普工２０名\n💰 ４５００－６０００元／月\n👫 男女不限　１８－４５岁"
    out = parsed(text)
    at = text.index("２０名")
    assert out["evidence"]["headcount"] == [{"start": at, "end": at + 3, "text": "２０名"}]
    salary = out["evidence"]["salary_min"][0]
    assert "４５００－６０００元／月" in salary["text"]
    assert text[salary["start"] : salary["end"]] == salary["text"]


def test_absent_fields_are_null_not_invented() -> None:
    out = parsed("招人，有意者电话联系13812345678")
    assert all(out[k] in (None, []) for k in CORE_FIELDS)
    assert out["phone"] == "13812345678"


# -- the shared examples and the development set ---------------------------------------------------


@pytest.mark.parametrize("record", _records(SHARED_DEV), ids=lambda r: r["id"])
def test_shared_dev_examples(record: dict[str, Any]) -> None:
    out = parsed(record["text"])
    assert {k: out[k] for k in CORE_FIELDS} == record["expected"]


def test_devset_single_position_ads_are_read_right() -> None:
    singles = [r for r in _records(DEVSET) if "positions" not in r]
    assert len(singles) >= 150
    right = [r["id"] for r in singles if {k: parsed(r["text"])[k] for k in CORE_FIELDS} == r["expected"]]
    assert len(right) / len(singles) >= 0.97, sorted({r["id"] for r in singles} - set(right))


# -- JSON lines ------------------------------------------------------------------------------------


def test_parse_posting_lines_reads_good_lines_and_reports_bad_ones() -> None:
    lines = [
        json.dumps({"id": "a1", "text": "招聘普工20名，月薪4000元"}, ensure_ascii=False),
        "",
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"id": 7}),
        json.dumps({"text": "保洁员 2名"}, ensure_ascii=False),
    ]
    out = list(parse_posting_lines(lines))
    assert len(out) == 5
    assert out[0]["id"] == "a1" and out[0]["headcount"] == 20 and "error" not in out[0]
    assert set(out[1]) == {"error"} and "JSON" in out[1]["error"]
    assert set(out[2]) == {"error"}
    assert out[3]["id"] == 7 and "text" in out[3]["error"]
    assert "id" not in out[4] and out[4]["headcount"] == 2


# -- properties ------------------------------------------------------------------------------------

_AD_WORDS = st.sampled_from(
    [
        "招聘",
        "普工",
        "20名",
        "若干",
        "月薪",
        "底薪",
        "+提成",
        "3000",
        "4-6千",
        "三千五",
        "一万二",
        "1.5万",
        "元/天",
        "/小时",
        "每件",
        "0.5元",
        "以上",
        "以下",
        "左右",
        "起",
        "18-45周岁",
        "45岁以下",
        "男50女45",
        "男",
        "女",
        "男女不限",
        "优先",
        "持叉车证",
        "健康证",
        "A2",
        "驾照",
        "包吃住",
        "不包住",
        "住宿自理",
        "管饭",
        "公益性岗位",
        "保洁",
        "\n",
        "，",
        "。",
        "、",
        "(",
        ")",
        "１２３",
        "－",
        "一",
        "～",
        "13812345678",
        "0350-1234567",
        "🔥",
        "1、",
        "二、",
        "岗位：",
        "地点：",
        "忻州市",
        "日结",
        "计件",
        "年薪",
        "6000一9000",
        "过万",
        "个",
        "人",
        " ",
    ]
)
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


def _check_invariants(text: str, result: ParsedPosting) -> None:
    out = result.as_json()
    assert list(out) == KEYS
    jobs = [out, *out["positions"]]
    for job in jobs:
        if job["salary_min"] is not None and job["salary_max"] is not None:
            assert job["salary_min"] <= job["salary_max"]
        if job["age_min"] is not None and job["age_max"] is not None:
            assert job["age_min"] <= job["age_max"]
        for spans in job["evidence"].values():
            for span in spans:
                assert text[span["start"] : span["end"]] == span["text"]
    json.dumps(out, ensure_ascii=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_is_read_without_error(text: str) -> None:
    _check_invariants(text, parse_posting(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.one_of(_CJK, st.sampled_from("0123456789０１２３-—～一十百千万元岁名人\n，。 "))))
def test_any_chinese_text_is_read_without_error(text: str) -> None:
    _check_invariants(text, parse_posting(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_AD_WORDS, max_size=40).map("".join))
def test_ad_like_text_keeps_the_invariants(text: str) -> None:
    _check_invariants(text, parse_posting(text, default_taxonomy()))


def test_traditional_characters_are_read_and_shown_as_written() -> None:
    out = parsed("招聘保安員3名 男 50歲以下 需持保安證")
    assert (out["headcount"], out["age_max"], out["certificates_required"]) == (3, 50, ["保安员证"])
    assert out["evidence"]["age_max"][0]["text"] == "50歲以下"


def test_listed_jobs_of_one_clause_each_share_the_clauses_after_the_last() -> None:
    out = parsed("饭店招人：厨师一名月薪六千，服务员两名月薪三千，包吃住，年龄45以下")
    first = out["positions"][0]
    assert (first["headcount"], first["salary_min"], first["age_max"], first["meals"], first["housing"]) == (
        1,
        6000,
        45,
        True,
        True,
    )


def test_listed_jobs_of_several_clauses_keep_the_last_clauses_to_the_last_job() -> None:
    out = parsed("招聘厨师1名，月薪5000元，服务员3名，月薪2800元，女")
    assert [p["gender"] for p in out["positions"]] == [None, "female"]


def test_count_followed_by_a_note_in_brackets() -> None:
    out = parsed("招聘：叉车工2人（持叉车证）5500元/月；普工10人 4500元/月；包住")
    assert [p["headcount"] for p in out["positions"]] == [2, 10]
    assert out["positions"][0]["certificates_required"] == ["叉车司机"]
