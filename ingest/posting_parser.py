"""Free-text job postings (招聘信息) to structured fields: ``parse_posting`` and ``parse_posting_lines``.

A pure function, no database: WeChat-group ads, job-site listings, workshop notices and 公益性岗位
announcements in, a ``ParsedPosting`` out. ``as_json()`` gives these keys (units as in ``postings_dev.jsonl``):

==========================  ==============================================================================
headcount                   招聘人数, int; 若干/数名 -> null; 十来个 -> 10, unsure (``ingest.posting_headcount``)
salary_min, salary_max      yuan per ``salary_period``; open ends null (see ``ingest.posting_pay``)
salary_period               month | day | hour | piece | year; a week's pay (周薪) leaves all three null, unsure
age_min, age_max            years; ``男50女45`` -> age_max 50, reported unsure (``ingest.posting_person``)
gender                      male | female | null (both sexes or 男女不限)
certificates_required       canonical names of the certificate table (持…证, …证上岗); a bare 持证上岗 names
                            none: [] and reported unsure (``ingest.posting_certificate``)
certificates_preferred      the same for …优先 / 有…者优先
meals, housing              true | false | null (包吃住, 不包住, 住宿自理, 提供宿舍, 管饭 ...); an allowance
                            (餐补, 房补) is money: null (``ingest.posting_benefit``)
title                       the job title as written (decoration stripped)
occupation_code             大典 2022 code of the title (``Taxonomy.match_occupation``)
education_min               an ``Education`` value (junior, senior ...); 不限 -> null
job_kind                    seasonal | temporary | part_time | daily | full_time | null
public_welfare_category     保洁, 保绿, 公共设施维护, 便民服务, 妇幼保健, 托老托幼助残, 乡村快递收发, 治安巡逻 or null;
                            only for a 公益性岗位
place                       {"text", "adcode"} (county adcode or null) or null
phone                       the first phone number (``13812345678``, ``0350-1234567``) or null
salary_notes                计件, 提成, 底薪, 绩效, 五险一金, 全勤奖, 日结 ... in order of mention
positions                   [] for an ad with one job; for an ad listing several jobs, one object per job with
                            the keys above (except positions), its own values where its text gives them and
                            the ad's shared values (age, sex, board, pay ...) where it does not
evidence                    field -> list of {start, end, text}: offsets into the original text
unsure                      field names a person should confirm (guessed periods, sex-specific ages ...)
==========================  ==============================================================================

For a multi-position ad the top-level values summarise the jobs: the title lists the jobs' titles
(``钢筋工、木工``), headcount is the sum (null if one is unknown), pay runs from the lowest min to the highest
max of the jobs paid by the period of the first paid job, ages are the loosest limits, sex is set only when every
job names the same, certificates are the union, meals and housing are the ad's (or the jobs' when they agree).
Nothing is invented: a field the text does not state is null or [].

The hold-outs (``bench/data/README.md``) label a multi-position ad by its first job; that job is
``positions[0]``, and the bench scores those labels against it. The top level stays a summary of all the jobs:
a broker filters the ads on it, and the first job's values there (``男，60岁以下`` of a 保安 listed before a
保洁 who may be a woman of 55) would drop workers the ad wants. ``ingest.posting_ad`` stores each position as
its own posting, so nothing downstream reads the summary as one job.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ingest.posting_benefit import find_board, find_job_kind, find_salary_notes, find_welfare_category
from ingest.posting_certificate import find_certificates, unnamed_requirement
from ingest.posting_contact import find_phone, find_place
from ingest.posting_headcount import find_headcount
from ingest.posting_number import Figure, find_figures
from ingest.posting_pay import find_pay, negotiable
from ingest.posting_person import find_ages, find_education, find_gender
from ingest.posting_position import Block, find_blocks
from ingest.posting_result import CORE_FIELDS, ParsedPosting
from ingest.posting_summary import inherit, summarise
from ingest.posting_text import Source, Span, clause_of, prepare
from ingest.posting_title import find_title
from models.taxonomy import Taxonomy, default_taxonomy

__all__ = ["CORE_FIELDS", "ParsedPosting", "parse_posting", "parse_posting_lines"]

Note = Callable[[str, int, int], None]  # records the evidence span of a field


def parse_posting(text: str, taxonomy: Taxonomy | None = None) -> ParsedPosting:
    """Read one free-text posting; never raises on any string."""
    taxonomy = taxonomy if taxonomy is not None else default_taxonomy()
    src = prepare(text)
    blocks = find_blocks(src, taxonomy)
    if not blocks:
        return _parse_one(src, taxonomy, None)
    shared = _parse_one(_blanked(text, src, [(b.start, b.end) for b in blocks], keep=False), taxonomy, None)
    positions = []
    for block in blocks:
        part = _parse_one(_blanked(text, src, [(block.start, block.end)], keep=True), taxonomy, block.title)
        title_span = src.span(block.title_start, block.title_end)
        part.evidence["title"] = [title_span]
        if part.salary_period is None:
            _pay_named_elsewhere(part, text, src, blocks, block.title)
        positions.append(inherit(part, shared))
    return summarise(shared, positions)


def _pay_named_elsewhere(part: ParsedPosting, text: str, src: Source, blocks: list[Block], title: str) -> None:
    """``服务员2名、厨师1名，服务员月薪2800元，厨师月薪5000元``: a job's pay in the shared text, after its name."""
    at = src.norm.find(title)
    while at >= 0:
        if not any(b.start <= at < b.end for b in blocks):
            end = clause_of(src.norm, at)[1]
            clause = _blanked(text, src, [(at, end)], keep=True)
            pay = find_pay(clause, find_figures(clause.norm))
            if pay.found:
                part.salary_min, part.salary_max, part.salary_period = pay.low, pay.high, pay.period
                spans = [clause.span(pay.start, pay.end)]
                part.evidence.update({"salary_min": spans, "salary_max": spans, "salary_period": spans})
                return
        at = src.norm.find(title, at + 1)


