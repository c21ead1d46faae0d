"""A small world for API tests: three settlement sites in two counties, five households, eleven people and an
account of every role, written the way the ledger import writes them (ID numbers and phones encrypted with the
app's cipher, keyed hashes, masks; skills and certificates mapped through the taxonomy).

Use it from a test module::

    from tests.api.world import PASSWORD, World, sign_in, world_app

    @pytest.fixture
    def built(database_url: str) -> tuple[Settings, World]:
        return world_app(database_url)

    def test_something(built):
        settings, world = built
        with TestClient(create_app(settings)) as client:
            headers = sign_in(client, "broker_a")
            client.get(f"/workers/{world.people['sun_lei'].id}", headers=headers)   # 404: site B1

The map (``C`` county code, ``A1`` ... site keys, people by key; ages are as of the day the world is built,
so age filters hold on any date):

==========  ===========  ===========================================================================
site        household    people (age, labour, employment) — phones and certificates in ``PEOPLE``
==========  ===========  ===========================================================================
A1 幸福小区  A1-1 监测户   wang_jianguo 52 full 县内务工 · li_xiuying 47 weak 未就业 · wang_xiaoming 19 full 在校生
(county A)  A1-2 脱贫户   zhang_wei 38 full 未就业 (the ``worker`` account) · zhao_li 35 full 未就业, 不愿就业
A2 和谐家园  A2-1 监测户   liu_qiang 44 skilled 公益性岗位 · chen_fang 61 lost labour
(county A)  A2-2 同步搬迁户 ma_jun 56 full 灵活就业
B1 阳光社区  B1-1 脱贫户   sun_lei 29 full 未就业 · zhou_min 27 full 省外务工 · sun_hao 23 weak 未就业
(county B)
==========  ===========  ===========================================================================

Household A1-2 has labour and nobody employed (零就业). Accounts (all with ``PASSWORD``):
``city_admin`` (whole city), ``county_admin`` (county A), ``broker_a`` (site A1), ``broker_b`` (site B1),
``broker_ab`` (sites A1 and B1), ``employer`` (employer ``world.employer_id``), ``worker`` (zhang_wei's own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.accounts import create_account
from api.settings import Settings
from ingest.demo.idnumber import make_id
from models.crypto import PersonalDataCipher, mask_id_number, mask_phone
from models.db import build_engine, build_session_factory, session_scope
from models.employer import Employer
from models.household import Household
from models.migrate import upgrade
from models.site import SettlementSite
from models.taxonomy import default_taxonomy
from models.vocab import Role
from models.worker import Worker, WorkerCertificate, WorkerSkill
from tests.conftest import _pg_schema_url

__all__ = [
    "COUNTY_A",
    "COUNTY_B",
    "HOUSEHOLDS",
    "PASSWORD",
    "PEOPLE",
    "SITES",
    "Person",
    "World",
    "build_world",
    "database_url_of",
    "sign_in",
    "world_app",
]

PASSWORD = "Anye-测试-2026!"
SECRET_KEY = "world-test-" + "k" * 40
COUNTY_A = "140902"  # 忻府区
COUNTY_B = "140921"  # 定襄县

# key -> (name, county)
SITES: dict[str, tuple[str, str]] = {
    "A1": ("幸福小区", COUNTY_A),
    "A2": ("和谐家园", COUNTY_A),
    "B1": ("阳光社区", COUNTY_B),
}
# key -> (site key, category, head name)
HOUSEHOLDS: dict[str, tuple[str, str, str]] = {
    "A1-1": ("A1", "monitored", "王建国"),
    "A1-2": ("A1", "lifted", "张伟"),
    "A2-1": ("A2", "monitored", "刘强"),
    "A2-2": ("A2", "concurrent", "马军"),
    "B1-1": ("B1", "lifted", "孙磊"),
}
# key -> household key, name, sex, age, and Worker attributes; "phones", "skills", "wishes" (texts mapped
# through the taxonomy) and "certificates" ((text, days until expiry or None)) are taken out first.
PEOPLE: dict[str, dict[str, Any]] = {
    "wang_jianguo": dict(household="A1-1", name="王建国", sex="male", age=52, relation_to_head="户主",
                         labour_capacity="full", employment_status="county", health="healthy", education="junior",
                         phones=["13800000001"], skills=["电焊"], certificates=[("焊工证", 400)]),
    "li_xiuying": dict(household="A1-1", name="李秀英", sex="female", age=47, relation_to_head="配偶",
                       labour_capacity="weak", employment_status="unemployed", health="chronic", wish_employment=True,
                       wish_job_text="保洁", wishes=["保洁"], wish_place_range="local", phones=["13800000002"]),
    "wang_xiaoming": dict(household="A1-1", name="王小明", sex="male", age=19, relation_to_head="子",
                          labour_capacity="full", employment_status="student", phones=["13800000011"]),
    "zhang_wei": dict(household="A1-2", name="张伟", sex="male", age=38, relation_to_head="户主",
                      labour_capacity="full", employment_status="unemployed", wish_employment=True,
                      wish_job_text="司机", wishes=["司机"], wish_min_wage=4000, phones=["13800000003", "0350-1234567"],
                      skills=["开车"], certificates=[("C1驾照", None)]),
    "zhao_li": dict(household="A1-2", name="赵丽", sex="female", age=35, relation_to_head="配偶",
                    labour_capacity="full", employment_status="unemployed", wish_employment=False, phones=[]),
    "liu_qiang": dict(household="A2-1", name="刘强", sex="male", age=44, relation_to_head="户主",
                      labour_capacity="skilled", employment_status="public_welfare", phones=["13800000004"],
                      certificates=[("叉车证", -30)]),
    "chen_fang": dict(household="A2-1", name="陈芳", sex="female", age=61, relation_to_head="母亲",
                      labour_capacity="lost", health="serious", phones=[]),
    "ma_jun": dict(household="A2-2", name="马军", sex="male", age=56, relation_to_head="户主",
                   labour_capacity="full", employment_status="flexible", phones=["13800000007"]),
    "sun_lei": dict(household="B1-1", name="孙磊", sex="male", age=29, relation_to_head="户主",
                    labour_capacity="full", employment_status="unemployed", wish_employment=True,
                    wish_job_text="电焊工", wishes=["电焊工"], phones=["13800000005"], skills=["电焊"],
                    certificates=[("焊工证", 200)]),
    "zhou_min": dict(household="B1-1", name="周敏", sex="female", age=27, relation_to_head="配偶",
                     labour_capacity="full", employment_status="out_of_province", phones=["13800000006"]),
    "sun_hao": dict(household="B1-1", name="孙浩", sex="male", age=23, relation_to_head="弟弟",
                    labour_capacity="weak", employment_status="unemployed", phones=["13800000008"]),
}  # fmt: skip
# username -> (role, site keys, counties)
ACCOUNTS: dict[str, tuple[Role, tuple[str, ...], tuple[str, ...]]] = {
    "city_admin": (Role.ADMIN, (), ()),
    "county_admin": (Role.ADMIN, (), (COUNTY_A,)),
    "broker_a": (Role.BROKER, ("A1",), ()),
    "broker_b": (Role.BROKER, ("B1",), ()),
    "broker_ab": (Role.BROKER, ("A1", "B1"), ()),
}
WORKER_ACCOUNT = ("worker", "zhang_wei")


@dataclass(frozen=True, slots=True)
class Person:
    """One person of the world with the plain values the database holds only encrypted."""

    key: str
    id: int
    name: str
    id_number: str
    phones: tuple[str, ...]
    age: int
    site: str
    household: str


@dataclass(slots=True)
class World:
    """Ids of what ``build_world`` wrote, by key, and the plain personal data, to look for in responses."""

    today: dt.date
    sites: dict[str, int] = field(default_factory=dict)
    households: dict[str, int] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    employer_id: int = 0
    accounts: dict[str, int] = field(default_factory=dict)  # username -> account id

    def secrets(self) -> list[str]:
        """Every plain ID number and phone of the world (no response of a list may contain any)."""
        return [s for p in self.people.values() for s in (p.id_number, *p.phones)]

    def ids(self, *keys: str) -> set[int]:
        return {self.people[k].id for k in keys}

    def keys_of(self, ids: list[int]) -> list[str]:
        """The people's keys of worker ids, in the same order (to compare a list with names of the map)."""
        by_id = {p.id: k for k, p in self.people.items()}
        return [by_id[i] for i in ids]

    def in_sites(self, *sites: str) -> set[str]:
        return {k for k, p in self.people.items() if p.site in sites}


