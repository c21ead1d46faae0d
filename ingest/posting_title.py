"""The job title of a posting (岗位名称), and what counts as a job name.

The title comes from a ``岗位：…`` line if there is one, else from the first lines: each is cut into
pieces at punctuation, spaces and ``|``, and each piece loses its decoration (emoji, 急招/招聘/诚聘,
``XX厂招``, a trailing headcount, ``(临时工)``). The first piece that names a job wins
(``宁波某汽配厂招操作工`` is 操作工, ``【高薪】司机招聘`` is 司机); failing that, the first clean
piece of the first line without digits. A job name is one the occupation table knows or a word
ending like one (…工, …员, …师, 司机, 阿姨).
"""

from __future__ import annotations

import re

from ingest.posting_text import Source
from models.taxonomy import Taxonomy

__all__ = ["clean_title", "find_title", "is_job"]

_NAMED_TITLE = re.compile(r"(?:招聘岗位|岗位名称|岗位|职位|工种)\s*:\s*([^\n,，;；。]{2,16})")
_DECOR = re.compile(r"[^\w\u4e00-\u9fff()/+\-·]+")
_PIECE_BREAK = re.compile(r"[,;。；!！?？|:]|\s+")
_BRACKET = re.compile(r"\s*[【\[]([^】\]]{1,10})[】\]]")
_PREFIX = re.compile(
    r"(?:(?:高薪|长期|紧急|急|直|诚|现|火热|大量|常年|本厂|本公司|公司)*(?:招聘|招工|招人|招收(?!银)|招募|招|聘请|聘|用工|需要|需)\s*:?|"
    r"[^:]{0,12}(?:公益性岗位|公益岗位|公益岗|外出务工|岗位名称|岗位|职位|工种|招聘|务工)\s*[:]\s*)"
)
# 宁波某汽配厂招操作工: the employer, then the job.
_HIRES = re.compile(r"(?:招聘|诚聘|急聘|急招|直招|招募|招收(?!银)|招)")
_SUFFIX = re.compile(
    r"(?:\s*\(?(?:\d+|[一二两三四五六七八九十]+)\s*(?:余|多)?\s*(?:名|人|位)\)?|若干名?|数名|多名|大量|\s*\([^)]*\)|"
    r"\s*(?:日结|急招|急聘|招聘|长期|临时工?|兼职|包吃住|多名)|[:\-/\s])+$"
)
_NOT_JOB = re.compile(
    r"(?:年龄|要求|学历|身体|工作时间|时间|待遇|薪资|工资|福利|地址|地点|电话|联系|报名|任职|岗位职责|职责|条件|其他|备注|"
    r"性别|有|能|会|持|吃|住|上班|休息|面试|入职|须|需|男|女|本|无|负责|熟悉|具备|身份证|体检|工作|培训|试用|经验|结算|发薪|"
    r"用工|招聘|班车|交通|合同|社保|假期|加班|晋升|提成|奖金|薪酬|补贴|宿舍|伙食|食宿|保险|说明|单位|职位|岗位|人数|名额)"
)
_NOT_TITLE = re.compile(
    r"(?:年龄|要求|学历|身体|时间|待遇|薪资|工资|月薪|日薪|福利|地址|地点|电话|联系|报名|任职|职责|条件|其他|备注|性别|上班|"
    r"休息|面试|入职|负责|熟悉|具备|包吃|包住|不包|月休|工作|五险|双休|男女|长白班|两班倒|三班倒|身高|经验|公告|通知|公示|启事|"
    r"信息|自备|初中|高中|中专|大专|本科|学历)"
)
# Grades and kinds of worker, not jobs: 熟练工：计件… / 学徒：保底… are one job's pay levels.
_GRADES = frozenset(
    {
        "熟练工",
        "熟手",
        "新手",
        "学徒",
        "学徒期",
        "大工",
        "小工",
        "男工",
        "女工",
        "长期工",
        "临时工",
        "正式工",
        "夫妻工",
        "普通工",
    }
)
_NOT_FALLBACK = re.compile(r"(?:提供|包|管|不|免费|食堂|宿舍|住宿|餐|年薪|时薪|计件|日结|底薪|保底|综合|双休|单休|做)")
_NOT_JOB_WORD = re.compile(_NOT_JOB.pattern.replace("|有|能|会|持|吃|住", "").replace("|须|需|男|女|本|无", ""))
_NOT_A_JOB_END = re.compile(r"(?:务工|打工|招工|用工|做工|上工|开工|员工|分工|人员)$")
_JOB_SUFFIX = re.compile(r"(?:工|员|师|长|手|司机|师傅|嫂|保姆|阿姨|学徒)$")


