"""A JSON write is committed before its answer leaves: a client that sends its next request the moment the
answer of the last one arrives (an app, a script, a page's redirect) finds what it did.

The app is wrapped so that, when the answer of ``POST /employers`` starts on its way, another connection counts
the employers in the database."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.types import Message, Receive, Scope, Send

from api.app import create_app
from models.db import build_engine, build_session_factory, has_writes
from models.employer import Employer
from tests.api.world import sign_in, world_app


def test_a_new_employer_is_in_the_database_when_the_answer_leaves(database_url: str, tmp_path: Path) -> None:
    settings, _ = world_app(database_url)
    app = create_app(settings.model_copy(update={"var_dir": tmp_path}))
    engine = build_engine(database_url)
    seen: list[int] = []

    def employers() -> int:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(Employer)).scalar_one())

    async def watched(scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and scope["path"] == "/employers":
                seen.append(employers())
            await send(message)

        await app(scope, receive, sending)

    try:
        with TestClient(watched) as client:
            admin = sign_in(client, "city_admin")
            before = employers()
            made = client.post("/employers", json={"name": "忻府区恒达包装有限公司"}, headers=admin)
            assert made.status_code == 201, made.text
    finally:
        engine.dispose()
    assert seen == [before + 1]


def test_a_unit_of_work_has_writes_once_it_adds_or_flushes_and_not_after_reads_only(database_url: str) -> None:
    world_app(database_url)
    engine = build_engine(database_url)
    try:
        factory = build_session_factory(engine)
        with factory() as reading:
            reading.scalars(select(Employer)).all()
            assert not has_writes(reading)
        with factory() as writing:
            writing.add(Employer(name="岢岚县红芸豆合作社", kind="cooperative"))
            assert has_writes(writing)
            writing.flush()
            assert has_writes(writing)
            writing.rollback()
    finally:
        engine.dispose()
