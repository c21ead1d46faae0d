"""Settlement sites (安置点) from a CSV of name, county_adcode, longitude, latitude, address."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session

from models.errors import InvalidInput
from models.repository import LedgerRepository
from models.text import normalise_text

__all__ = ["load_sites"]


def load_sites(session: Session, path: Path) -> tuple[int, int]:
    """Create or update sites by name; returns (created, updated)."""
    repo = LedgerRepository(session)
    existing = {s.name: s for s in repo.sites()}
    created = updated = 0
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "name" not in reader.fieldnames:
            raise InvalidInput(f"{path.name}：安置点文件缺少 name（安置点名称）列。")
        for line, row in enumerate(reader, start=2):
            name = normalise_text(row.get("name") or "")
            if not name:
                raise InvalidInput(f"{path.name} 第{line}行：安置点名称为空。")
            values = {
                "county_adcode": (row.get("county_adcode") or "")[:6] or None,
                "address": row.get("address") or None,
                "longitude": _float(row.get("longitude"), path, line),
                "latitude": _float(row.get("latitude"), path, line),
            }
            site = existing.get(name)
            if site is None:
                existing[name] = repo.add_site(name=name, **values)
                created += 1
            elif any(getattr(site, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(site, k, v)
                updated += 1
    session.flush()
    return created, updated


def _float(text: str | None, path: Path, line: int) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"{path.name} 第{line}行：经纬度“{text}”不是数字。") from None
