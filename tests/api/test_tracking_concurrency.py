"""Hiring takes a place atomically: 100 concurrent hires through the tracking service, each on its own thread
and connection, for a posting with 3 places left, on PostgreSQL: exactly 3 succeed, the others get a conflict
that says the posting is full."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

from sqlalchemy import func, select

from api.accounts import Scope
from api.changes import Changes
from api.tracking import Tracking
from models.cache import MemoryCache
from models.db import build_engine, build_session_factory
from models.employer import Employer
from models.errors import Conflict
from models.household import Household
from models.match import Match
from models.migrate import upgrade
from models.pipeline import ContractKind, Step
from models.posting import Posting
from models.posting_repository import PostingRepository
from models.site import SettlementSite
from models.vocab import MatchStage, Role
from models.worker import Worker

HIRES = 100
SCOPE = Scope(account_id=0, role=Role.ADMIN, site_ids=None, county_adcodes=frozenset(), username="city_admin")


def _world(url: str) -> tuple[int, list[int]]:
    """An open posting with 5 places of which 2 are taken, and ``HIRES`` offered matches of it."""
    engine = build_engine(url)
    upgrade(engine)
    with build_session_factory(engine)() as s:
        site = SettlementSite(name="幸福小区", county_adcode="140902")
        employer = Employer(name="忻州明达建筑有限公司", kind="enterprise", county_adcode="140902")
        s.add_all([site, employer])
        s.flush()
        posting = Posting(employer_id=employer.id, title="普工", headcount=5, filled_count=2, status="open",
                          source="form", pay_min=Decimal(3000), pay_max=Decimal(4000), pay_period="month")  # fmt: skip
        s.add(posting)
        s.flush()
        matches = []
        for i in range(HIRES):
            household = Household(site_id=site.id, number=f"H{i}")
            s.add(household)
            s.flush()
            worker = Worker(household_id=household.id, name=f"工人{i}", id_number_hash=f"h{i}", id_number_enc=b"x",
                            id_number_mask="1409**********0000", sex="male", birth_date=dt.date(1990, 1, 1),
                            labour_capacity="full", employment_status="unemployed")  # fmt: skip
            s.add(worker)
            s.flush()
            match = Match(worker_id=worker.id, posting_id=posting.id, source="broker", stage=MatchStage.OFFERED.value,
                          agreed_at=dt.datetime.now(dt.UTC))  # fmt: skip
            s.add(match)
            s.flush()
            matches.append(match.id)
        s.commit()
        posting_id = posting.id
    engine.dispose()
    return posting_id, matches


def test_of_100_concurrent_hires_for_3_places_left_exactly_3_succeed(pg_database_url: str) -> None:
    posting_id, match_ids = _world(pg_database_url)
    engine = build_engine(pg_database_url, pool_size=20, max_overflow=0, pool_timeout=120)
    sessions = build_session_factory(engine)
    changes = Changes(MemoryCache())
    barrier = threading.Barrier(HIRES)
    results: dict[int, str] = {}
    step = Step(MatchStage.HIRED, on=dt.date.today(), wage=Decimal(3500), contract_kind=ContractKind.LABOUR_CONTRACT)

    def hire(match_id: int) -> None:
        with sessions() as s:
            barrier.wait()
            try:
                Tracking(s, changes).step(SCOPE, match_id, step)
                s.commit()
                results[match_id] = "hired"
            except Conflict as exc:
                s.rollback()
                results[match_id] = exc.detail

    threads = [threading.Thread(target=hire, args=(m,)) for m in match_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    hired = [m for m, r in results.items() if r == "hired"]
    refused = [r for r in results.values() if r != "hired"]
    assert len(hired) == 3 and len(refused) == HIRES - 3
    assert all("已招满" in r or "只剩 0 个名额" in r for r in refused)
    with sessions() as s:
        posting = PostingRepository(s).posting(posting_id)
        assert (posting.filled_count, posting.status) == (5, "filled")
        stages = dict(s.execute(select(Match.id, Match.stage).where(Match.id.in_(match_ids))).all())
        assert sorted(m for m, stage in stages.items() if stage == "hired") == sorted(hired)
        employed = s.scalar(select(func.count()).where(Worker.employment_status != "unemployed"))
        assert employed == 3
    engine.dispose()