def _born(today: dt.date, age: int) -> dt.date:
    """A birth date that makes ``age`` today: the birthday was a month ago."""
    try:
        anniversary = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - age, day=28)
    return anniversary - dt.timedelta(days=30)


def build_world(session: Session, cipher: PersonalDataCipher, *, today: dt.date | None = None) -> World:
    """Write the world into ``session`` (flushed, not committed) and return its ids and plain values."""
    world = World(today=today or dt.date.today())
    for key, (name, county) in SITES.items():
        site = SettlementSite(name=name, county_adcode=county, address=f"{name}一号院")
        session.add(site)
        session.flush()
        world.sites[key] = site.id
    for key, (site_key, category, head) in HOUSEHOLDS.items():
        household = Household(site_id=world.sites[site_key], number=f"H{key}", head_name=head, category=category,
                              size=sum(1 for p in PEOPLE.values() if p["household"] == key))  # fmt: skip
        session.add(household)
        session.flush()
        world.households[key] = household.id
    for seq, (key, spec) in enumerate(PEOPLE.items()):
        world.people[key] = _person(session, cipher, world, key, seq, dict(spec))
    employer = Employer(name="忻州明达建筑有限公司", kind="enterprise", county_adcode=COUNTY_A)
    session.add(employer)
    session.flush()
    world.employer_id = employer.id
    _accounts(session, cipher, world)
    return world


