"""Accounts are stored with a strong password hash and an encrypted phone, and the policy refuses weak passwords."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models.account import Account, AccountSite
from models.crypto import PersonalDataCipher
from models.errors import InvalidInput
from models.password import check_policy, hash_password, needs_rehash, verify_password
from models.site import SettlementSite


def test_password_hash_verifies_only_the_right_password() -> None:
    stored = hash_password("长城-Great-Wall-9")
    assert stored.startswith("$argon2id$") and "Great" not in stored
    assert verify_password(stored, "长城-Great-Wall-9")
    assert not verify_password(stored, "长城-Great-Wall-8")
    assert not verify_password(None, "anything at all")
    assert not verify_password("not a hash", "anything at all")
    assert not needs_rehash(stored)


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1", "至少需要 10 个字符"), ("1234567890123", "不能全是数字"), ("wangfang01", "不能与用户名相同")],
)
def test_policy_refuses_weak_passwords_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        check_policy(password, "WangFang01")


def test_policy_accepts_a_reasonable_password() -> None:
    check_policy("忻州市幸福安置点2026", "wangfang")


def test_account_with_sites_round_trips_and_keeps_no_plain_phone(session: Session, cipher: PersonalDataCipher) -> None:
    site = SettlementSite(name="幸福小区")
    session.add(site)
    session.flush()
    account = Account(
        username="zhang",
        display_name="张三",
        role="broker",
        phone_hash=cipher.digest("13812345678"),
        phone_enc=cipher.encrypt("13812345678"),
        phone_mask="138****5678",
    )
    session.add(account)
    session.flush()
    session.add(AccountSite(account_id=account.id, site_id=site.id))
    session.flush()
    session.expire_all()
    loaded = session.scalar(select(Account).where(Account.username == "zhang"))
    assert loaded is not None and loaded.active and not loaded.must_change_password
    assert loaded.password_hash is None and loaded.created_at is not None
    assert cipher.decrypt(loaded.phone_enc or b"") == "13812345678"
    row = session.execute(text("SELECT * FROM account WHERE username = 'zhang'")).one()
    assert "13812345678" not in repr(tuple(row))
    assert session.scalars(select(AccountSite.site_id).where(AccountSite.account_id == loaded.id)).all() == [site.id]


def test_deleting_an_account_removes_its_scope(session: Session) -> None:
    site = SettlementSite(name="和谐家园")
    account = Account(username="gone", display_name="离职人员", role="broker", password_hash="x")
    session.add_all([site, account])
    session.flush()
    session.add(AccountSite(account_id=account.id, site_id=site.id))
    session.flush()
    session.delete(account)
    session.flush()
    assert session.scalars(select(AccountSite).where(AccountSite.site_id == site.id)).all() == []
    assert session.get(SettlementSite, site.id) is not None
