"""Places: settlement-site names to sites, and address text to a county adcode with coordinates.

Address text goes to province/city/county offline with ``cpca`` (MIT, (c) 2018 QinYuan Du), whose
``adcodes.csv`` also gives each county's coordinates (used when a site's own are not known).
"""

from __future__ import annotations

import csv
import warnings
from functools import lru_cache
from importlib import resources

from models.repository import LedgerRepository
from models.site import SettlementSite
from models.text import normalise_text

__all__ = ["SiteResolver", "county_of", "county_position"]


@lru_cache(maxsize=1)
def _adcode_positions() -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    with resources.files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("longitude") and row.get("latitude"):
                out[row["adcode"][:6]] = (float(row["longitude"]), float(row["latitude"]))
    return out


def county_position(adcode: str) -> tuple[float, float] | None:
    """(longitude, latitude) of a county (or, failing that, its city) by 6- or 12-digit adcode."""
    positions = _adcode_positions()
    return positions.get(adcode[:6]) or positions.get(adcode[:4] + "00")


@lru_cache(maxsize=4096)
def county_of(text: str) -> str | None:
    """The 6-digit county adcode named in an address or site name, or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca

        frame = cpca.transform([text])
    adcode = frame["adcode"].iloc[0]
    if not adcode or not isinstance(adcode, str) or adcode.endswith("00"):
        return None
    return adcode[:6]


class SiteResolver:
    """Site names as ledgers write them -> site ids; an unknown site is created with its county."""

    def __init__(self, repo: LedgerRepository, *, preload: bool = False) -> None:
        self._repo = repo
        self._by_name: dict[str, int] = {}
        self._sites: list[SettlementSite] | None = repo.sites() if preload else None

    def resolve(self, written: str, county_hint: str | None) -> int:
        name = normalise_text(written)
        if name in self._by_name:
            return self._by_name[name]
        site = self._match(name, county_hint) or self._create(name, county_hint)
        self._by_name[name] = site.id
        return site.id

    def find(self, written: str, county_hint: str | None) -> int | None:
        """The id of the known site a ledger's name stands for, or ``None``; never creates a site."""
        site = self._match(normalise_text(written), county_hint)
        return site.id if site else None

    def _match(self, name: str, county_hint: str | None) -> SettlementSite | None:
        if self._sites is None:
            self._sites = self._repo.sites()
        exact = [s for s in self._sites if s.name == name]
        if exact:
            return exact[0]
        # "幸福家园安置点" written for "五台县东冶镇幸福家园安置点": one site only, never a guess among many;
        # the county named in the ledger narrows the candidates first.
        partial = [s for s in self._sites if name in s.name or s.name in name]
        county = county_of(name) or (county_of(county_hint) if county_hint else None)
        if len(partial) > 1 and county:
            partial = [s for s in partial if s.county_adcode == county]
        return partial[0] if len(partial) == 1 else None

    def _create(self, name: str, county_hint: str | None) -> SettlementSite:
        adcode = county_of(name) or (county_of(county_hint) if county_hint else None)
        position = county_position(adcode) if adcode else None
        site = self._repo.add_site(
            name=name,
            county_adcode=adcode,
            longitude=position[0] if position else None,
            latitude=position[1] if position else None,
        )
        if self._sites is not None:
            self._sites.append(site)
        return site
