"""Two registrations of the same employer at once (用人单位自助注册), on PostgreSQL: the second one, which checked
for duplicates before the first was committed, is refused by field with the Chinese message, not with an error
of the database (a 500 on the page and the API); the same for staff registering an employer (``POST /employers``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from api.accounts import Scope
from api.changes import Changes
from api.employer_signup import DUPLICATE_CREDIT_CODE, EmployerSignup, SignupConflict, sign_up_employer
from api.openings import Openings
from api.otp import OneTimeCodes
from ingest.posting_form import EmployerForm
from models.cache import MemoryCache
from models.crypto import PersonalDataCipher
from models.db import build_engine, build_session_factory
from models.errors import Conflict
from models.migrate import upgrade
from models.taxonomy import default_taxonomy
from models.vocab import Role
from tests.api.signup_world import FakeSender, credit_code
from tests.api.test_employer_signup import PASSWORD

STAFF = Scope(account_id=0, role=Role.BROKER, site_ids=None, county_adcodes=frozenset(), username="broker_a")


def _form(codes: OneTimeCodes, sender: FakeSender, phone: str, username: str) -> EmployerSignup:
    codes.issue(phone)
    return EmployerSignup(name="忻州晋丰食品有限公司", kind="enterprise", credit_code=credit_code(11),
                          address="忻州市忻府区开发区晋丰路 8 号", contact_name="郭经理", phone=phone,
                          code=sender.codes[phone], username=username, password=PASSWORD)  # fmt: skip


def _blocked_on_insert(engine: Engine, thread: threading.Thread, backend: dict[str, int]) -> None:
    """Wait until the second connection (its server process id in ``backend``, once known) waits for a lock on
    an INSERT (the unique index held by the first); other tests' connections to the database do not count."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid = :pid "
        "AND query LIKE 'INSERT INTO %'"
    )
    for _ in range(300):
        if "pid" in backend:
            with engine.connect() as conn:
                if conn.execute(waiting, {"pid": backend["pid"]}).scalar_one():
                    return
        if not thread.is_alive():
            return  # it ended without waiting: the assertions say how
        time.sleep(0.05)
    raise AssertionError("the second registration never reached its INSERT")


def _racing(pg_database_url: str, first: Callable[[Session], object], second: Callable[[Session], object]) -> object:
    """Run ``first`` and, before it commits, ``second`` in another connection until its INSERT waits on the first's
    unique index; commit the first and return what the second raised (None: it committed)."""
    engine = build_engine(pg_database_url)
    upgrade(engine)
    sessions = build_session_factory(engine)
    outcome: dict[str, BaseException | None] = {}
    backend: dict[str, int] = {}
    try:
        with sessions() as a:
            first(a)  # written, not yet committed

            def register_second() -> None:
                with sessions() as b:
                    try:
                        backend["pid"] = b.execute(text("SELECT pg_backend_pid()")).scalar_one()
                        second(b)
                        b.commit()
                        outcome["second"] = None
                    except BaseException as exc:  # noqa: BLE001 (what the request would have raised)
                        outcome["second"] = exc

            thread = threading.Thread(target=register_second)
            thread.start()
            _blocked_on_insert(engine, thread, backend)  # it found no duplicate (none committed) and waits on the index
            a.commit()
            thread.join(timeout=30)
        return outcome["second"]
    finally:
        engine.dispose()


@pytest.mark.parametrize("same", ["credit_code", "username"])
def test_a_registration_racing_another_of_the_same_employer_is_refused_by_field(
    pg_database_url: str, cipher: PersonalDataCipher, same: str
) -> None:
    sender = FakeSender()
    codes = OneTimeCodes(MemoryCache(), cipher, sender)
    first = _form(codes, sender, "13912340001", "jinfeng")
    second = _form(codes, sender, "13912340002", "jinfeng" if same == "username" else "jinfeng2")
    if same == "username":  # another employer, the same user name
        second = second.model_copy(update={"credit_code": credit_code(12), "name": "忻州华康家政服务有限公司"})
    refused = _racing(pg_database_url, lambda a: sign_up_employer(a, codes, default_taxonomy(), first),
                      lambda b: sign_up_employer(b, codes, default_taxonomy(), second))  # fmt: skip
    assert isinstance(refused, SignupConflict), repr(refused)
    if same == "credit_code":
        assert refused.fields.get("credit_code") == DUPLICATE_CREDIT_CODE
    else:
        assert "已被使用" in refused.fields.get("username", "")


def test_staff_registering_an_employer_someone_registers_at_the_same_moment_get_a_conflict(
    pg_database_url: str,
) -> None:
    form = EmployerForm(name="忻州晋丰食品有限公司", kind="enterprise", credit_code=credit_code(11),
                        address="忻州市忻府区开发区晋丰路 8 号")  # fmt: skip
    changes = Changes(MemoryCache())

    def register(session: Session) -> None:
        Openings(session, changes, default_taxonomy()).register_employer(STAFF, form)

    refused = _racing(pg_database_url, register, register)
    assert isinstance(refused, Conflict) and "刚刚已由他人登记" in refused.detail, repr(refused)
