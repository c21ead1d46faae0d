"""Where each job's text is when one ad lists several jobs (多岗位招聘).

A multi-position ad is recognised by two or more blocks that each start with a job name the occupation table
knows: numbered or bulleted lines (``1、普工…``, ``（一）会计``, ``①``, ``◆ 缝纫工 20名``, ``·电工2名``), lines
``普工：4500-6000元``, ``【前台】2名`` or ``木工大工 日工资350元 10人`` (the job, a space, then figures), or one
line listing ``普工20名、叉车工2名`` or ``月嫂（月薪8000）、育婴师（月薪5000）``. Numbered requirement lists
(``1、年龄…``, ``1、会电工``) are not positions, because their first words name no occupation, and a count
introduced by 其中 (``普工50名，其中男工30名``) is a part of the one before.

When every job but the last takes one line, the last one does too: the lines after it (``统一包住``,
``中午提供一顿饭``) are said of all the jobs, not of the last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.posting_text import Source
from ingest.posting_title import clean_title, is_job
from models.taxonomy import Taxonomy

__all__ = ["Block", "find_blocks"]

_ENUM = re.compile(
    r"\s*[【\[]?\s*(?:\d{1,2}\s*[、.)]|\(\d{1,2}\)|\([一二三四五六七八九十]{1,2}\)|[一二三四五六七八九十]{1,2}\s*[、.]|"
    r"[①-⑳]|[❶-❿]|岗位[一二三四五六七八九十\d]+\s*[:、.]?|[\u2460-\u2473]|[◆◇●○■□▪▸▶►★☆•※·・])\s*[】\]]?\s*"
)
_LINE_HEAD = re.compile(
    r"\s*[【\[]?\s*([\u4e00-\u9fff]{2,8}?)\s*[】\]]?\s*(?:\d+|[一二两三四五六七八九十]+)\s*(?:名|人)"
)
_CLOSING = re.compile(
    r"\n\s*(?:\n|要求|福利|待遇|工作地点|地点|地址|联系|电话|报名|以上|上述|所有|均|各岗位|面试|有意者|公司|单位|备注|注|包吃|包住|食宿|吃住|管吃|提供食宿)"
)
_HEAD = re.compile(r"([\u4e00-\u9fff]{2,8}?)\s*(?:(?:\d+|[一二两三四五六七八九十]+)\s*(?:名|人)|(?=\([^)]*\d[^)]*\)))")
_SPACED = re.compile(r"\s*([\u4e00-\u9fff]{2,8})[ \t]+(?=[^\n]*\d)")
# 普工50名，其中男工30名: a part of the jobs counted before, not another job; 现有保安30人: the staff.
_PART_OF = re.compile(r"其中|包括|包含|含|现有|已有|共有|拥有")
_LINE_LABEL = re.compile(r"\s*([\u4e00-\u9fff]{2,10}?)\s*[:]")


@dataclass(frozen=True, slots=True)
class Block:
    """One job of a multi-position ad: its name and the normalised span of its text."""

    title: str
    title_start: int
    title_end: int
    start: int
    end: int


def find_blocks(src: Source, taxonomy: Taxonomy) -> list[Block]:
    """The jobs of a multi-position ad (two or more), or [] for an ad with one job."""
    for finder in (_numbered, _labelled, _headed, _listed, _spaced):
        blocks = finder(src.norm, taxonomy)
        if len(blocks) >= 2 and len({b.title for b in blocks}) == len(blocks):
            return blocks
    return []


def _lines(norm: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for line in norm.split("\n"):
        out.append((at, at + len(line)))
        at += len(line) + 1
    return out


def _job_name(norm: str, start: int, end: int, taxonomy: Taxonomy) -> tuple[str, int, int] | None:
    head = re.match(r"[^,;:：。；\s(]+", norm[start:end])
    if head is None:
        return None
    cleaned = clean_title(head.group(), start)
    if cleaned is None or not is_job(cleaned[0], taxonomy):
        return None
    if cleaned[0][0] in "会能有持须需" and is_job(cleaned[0][1:], taxonomy):
        return None  # 1、会电工: a requirement, not a job (but 1、会计 is one)
    return cleaned


def _numbered(norm: str, taxonomy: Taxonomy) -> list[Block]:
    heads: list[tuple[int, tuple[str, int, int] | None]] = []
    for start, end in _lines(norm):
        m = _ENUM.match(norm, start, end)
        if m is not None:
            heads.append((start, _job_name(norm, m.end(), end, taxonomy)))
    return _blocks(norm, heads)


def _labelled(norm: str, taxonomy: Taxonomy) -> list[Block]:
    heads: list[tuple[int, tuple[str, int, int] | None]] = []
    for start, end in _lines(norm):
        m = _LINE_LABEL.match(norm, start, end)
        if m is not None and re.search(r"\d", norm[m.end() : end]):
            heads.append((start, _job_name(norm, m.start(1), m.end(1), taxonomy)))
    return _blocks(norm, heads)


def _blocks(norm: str, heads: list[tuple[int, tuple[str, int, int] | None]]) -> list[Block]:
    """Blocks from the line starts of each numbered or labelled job; a non-job head closes the block before."""
    blocks: list[Block] = []
    for i, (start, name) in enumerate(heads):
        if name is None:
            continue
        end = heads[i + 1][0] - 1 if i + 1 < len(heads) else _block_end(norm, start)
        blocks.append(Block(name[0], name[1], name[2], start, max(end, name[2])))
    if len(blocks) >= 2 and all("\n" not in norm[b.start : b.end] for b in blocks[:-1]):
        last = blocks[-1]
        line_end = norm.find("\n", last.start)
        if 0 <= line_end < last.end:  # one job a line: what follows the last job is said of all of them
            blocks[-1] = Block(last.title, last.title_start, last.title_end, last.start, max(line_end, last.title_end))
    return blocks


def _block_end(norm: str, start: int) -> int:
    """The last block runs to the first blank line or unnumbered closing line (联系电话, 地址 ...)."""
    m = _CLOSING.search(norm, start)
    return m.start() if m else len(norm)


def _headed(norm: str, taxonomy: Taxonomy) -> list[Block]:
    """Lines that each start with a job and its headcount: ``厨师1名，月薪6000元``."""
    blocks = []
    for start, end in _lines(norm):
        m = _LINE_HEAD.match(norm, start, end)
        name = clean_title(m.group(1), m.start(1)) if m else None
        if name is not None and is_job(name[0], taxonomy):
            blocks.append(Block(name[0], name[1], name[2], start, end))
    return blocks


def _spaced(norm: str, taxonomy: Taxonomy) -> list[Block]:
    """Lines that each start with a job, a space and figures: ``木工大工 日工资350元 10人``."""
    blocks = []
    for start, end in _lines(norm):
        m = _SPACED.match(norm, start, end)
        name = clean_title(m.group(1), m.start(1)) if m else None
        if name is not None and is_job(name[0], taxonomy):
            blocks.append(Block(name[0], name[1], name[2], start, end))
    return blocks


def _listed(norm: str, taxonomy: Taxonomy) -> list[Block]:
    """One line listing jobs.

    ``钢筋工10名、木工5名，日工资300元``: the jobs follow each other with bare separators, so a job's block is its
    name, count and own (…) note, and what follows the list is shared. ``保洁员2名，月薪2000元；保安3名，月薪2500元``:
    each job has its own words, so its block runs to the next job (the last one to the end of its sentence). When
    each job before the last takes one clause (``厨师一名月薪六千，服务员两名月薪三千，包吃住，45岁以下``), the last
    one does too, and the clauses after it are said of all the jobs.
    """
    for start, end in _lines(norm):
        names = []
        for m in _HEAD.finditer(norm, start, end):
            name = clean_title(m.group(1), m.start(1))
            if (
                name
                and is_job(name[0], taxonomy)
                and not _PART_OF.search(norm, max(start, m.start(1) - 2), max(name[1] + 2, name[2]))
            ):
                note = re.match(r"\s*\([^)]*\)", norm[m.end() : end])
                names.append((name, m.start(), m.end() + (note.end() if note else 0)))
        if len(names) < 2:
            continue
        between = [norm[a[2] : b[1]] for a, b in zip(names, names[1:], strict=False)]
        if all(re.fullmatch(r"[\s,、;；和及]*", gap) for gap in between):
            return [Block(n[0], n[1], n[2], s, e) for n, s, e in names]
        blocks = [Block(a[0][0], a[0][1], a[0][2], a[1], b[1]) for a, b in zip(names, names[1:], strict=False)]
        last = names[-1]
        one_clause = all(not re.search(r"[,，]", norm[b.start : b.end].rstrip(" ,，、")) for b in blocks)
        stop = re.compile(r"[,，;；。]" if one_clause else r"[;；。]")
        tail = stop.search(norm, last[2], end)
        return [*blocks, Block(last[0][0], last[0][1], last[0][2], last[1], tail.start() if tail else end)]
    return []
