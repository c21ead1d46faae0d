"""Queries about accounts (账号) and their scopes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.account import Account, AccountCounty, AccountSite
from models.site import SettlementSite

__all__ = ["AccountRepository"]


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, account_id: int) -> Account | None:
        return self.session.get(Account, account_id)

    def by_username(self, username: str) -> Account | None:
        return self.session.scalar(select(Account).where(Account.username == username))

    def by_phone_hash(self, phone_hash: str) -> Account | None:
        return self.session.scalar(select(Account).where(Account.phone_hash == phone_hash))

    def by_worker(self, worker_id: int) -> Account | None:
        return self.session.scalar(select(Account).where(Account.worker_id == worker_id))

    def list_accounts(self, role: str | None = None) -> Sequence[Account]:
        query = select(Account).order_by(Account.role, Account.username)
        if role is not None:
            query = query.where(Account.role == role)
        return self.session.scalars(query).all()

    def add(self, account: Account) -> Account:
        self.session.add(account)
        self.session.flush()
        return account

    def site_ids(self, account_id: int) -> frozenset[int]:
        rows = self.session.scalars(select(AccountSite.site_id).where(AccountSite.account_id == account_id))
        return frozenset(rows)

    def county_adcodes(self, account_id: int) -> frozenset[str]:
        rows = self.session.scalars(select(AccountCounty.county_adcode).where(AccountCounty.account_id == account_id))
        return frozenset(rows)

    def site_ids_in_counties(self, adcodes: frozenset[str]) -> frozenset[int]:
        if not adcodes:
            return frozenset()
        rows = self.session.scalars(select(SettlementSite.id).where(SettlementSite.county_adcode.in_(adcodes)))
        return frozenset(rows)

    def existing_site_ids(self, site_ids: frozenset[int]) -> frozenset[int]:
        if not site_ids:
            return frozenset()
        return frozenset(self.session.scalars(select(SettlementSite.id).where(SettlementSite.id.in_(site_ids))))

    def add_scope(self, account: Account, site_ids: frozenset[int], adcodes: frozenset[str]) -> None:
        self.session.add_all(AccountSite(account_id=account.id, site_id=s) for s in sorted(site_ids))
        self.session.add_all(AccountCounty(account_id=account.id, county_adcode=c) for c in sorted(adcodes))
        self.session.flush()
