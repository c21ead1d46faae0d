"""Shared fixtures: the real PostgreSQL and Redis of the machine, and an embedded SQLite.

Every database test runs on both SQLite and PostgreSQL (the ``engine`` fixture is parametrised).
Under CI (``CI=true``) an unreachable PostgreSQL or Redis fails the run; elsewhere those tests skip.
Each test runs inside one outer transaction that is rolled back, so tests never see each other's rows.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from models.crypto import PersonalDataCipher
from models.db import build_engine
from models.migrate import upgrade

PG_URL = os.environ.get("ANYE_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("ANYE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
LOG_DIR = Path(__file__).resolve().parent.parent / "var" / "log"


def pytest_configure(config: pytest.Config) -> None:
    """Every log record of the run also goes to ``var/log/pytest-<worker>.log`` (INFO and up), so the logs of
    a whole run can be checked afterwards for personal data (``python -m tests.privacy var/log``)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    if worker is None:  # the controller (or a run without xdist): a fresh set of logs
        for old in LOG_DIR.glob("pytest-*.log"):
            old.unlink()
    handler = logging.FileHandler(LOG_DIR / f"pytest-{worker or 'main'}.log", mode="w", encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def unavailable(what: str, exc: BaseException) -> None:
    """Fail under CI, skip elsewhere: a missing server must never pass CI silently."""
    message = f"{what} is not reachable: {exc}"
    if UNDER_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _postgres_engine() -> Iterator[Engine]:
    schema = f"anye_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = build_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # psycopg's OperationalError, wrapped by SQLAlchemy
        unavailable("PostgreSQL", exc)
    sep = "&" if "?" in PG_URL else "?"
    engine = build_engine(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("db") / "anye.sqlite3"
    engine = build_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "postgresql":
        yield from _postgres_engine()
    else:
        yield from _sqlite_engine(tmp_path_factory)


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    """PostgreSQL alone, for checks that are about production scale (the full demo city)."""
    yield from _postgres_engine()


@pytest.fixture
def pg_session(pg_engine: Engine) -> Iterator[Session]:
    yield from _rolled_back_session(pg_engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test.

    ``session.commit()`` in code under test only releases a SAVEPOINT.
    """
    yield from _rolled_back_session(engine)


def _rolled_back_session(engine: Engine) -> Iterator[Session]:
    with engine.connect() as conn:
        outer = conn.begin()
        sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield sess
        finally:
            sess.close()
            outer.rollback()


@pytest.fixture(scope="session")
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    # No FLUSHDB: under xdist each worker process makes its own session fixture, and one flushing while the
    # other runs would delete that one's keys. Tests use keys (prefixes, queue names) of their own.
    yield client
    client.close()


@pytest.fixture(scope="session")
def cipher() -> PersonalDataCipher:
    return PersonalDataCipher("test-secret-" + "x" * 40)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of its own (not inside a rolled-back transaction), for CLI and app
    tests that commit for real."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli.sqlite3'}"
        return
    yield from _pg_schema_url()


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """Like ``database_url``, PostgreSQL only: for what only a server shows (row locks under concurrency)."""
    yield from _pg_schema_url()


def _pg_schema_url() -> Iterator[str]:
    schema = f"anye_cli_{uuid.uuid4().hex[:10]}"
    try:
        admin = build_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        unavailable("PostgreSQL", exc)
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
