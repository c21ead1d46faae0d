"""Browser tests: the app served by uvicorn on a free port over the small world of ``tests.api.world`` (on the
machine's PostgreSQL), driven by Debian's Chromium through Playwright (no browser download).

Without ``/usr/bin/chromium`` (or PostgreSQL) the tests skip, except under ``CI=true``, where they fail.
Screenshots go to ``var/screenshots/`` (git-ignored) at phone (390×844) and desktop (1366×900) size.
One-time sign-in codes are read from a recording sender put in place of the development one (which logs them).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, StorageState, expect, sync_playwright

from api.app import create_app
from tests.api.signup_world import FakeSender
from tests.api.world import PASSWORD, World, database_url_of, world_app
from tests.conftest import unavailable

CHROMIUM = os.environ.get("ANYE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"
expect.set_options(timeout=20_000)  # a loaded 2-core machine: assertions wait up to 20 s for the page to agree
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@dataclass
class Live:
    """The running app: its address, the world in its database, the codes sent, and the seeded postings."""

    url: str
    world: World
    sender: FakeSender
    postings: dict[str, int] = field(default_factory=dict)
    plans: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def api(self, username: str) -> Iterator[httpx.Client]:
        """A JSON API client signed in as ``username`` (for seeding and for checking what a page did)."""
        with httpx.Client(base_url=self.url, timeout=60) as client:
            answer = client.post("/auth/token", data={"username": username, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
            yield client


def plan_preview(live: Live, username: str = "broker_a", adcode: str = "140902") -> int:
    """A match-day plan made through the JSON API (``POST /plans``, a job), left as a preview; made once."""
    key = f"{username}:{adcode}"
    if key not in live.plans:
        with live.api(username) as client:
            job = client.post("/plans", json={"adcode": adcode}).json()
            deadline = time.monotonic() + 120  # only keeps a broken run from hanging
            while job["status"] not in ("finished", "failed") and time.monotonic() < deadline:
                time.sleep(0.1)
                job = client.get(f"/jobs/{job['id']}").json()
            assert job["status"] == "finished", job
            live.plans[key] = int(job["result"]["plan_id"])
    return live.plans[key]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed(live: Live) -> None:
    """Open postings the world's people suit: a driver's job near site A1 (zhang_wei wishes to drive)."""
    with live.api("city_admin") as client:
        body = {"employer_id": live.world.employer_id, "title": "货车司机", "headcount": 2, "pay_min": 4500,
                "pay_max": 6000, "pay_period": "month", "work_address": "忻州市忻府区长征街", "meals": True,
                "certificates_required": ["C1驾照"], "open": True}  # fmt: skip
        answer = client.post("/postings", json=body)
        assert answer.status_code == 201, answer.text
        live.postings["driver"] = int(answer.json()["id"])
        # the first search builds the matcher and compiles its loops (tens of seconds on a fresh checkout):
        # done here, so no page a test opens waits for it; whether the answers are right is the tests' business
        client.get(f"/postings/{live.postings['driver']}/candidates", timeout=600)
        client.get(f"/workers/{live.world.people['zhang_wei'].id}/recommendations", timeout=600)


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("browser")
    for url in database_url_of("postgresql", folder):  # a schema of its own, dropped afterwards
        yield from _serve(url, folder)


def _serve(url: str, folder: Path) -> Iterator[Live]:
    """The app with the world in ``url``, served by uvicorn in a thread until the session ends."""
    settings, world = world_app(url)
    app = create_app(settings.model_copy(update={"var_dir": folder / "var"}))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
            time.sleep(0.05)
        sender = FakeSender()
        app.state.code_sender = sender
        running = Live(f"http://127.0.0.1:{port}", world, sender)
        _seed(running)
        yield running
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).is_file():
        unavailable("Chromium", FileNotFoundError(f"{CHROMIUM}: apt-get install -y chromium fonts-noto-cjk"))
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield launched
    launched.close()


def _context(browser: Browser, live: Live, size: dict[str, int], **extra: Any) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live.url, viewport=size, locale="zh-CN", **extra)  # type: ignore[arg-type]
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def phone(browser: Browser, live: Live) -> Iterator[Page]:
    """A page in a phone-sized browser of its own (its own cookies)."""
    for context in _context(browser, live, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2):
        yield context.new_page()


@pytest.fixture
def desktop(browser: Browser, live: Live) -> Iterator[Page]:
    for context in _context(browser, live, DESKTOP):
        yield context.new_page()


@pytest.fixture
def second_desktop(browser: Browser, live: Live) -> Iterator[Page]:
    """Another desktop browser (another person at another computer)."""
    for context in _context(browser, live, DESKTOP):
        yield context.new_page()


def worker_sign_in(page: Page, live: Live, key: str = "zhang_wei") -> None:
    """Phone and one-time code, as a worker signs in (the code is read from the recording sender). A phone
    may ask for a code once a minute: sign in once and keep the cookies (``worker_state``)."""
    phone = live.world.people[key].phones[0]
    page.goto("/web/login/phone")
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("短信验证码").fill(live.sender.codes[phone])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/web/me")


@pytest.fixture(scope="session")
def worker_state(browser: Browser, live: Live) -> StorageState:
    """The cookies of zhang_wei signed in by phone and code on a phone-sized screen (a screenshot of each step)."""
    for context in _context(browser, live, PHONE, is_mobile=True, has_touch=True):
        page = context.new_page()
        page.goto("/web/login/phone")
        screenshot(page, "worker-signin-1-phone")
        worker_sign_in(page, live)
        state = context.storage_state()
    return state


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page as a person would."""
    page.goto("/web/login")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
