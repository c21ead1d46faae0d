"""The day the match-day plan tests start from (API and pages): the world (``tests.api.world``) with two
openings, the world's employer's 普工 (county A, two places) and a county-B foundry's 电焊工 (one place)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.openings_world import app_client, new_employer, open_posting
from tests.api.world import COUNTY_B, World, sign_in, world_app

__all__ = ["Day", "plan_day"]


@dataclass
class Day:
    client: TestClient
    world: World
    admin: dict[str, str]  # the JSON API's header of city_admin
    general: int  # 普工, county A
    welder: int  # 电焊工, county B
    foundry: int  # the county-B employer


@contextmanager
def plan_day(database_url: str, tmp_path: Path) -> Iterator[Day]:
    settings, world = world_app(database_url)
    with app_client(settings, tmp_path) as client:
        admin = sign_in(client, "city_admin")
        general = open_posting(client, admin, world.employer_id, title="普工", headcount=2)["id"]
        foundry = new_employer(client, admin, "定襄县宏达铸造有限公司", county_adcode=COUNTY_B)
        welder = open_posting(client, admin, foundry, title="电焊工", headcount=1, pay_min=5000, pay_max=6000)["id"]
        yield Day(client, world, admin, general, welder, foundry)
