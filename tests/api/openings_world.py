"""Openings on top of the shared test world (``tests.api.world``): an app client, employers and postings made
through the API, and a matcher whose searches are counted (to prove a result came from the cache).

The world's employer (``world.employer_id``) is in county A, so its postings' workplace is county A and people
of county B fall outside their wished place; ``open_anywhere`` registers an employer without a county, so its
postings suit the available people of every site (zhang_wei and ma_jun of county A, sun_lei of county B).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from api.live_matcher import LiveMatcher, default_build
from api.matching import install_live_matcher
from api.settings import Settings
from matcher.search import Matcher, Proposal
from tests.api.world import sign_in

__all__ = ["CountingBuild", "app_client", "new_employer", "open_anywhere", "open_posting", "staff"]


class CountingBuild:
    """Builds the matcher as the app does (no trained model) and counts builds and searches."""

    def __init__(self) -> None:
        self._build = default_build(None)
        self.builds = 0
        self.searches = 0

    def __call__(self, session: Session, today: dt.date) -> Matcher:
        matcher = self._build(session, today)
        self.builds += 1
        matcher.candidates = self._counted(matcher.candidates)  # type: ignore[method-assign]
        matcher.recommend = self._counted(matcher.recommend)  # type: ignore[method-assign]
        return matcher

    def _counted(self, search: Callable[..., list[Proposal]]) -> Callable[..., list[Proposal]]:
        def counted(*args: Any, **kwargs: Any) -> list[Proposal]:
            self.searches += 1
            return search(*args, **kwargs)

        return counted


@contextmanager
def app_client(
    settings: Settings, var_dir: Path, *, redis_url: str | None = None, counting: CountingBuild | None = None
) -> Iterator[TestClient]:
    """A client of the app on the world's database; with ``counting``, the app's matcher is built by it."""
    config = settings.model_copy(update={"redis_url": redis_url, "var_dir": var_dir})
    app = create_app(config)
    with TestClient(app) as client:
        if counting is not None:
            state = app.state
            install_live_matcher(state, LiveMatcher(state.sessions, state.changes, counting))
        yield client


def staff(client: TestClient, username: str = "city_admin") -> dict[str, str]:
    return sign_in(client, username)


def new_employer(client: TestClient, headers: dict[str, str], name: str, **fields: Any) -> int:
    response = client.post("/employers", json={"name": name, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def open_posting(client: TestClient, headers: dict[str, str], employer_id: int, **fields: Any) -> dict[str, Any]:
    """An open posting of ``employer_id``: 普工, five places, 3000-4000 a month, unless ``fields`` say otherwise."""
    body = {"employer_id": employer_id, "title": "普工", "headcount": 5, "pay_min": 3000, "pay_max": 4000}
    body |= {"pay_period": "month", "open": True, **fields}
    response = client.post("/postings", json=body, headers=headers)
    assert response.status_code == 201, response.text
    posting: dict[str, Any] = response.json()
    assert posting["status"] == "open"
    return posting


def open_anywhere(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    """An open posting of a new employer registered without a place (so no place wish excludes anyone)."""
    employer_id = new_employer(client, headers, "忻州顺达物流有限公司")
    return open_posting(client, headers, employer_id, **fields)
