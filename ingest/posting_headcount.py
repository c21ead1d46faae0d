"""How many people an ad wants (招聘人数): ``find_headcount``.

Conventions (``bench/data/README.md``, the users' examples):

- A number of people or posts: 招聘20名, 招5人, 需要10位, 急招保姆一人, (20人), 岗位2个, 名额30个, 招聘人数: 6,
  10余人 (10), 共5个岗位, 招二十个, 要俩(人) (2). Spoken forms: the count, 个 and who is wanted (找两个阿姨,
  要6个男的, 要两个扫街的, 要一个传菜的小伙子), or the count closing its statement after a hiring verb
  (挖机师傅要一个, 还缺两个), or after the job it names (招 油漆工 两个, 刷墙的师傅来两个). 人数5名 is 5.
- About a number (十来个, 二十来人) gives that number, reported unsure, like 左右 on pay.
- Counts by sex add up (``男工10名，女工5名`` 15, ``男女各10名`` 20, ``男女各两名`` 4).
- 若干, 数名, 多名, 数十 and 大量 give null; a range (招10-20人) gives null, reported unsure.
- No headcount: rooms (4人间, 两人一间, 一间住4人, 可容纳100人), group and shift sizes (满10人, 5人一组,
  每班6人, 3人一班), the staff of the firm (现有员工200人, 员工300余人, 团队50人, 公司规模2000人), people
  already placed (已带动120名), diners (100人左右就餐), ages, people cared for (照顾一个老人), time after
  the job (招门卫 一个月1600, 干两个星期).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.posting_number import Figure, chinese_number
from ingest.posting_text import Source, clause_of

__all__ = ["Count", "find_headcount"]

_HEAD_STRONG = re.compile(
    r"\s*(?:余|多)?\s*(?:名|个人|人|位)"
    r"(?!间|一间|/间|次|份|工|员|民|口|以上成团|组|一组|一车|同行|一班|/班|/组|/天|一岗|一队|轮|倒班)"
)
_HEAD_WORD = re.compile(r"招|聘|需|要|缺|共|计|人数|名额|岗位|急|诚聘|用工|找")
# 找两个阿姨, 需要5个工人, 要6个男的, 要两个扫街的, 要一个传菜的小伙子: 个 and the people wanted.
_PEOPLE = (
    r"\s*(?:阿姨|大姐|师傅|工人|帮手|保姆|小伙子?|年轻人|人手|劳力|壮工|姑娘|妇女|男的|女的|"
    r"[\u4e00-\u9fff]{0,3}(?:小工|大工|工|员|师|嫂|司机)|(?P<doer>[\u4e00-\u9fff]{1,4}?)的)"
)
_HEAD_PEOPLE = re.compile(r"\s*个" + _PEOPLE)
_TWO_PEOPLE = re.compile(r"个?" + _PEOPLE)  # 找俩帮手: 俩 is 两个
# 要两个小时的车程, 照顾一个孩子的: 的 after a time or a person cared for names no worker.
_NOT_DOER = re.compile(r"小时|钟|月|天|年|星期|礼拜|孩子|宝宝|老人|病人|房间|地方|单位|公司")
# 挖机师傅要一个, 还缺两个, 要俩, 来俩: a hiring verb, the count and the end of the statement.
_HIRE_VERB = re.compile(r"(?:要|招|缺|需|找|差|来)\s*$")
_COUNT_CLOSING = re.compile(r"\s*个")
_TWO_CLOSING = re.compile(r"个?")  # 俩 is 两个 already
# 招 油漆工 两个, 刷墙的师傅来两个, 瓦工还要三个: the job named right before the count that closes the statement.
_WORKER_BEFORE = re.compile(
    r"(?:工|师傅|员|司机|阿姨|大姐|保姆|嫂|匠|小伙子?|男的|女的|劳力|帮手)\s*"
    r"(?P<verb>[还再又另]?(?:来|要|招|缺|需要|找|差))?\s*$"
)
_HAVE = re.compile(r"有|已|剩")
# 十来个, 二十来人, 10来个: about ten; read as ten, reported unsure (like 左右 on pay).
_ABOUT = re.compile(r"(?P<n>\d{1,3}|[一二两三四五六七八九]?十)\s*来(?=\s*(?:个|名|人|位))")
_HEAD_POST = re.compile(r"\s*个\s*(?:岗位|名额)")
# 招聘 2个 counts posts; 招门卫 一个月1600 is a month's pay.
_COUNTER_GE = re.compile(r"\s*个(?!(?:月|小时|钟|工|星期|礼拜|半|多月|来月|把月|季度|班))")
_HEAD_POST_BEFORE = re.compile(r"(?:岗位|名额|招聘|人数|招|需求|计划|数量|人员)[^\d,;。\n]{0,3}:?\s*$")
_HEAD_NOT_BEFORE = re.compile(
    r"(?:(?:现有|拥有|共有|规模|已有)(?!岗位|名额|空缺|公益)|有(?:员工|职工|工人)|(?:员工|职工)总数|在职|宿舍|每)[^,;。\n]{0,2}$"
    r"|每(?:班|组|批|车|个班|天|间)[^,;。\n]{0,4}$|(?:住|容纳|可坐|载)\s*$|(?<!人)[数几]$"
)
# 员工300余人, 占地300亩 员工1200人, 团队50人: the firm's staff, unless a hiring word comes first (招聘员工30名).
_STAFF_BEFORE = re.compile(r"(?:员工|职工|工人|团队|人员规模)\s*(?:总数|总计|共|达|约|近|超过|有)?\s*:?\s*$")
_HIRING = re.compile(r"招|聘|需|缺|急|找|要")
_HEAD_GROUP = re.compile(r"(?:满|每|超过|够|凑|以上|达到|至少|最少|组团)\s*$")
_N = r"(\d+|[一二两三四五六七八九十]{1,3})"  # 男工10名 / 男工五名
_BY_SEX_COUNT = re.compile(rf"(男|女)[工性士生]?\s*{_N}\s*[名人]\s*[,，、;；]?\s*(男|女)[工性士生]?\s*{_N}\s*[名人]")
_EACH_SEX_COUNT = re.compile(rf"男女[\u4e00-\u9fff]{{0,4}}?各\s*{_N}\s*(?:名|人|个)")
_HEAD_GROUP_AFTER = re.compile(
    r"\s*(?:以上|左右)?\s*(?:[^,;。；\n\s]{0,3}(?:成团|组团|一组|同行|报名|报销|包车|发车|奖励|优惠|一班|一间|一屋))"
)
_HEAD_ACHIEVED = re.compile(r"帮助|带动|吸纳|安置了|解决了|累计|已有|已经|惠及|覆盖|辐射")
_HEAD_VAGUE = re.compile(r"若干|数名|多名|大量|不限人数|人数不限|数人|多人|数十|几十|十几|数百")


@dataclass(frozen=True, slots=True)
class Count:
    value: int | None
    start: int
    end: int
    unsure: bool = False


def find_headcount(src: Source, figures: list[Figure]) -> Count | None:
    """The first headcount of the ad (value None for 若干 and the like), or None when it names none."""
    norm = src.norm
    split = _BY_SEX_COUNT.search(norm)
    if split is not None and split.group(1) != split.group(3) and _int(split.group(2)) and _int(split.group(4)):
        return Count(_int(split.group(2)) + _int(split.group(4)), split.start(), split.end())
    each = _EACH_SEX_COUNT.search(norm)
    if each is not None and _int(each.group(1)):
        return Count(2 * _int(each.group(1)), each.start(), each.end())
    for f in figures:
        if f.high is not None and _HEAD_STRONG.match(norm, f.end):
            return Count(None, f.start, f.end, unsure=True)  # 招10-20人: no one number; a person decides
        if f.high is not None or f.multiplied or f.low != int(f.low) or not 0 < f.low < 100000:
            continue
        if _not_wanted(norm, f):
            continue
        count = _count_at(norm, f)
        if count is not None:
            return count
    about = _about(norm)
    if about is not None:
        return about
    vague = _HEAD_VAGUE.search(norm)
    if vague is not None:
        return Count(None, vague.start(), vague.end())
    return None


def _int(text: str) -> int:
    return int(text) if text.isdigit() else int(chinese_number(text) or 0)


def _about(norm: str) -> Count | None:
    """``招普工十来个``: an approximate count, read through the same rules as an exact one."""
    for m in _ABOUT.finditer(norm):
        value = int(m.group("n")) if m.group("n").isdigit() else chinese_number(m.group("n"))
        if not value:
            continue
        f = Figure(m.start(), m.end(), float(value), None, False)
        count = None if _not_wanted(norm, f) else _count_at(norm, f)
        if count is not None:
            return Count(count.value, count.start, count.end, unsure=True)
    return None


def _before(norm: str, f: Figure) -> str:
    return norm[max(clause_of(norm, f.start)[0], f.start - 12) : f.start]


def _not_wanted(norm: str, f: Figure) -> bool:
    """A number that counts people but not the people wanted: the staff, a group, people already placed."""
    before = _before(norm, f)
    if _HEAD_GROUP.search(before) or _HEAD_NOT_BEFORE.search(before) or re.search(r"\d\s*[,.]?\s*$", before):
        return True
    if _STAFF_BEFORE.search(before) and not _HIRING.search(before):
        return True
    # 已带动120名搬迁群众: placed already; 已带动60户，今年再招30名: the 30 are wanted
    achieved = list(_HEAD_ACHIEVED.finditer(norm, clause_of(norm, f.start)[0], f.start))
    return bool(achieved) and not _HIRING.search(norm, achieved[-1].end(), f.start)


def _count_at(norm: str, f: Figure) -> Count | None:
    before = _before(norm, f)
    strong = _HEAD_STRONG.match(norm, f.end)
    post = _HEAD_POST.match(norm, f.end)
    if strong is not None:
        unit = norm[strong.end() - 1]
        tail = norm[strong.end() : strong.end() + 3]
        if unit == "名" or _HEAD_WORD.search(before) or _in_brackets(norm, f.start, strong.end()) or _ends(tail):
            if not _HEAD_GROUP_AFTER.match(norm, strong.end()):
                return Count(int(f.low), f.start, strong.end())
        return None
    if post is not None or (_HEAD_POST_BEFORE.search(before) and _COUNTER_GE.match(norm, f.end)):
        end = post.end() if post else norm.index("个", f.end) + 1
        return Count(int(f.low), f.start, end)
    if _HEAD_POST_BEFORE.search(before) and _ends(norm[f.end : f.end + 2]):
        return Count(int(f.low), f.start, f.end)
    if _HEAD_WORD.search(before):
        people = (_TWO_PEOPLE if norm[f.start : f.end] == "俩" else _HEAD_PEOPLE).match(norm, f.end)
        if people is not None and not (people.group("doer") and _NOT_DOER.search(people.group("doer"))):
            return Count(int(f.low), f.start, people.end())
    closing = (_TWO_CLOSING if norm[f.start : f.end] == "俩" else _COUNT_CLOSING).match(norm, f.end)
    if closing is None or not _ends(norm[closing.end() : closing.end() + 1]):
        return None
    worker = _WORKER_BEFORE.search(before)
    # 蘑菇厂要人，采菇工二十个: the job and its count, in an ad that hires (工地有电工两个: people there already)
    hired = worker is not None and (
        worker.group("verb") is not None
        or _HIRING.search(before) is not None
        or (_HIRING.search(norm) is not None and _HAVE.search(before) is None)
    )
    if _HIRE_VERB.search(before) or hired:
        return Count(int(f.low), f.start, closing.end())
    return None


def _in_brackets(norm: str, start: int, end: int) -> bool:
    return norm[start - 1 : start] in "(【[" and norm[end : end + 1] in ")】]"


def _ends(tail: str) -> bool:
    return not tail or tail[0] in ",.;!?。；！？\n )】]、 (【"  # 叉车工2人(持证): a note after the count
