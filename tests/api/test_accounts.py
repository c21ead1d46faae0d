"""Accounts as people meet them: creating one, signing in, changing a password, and what a broker may see."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.accounts import SIGN_IN_FAILED, authenticate, can_see_site, create_account, login, scope_of, set_password
from api.ratelimit import LoginLimiter
from models.cache import MemoryCache
from models.crypto import PersonalDataCipher
from models.errors import Conflict, InvalidInput, NotAllowed
from models.site import SettlementSite
from models.vocab import Role

PASSWORD = "安置点-Xinzhou-2026"


def _sites(session: Session) -> tuple[SettlementSite, SettlementSite, SettlementSite]:
    a = SettlementSite(name="幸福小区", county_adcode="140902")
    b = SettlementSite(name="和谐家园", county_adcode="140902")
    c = SettlementSite(name="阳光社区", county_adcode="140981")
    session.add_all([a, b, c])
    session.flush()
    return a, b, c


def test_wrong_password_and_unknown_user_get_the_same_message(session: Session, cipher: PersonalDataCipher) -> None:
    create_account(session, cipher, username="admin", role=Role.ADMIN, password=PASSWORD)
    with pytest.raises(NotAllowed) as wrong:
        authenticate(session, "admin", PASSWORD + "x")
    with pytest.raises(NotAllowed) as unknown:
        authenticate(session, "nobody", PASSWORD)
    assert wrong.value.detail == unknown.value.detail == SIGN_IN_FAILED
    account = authenticate(session, " admin ", PASSWORD)
    assert account.username == "admin" and account.last_login_at is not None


def test_a_deactivated_account_or_one_without_password_cannot_sign_in(
    session: Session, cipher: PersonalDataCipher
) -> None:
    account = create_account(session, cipher, username="old", role=Role.ADMIN, password=PASSWORD)
    account.active = False
    with pytest.raises(NotAllowed, match="用户名或密码不正确"):
        authenticate(session, "old", PASSWORD)


def test_duplicate_username_and_weak_password_are_refused(session: Session, cipher: PersonalDataCipher) -> None:
    create_account(session, cipher, username="li", role=Role.ADMIN, password=PASSWORD)
    with pytest.raises(Conflict, match="已被使用"):
        create_account(session, cipher, username="li", role=Role.ADMIN, password=PASSWORD)
    with pytest.raises(InvalidInput, match="不能全是数字"):
        create_account(session, cipher, username="wang", role=Role.ADMIN, password="13812345678")
    with pytest.raises(InvalidInput, match="密码或手机号"):
        create_account(session, cipher, username="zhao", role=Role.ADMIN)


def test_set_password_needs_the_current_one_and_a_good_new_one(session: Session, cipher: PersonalDataCipher) -> None:
    account = create_account(session, cipher, username="chenxiaoming", role=Role.ADMIN, password=PASSWORD)
    with pytest.raises(NotAllowed, match="原密码不正确"):
        set_password(account, "新的密码-abcdef", current="wrong-password")
    with pytest.raises(InvalidInput, match="不能与用户名相同"):
        set_password(account, "ChenXiaoMing", current=PASSWORD)
    set_password(account, "新的密码-abcdef", current=PASSWORD)
    with pytest.raises(NotAllowed):
        authenticate(session, "chenxiaoming", PASSWORD)
    assert authenticate(session, "chenxiaoming", "新的密码-abcdef").id == account.id


def test_a_broker_sees_only_their_own_sites(session: Session, cipher: PersonalDataCipher) -> None:
    a, b, c = _sites(session)
    broker = create_account(session, cipher, username="broker", role=Role.BROKER, password=PASSWORD, site_ids=[a.id])
    county_admin = create_account(
        session, cipher, username="county", role=Role.ADMIN, password=PASSWORD, county_adcodes=["140902"]
    )
    city_admin = create_account(session, cipher, username="city", role=Role.ADMIN, password=PASSWORD)
    scope = scope_of(session, broker)
    assert can_see_site(scope, a.id) and not can_see_site(scope, b.id) and not can_see_site(scope, c.id)
    county = scope_of(session, county_admin)
    assert can_see_site(county, a.id) and can_see_site(county, b.id) and not can_see_site(county, c.id)
    assert all(can_see_site(scope_of(session, city_admin), s.id) for s in (a, b, c))


def test_scope_must_fit_the_role(session: Session, cipher: PersonalDataCipher) -> None:
    (a, _, _) = _sites(session)
    with pytest.raises(InvalidInput, match="至少一个安置点"):
        create_account(session, cipher, username="b1", role=Role.BROKER, password=PASSWORD)
    with pytest.raises(InvalidInput, match="安置点不存在"):
        create_account(session, cipher, username="b2", role=Role.BROKER, password=PASSWORD, site_ids=[a.id + 999])
    with pytest.raises(InvalidInput, match="只有劳务经纪人"):
        create_account(session, cipher, username="a1", role=Role.ADMIN, password=PASSWORD, site_ids=[a.id])
    with pytest.raises(InvalidInput, match="用人单位账号"):
        create_account(session, cipher, username="e1", role=Role.EMPLOYER, password=PASSWORD)


def test_the_phone_is_stored_encrypted_and_masked(session: Session, cipher: PersonalDataCipher) -> None:
    (a, _, _) = _sites(session)
    account = create_account(session, cipher, username="liu", role=Role.BROKER, phone="138 1234 5678", site_ids=[a.id])
    assert account.phone_mask == "138****5678" and account.password_hash is None
    row = session.execute(text("SELECT * FROM account WHERE username = 'liu'")).one()
    assert "13812345678" not in repr(tuple(row))
    with pytest.raises(Conflict, match="已绑定"):
        create_account(session, cipher, username="liu2", role=Role.BROKER, phone="13812345678", site_ids=[a.id])
    with pytest.raises(NotAllowed):
        authenticate(session, "liu", "")


def test_login_refuses_the_sixth_failure_with_the_waiting_time(session: Session, cipher: PersonalDataCipher) -> None:
    create_account(session, cipher, username="sun", role=Role.ADMIN, password=PASSWORD)
    limiter = LoginLimiter(MemoryCache(), clock=lambda: 1111 * 900 + 60.0)  # 1 minute into a 15-minute window
    for _ in range(5):
        with pytest.raises(NotAllowed, match="用户名或密码不正确"):
            login(session, limiter, "sun", "wrong-password", "10.0.0.1")
    with pytest.raises(NotAllowed, match="请 14 分钟后再试"):
        login(session, limiter, "sun", PASSWORD, "10.0.0.1")
