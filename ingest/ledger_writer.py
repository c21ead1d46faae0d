"""Writes parsed ledger persons to the database in bulk: sites, households, workers, their details,
and a change record for every field a newer ledger changed. Unchanged rows are not touched."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ingest.ledger_row import PersonRecord
from ingest.place import SiteResolver
from models.crypto import PersonalDataCipher, mask_id_number, mask_phone
from models.household import Household
from models.repository import LedgerRepository
from models.worker import Worker

__all__ = ["LedgerWriter", "Pending"]

# Worker columns a ledger row may set (besides identity, phones and household).
ATTRIBUTES = (
    "relation_to_head",
    "education",
    "labour_capacity",
    "health",
    "employment_status",
    "employment_place",
    "employer_name",
    "months_worked",
    "monthly_income",
    "wish_employment",
    "wish_job_text",
    "wish_place_range",
    "wish_min_wage",
    "training_wish",
    "not_working_reason",
    "assistance",
    "remarks",
)
# an 18- or 15-digit ID number, or a mainland mobile number, anywhere in a text
_PERSONAL = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?!\d)")
_SECRET = "enc:"
_ID_RESERVE = 20_000  # at most this many ids are taken from a sequence ahead of need
_HOUSEHOLD_ATTRS = ("head_name", "origin_town", "origin_village", "category", "monitoring_kind", "size")


@dataclass(slots=True)
class Pending:
    record: PersonRecord
    digest: str
    household_key: tuple[str, str]  # (site name as written, household number)
    # a new worker's own columns, personal ones encrypted (``LedgerWriter._seal``)
    columns: dict[str, Any] | None = None


@dataclass(slots=True)
class WritePlan:
    """One batch's writes, worked out by ``LedgerWriter.plan`` and sent by ``LedgerWriter.write``."""

    households: list[dict[str, Any]] = field(default_factory=list)  # new, with ``household_ids``
    household_ids: list[int] = field(default_factory=list)
    household_updates: list[dict[str, Any]] = field(default_factory=list)
    workers: list[dict[str, Any]] = field(default_factory=list)  # new
    worker_ids: list[int] | None = None  # None: the database gives them on insert
    new_records: list[PersonRecord] = field(default_factory=list)
    worker_updates: list[dict[str, Any]] = field(default_factory=list)
    replaced: list[tuple[int, PersonRecord, frozenset[str]]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)