def is_job(name: str, taxonomy: Taxonomy) -> bool:
    """A job name: one the occupation table knows, or a word ending like one (机长, 跟单员, 骑手)."""
    if not 2 <= len(name) <= 10 or not re.fullmatch(r"[\u4e00-\u9fff]+", name):
        return False
    if name in _GRADES or _NOT_A_JOB_END.search(name):
        return False
    known = taxonomy.match_occupation(name) is not None
    if _NOT_JOB.match(name):  # 会用电脑, 有经验 ... but 会计 is a job
        return known and len(name) <= 3 and _NOT_JOB_WORD.match(name) is None
    return known or _JOB_SUFFIX.search(name) is not None


def find_title(src: Source, taxonomy: Taxonomy) -> tuple[str, int, int] | None:
    """The job title of the ad with its normalised span, or None when the first lines name none."""
    norm = src.norm
    named = _NAMED_TITLE.search(norm)
    if named is not None:
        found = clean_title(named.group(1), named.start(1))
        if found is not None:
            return found
    fallback: tuple[str, int, int] | None = None
    seen = 0
    for start, end in _lines(norm):
        if not _DECOR.sub("", norm[start:end]):
            continue
        seen += 1
        pieces = _pieces(norm, start, end, taxonomy)
        for piece in pieces:
            if is_job(piece[0], taxonomy):
                return piece
        if seen == 1:  # no job named: the first line's first piece (江苏苏州电子厂), unless it is a requirement
            fallback = next((p for p in pieces if _fallback(p[0])), None)
        if seen >= 3:
            break
    return fallback


def _fallback(piece: str) -> bool:
    """A piece that may stand as the title though it names no job (江苏苏州电子厂, 手工编织)."""
    return (
        len(piece) >= 2
        and not _NOT_JOB.match(piece)
        and not _NOT_A_JOB_END.search(piece)
        and not _NOT_FALLBACK.match(piece)
    )


def _pieces(norm: str, start: int, end: int, taxonomy: Taxonomy) -> list[tuple[str, int, int]]:
    """Clean title candidates of one line, left to right."""
    out: list[tuple[str, int, int]] = []
    bracket = _BRACKET.match(norm, start, end)
    if bracket is not None:  # 【普工】包吃住… names the job; 【高薪】/【太原】 is a tag to skip
        inner = clean_title(bracket.group(1), bracket.start(1))
        if inner is not None and is_job(inner[0], taxonomy):
            return [inner]
        start = bracket.end()
    at = start
    for m in [*_PIECE_BREAK.finditer(norm, start, end), None]:
        stop = m.start() if m is not None else end
        found = clean_title(norm[at:stop], at) if stop > at else None
        if found is not None and not _NOT_TITLE.match(found[0]) and not re.search(r"\d", found[0]):
            out.append(found)
        if m is not None:
            at = m.end()
    return out


def _lines(norm: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for line in norm.split("\n"):
        out.append((at, at + len(line)))
        at += len(line) + 1
    return out


def clean_title(text: str, offset: int) -> tuple[str, int, int] | None:
    """``text`` without decoration, hiring words and a trailing headcount, with its span; None if nothing is left."""
    start, end = 0, len(text)
    while True:
        stripped = False
        decor = re.match(r"[^\w\u4e00-\u9fff]+|[A-Za-z]\d(?:/[A-Za-z]\d)*(?=[\u4e00-\u9fff])", text[start:end])
        if decor and decor.end():
            start += decor.end()
            stripped = True
        prefix = _PREFIX.match(text, start, end)
        if prefix and prefix.end() > start:
            start = prefix.end()
            stripped = True
        hires = _last_hire(text, start, end)
        if hires is not None:
            start = hires
            stripped = True
        suffix = _SUFFIX.search(text, start, end)
        if suffix and suffix.start() < end:
            end = suffix.start()
            stripped = True
        tail = re.search(r"[^\w\u4e00-\u9fff)]+$", text[start:end])
        if tail:
            end = start + tail.start()
            stripped = True
        if not stripped or start >= end:
            break
    title = text[start:end]
    if not title or len(title) > 20 or title.endswith(("公告", "通知", "公示", "启事")):
        return None
    return title, offset + start, offset + end


def _last_hire(text: str, start: int, end: int) -> int | None:
    """Where the job starts after ``XX厂招``: the end of the last hiring word with 2+ characters after it."""
    found = None
    for m in _HIRES.finditer(text, start + 1, end):
        if end - m.end() >= 2 and not text[m.end() : end].startswith(("聘", "工", "人")):
            found = m.end()
    return found
