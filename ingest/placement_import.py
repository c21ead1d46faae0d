"""Import past jobs (往期就业记录) from a workbook: one row per job, with the person's ID number, employer, job,
start, end, monthly wage and reason for leaving. ``anye ingest placements FILE``.

Each row becomes a match of source ``history`` at stage 已上岗 (no end) or 已离职, with its events (上岗 on the
start day, 离职 on the end day), on a closed past posting of the employer (one per employer and job title,
made when first needed; employers are found by name, or registered). These are outcomes the ranking model
learns from (``hired_on``, ``separated_on``); they do not change the worker's current employment status, which
is the ledger's, and they are not followed up (回访) in Anye.

The machinery is that of the postings import (``ingest.posting_import.TableImport``): the header found by
meaning (``ingest/data/placement_columns.csv``), each file in a SAVEPOINT, every problem recorded with sheet,
row, column, value (ID numbers masked) and a Chinese reason, rejected rows written to the rejects workbook.
A row without a valid ID number of a person in the ledger, an employer, a job or a start date is rejected; a
reason for leaving outside the vocabulary (``models.pipeline.SEPARATION_REASONS``) is read as the nearest one,
with the words kept. The same job imported again (same person, employer, job and start) is left as it is, so
importing a file twice imports it once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingest.dates import parse_date
from ingest.idcard import IdNumber, normalise_id_number
from ingest.posting_import import TableImport, Where
from ingest.posting_row import CellProblem, RowValues
from ingest.posting_table import PostingTable
from ingest.problem import CODES, Checked, Problem
from ingest.values import parse_amount
from models.base import utcnow
from models.crypto import PersonalDataCipher, mask_id_number
from models.match import Match, MatchEvent
from models.pipeline import SEPARATION_REASONS
from models.posting import Posting
from models.taxonomy import Taxonomy
from models.text import cell_text, normalise_text
from models.vocab import MatchSource, MatchStage, PostingSource, PostingStatus
from models.worker import Worker

__all__ = ["PAST_POSTING_NOTE", "PlacementImport", "parse_separation_reason"]

PAST_POSTING_NOTE = "往期就业记录（由往期就业表导入）"
# words people write -> the vocabulary's reason (the first rule whose word is in the text)
_REASON_WORDS = (
    (("工资", "收入", "待遇", "钱少", "薪"), "工资低"),
    (("远", "路程", "通勤", "交通"), "离家远"),
    (("身体", "病", "伤", "残", "体力"), "身体原因"),
    (("照顾", "孩子", "老人", "家里", "家庭", "带娃", "怀孕", "生育"), "照顾家庭"),
    (("裁员", "减员", "倒闭", "停产", "歇业", "辞退", "没活"), "企业减员"),
    (("合同", "到期", "期满", "项目结束", "工程结束"), "合同到期"),
    (("季节", "农忙", "采摘结束", "季节性"), "季节结束"),
)


def parse_separation_reason(raw: object) -> Checked[str]:
    """The reason for leaving as the vocabulary spells it; other words are read as the nearest reason (or 其他),
    with a ``value_assumed`` warning. Blank is no reason."""
    text = normalise_text(cell_text(raw))
    if not text:
        return Checked(None)
    if text in SEPARATION_REASONS:
        return Checked(text)
    found = next((reason for words, reason in _REASON_WORDS if any(w in text for w in words)), "其他")
    return Checked(found, "value_assumed", f"离职原因“{text}”按“{found}”记录（原文已保留）")


class PlacementImport(TableImport):
    kind = "placements"
    key_field = "id_number"
    columns_file = "placement_columns.csv"
    no_header = "此工作表中找不到往期就业表头（身份证号、用人单位、岗位、入职日期等列），未导入。"
    count_keys = ("rows", "created", "unchanged", "rejected")

    def __init__(
        self,
        session: Session,
        cipher: PersonalDataCipher,
        taxonomy: Taxonomy,
        *,
        actor: str | None = None,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(session, taxonomy, actor=actor)
        self.cipher = cipher
        self.today = today or dt.date.today()
        self._postings: dict[tuple[int, str], Posting] = {}

    def read(self, table: PostingTable, cells: list[Any]) -> RowValues:
        return _read(table, cells, self.today)

    def save(self, values: RowValues, problems: list[Problem], where: Where) -> None:
        job = values.posting
        worker = self._worker(job["id"])
        if worker is None:
            label = values.label_of("id_number")
            problems.append(Problem(*where, label, job["id_mask"], "person_unknown", CODES["person_unknown"][0]))
            return
        employer = self.service.employer_for(self.employer_form(values, problems, where))[0]
        posting = self._posting(employer.id, job["title"])
        start: dt.date = job["start"]
        repeat = select(Match.id).where(Match.worker_id == worker.id, Match.posting_id == posting.id,
                                        Match.hired_on == start, Match.source == MatchSource.HISTORY.value)  # fmt: skip
        if self.session.scalars(repeat).first() is not None:
            self.counts["unchanged"] += 1
            return
        self._write(worker.id, posting.id, job)
        self.counts["created"] += 1

    def _worker(self, id_number: IdNumber) -> Worker | None:
        query = select(Worker).where(Worker.id_number_hash == self.cipher.digest(id_number.number))
        return self.session.scalars(query).first()

    def _posting(self, employer_id: int, title: str) -> Posting:
        """The employer's closed past posting of this job title, made when first needed."""
        key = (employer_id, title)
        if key not in self._postings:
            query = select(Posting).where(Posting.employer_id == employer_id, Posting.title == title,
                                          Posting.description == PAST_POSTING_NOTE)  # fmt: skip
            found = self.session.scalars(query.order_by(Posting.id)).first()
            if found is None:
                found = Posting(employer_id=employer_id, title=title, description=PAST_POSTING_NOTE,
                                status=PostingStatus.CLOSED.value, source=PostingSource.IMPORT.value, match_text="",
                                closed_at=utcnow(), last_batch_id=self.batch.id)  # fmt: skip
                self.service.repo.add(found)
            self._postings[key] = found
        return self._postings[key]

    def _write(self, worker_id: int, posting_id: int, job: dict[str, Any]) -> None:
        start, end, wage = job["start"], job["end"], job["wage"]
        stage = MatchStage.SEPARATED if end is not None else MatchStage.HIRED
        last = _at(end or start)
        match = Match(worker_id=worker_id, posting_id=posting_id, source=MatchSource.HISTORY.value,
                      proposed_at=_at(start), proposed_by=self.actor, stage=stage.value, stage_at=last,
                      hired_on=start, wage=wage, separated_on=end, separation_reason=job["reason"])  # fmt: skip
        self.session.add(match)
        self.session.flush()
        hired = {"hired_on": start.isoformat(), "wage": None if wage is None else float(wage),
                 "batch_id": self.batch.id, **({"extra": job["extra"]} if job["extra"] else {})}  # fmt: skip
        events = [MatchEvent(match_id=match.id, stage=MatchStage.HIRED.value, at=_at(start), actor=self.actor,
                             detail=hired)]  # fmt: skip
        if end is not None:
            left = {"separated_on": end.isoformat(), "reason": job["reason"], "reason_text": job["reason_text"],
                    "batch_id": self.batch.id}  # fmt: skip
            events.append(MatchEvent(match_id=match.id, stage=stage.value, at=last, actor=self.actor, detail=left))
        self.session.add_all(events)
        self.session.flush()