class LedgerWriter:
    """Writes batches of parsed persons. ``plan`` works out a batch's rows ahead (using the database only
    to look things up, after calling ``sync``); ``write`` sends them. The importer plans one batch while
    the previous one is still being written, so Python and the database work at the same time; ``sync``
    waits for that writing to end (the session is not to be used by two threads at once)."""

    def __init__(
        self,
        session: Session,
        cipher: PersonalDataCipher,
        as_of: dt.date,
        actor: str | None,
        *,
        expected_rows: int = 0,
        sync: Callable[[], None] | None = None,
    ) -> None:
        self.repo = LedgerRepository(session)
        self._cipher = cipher
        self._as_of = as_of
        self._actor = actor
        self._sync = sync if sync is not None else _no_sync
        self._sites = SiteResolver(self.repo)
        self._site_ids: dict[str, int] = {}
        self._households: dict[tuple[int, str], dict[str, Any]] = {}
        self._loaded_sites: set[int] = set()
        # ids taken from the sequences ahead (up to a file's rows), so that planning need not wait
        self._ids: dict[str, list[int]] = {}
        self._plans: dict[int, tuple[list[Pending], WritePlan]] = {}
        self._reserve = min(max(expected_rows, 1), _ID_RESERVE)
        self.counts: Counter[str] = Counter(created=0, updated=0, unchanged=0, stale=0)
        self._had_workers = self.repo.has_workers()

    def _seal(self, pending: list[Pending]) -> None:
        """Fill in the columns of new workers: ID number and phones encrypted, hashed and masked."""
        cipher = self._cipher
        sealed_ids = cipher.encrypt_many([p.record.id.number for p in pending])
        sealed_phones = iter(cipher.encrypt_many([p.record.phones[0] for p in pending if p.record.phones]))
        as_of = self._as_of
        for p, sealed_id in zip(pending, sealed_ids, strict=True):
            r = p.record
            attrs = r.attrs
            columns = dict(zip(ATTRIBUTES, map(attrs.get, ATTRIBUTES), strict=True))
            columns.update(
                name=r.name,
                id_number_hash=p.digest,
                id_number_enc=sealed_id,
                id_number_mask=mask_id_number(r.id.number),
                sex=r.id.sex,
                birth_date=r.id.birth_date,
                extra=self._protect(r.extra) if r.extra else None,
                as_of=as_of,
            )
            columns.update(self._phone_columns(r.phones, next(sealed_phones) if r.phones else None))
            p.columns = columns

    def plan(self, pending: list[Pending], batch_id: int) -> None:
        """Work out the writes of these rows now, for ``write`` to send later."""
        self._plans[id(pending)] = (pending, self._plan(pending, batch_id))

    def write(self, pending: list[Pending], batch_id: int) -> None:
        """Write these rows: what ``plan`` worked out for them, or (if it was not called) planned now by the
        caller, who then owns the session (so without ``sync``)."""
        planned = self._plans.pop(id(pending), None)
        if planned is None or planned[0] is not pending:
            sync, self._sync = self._sync, _no_sync
            try:
                planned = (pending, self._plan(pending, batch_id))
            finally:
                self._sync = sync
        self._execute(planned[1])

    def _plan(self, pending: list[Pending], batch_id: int) -> WritePlan:
        given = {id(p) for p in pending if p.household_key[1]}
        plan = WritePlan()
        # Duplicates within the run never reach the writer, so only workers that were there before this
        # file can match; into an empty table (a first import) there is nothing to look up.
        existing: dict[str, dict[str, Any]] = {}
        details_before: dict[int, list[tuple[Any, ...]]] = {}
        if self._had_workers:
            self._sync()
            existing = self.repo.workers_by_hash([p.digest for p in pending])
        self._seal([p for p in pending if p.digest not in existing])
        household_ids = self._households_for([p for p in pending if id(p) in given or p.digest not in existing], plan)
        if existing:
            details_before = self.repo.details_of([w["id"] for w in existing.values()])
        for p in pending:
            hh_id = household_ids.get(p.household_key, 0)
            old = existing.get(p.digest)
            if old is None:
                plan.workers.append(_new_worker(p, hh_id, batch_id))
                plan.new_records.append(p.record)
            elif old["as_of"] is not None and old["as_of"] > self._as_of:
                self.counts["stale"] += 1
            else:
                # the ledger says nothing of households: keep the one on file
                hh_id = hh_id if id(p) in given else old["household_id"]
                self._plan_update(plan, old, p, hh_id, details_before.get(old["id"], []), batch_id)
        plan.worker_ids = self._take_ids(Worker, len(plan.workers))
        self.counts["created"] += len(plan.workers)
        return plan

    def _plan_update(
        self, plan: WritePlan, old: dict[str, Any], p: Pending, hh_id: int, before: list[tuple[Any, ...]], batch_id: int
    ) -> None:
        diff, field_changes = self._diff(old, p, hh_id, batch_id)
        kinds, detail_changes = self._detail_changes(old["id"], before, p.record, batch_id)
        if detail_changes:
            plan.replaced.append((old["id"], p.record, kinds))
        if diff or detail_changes:
            diff.update(id=old["id"], last_batch_id=batch_id, as_of=self._as_of)
            plan.worker_updates.append(diff)
            plan.changes.extend(field_changes + detail_changes)
            self.counts["updated"] += 1
        else:
            self.counts["unchanged"] += 1
            if old["as_of"] is None or old["as_of"] < self._as_of:
                # confirmed by a newer ledger: only the date moves, so an older ledger cannot undo it
                plan.worker_updates.append({"id": old["id"], "as_of": self._as_of})

    def _execute(self, plan: WritePlan) -> None:
        self.repo.insert_households(plan.households, plan.household_ids)
        self.repo.update_rows(Household, plan.household_updates)
        ids = self.repo.insert_workers(plan.workers, plan.worker_ids)
        self.repo.update_rows(Worker, plan.worker_updates)
        self._write_details(plan.replaced, clear=True)
        self._write_details([(i, r, r.detail_kinds) for i, r in zip(ids, plan.new_records, strict=True)], clear=False)
        self.repo.insert_changes(plan.changes)

    def _take_ids(self, table: type[Household] | type[Worker], n: int) -> list[int] | None:
        """``n`` ids for new rows of ``table``, or None where the database gives them only on insert."""
        pool = self._ids.setdefault(table.__tablename__, [])
        if len(pool) < n:
            self._sync()
            more = self.repo.next_ids(table, max(n - len(pool), self._reserve))
            if more is None:
                return None
            pool.extend(more)
        taken = pool[:n]
        del pool[:n]
        return taken

    # households --------------------------------------------------------------------------------
    def _households_for(self, pending: list[Pending], plan: WritePlan) -> dict[tuple[str, str], int]:
        """Household ids for the pending rows' keys; new households and changes to others go in ``plan``."""
        keys: dict[tuple[str, str], tuple[int, str]] = {}
        fresh: dict[tuple[int, str], dict[str, Any]] = {}
        updates: dict[int, dict[str, Any]] = {}
        for p in pending:
            if not p.household_key[1]:
                p.household_key = (p.household_key[0], "auto-" + p.digest[:12])  # no household given
            hh = p.record.household
            key = keys.get(p.household_key)
            if key is None:
                key = keys[p.household_key] = (self._site_id(p.household_key[0], hh), p.household_key[1])
            values = _household_values(hh)
            found = self._households.get(key)
            if found is None:
                if key not in fresh:
                    fresh[key] = {"site_id": key[0], "number": key[1], **_BLANK_HOUSEHOLD, "as_of": self._as_of}
                fresh[key].update(values)
                continue
            if found.get("as_of") is not None and found["as_of"] > self._as_of:
                continue  # an older ledger never overwrites what a newer one said of the household
            changed = {k: v for k, v in values.items() if found[k] != v}
            if changed:
                changed["as_of"] = self._as_of
                updates.setdefault(found["id"], {"id": found["id"]}).update(changed)
                found.update(changed)
        rows = list(fresh.values())
        ids = self._take_ids(Household, len(rows))
        if ids is None:
            self._sync()
            ids = self.repo.insert_households(rows)  # now: the ids are needed for the workers
        else:
            plan.households, plan.household_ids = rows, ids
        for key, new_id in zip(fresh, ids, strict=True):
            self._households[key] = {**fresh[key], "id": new_id}
        plan.household_updates = list(updates.values())
        return {written: self._households[key]["id"] for written, key in keys.items()}

    def _site_id(self, written: str, household: dict[str, Any]) -> int:
        site_id = self._site_ids.get(written)
        if site_id is None:
            self._sync()
            site_id = self._site_ids[written] = self._sites.resolve(written, household.get("county_hint"))
            self._load_site(site_id)
        return site_id

    def _load_site(self, site_id: int) -> None:
        if site_id not in self._loaded_sites:  # (after sync)
            self._households.update(self.repo.households_of_sites([site_id]))
            self._loaded_sites.add(site_id)

    # workers -----------------------------------------------------------------------------------
    def _phone_columns(self, phones: list[str], sealed: bytes | None) -> dict[str, Any]:
        """The phone columns of a cell's numbers; ``sealed``: the first number, encrypted."""
        if not phones:
            return {"phone_hash": None, "phone_enc": None, "phone_mask": None, "other_phones_enc": None}
        first, others = phones[0], phones[1:]
        return {
            "phone_hash": self._cipher.digest(first),
            "phone_enc": sealed,
            "phone_mask": mask_phone(first),
            "other_phones_enc": [self._cipher.encrypt_text(x) for x in others] or None,
        }

    def _diff(
        self, old: dict[str, Any], p: Pending, household_id: int, batch_id: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        r = p.record
        diff: dict[str, Any] = {}
        changes: list[dict[str, Any]] = []

        def change(name: str, before: Any, after: Any, encrypted: bool = False) -> None:
            changes.append(
                {
                    "worker_id": old["id"],
                    "batch_id": batch_id,
                    "actor": self._actor,
                    "field": name,
                    "old_value": before if encrypted else _text(before),
                    "new_value": after if encrypted else _text(after),
                    "encrypted": encrypted,
                }
            )

        for name in ATTRIBUTES:
            if name in r.attrs and r.attrs[name] != old[name]:
                diff[name] = r.attrs[name]
                change(name, old[name], r.attrs[name])
        if r.name and r.name != old["name"]:
            diff["name"] = r.name
            change("name", old["name"], r.name)
        if household_id != old["household_id"]:
            diff["household_id"] = household_id
            change("household_id", old["household_id"], household_id)
        if r.extra:
            before = self._reveal(old["extra"] or {})
            merged = {**before, **r.extra}
            if merged != before:
                diff["extra"] = self._protect(merged)
                change("extra", self._enc_text(before), self._enc_text(merged), encrypted=True)
        if "phone" in r.attrs and self._phones_of(old) != r.phones:
            diff.update(self._phone_columns(r.phones, self._cipher.encrypt(r.phones[0]) if r.phones else None))
            change("phone", self._enc_list(self._phones_of(old)), self._enc_list(r.phones), encrypted=True)
        return diff, changes

    def _phones_of(self, old: dict[str, Any]) -> list[str]:
        if old["phone_enc"] is None:
            return []
        return [self._cipher.decrypt(old["phone_enc"])] + [
            self._cipher.decrypt_text(x) for x in (old["other_phones_enc"] or [])
        ]

    def _protect(self, extra: dict[str, str]) -> dict[str, str]:
        """Extra values that hold an ID number or a mobile (户主身份证号, 联系人电话 ...) are stored
        encrypted, marked with a prefix; the others as written."""
        return {k: _SECRET + self._cipher.encrypt_text(v) if _PERSONAL.search(v) else v for k, v in extra.items()}

    def _reveal(self, extra: dict[str, str]) -> dict[str, str]:
        return {
            k: self._cipher.decrypt_text(v[len(_SECRET) :]) if v.startswith(_SECRET) else v for k, v in extra.items()
        }

    def _enc_text(self, extra: dict[str, str]) -> str:
        return self._cipher.encrypt_text(json.dumps(extra, ensure_ascii=False, sort_keys=True))

    def _enc_list(self, phones: list[str]) -> str | None:
        return self._cipher.encrypt_text("/".join(phones)) if phones else None

    # skills, certificates, training --------------------------------------------------------------
    def _detail_changes(
        self, worker_id: int, before: list[tuple[Any, ...]], r: PersonRecord, batch_id: int
    ) -> tuple[frozenset[str], list[dict[str, Any]]]:
        """The kinds of detail (of those this ledger has columns for) that differ from what is stored,
        with one change record each."""
        after = _details(r)
        changed: set[str] = set()
        changes: list[dict[str, Any]] = []
        for kind in sorted(r.detail_kinds):
            old = sorted((t for t in before if t[0] == kind), key=repr)
            new = sorted((t for t in after if t[0] == kind), key=repr)
            if old != new:
                changed.add(kind)
                changes.append(
                    {
                        "worker_id": worker_id,
                        "batch_id": batch_id,
                        "actor": self._actor,
                        "field": f"details:{kind}",
                        "old_value": _text([t[1:] for t in old]),
                        "new_value": _text([t[1:] for t in new]),
                        "encrypted": False,
                    }
                )
        return frozenset(changed), changes

    def _write_details(self, items: list[tuple[int, PersonRecord, frozenset[str]]], *, clear: bool) -> None:
        """Write the details of the given kinds for each worker (after deleting the old ones if ``clear``)."""
        skills: list[tuple[Any, ...]] = []  # rows of the repository's SKILL_COLUMNS, and so on
        certs: list[tuple[Any, ...]] = []
        training: list[tuple[Any, ...]] = []
        cleared: dict[str, list[int]] = {}
        for worker_id, r, kinds in items:
            for kind in kinds:
                cleared.setdefault(kind, []).append(worker_id)
            skills.extend((worker_id, *skill) for skill in r.skills if skill[0] in kinds)
            if "certificate" in kinds:
                certs.extend((worker_id, canonical, text, None) for canonical, text in r.certificates)
            if r.training and "training" in kinds:
                trade, code, attended, certified = r.training
                training.append((worker_id, trade, code, attended, certified, trade))
        self.repo.replace_details(cleared if clear else {}, skills, certs, training)


def _no_sync() -> None:
    pass


def _new_worker(p: Pending, household_id: int, batch_id: int) -> dict[str, Any]:
    row = p.columns
    assert row is not None
    row["household_id"] = household_id
    row["last_batch_id"] = batch_id
    return row


def _details(r: PersonRecord) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = [(kind, text) for kind, _, _, text in r.skills]
    out += [("certificate", text) for _, text in r.certificates]
    if r.training:
        trade, _, attended, certified = r.training
        out.append(("training", trade, attended, certified))
    return out


def _household_values(hh: dict[str, Any]) -> dict[str, Any]:
    values = {k: hh[k] for k in _HOUSEHOLD_ATTRS if hh.get(k) is not None}
    origin = hh.get("origin")
    if origin and "origin_village" not in values:
        values["origin_village"] = origin
    return values


_BLANK_HOUSEHOLD: dict[str, Any] = dict.fromkeys(_HOUSEHOLD_ATTRS)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
