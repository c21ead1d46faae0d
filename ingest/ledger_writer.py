"""Writes parsed ledger persons to the database in bulk: sites, households, workers, their details,
and a change record for every field a newer ledger changed. Unchanged rows are not touched."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
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
_HOUSEHOLD_ATTRS = ("head_name", "origin_town", "origin_village", "category", "monitoring_kind", "size")


@dataclass(slots=True)
class Pending:
    record: PersonRecord
    digest: str
    household_key: tuple[str, str]  # (site name as written, household number)


class LedgerWriter:
    def __init__(self, session: Session, cipher: PersonalDataCipher, as_of: dt.date, actor: str | None) -> None:
        self.repo = LedgerRepository(session)
        self._cipher = cipher
        self._as_of = as_of
        self._actor = actor
        self._sites = SiteResolver(self.repo)
        self._households: dict[tuple[int, str], dict[str, Any]] = {}
        self._loaded_sites: set[int] = set()
        self.counts: Counter[str] = Counter(created=0, updated=0, unchanged=0, stale=0)
        self._had_workers = self.repo.has_workers()

    def write(self, pending: list[Pending], batch_id: int) -> None:
        given = {id(p) for p in pending if p.household_key[1]}
        # Duplicates within the run never reach the writer, so only workers that were there before this
        # file can match; into an empty table (a first import) there is nothing to look up.
        existing = self.repo.workers_by_hash([p.digest for p in pending]) if self._had_workers else {}
        household_ids = self._households_for([p for p in pending if id(p) in given or p.digest not in existing])
        details_before = self.repo.details_of([w["id"] for w in existing.values()])
        new_rows: list[dict[str, Any]] = []
        new_records: list[PersonRecord] = []
        updates: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        replaced: list[tuple[int, PersonRecord, frozenset[str]]] = []
        for p in pending:
            hh_id = household_ids.get(p.household_key, 0)
            old = existing.get(p.digest)
            if old is None:
                new_rows.append(self._new_worker(p, hh_id, batch_id))
                new_records.append(p.record)
                continue
            if old["as_of"] is not None and old["as_of"] > self._as_of:
                self.counts["stale"] += 1
                continue
            if id(p) not in given:
                hh_id = old["household_id"]  # the ledger says nothing of households: keep the one on file
            diff, field_changes = self._diff(old, p.record, hh_id, batch_id)
            kinds, detail_changes = self._detail_changes(
                old["id"], details_before.get(old["id"], []), p.record, batch_id
            )
            if detail_changes:
                replaced.append((old["id"], p.record, kinds))
            if diff or detail_changes:
                diff.update(id=old["id"], last_batch_id=batch_id, as_of=self._as_of)
                updates.append(diff)
                changes.extend(field_changes + detail_changes)
                self.counts["updated"] += 1
            else:
                self.counts["unchanged"] += 1
                if old["as_of"] is None or old["as_of"] < self._as_of:
                    # confirmed by a newer ledger: only the date moves, so an older ledger cannot undo it
                    updates.append({"id": old["id"], "as_of": self._as_of})
        ids = self.repo.insert_workers(new_rows)
        self.counts["created"] += len(ids)
        self.repo.update_rows(Worker, updates)
        self._write_details(replaced, clear=True)
        self._write_details([(i, r, r.detail_kinds) for i, r in zip(ids, new_records, strict=True)], clear=False)
        self.repo.insert_changes(changes)

    # households --------------------------------------------------------------------------------
    def _households_for(self, pending: list[Pending]) -> dict[tuple[str, str], int]:
        """Household ids for the pending rows' keys; new households inserted, changed ones updated."""
        keys: dict[tuple[str, str], tuple[int, str]] = {}
        fresh: dict[tuple[int, str], dict[str, Any]] = {}
        updates: dict[int, dict[str, Any]] = {}
        for p in pending:
            if not p.household_key[1]:
                p.household_key = (p.household_key[0], "auto-" + p.digest[:12])  # no household given
            hh = p.record.household
            key = keys.get(p.household_key)
            if key is None:
                site_id = self._sites.resolve(p.household_key[0], hh.get("county_hint"))
                self._load_site(site_id)
                key = keys[p.household_key] = (site_id, p.household_key[1])
            values = _household_values(hh)
            found = self._households.get(key)
            if found is None:
                fresh.setdefault(key, {"site_id": key[0], "number": key[1], **_BLANK_HOUSEHOLD}).update(values)
                continue
            changed = {k: v for k, v in values.items() if found[k] != v}
            if changed:
                updates.setdefault(found["id"], {"id": found["id"]}).update(changed)
                found.update(changed)
        rows = list(fresh.values())
        for key, new_id in zip(fresh, self.repo.insert_households(rows), strict=True):
            self._households[key] = {**fresh[key], "id": new_id}
        self.repo.update_rows(Household, list(updates.values()))
        return {written: self._households[key]["id"] for written, key in keys.items()}

    def _load_site(self, site_id: int) -> None:
        if site_id not in self._loaded_sites:
            self._households.update(self.repo.households_of_sites([site_id]))
            self._loaded_sites.add(site_id)

    # workers -----------------------------------------------------------------------------------
    def _new_worker(self, p: Pending, household_id: int, batch_id: int) -> dict[str, Any]:
        r = p.record
        row: dict[str, Any] = {name: r.attrs.get(name) for name in ATTRIBUTES}
        row.update(
            household_id=household_id,
            name=r.name,
            id_number_hash=p.digest,
            id_number_enc=self._cipher.encrypt(r.id.number),
            id_number_mask=mask_id_number(r.id.number),
            sex=r.id.sex,
            birth_date=r.id.birth_date,
            extra=self._protect(r.extra) or None,
            as_of=self._as_of,
            last_batch_id=batch_id,
        )
        row.update(self._phone_columns(r.phones))
        return row

    def _phone_columns(self, phones: list[str]) -> dict[str, Any]:
        if not phones:
            return {"phone_hash": None, "phone_enc": None, "phone_mask": None, "other_phones_enc": None}
        first, others = phones[0], phones[1:]
        return {
            "phone_hash": self._cipher.digest(first),
            "phone_enc": self._cipher.encrypt(first),
            "phone_mask": mask_phone(first),
            "other_phones_enc": [self._cipher.encrypt_text(x) for x in others] or None,
        }

    def _diff(
        self, old: dict[str, Any], r: PersonRecord, household_id: int, batch_id: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
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
            diff.update(self._phone_columns(r.phones))
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
        skills: list[dict[str, Any]] = []
        certs: list[dict[str, Any]] = []
        training: list[dict[str, Any]] = []
        cleared: dict[str, list[int]] = {}
        for worker_id, r, kinds in items:
            for kind in kinds:
                cleared.setdefault(kind, []).append(worker_id)
            for kind, code, name, text in r.skills:
                if kind in kinds:
                    skills.append(
                        {
                            "worker_id": worker_id,
                            "kind": kind,
                            "occupation_code": code,
                            "name": name,
                            "source_text": text,
                        }
                    )
            if "certificate" in kinds:
                certs.extend(
                    {"worker_id": worker_id, "canonical_name": canonical, "source_text": text, "expires_on": None}
                    for canonical, text in r.certificates
                )
            if r.training and "training" in kinds:
                trade, code, attended, certified = r.training
                training.append(
                    {
                        "worker_id": worker_id,
                        "trade": trade,
                        "occupation_code": code,
                        "attended_on": attended,
                        "certified": certified,
                        "source_text": trade,
                    }
                )
        self.repo.replace_details(cleared if clear else {}, skills, certs, training)


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