def _at(day: dt.date) -> dt.datetime:
    """A past day as an event time: 09:00 Beijing, as the demo city's history dates its events."""
    return dt.datetime(day.year, day.month, day.day, 1, 0, tzinfo=dt.UTC)


def _read(table: PostingTable, cells: list[Any], today: dt.date) -> RowValues:
    out = RowValues(table)

    def raw(name: str) -> Any:
        i = table.columns.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    def problem(name: str | None, value: str | None, code: str, reason: str | None = None) -> None:
        label = table.labels[table.columns[name]] if name in table.columns else None
        out.problems.append(CellProblem(label, value, code, reason or CODES[code][0]))

    def checked(name: str, result: Checked[Any]) -> Any:
        if result.code:
            problem(name, cell_text(raw(name))[:200], result.code, result.reason)
        return result.value

    person = normalise_id_number(raw("id_number"), today=today)
    if person.value is None:
        problem("id_number", _masked(raw("id_number")), person.code or "id_missing", person.reason)
    employer, title = cell_text(raw("employer_name")), cell_text(raw("title"))
    if not employer:
        problem("employer_name", None, "employer_missing")
    if not title:
        problem("title", None, "title_missing")
    start, end = checked("start", parse_date(raw("start"))), checked("end", parse_date(raw("end")))
    if end is None and cell_text(raw("end")):
        problem("end", None, "end_invalid")
    if start is None:
        problem("start", None, "start_missing")
    elif start > today or (end is not None and end < start):
        problem("end" if end is not None and end < start else "start", None, "dates_reversed")
    wage = checked("wage", parse_amount(raw("wage")))
    reason_text = cell_text(raw("reason")) or None
    reason = checked("reason", parse_separation_reason(raw("reason"))) if end is not None else None
    if out.rejected or person.value is None:
        return out
    out.employer = {"name": employer}
    out.posting = {"id": person.value, "id_mask": mask_id_number(person.value.number), "title": title,
                   "start": start, "end": end, "wage": wage, "reason": reason, "reason_text": reason_text,
                   "extra": {label: cell_text(cells[i]) for label, i in table.unknown_columns.items()
                             if i < len(cells) and cell_text(cells[i])}}  # fmt: skip
    return out


def _masked(value: Any) -> str | None:
    text = cell_text(value)
    return mask_id_number(text) if text else None
