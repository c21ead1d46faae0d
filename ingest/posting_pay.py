"""Pay (薪资) in a posting: the amount, its period and its open ends.

Conventions (the same as ``postings_dev.jsonl``):

- The first figure that reads as pay wins: a number with 元/块 or a period after it (``/月``, ``一天``, ``每小时``),
  or with a pay word before it in the same clause (月薪, 工资, 待遇, 补贴, 工价, 底薪 ...), or a 千/万/k amount.
  Bonuses and allowances (全勤奖, 餐补, 车费报销, 押金, 提成 ...) are never the pay; counts (人, 名), ages (岁),
  hours and days of work (工作8小时, 月休4天), dates, clock times and phone numbers are no pay either.
- One amount gives min = max; ``以上``/``起``/``+``/``多`` (not 多劳多得/多送多得), and ``上不封顶`` later in the
  sentence, leave max null; ``以下``/``以内``/``最高`` leave min null; ``左右``/``约`` keep the amount as both. 底薪
  or 保底 (base pay, usually ``+提成``) gives min = the base and max null, because the rest depends on commission,
  even when an estimated total follows (``底薪1800+绩效，综合3000左右``); so does an amount followed by
  ``+提成``/``+绩效`` or ``+加班费`` (``月薪3300元+加班费``, as ``底薪2300+加班费`` in the conventions); a bonus
  (``+全勤100元``) does not.
- Piece rates (``元/件``, ``每斤0.3元``, ``一车200元``, ``每次服务30元``, ``一次八十``, ``按车计价``) are period
  ``piece``; a 计件 job that only states an income (``月收入2500-4500``) takes that income's period.
- The period is the one written after the amount, else the nearest pay word before it (``年补贴6000元`` is a
  year), else guessed from the size (>= 30000 year, >= 1000 month, > 60 day, else hour, or piece for a small
  amount in a 计件 ad); a guess other than month is reported as unsure. Working time before the amount (月休4天,
  工作8小时) names no period; a unit of work right before it (一方60, 跑一趟300, 一个工两百, 每棚800元) makes it
  a rate. A 每天/一天 after the amount that opens the next statement (``月补贴1200元 每天工作5小时``,
  ``一个月800 每天上午干半天``) is not its period, nor is a payment rhythm (``日薪200 周结``/``月结``). A 月嫂
  contract of ``26天`` is a month, and so is a 月嫂's ``单`` (``9800元/单``, ``一单9800``: 26 days by the trade's
  custom, written or not); a 公益性岗位 subsidy of a few hundred yuan without a period is a month.
- A week's pay (``周薪1200``, ``1500元/周``, ``每周1300元``) fits no period of the fields and is not converted
  (that would invent a month): min, max and period stay null and are reported unsure, with the pay as evidence.
- Spoken amounts (``三百八一天``, ``一块五一斤``, ``五毛``) are read by ``ingest.posting_number``; ``一块砖``
  counts bricks, not yuan.
- A range written high-low is swapped and reported unsure; min > max never comes out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.posting_number import Figure
from ingest.posting_text import Source, clause_of

__all__ = ["Pay", "find_pay", "negotiable"]

_MONEY_AFTER = re.compile(r"\s*(?:元|块钱|块(?!\s*\d)|圆|rmb|RMB)")  # 一块0.4元: one brick, 0.4 yuan
_PERIOD_UNITS = {
    "month": "月|个月",
    "day": "天|日|个?工",
    "hour": "小时|个小时|个钟头|个钟|钟头|工时|时|h|H",
    "piece": "件|个|块(?!钱)|斤|公斤|只|双|套|条|箱|袋|平方米|平方|平米|平|方|吨|亩|米|单|包|瓶|盒|张|根|株|棵|筐|框|kg"
    "|串|幅|桶|趟|车|捆|份|副|打|次|票|台",
    "year": "年",
    "week": "周|个星期|星期|个礼拜|礼拜",
}
_PERIOD_AFTER = re.compile(
    r"\s*(?:元|块钱|块|圆)?\s*(?:左右|以上|以下|起|多)?\s*(?P<by>/|每|一个|一)\s*(?:"
    + "|".join(f"(?P<{k}>{v})" for k, v in _PERIOD_UNITS.items())
    + ")"
)
_NOT_PAY_AFTER = re.compile(
    r"\s*(?:周岁|岁|个小时|小时|分钟|分|天(?!津)|日(?!结|薪)|号|个月|月(?!薪|休|嫂|入|收|工资|底薪|结)|年(?!龄|纪|底|终|薪)|周(?!结|薪)|名|人|位|米|公里|km|斤|公斤|kg|吨|亩|平|%|楼|层|栋|幢|单元|"
    r"点|间|次|班|倍|级|寸|cm|mm|克|路|公分|厘米|期|批|套|台|辆|家|户|个|:\d|组|险|室|座|型|号线|届|C|c|头|只|羽|株|棵|"
    r"件|箱|余人|余名|余户|余亩|余家|多人|多名|多户)"
)
_PAY_WORD = re.compile(
    r"月薪|月工资|月收入|月入|月均|日薪|日工资|日收入|时薪|年薪|年收入|工资|薪资|薪水|薪酬|待遇|收入|底薪|保底|补贴|补助|报酬|"
    r"工价|单价|综合|到手|每月|每个月|一个月|每天|每日|一天|每小时|一小时|每件|每斤|每个|计件|日结|💰|¥|挣|工钱|月结|价格|"
    r"费用标准|劳务费|周薪|周工资"
)
_EXTRA_WORD = re.compile(
    r"全勤|满勤|奖|餐补|饭补|房补|车补|话补|交通|住房补|住宿补|高温|夜班补|伙食|加班费|加班工资|押金|报销|路费|车费|提成|绩效|"
    r"体检|介绍费|服务费|培训费|返费|返现|红包|定金|保证金|工龄|社保|保险|扣|罚|分红|利润|路补|油补|租金|房租|电费|水费|年终|"
    r"报名费|住宿费|伙食费|水电|管理费|中介费|手续费|话费|宿舍|住宿|押|趟补|出车补|投资|注册|资金|产值|营业额|销售额|"
    r"占地|面积|资产|营收|纳税|建设"
)
# a bare 天 is a day (干一天, 天工资) but not a place (天津, 天水, 天门) or the weather (天气)
_DAY_BEFORE = re.compile(
    r"日薪|日工资|日收入|每天|每日|一天|天工资|日结|日均|按天|工日|点工|(?:一|每)个?工|天(?![津水门气])"
)
# 周薪1200, 每周1500: a week (一周内到岗 and 每周休一天 are no pay period)
_WEEK_BEFORE = re.compile(r"周薪|周工资|按周(?:计|算|发)|(?:每|一)个?(?:周|星期|礼拜)\s*[::]?\s*$")
_PERIOD_BEFORE = [
    ("month", re.compile(r"(?:2\d|3[01])\s*天")),  # 月嫂 26天9800元: a contract month
    ("week", _WEEK_BEFORE),
    ("year", re.compile(r"年薪|年收入|每年|一年|年终|全年|年(?:补贴|补助|工资|报酬|津贴|酬劳)")),
    (
        "piece",
        re.compile(
            r"(?:每|一)[百千万]?(?:件|公斤|千克|斤|个(?!月|小时|钟|工)|只|箱|袋|平|亩|吨|单|幅|串|桶|趟|双|条|套|张|捆|筐|票|台|棵|株|"
            r"块(?!钱)|根|瓶|盒|包|副|打|米|方|车(?!间))|每次|一次(?!性)|"
            r"按(?:件|斤|个|平|吨|车|趟|次|亩|袋|箱|筐|单|只|条|方|块|棵|株|根|米|双|副)|计件单价|单价|件价"
        ),
    ),
    ("hour", re.compile(r"时薪|小时工资|每小时|一小时|按小时|小时工|钟点|计时|工时|个钟")),
    ("day", _DAY_BEFORE),
    ("month", re.compile(r"月薪|月工资|月收入|月入|月均|每月|每个月|一个月|月补贴|月底薪|底薪|保底|月综合|月")),
]
# 月补贴1200元 每天工作5小时 / 每斤1.2元 一天能挖两三百斤: the 每天/一天 opens the next statement.
_NEXT_STATEMENT = re.compile(
    r"\s*(?:工作|上班|干活|干|做|能|可|大概|大约|约|平均|最少|至少|上午|下午|早上|晚上|中午|白天|夜里|半天|休|双休|单休|\d"
    r"|[一二两三四五六七八九十][十百千万]"
    r"|[\u4e00-\u9fff]{0,3}?(?:\d+|[一二两三四五六七八九十]+)\s*个?(?:小时|钟头|趟|次))"
)
# 一方60, 跑一趟300, 一个工两百, 点工250: a unit of work right before the amount makes it a rate.
_RATE_BEFORE = re.compile(
    r"(?:(?:每|一)(?:趟|亩|方|平方?|平米|吨|车|单|袋|箱|桶|棵|株|块|双|件|斤|次(?!性))[\u4e00-\u9fff]{0,2}?|点工|(?:一|每)个?工)"
    r"\s*[::]?\s*$"
)
# 月休4天, 休息两天, 工作8小时, 做六休一: the working time, which names no pay period.
_SCHEDULE = re.compile(
    r"(?:月休|休息|每月休|一个月休|休|工作|上班|干)\s*[\d一二两三四五六七八九十]+\s*(?:天|日|小时|个小时)"
    r"|做[一二两三四五六七\d]休[一二两三\d]"
)
# 一块砖两毛五, 一块地: 块 counting things, not yuan (一块钱 is money).
_ONE_PIECE = re.compile(r"一块(?!钱)[\u4e00-\u9fff]")
_PER_THING = re.compile(r"每(?![天日月年周晚班人位名个次时小])[\u4e00-\u9fff]\s*[::]?\s*$")
_AFTER_SEX = re.compile(r"[男女](?:性|的|工|士)?[\s,，、:]*$")
_MONTH_ORDER = re.compile(r"(?:2\d|3[01])\s*天\s*(?:为)?\s*一\s*单")
_MATERNITY = re.compile(r"月嫂|母婴护理|月子")  # a 月嫂's 单 is a 26-day contract even when the ad does not say so
_SUBSIDY = re.compile(r"补贴|补助|岗位工资")
_WELFARE = re.compile(r"公益性岗|公益岗")
_PIECE_WORK = re.compile(r"计件|按件|按斤|计价")
# A base pay word right before the amount (底薪2800, 保底:2000): the rest depends on commission.
_BASE = re.compile(r"(?:底薪|保底|基本工资)\s*[::]?\s*(?:为|是)?\s*$")
_PLUS_VARIABLE = re.compile(
    r"\s*(?:元|块)?\s*(?:/\s*月)?\s*(?:\+|加|另加)\s*(?:提成|绩效|计件|奖金|业绩|加班费|加班工资|加班补贴|加班)"
)
_OPEN_HIGH = re.compile(
    r"\s*(?:元|块钱|块)?\s*(?:/\s*\S{1,2})?\s*(?:以上|起|多(?!劳|干|做|挣|[\u4e00-\u9fff]{1,2}多得)|往上|及以上|\+(?![\u4e00-\u9fff\d])|上不封顶|保底)"
)
# 5000-8000，上不封顶 / 月薪6000+，多劳多得上不封顶: no ceiling, said in the same sentence right after the pay.
_NO_CEILING = re.compile(r"[^。;；\n]{0,14}?(?:上不封顶|不封顶|无上限)")
_OPEN_LOW = re.compile(r"\s*(?:元|块钱|块)?\s*(?:/\s*\S{1,2})?\s*(?:以下|以内|封顶)")
_MIN_WORD = re.compile(r"(?:最低|至少|不低于|起薪|过|破|上)\s*$")
_MAX_WORD = re.compile(r"(?:最高|不超过|最多)\s*$")
_LONG_DIGITS = re.compile(r"\d{7,}")
_NEGOTIABLE = re.compile(r"面议|面谈|详谈")


@dataclass(slots=True)
class Pay:
    """The pay of a posting; every field None when the ad gives no amount (面议 included)."""

    low: float | None = None
    high: float | None = None
    period: str | None = None
    start: int = 0
    end: int = 0
    unsure: set[str] = field(default_factory=set)

    @property
    def found(self) -> bool:
        return self.period is not None


def find_pay(src: Source, figures: list[Figure]) -> Pay:
    """The pay of ``src`` (see the module docstring for the conventions)."""
    norm = src.norm
    for figure in figures:
        before = norm[clause_of(norm, figure.start)[0] : figure.start]
        if _is_pay(norm, figure, before):
            return _pay(norm, figure, before)
    return Pay()


def _is_pay(norm: str, f: Figure, before: str) -> bool:
    if _is_noise(norm, f) or (f.end - f.start == 1 and _ONE_PIECE.match(norm, f.start)):
        return False
    if f.high is not None and f.high <= 80 and _AFTER_SEX.search(before):
        return False  # 女 四十五到五十五: an age range
    pay_word = _last(_PAY_WORD, before)
    extra = _last(_EXTRA_WORD, before)
    if extra is not None and (pay_word is None or extra.end() >= pay_word.end()):
        return False
    if _MONEY_AFTER.match(norm, f.end) or _period_after(norm, f, before) is not None:
        return True
    if _NOT_PAY_AFTER.match(norm, f.end):
        return False
    if pay_word is not None or norm[max(0, f.start - 1) : f.start] == "¥" or _RATE_BEFORE.search(before):
        return True
    low, high = f.values
    if f.multiplied:
        return True
    return f.high is not None and 500 <= low and high <= 100000


def _is_noise(norm: str, f: Figure) -> bool:
    """Clock times, phone numbers and other long digit strings, decimals of a version or a size."""
    if _LONG_DIGITS.search(norm, f.start, f.end) and not f.multiplied:
        return True
    if f.start > 0 and norm[f.start - 1] in ":.-/#" and f.start > 1 and norm[f.start - 2].isdigit():
        return True
    if f.start > 0 and (norm[f.start - 1].isascii() and norm[f.start - 1].isalpha()):
        return True  # B2, A2, N1, Q2: licence classes
    low, high = f.values
    return low <= 0 or high > 1_000_000


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for m in pattern.finditer(text):
        found = m
    return found


def _pay(norm: str, f: Figure, before: str) -> Pay:
    low, high = f.values
    pay = Pay(low, high, None, f.start, f.end)
    if f.high is not None and low > high:
        pay.low, pay.high = high, low
        pay.unsure.update({"salary_min", "salary_max"})
    after = _period_after(norm, f, before)
    if after is not None:
        pay.period = next(k for k, v in after.groupdict().items() if v and k != "by")
        pay.end = after.end()
    else:
        pay.period = _period_before(before) or _period_by_size(pay, norm, f, before)
        money = _MONEY_AFTER.match(norm, f.end)
        pay.end = money.end() if money else f.end
    if pay.period == "piece" and max(low, high) >= 1000 and _month_order(norm, f, pay):
        pay.period = "month"  # 月嫂 26天一单，9800元/单 / 月嫂一单9800: the order is a month's work
    word = _last(_PAY_WORD, before)
    if word is not None:
        pay.start = f.start - (len(before) - word.start())
    if pay.period == "week":  # 周薪1200: no field holds a week's pay, and a month's would be invented
        week = _last(_WEEK_BEFORE, before)
        start = min(pay.start, f.start - (len(before) - week.start())) if week else pay.start
        return Pay(None, None, None, start, pay.end, {"salary_min", "salary_max", "salary_period"})
    _open_ends(norm, f, before, pay)
    return pay


def _month_order(norm: str, f: Figure, pay: Pay) -> bool:
    if _MONTH_ORDER.search(norm):
        return True
    near = norm[max(clause_of(norm, f.start)[0], f.start - 4) : pay.end]
    return "单" in near and _MATERNITY.search(norm) is not None


def _period_after(norm: str, f: Figure, before: str) -> re.Match[str] | None:
    """The period written after the amount (``/天``, ``一天``, ``每斤``), unless it opens the next statement.

    ``每天``/``一天`` after a space, or followed by what is done in that time (工作, 能挖, 8小时), says how long or
    how much the work is; the period is then the one before the amount (月补贴, 每斤), if any.
    """
    m = _PERIOD_AFTER.match(norm, f.end)
    if m is None or m.group("by") == "/":
        return m
    spaced = any(c.isspace() for c in norm[f.end : m.start("by")])
    if _NEXT_STATEMENT.match(norm, m.end()) and (spaced or _period_before(before) is not None):
        return None
    return m


def _period_before(before: str) -> str | None:
    before = _SCHEDULE.sub(lambda m: " " * len(m.group()), before)  # 月休4天 工资4000: a month's pay
    if _PER_THING.search(before):
        return "piece"  # 每棚800元, 每垄5元: 每 and a thing right before the amount
    best: tuple[int, str] | None = None
    for period, pattern in _PERIOD_BEFORE:
        m = _last(pattern, before)
        if m is not None and (best is None or m.end() > best[0]):
            best = (m.end(), period)
    if best is not None and best[1] == "piece" and "收入" in before[best[0] :]:
        return None
    if "工价" in before and best is None:
        return "hour"
    return best[1] if best else None


def _period_by_size(pay: Pay, norm: str, f: Figure, before: str) -> str:
    value = pay.low if pay.low is not None else 0.0
    if value < 60 and _PIECE_WORK.search(norm):
        return "piece"
    if 200 <= value < 1000 and (_SUBSIDY.search(before) or _WELFARE.search(norm)):
        return "month"  # 公益性岗位 补贴600元: a monthly subsidy
    if value >= 30000:
        period = "year"
    elif value >= 1000:
        period = "month"
    elif value > 60:
        period = "day"
    else:
        period = "hour"
    if period != "month":
        pay.unsure.add("salary_period")
    return period


def _open_ends(norm: str, f: Figure, before: str, pay: Pay) -> None:
    tail = norm[f.end : f.end + 16]
    if _BASE.search(before) or _PLUS_VARIABLE.match(norm, f.end) or _NO_CEILING.match(norm, f.end):
        pay.high = None
        return
    if f.high is None:
        if _OPEN_HIGH.match(tail) or _MIN_WORD.search(before):
            pay.high = None
        elif _OPEN_LOW.match(tail) or _MAX_WORD.search(before):
            pay.low = None


def negotiable(norm: str) -> bool:
    """Whether the ad says the pay is to be agreed (面议)."""
    return _NEGOTIABLE.search(norm) is not None
