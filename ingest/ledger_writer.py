"""Writes parsed ledger persons to the database in bulk: sites, households, workers, their details,
and a change record for every field a newer ledger changed. Unchanged rows are not touched."""

from __future__ import annotations

import datetime as dt
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
        household_ids = self._households_for(pending)
        # Duplicates within the run never reach the writer, so only workers that were there before this
        # file can match; into an empty table (a first import) there is nothing to look up.
        existing = self.repo.workers_by_hash([p.digest for p in pending]) if self._had_workers else {}
        details_before = self.repo.skills_of([w["id"] for w in existing.values()])
        new_rows: list[dict[str, Any]] = []
        new_records: list[PersonRecord] = []
        updates: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        replaced: list[tuple[int, PersonRecord]] = []
        for p in pending:
            hh_id = household_ids[p.household_key]
            old = existing.get(p.digest)
            if old is None:
                new_rows.append(self._new_worker(p, hh_id, batch_id))
                new_records.append(p.record)
                continue
            if old["as_of"] is not None and old["as_of"] > self._as_of:
                self.counts["stale"] += 1
                continue
            diff, field_changes = self._diff(old, p.record, hh_id, batch_id)
            detail_changes = self._detail_changes(old["id"], details_before.get(old["id"], []), p.record, batch_id)
            if detail_changes:
                replaced.append((old["id"], p.record))
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
        self._write_details(replaced, clear=[w for w, _ in replaced])
        self._write_details(list(zip(ids, new_records, strict=True)), clear=[])
        self.repo.insert_changes(changes)

    # households --------------------------------------------------------------------------------
    def _households_for(self, pending: list[Pending]) -> dict[tuple[str, str], int]:
        """Household ids for the pending rows' keys; new households inserted, changed ones updated."""
        keys: dict[tuple[str, str], tuple[int, str]] = {}
        fresh: dict[tuple[int, str], dict[str, Any]] = {}
        updates: dict[int, dict[str, Any]] = {}
        for p in pending:
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
            extra=r.extra or None,
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
        if r.extra and r.extra != (old["extra"] or {}):
            diff["extra"] = {**(old["extra"] or {}), **r.extra}
            change("extra", old["extra"], diff["extra"])
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

    def _enc_list(self, phones: list[str]) -> str | None:
        return self._cipher.encrypt_text("/".join(phones)) if phones else None

    # skills, certificates, training --------------------------------------------------------------
    def _detail_changes(
        self, worker_id: int, before: list[tuple[Any, ...]], r: PersonRecord, batch_id: int
    ) -> list[dict[str, Any]]:
        after = _details(r)
        if sorted(before) == sorted(after):
            return []
        return [
            {
                "worker_id": worker_id,
                "batch_id": batch_id,
                "actor": self._actor,
                "field": "skills_certificates",
                "old_value": _text(sorted(before)),
                "new_value": _text(sorted(after)),
                "encrypted": False,
            }
        ]

    def _write_details(self, items: list[tuple[int, PersonRecord]], clear: list[int]) -> None:
        skills: list[dict[str, Any]] = []
        certs: list[dict[str, Any]] = []
        training: list[dict[str, Any]] = []
        for worker_id, r in items:
            for kind, code, name, text in r.skills:
                skills.append(
                    {
                        "worker_id": worker_id,
                        "kind": kind,
                        "occupation_code": code,
                        "name": name[:120],
                        "source_text": text[:255],
                    }
                )
            for canonical, text in r.certificates:
                certs.append(
                    {"worker_id": worker_id, "canonical_name": canonical, "source_text": text[:255], "expires_on": None}
                )
            if r.training:
                trade, code, attended, certified = r.training
                training.append(
                    {
                        "worker_id": worker_id,
                        "trade": trade[:120],
                        "occupation_code": code,
                        "attended_on": attended,
                        "certified": certified,
                        "source_text": trade[:255],
                    }
                )
        self.repo.replace_details(clear, skills, certs, training)


def _details(r: PersonRecord) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = [("skill", kind, text) for kind, _, _, text in r.skills]
    out += [("certificate", text) for _, text in r.certificates]
    if r.training:
        out.append(("training", r.training[0]))
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
