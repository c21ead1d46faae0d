"""Figures and lists through ``/reports`` and ``anye report``, on the small world with a few placements added:
the numbers checked by hand, the workbook's contents, and scope (a broker of site A1 gets A1 only).

Added to the world (T = the day the world is built; rates as of T, the year before is T − 1 year):

- 李秀英 (A1-1) placed T−500 at 2,000 a month, left T−200 (企业减员); 张伟 (A1-2) placed T−400 at 3,000, left
  T−30 (合同到期); 赵丽 (A1-2) proposed T−300, contacted, declined; 刘强 (A2-1) placed T−340 in a 12-month
  public-welfare post at A2; 马军 (A2-2) holds a public-welfare post by the ledger only (no start on record).
- 李秀英 and 张伟 wish training; 张伟 was trained T−100; 王建国 earns 4,500 a month by the ledger, 1,500 before
  a change recorded T−100; the ledger holds household A1-1 since T−400, A1-2 only since T.

Site A1 by hand: labour 5 (王建国, 李秀英, 王小明, 张伟, 赵丽); training 1/2; certificates 2/5 (王建国's 焊工证,
张伟's C1); employed 1/5 (王建国); income A1-1 4,500 against 1,500 + 2,000 (李秀英's placement) a year before
(risen); A1-2 was not on the ledger a year before (张伟's placement alone is no household income): 1/1, one
without a baseline. A1-2 has labour and no one employed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, update
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from api.settings import Settings
from models.batch import ImportBatch
from models.db import build_engine, build_session_factory, session_scope
from models.history import WorkerChange
from models.household import Household
from models.match import Match, MatchEvent
from models.posting import Posting, PublicWelfareJob
from models.training import TrainingRecord
from models.worker import Worker
from tests.api.openings_world import open_posting, staff
from tests.api.world import SECRET_KEY, World, database_url_of, sign_in, world_app

runner = CliRunner()
Tracked = tuple[Settings, World, str]
CHAIN = ("proposed", "contacted", "interested", "interview", "offered", "hired")


def _posting(session: Any, world: World, title: str, site: int | None = None) -> Posting:
    posting = Posting(employer_id=world.employer_id, title=title, headcount=3, filled_count=1, status="closed",
                      source="form", site_id=site)  # fmt: skip
    session.add(posting)
    session.flush()
    return posting


def _match(
    session: Any, posting: Posting, worker: int, proposed: dt.date, stages: tuple[str, ...], **fields: Any
) -> None:
    at = dt.datetime.combine(proposed, dt.time(9), tzinfo=dt.UTC)
    match = Match(worker_id=worker, posting_id=posting.id, source="broker", proposed_at=at, stage=stages[-1],
                  stage_at=at, **fields)  # fmt: skip
    session.add(match)
    session.flush()
    for n, stage in enumerate(stages):
        session.add(MatchEvent(match_id=match.id, stage=stage, at=at + dt.timedelta(days=n), actor="test"))


def _track(database_url: str, world: World) -> None:
    t, p = world.today, world.people

    def day(n: int) -> dt.date:
        return t - dt.timedelta(days=n)

    engine = build_engine(database_url)
    with session_scope(build_session_factory(engine)) as session:
        ids = [p["li_xiuying"].id, p["zhang_wei"].id]
        session.execute(update(Worker).where(Worker.id.in_(ids)).values(training_wish=True))
        session.execute(update(Worker).where(Worker.id == p["wang_jianguo"].id).values(monthly_income=4500))
        ma_jun = update(Worker).where(Worker.id == p["ma_jun"].id)
        session.execute(ma_jun.values(employment_status="public_welfare"))  # by the ledger only: no placement
        a1_1 = [p[k].id for k in ("wang_jianguo", "li_xiuying", "wang_xiaoming")]
        session.execute(update(Worker).where(Worker.id.in_(a1_1)).values(as_of=day(400)))  # on the ledger since
        session.add(WorkerChange(worker_id=p["wang_jianguo"].id, actor="test", field="monthly_income",
                                 old_value="1500", new_value="4500",
                                 changed_at=dt.datetime.combine(day(100), dt.time(9), tzinfo=dt.UTC)))  # fmt: skip
        session.add(TrainingRecord(worker_id=p["zhang_wei"].id, trade="汽车驾驶", attended_on=day(100),
                                   certified=False, source_text="汽车驾驶"))  # fmt: skip
        factory = _posting(session, world, "包装工")
        _match(session, factory, p["li_xiuying"].id, day(510), (*CHAIN, "separated"), hired_on=day(500),
               separated_on=day(200), wage=Decimal(2000), separation_reason="企业减员")  # fmt: skip
        _match(session, factory, p["zhang_wei"].id, day(410), (*CHAIN, "separated"), hired_on=day(400),
               separated_on=day(30), wage=Decimal(3000), separation_reason="合同到期")  # fmt: skip
        _match(session, factory, p["zhao_li"].id, day(300), ("proposed", "contacted", "declined"))
        cleaning = _posting(session, world, "小区保洁", site=world.sites["A2"])
        cleaning.opened_at = dt.datetime.combine(day(360), dt.time(9), tzinfo=dt.UTC)
        session.add(PublicWelfareJob(posting_id=cleaning.id, category="cleaning", term_months=12))
        _match(session, cleaning, p["liu_qiang"].id, day(350), CHAIN, hired_on=day(340), wage=Decimal(1800))
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def tracked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracked]:
    """One world per database for the module: the tests only read."""
    for url in database_url_of(request.param, tmp_path_factory.mktemp("reports")):
        settings, world = world_app(url)
        _track(url, world)
        yield settings, world, url


def _rows(body: dict[str, Any], table: str | None = None) -> dict[str, dict[str, Any]]:
    tables = body["tables"]
    chosen = next(t for t in tables if t["name"] == table) if table else tables[0]
    return {row.get("unit") or row.get("name") or row["household"]: row for row in chosen["rows"]}


def test_rates_funnel_and_retention_of_a_site_are_the_hand_checked_ones(tracked: Tracked) -> None:
    settings, world, _ = tracked
    start = (world.today - dt.timedelta(days=600)).isoformat()
    with TestClient(create_app(settings)) as client:
        headers = sign_in(client, "broker_a")
        rates = client.get("/reports/rates", headers=headers)
        assert rates.status_code == 200, rates.text
        a1 = _rows(rates.json())["幸福小区"]
        assert (a1["labour"], a1["training_wish"], a1["trained"], a1["training_rate"]) == (5, 2, 1, 0.5)
        assert (a1["certified"], a1["certificate_rate"], a1["employed"], a1["employment_rate"]) == (2, 0.4, 1, 0.2)
        assert (a1["compared"], a1["income_rose"], a1["income_growth_rate"], a1["no_baseline"]) == (1, 1, 1.0, 1)
        assert any(d["name"] == "参训率" and "有培训意愿" in d["denominator"] for d in rates.json()["definitions"])
        funnel = _rows(client.get("/reports/funnel", params={"start": start}, headers=headers).json())["幸福小区"]
        steps = [funnel[s] for s in CHAIN]
        assert steps == [3, 3, 2, 2, 2, 2] and (funnel["retained"], funnel["pending"]) == (2, 0)
        body = client.get("/reports/retention", params={"start": start}, headers=headers).json()
        kept = _rows(body)["幸福小区"]
        # separations on day 300 (李秀英) and day 370 (张伟): S = 1/2 after day 300, 0 after day 370
        assert (kept["hires"], kept["separated"], kept["m3"], kept["m6"], kept["m12"]) == (2, 2, 1.0, 1.0, 0.5)
        assert [r["survival"] for r in body["tables"][1]["rows"]] == [0.5, 0.0]


def test_a_broker_sees_their_own_sites_only(tracked: Tracked) -> None:
    settings, world, _ = tracked
    with TestClient(create_app(settings)) as client:
        broker = sign_in(client, "broker_a")
        assert set(_rows(client.get("/reports/rates", headers=broker).json())) == {"幸福小区"}
        other = client.get("/reports/rates", params={"site": world.sites["B1"]}, headers=broker)
        assert other.status_code == 404 and other.json()["error"] == "NotFound"
        assert client.get("/reports/coverage", params={"county": "140921"}, headers=broker).status_code == 404
        county = _rows(client.get("/reports/rates", headers=sign_in(client, "county_admin")).json())
        assert set(county) == {"幸福小区", "和谐家园", "忻府区", "合计"}
        city = _rows(client.get("/reports/rates", headers=sign_in(client, "city_admin")).json())
        assert set(city) == {"幸福小区", "和谐家园", "阳光社区", "忻府区", "定襄县", "全市"}
        assert client.get("/reports/rates", headers=sign_in(client, "employer")).status_code == 403


def test_the_lists_site_staff_act_on(tracked: Tracked) -> None:
    settings, world, _ = tracked
    with TestClient(create_app(settings)) as client:
        broker, county = sign_in(client, "broker_a"), sign_in(client, "county_admin")
        zero = client.get("/reports/lists/zero_employment", headers=broker).json()
        assert [r["household"] for r in zero["tables"][0]["rows"]] == ["HA1-2"]
        gap = client.get("/reports/lists/training_gap", headers=broker).json()
        assert [r["name"] for r in gap["tables"][0]["rows"]] == ["李秀英"]  # 张伟 was trained
        relief = client.get("/reports/lists/relief", params={"days": 90}, headers=broker).json()["tables"][0]
        assert [(r["name"], r["days"], r["reason"]) for r in relief["rows"]] == [("李秀英", 200, "企业减员")]
        sooner = client.get("/reports/lists/relief", params={"days": 20}, headers=broker).json()["tables"][0]
        assert {r["name"] for r in sooner["rows"]} == {"李秀英", "张伟"}
        assert all("*" in r["id_mask"] for r in sooner["rows"])
        terms = client.get("/reports/lists/welfare_term", headers=county).json()["tables"][0]["rows"]
        assert [(r["name"], r["post"], r["months"], r["note"]) for r in terms] == [
            ("刘强", "小区保洁", 12, ""),
            ("马军", None, None, "台账记为公益性岗位，但无上岗记录：请核实上岗日期和聘期并补录上岗"),
        ]
        assert client.get("/reports/lists/welfare_term", headers=broker).json()["tables"][0]["rows"] == []
        welfare = _rows(client.get("/reports/welfare", headers=county).json())["和谐家园"]
        assert (welfare["posts"], welfare["places"], welfare["filled"], welfare["holders"]) == (1, 3, 1, 1)
        assert client.get("/reports/lists/rates", headers=broker).status_code == 404
        secrets = world.secrets()
        assert not any(s in json.dumps(relief, ensure_ascii=False) for s in secrets)


def test_the_workbook_has_a_title_the_period_chinese_headers_the_values_and_the_definitions(
    tracked: Tracked,
) -> None:
    settings, world, _ = tracked
    with TestClient(create_app(settings)) as client:
        headers = sign_in(client, "broker_a")
        response = client.get("/reports/rates.xlsx", params={"site": "幸福小区"}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
        relief = client.get("/reports/lists/relief.xlsx", params={"days": 90}, headers=headers)
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["四率统计", "指标说明"]
    sheet = book["四率统计"]
    assert "幸福小区" in sheet["A1"].value and world.today.isoformat() in sheet["A2"].value
    headers_row = [c.value for c in sheet[3]]
    assert headers_row[:2] == ["统计单位", "层级"] and "参训率" in headers_row and "增收率" in headers_row
    values = dict(zip(headers_row, [c.value for c in sheet[4]], strict=True))
    assert (values["统计单位"], values["参训率"], values["持证率"], values["就业率"], values["增收率"]) == (
        "幸福小区", 0.5, 0.4, 0.2, 1.0,
    )  # fmt: skip
    assert sheet.cell(4, headers_row.index("就业率") + 1).number_format == "0.0%"
    terms = {row[0].value: row for row in book["指标说明"].iter_rows(min_row=4)}
    assert {"参训率", "持证率", "就业率", "增收率", "户覆盖率"} <= set(terms)
    assert "劳动力人数" in terms["就业率"][2].value and "五好社区" in terms["就业率"][4].value
    listed = load_workbook(BytesIO(relief.content)).worksheets[0]
    assert [c.value for c in listed[3]][:3] == ["安置点", "户编号", "姓名"]
    assert [listed.cell(4, 3).value, listed.cell(5, 3).value] == ["李秀英", None]


def test_anye_report_prints_and_writes_the_same_figures(
    tracked: Tracked, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, world, database_url = tracked
    monkeypatch.setenv("ANYE_DATABASE_URL", database_url)
    monkeypatch.setenv("ANYE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("ANYE_VAR_DIR", str(tmp_path / "var"))
    out = tmp_path / "四率.xlsx"
    result = runner.invoke(cli, ["report", "rates", "--site", "幸福小区", "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    assert "幸福小区" in result.output and "50.0%" in result.output and "20.0%" in result.output
    assert load_workbook(out)["四率统计"]["A4"].value == "幸福小区"
    as_json = runner.invoke(cli, ["report", "rates", "--county", "140902", "--json"])
    assert as_json.exit_code == 0, as_json.output
    with TestClient(create_app(settings)) as client:
        api = client.get("/reports/rates", params={"county": "140902"}, headers=sign_in(client, "city_admin"))
    assert json.loads(as_json.output)["tables"] == api.json()["tables"]
    listed = runner.invoke(cli, ["report", "lists", "relief", "--site", "幸福小区", "--days", "90", "--json"])
    assert [r["name"] for r in json.loads(listed.output)["tables"][0]["rows"]] == ["李秀英"]
    unknown = runner.invoke(cli, ["report", "rates", "--site", "不存在的小区"])
    assert unknown.exit_code == 2 and "找不到该安置点" in unknown.output


def test_a_step_a_correction_took_back_is_not_counted_in_the_funnel(database_url: str) -> None:
    settings, world = world_app(database_url)
    engine = build_engine(database_url)
    day = world.today - dt.timedelta(days=20)
    with session_scope(build_session_factory(engine)) as session:
        posting = _posting(session, world, "包装工")
        _match(session, posting, world.people["zhang_wei"].id, day, CHAIN)  # hired by mistake ...
        hire = session.query(MatchEvent).filter_by(stage="hired").one()
        match = session.get(Match, hire.match_id)
        assert match is not None
        match.stage = "offered"
        # ... and taken back
        session.add(MatchEvent(match_id=hire.match_id, stage="offered", at=hire.at, actor="broker_a",
                               detail={"kind": "correction", "void": True, "reason": "登记错了"},
                               corrects_id=hire.id))  # fmt: skip
    engine.dispose()
    start = (world.today - dt.timedelta(days=60)).isoformat()
    with TestClient(create_app(settings)) as client:
        body = client.get("/reports/funnel", params={"start": start}, headers=sign_in(client, "city_admin")).json()
    funnel = _rows(body)["幸福小区"]
    assert [funnel[s] for s in CHAIN] == [1, 1, 1, 1, 1, 0]


def test_a_hire_recorded_later_does_not_take_the_worker_off_an_earlier_ledger_day(
    database_url: str, tmp_path: Path
) -> None:
    """The ledger of site A1 dated T-60 was imported on T-50; a hire recorded today moves the worker's record
    date to today, yet the figures of T-55 still count them (as of that ledger)."""
    settings, world = world_app(database_url)
    t = world.today
    engine = build_engine(database_url)
    with session_scope(build_session_factory(engine)) as session:
        batch = ImportBatch(kind="ledger", file_name="幸福小区台账.xlsx", file_sha256="0" * 64, actor="test",
                            as_of=t - dt.timedelta(days=60))  # fmt: skip
        session.add(batch)
        session.flush()
        a1 = [h for (h,) in session.execute(select(Household.id).where(Household.site_id == world.sites["A1"]))]
        imported = dt.datetime.combine(t - dt.timedelta(days=50), dt.time(9), tzinfo=dt.UTC)
        session.execute(update(Worker).where(Worker.household_id.in_(a1)).values(
            as_of=t - dt.timedelta(days=60), created_at=imported, last_batch_id=batch.id))  # fmt: skip
    engine.dispose()
    params = {"site": "幸福小区", "end": (t - dt.timedelta(days=55)).isoformat()}
    with TestClient(create_app(settings.model_copy(update={"var_dir": tmp_path}))) as client:
        broker = sign_in(client, "broker_a")
        assert _rows(client.get("/reports/rates", params=params, headers=broker).json())["幸福小区"]["labour"] == 5
        posting = open_posting(client, staff(client), world.employer_id)["id"]
        match = client.post("/matches", json={"worker_id": world.people["wang_jianguo"].id, "posting_id": posting},
                            headers=broker).json()["id"]  # fmt: skip
        steps: list[tuple[str, dict[str, Any]]] = [
            ("interested", {"worker_agreed": True}),
            ("offered", {}),
            ("hired", {"on": (t - dt.timedelta(days=10)).isoformat(), "wage": 4000, "contract_kind": "劳动合同"}),
        ]
        for stage, body in steps:
            step = client.post(f"/matches/{match}/events", json={"stage": stage, **body}, headers=broker)
            assert step.status_code == 200, step.text
        after = _rows(client.get("/reports/rates", params=params, headers=broker).json())["幸福小区"]
    assert after["labour"] == 5


def test_the_funnel_counts_a_proposal_on_its_day_whatever_the_time_zone_of_the_database(
    database_url: str, tmp_path: Path
) -> None:
    """A PostgreSQL server set to 北京时间 answers the same as SQLite: a proposal at 20:00 UTC counts on that day."""
    shanghai = "%20-ctimezone%3DAsia/Shanghai" if database_url.startswith("postgresql") else ""
    settings, world = world_app(database_url + shanghai)
    day = world.today - dt.timedelta(days=20)
    engine = build_engine(database_url + shanghai)
    with session_scope(build_session_factory(engine)) as session:
        posting = _posting(session, world, "包装工")
        at = dt.datetime.combine(day, dt.time(20), tzinfo=dt.UTC)  # 04:00 the next day in Beijing
        session.add(Match(worker_id=world.people["zhang_wei"].id, posting_id=posting.id, source="broker",
                          proposed_at=at, stage="proposed", stage_at=at))  # fmt: skip
    engine.dispose()
    params = {"start": day.isoformat(), "end": day.isoformat()}
    with TestClient(create_app(settings.model_copy(update={"var_dir": tmp_path}))) as client:
        body = client.get("/reports/funnel", params=params, headers=sign_in(client, "city_admin")).json()
    assert _rows(body)["幸福小区"]["proposed"] == 1