def _person(
    session: Session, cipher: PersonalDataCipher, world: World, key: str, seq: int, spec: dict[str, Any]
) -> Person:
    household_key, age = spec.pop("household"), spec.pop("age")
    phones, skills, wishes = spec.pop("phones"), spec.pop("skills", []), spec.pop("wishes", [])
    certificates = spec.pop("certificates", [])
    site_key = HOUSEHOLDS[household_key][0]
    born = _born(world.today, age)
    # the sequence's parity carries the sex, as in a real ID number
    id_number = make_id(SITES[site_key][1], born, 2 * seq + (1 if spec["sex"] == "male" else 2))
    worker = Worker(household_id=world.households[household_key], birth_date=born,
                    id_number_hash=cipher.digest(id_number), id_number_enc=cipher.encrypt(id_number),
                    id_number_mask=mask_id_number(id_number), **spec)  # fmt: skip
    if phones:
        worker.phone_hash, worker.phone_enc = cipher.digest(phones[0]), cipher.encrypt(phones[0])
        worker.phone_mask = mask_phone(phones[0])
        worker.other_phones_enc = [cipher.encrypt_text(p) for p in phones[1:]] or None
    session.add(worker)
    session.flush()
    _details(session, world.today, worker.id, skills, wishes, certificates)
    return Person(key, worker.id, worker.name, id_number, tuple(phones), age, site_key, household_key)


def _details(
    session: Session,
    today: dt.date,
    worker_id: int,
    skills: list[str],
    wishes: list[str],
    certificates: list[tuple[str, int | None]],
) -> None:
    taxonomy = default_taxonomy()
    for kind, texts in (("skill", skills), ("wish", wishes)):
        for text in texts:
            found = taxonomy.match_occupation(text)
            code, name = found if found else (None, text)
            session.add(WorkerSkill(worker_id=worker_id, kind=kind, occupation_code=code,
                                    name=name if kind == "wish" else text, source_text=text))  # fmt: skip
    for text, days in certificates:
        expires = today + dt.timedelta(days=days) if days is not None else None
        session.add(WorkerCertificate(worker_id=worker_id, canonical_name=taxonomy.match_certificate(text),
                                      source_text=text, expires_on=expires))  # fmt: skip
    session.flush()


def _accounts(session: Session, cipher: PersonalDataCipher, world: World) -> None:
    for username, (role, sites, counties) in ACCOUNTS.items():
        account = create_account(session, cipher, username=username, role=role, password=PASSWORD,
                                 site_ids=[world.sites[s] for s in sites], county_adcodes=counties)  # fmt: skip
        world.accounts[username] = account.id
    employer = create_account(session, cipher, username="employer", role=Role.EMPLOYER, password=PASSWORD,
                              employer_id=world.employer_id)  # fmt: skip
    world.accounts["employer"] = employer.id
    username, person_key = WORKER_ACCOUNT
    person = world.people[person_key]
    worker = create_account(session, cipher, username=username, role=Role.WORKER, password=PASSWORD,
                            phone=person.phones[0], worker_id=person.id)  # fmt: skip
    world.accounts[username] = worker.id


def world_app(database_url: str, *, redis_url: str | None = None) -> tuple[Settings, World]:
    """Migrate the empty database at ``database_url``, write the world into it (committed) and return the
    settings to build the app with (``create_app(settings)``) and the world."""
    engine = build_engine(database_url)
    try:
        upgrade(engine)
        settings = Settings(database_url=database_url, redis_url=redis_url, secret_key=SECRET_KEY)
        with session_scope(build_session_factory(engine)) as session:
            world = build_world(session, settings.cipher)
    finally:
        engine.dispose()
    return settings, world


def database_url_of(kind: str, folder: Path) -> Iterator[str]:
    """An empty database of its own, as the ``database_url`` fixture gives one, for a fixture of wider scope
    (a world shared by the read-only tests of a module): ``kind`` is "sqlite" or "postgresql"."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'world.sqlite3'}"
    else:
        yield from _pg_schema_url()


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """The ``Authorization`` header of a fresh sign-in of ``username`` through ``POST /auth/token``."""
    response = client.post("/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