def _blanked(text: str, src: Source, ranges: list[tuple[int, int]], keep: bool) -> Source:
    """``text`` with the original characters inside (``keep``) or outside the normalised ranges blanked."""
    spans = [src.span(s, e) for s, e in ranges]
    chars = list(text)
    for i, char in enumerate(chars):
        inside = any(s.start <= i < s.end for s in spans)
        if inside != keep and char != "\n":
            chars[i] = " "
    blanked = prepare("".join(chars))
    blanked.original = text  # same length and offsets: evidence shows the real text
    return blanked


def _parse_one(src: Source, taxonomy: Taxonomy, title_override: str | None) -> ParsedPosting:
    out = ParsedPosting()
    evidence: dict[str, list[Span]] = {}
    unsure: set[str] = set()

    def note(name: str, start: int, end: int) -> None:
        evidence.setdefault(name, []).append(src.span(start, end))

    figures = find_figures(src.norm)
    title = find_title(src, taxonomy) if title_override is None else None
    if title_override is not None:
        out.title = title_override
    elif title is not None:
        out.title = title[0]
        note("title", title[1], title[2])
    _read_occupation(out, taxonomy, unsure)
    _read_pay(out, src, figures, note, unsure)
    _read_person(out, src, figures, note, unsure)
    _read_certificates(out, src, taxonomy, note, unsure)
    _read_terms(out, src, title, note, unsure)
    out.evidence = evidence
    out.unsure = sorted(unsure)
    return out


def _read_occupation(out: ParsedPosting, taxonomy: Taxonomy, unsure: set[str]) -> None:
    if out.title is None:
        unsure.add("title")
        return
    found = taxonomy.match_occupation(out.title)
    if found is None:
        unsure.add("occupation_code")
    else:
        out.occupation_code = found[0]


def _read_pay(out: ParsedPosting, src: Source, figures: list[Figure], note: Note, unsure: set[str]) -> None:
    pay = find_pay(src, figures)
    if pay.found:
        out.salary_min, out.salary_max, out.salary_period = pay.low, pay.high, pay.period
        for name in ("salary_min", "salary_max", "salary_period"):
            note(name, pay.start, pay.end)
        unsure.update(pay.unsure)
    elif pay.unsure:  # 周薪1200: a pay the fields cannot hold; shown to a person, not converted
        unsure.update(pay.unsure)
        note("salary_period", pay.start, pay.end)
    elif not negotiable(src.norm) and any(c in src.norm for c in "元块薪"):
        unsure.add("salary_min")
    notes = find_salary_notes(src)
    out.salary_notes = [label for label, _, _ in notes]
    for _, start, end in notes:
        note("salary_notes", start, end)


