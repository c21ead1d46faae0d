"""Account 账号: who signs in, with a role (``models.vocab.Role``) and the scope that role is limited to.

- an administrator (管理员) serves counties (``AccountCounty``); none means the whole city;
- a broker or site staff (劳务经纪人/安置点工作人员) serves sites (``AccountSite``);
- an employer account (用人单位) belongs to one ``Employer``;
- a worker account (搬迁劳动力) is one ``Worker``'s own.

Workers rarely have passwords: they sign in with a phone and a one-time code, so the phone is kept like a
worker's (ciphertext, keyed hash for look-up, mask) and the password hash may be empty.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin

__all__ = ["Account", "AccountCounty", "AccountSite", "SignInToken"]


class Account(TimestampMixin, Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16), index=True)
    # argon2id, with its parameters and salt in the string; None: signs in with a one-time code only
    password_hash: Mapped[str | None] = mapped_column(String(255))
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_mask: Mapped[str | None] = mapped_column(String(24))
    active: Mapped[bool] = mapped_column(server_default=true(), default=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("worker.id"), unique=True)
    last_login_at: Mapped[dt.datetime | None]
    # set when an administrator issues a temporary password; the holder is asked to choose a new one
    must_change_password: Mapped[bool] = mapped_column(server_default=false(), default=False)

    sites: Mapped[list[AccountSite]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, back_populates="account"
    )
    counties: Mapped[list[AccountCounty]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, back_populates="account"
    )


class AccountSite(Base):
    """A settlement site a broker serves."""

    __tablename__ = "account_site"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("settlement_site.id", ondelete="CASCADE"), primary_key=True)

    account: Mapped[Account] = relationship(lazy="raise", back_populates="sites")


class AccountCounty(Base):
    """A county (by adcode) an administrator serves."""

    __tablename__ = "account_county"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), primary_key=True)
    county_adcode: Mapped[str] = mapped_column(String(12), primary_key=True)

    account: Mapped[Account] = relationship(lazy="raise", back_populates="counties")


class SignInToken(Base):
    """A live sign-in token, by its keyed hash (the token itself is never stored); signing out deletes it."""

    __tablename__ = "sign_in_token"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[dt.datetime]