def _read_person(out: ParsedPosting, src: Source, figures: list[Figure], note: Note, unsure: set[str]) -> None:
    count = find_headcount(src, figures)
    if count is not None:
        out.headcount = count.value
        if count.value is not None:
            note("headcount", count.start, count.end)
        if count.unsure:
            unsure.add("headcount")
    ages = find_ages(src, figures)
    out.age_min, out.age_max = ages.low, ages.high
    for start, end in ages.spans:
        if ages.low is not None:
            note("age_min", start, end)
        if ages.high is not None:
            note("age_max", start, end)
    if ages.unsure:
        unsure.add("age_max")
    gender, spans = find_gender(src)
    out.gender = gender
    for start, end in spans:
        note("gender", start, end)
    education, at = find_education(src)
    if education is not None and at is not None:
        out.education_min = education.value
        note("education_min", *at)


def _read_certificates(out: ParsedPosting, src: Source, taxonomy: Taxonomy, note: Note, unsure: set[str]) -> None:
    hits = find_certificates(src, taxonomy)
    unnamed = unnamed_requirement(src) if not hits else None
    if unnamed is not None:  # 持证上岗 without a name: a person picks the certificate
        note("certificates_required", *unnamed)
        unsure.add("certificates_required")
    required = [h for h in hits if not h.preferred]
    for hit in required:
        if hit.name not in out.certificates_required:
            out.certificates_required.append(hit.name)
        note("certificates_required", hit.start, hit.end)
        if hit.guessed:
            unsure.add("certificates_required")
    for hit in hits:
        if hit.preferred and hit.name not in out.certificates_required + out.certificates_preferred:
            out.certificates_preferred.append(hit.name)
            note("certificates_preferred", hit.start, hit.end)


def _read_terms(
    out: ParsedPosting, src: Source, title: tuple[str, int, int] | None, note: Note, unsure: set[str]
) -> None:
    board = find_board(src)
    out.meals, out.housing = board.meals, board.housing
    if board.meals_span:
        note("meals", *board.meals_span)
    if board.housing_span:
        note("housing", *board.housing_span)
    if board.conflict:
        unsure.update({"meals", "housing"})
    kind, at = find_job_kind(src)
    if kind is not None and at is not None:
        out.job_kind = kind
        note("job_kind", *at)
    category, at = find_welfare_category(src, (title[1], title[2]) if title else None)
    if category is not None and at is not None:
        out.public_welfare_category = category
        note("public_welfare_category", *at)
    place = find_place(src)
    if place is not None:
        span = src.span(place[1], place[2])
        out.place = {"text": span.text, "adcode": place[0]}
        note("place", place[1], place[2])
    phone = find_phone(src)
    if phone is not None:
        out.phone = phone[0]
        note("phone", phone[1], phone[2])


def parse_posting_lines(lines: Iterable[str], taxonomy: Taxonomy | None = None) -> Iterator[dict[str, Any]]:
    """JSON lines ``{"id": ..., "text": ...}`` in, ``{"id": ..., <fields>}`` out; a bad line gives ``error``.

    Blank lines are skipped; nothing a line holds stops the stream.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            yield {"error": f"第{number}行不是有效的 JSON，请检查引号和括号后重新提交。"}
            continue
        if not isinstance(record, dict):
            yield {"error": f'第{number}行应是一个对象，如 {{"id": "1", "text": "招聘普工…"}}。'}
            continue
        ident = record.get("id")
        head: dict[str, Any] = {"id": ident} if "id" in record else {}
        posting = record.get("text")
        if not isinstance(posting, str):
            yield {**head, "error": f"第{number}行缺少 text 字段（招聘信息原文），请补上后重新提交。"}
            continue
        try:
            parsed = parse_posting(posting, taxonomy)
        except Exception as exc:  # a parser bug must not end the stream; the line is reported instead
            yield {**head, "error": f"第{number}行无法解析（{type(exc).__name__}），请把原文发给管理员。"}
            continue
        yield {**head, **parsed.as_json()}
