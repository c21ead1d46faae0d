"""Every page, as a person sees it: a screenshot at phone and desktop size (``var/screenshots/``) and an
axe-core check in the page (axe-core 4.12, bundled by axe-playwright-python; MPL-2.0) for labels and
contrast: no violations of those rules on any page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, StorageState

from tests.browser.conftest import DESKTOP, PHONE, Live, plan_preview, screenshot, sign_in

# axe-core rules about names and labels of controls, and colour contrast
RULES = ["label", "label-title-only", "form-field-multiple-labels", "select-name", "button-name", "input-button-name",
         "link-name", "aria-input-field-name", "image-alt", "svg-img-alt", "color-contrast", "document-title",
         "html-has-lang", "html-lang-valid"]  # fmt: skip
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def _pages(live: Live) -> dict[str, tuple[Callable[[Page], None] | None, list[tuple[str, str]]]]:
    """role -> (how to sign in, [(name, path)])."""
    driver, zhang, plan = live.postings["driver"], live.world.people["zhang_wei"].id, plan_preview(live)
    return {
        "anonymous": (None, [("login", "/web/login"), ("login-phone", "/web/login/phone"),
                             ("login-link", "/signin/link")]),
        "worker": (None,
                   [("jobs", "/web/me"), ("applications", "/web/me/applications"), ("profile", "/web/me/profile")]),
        "broker": (lambda p: sign_in(p, "broker_a"), [
            ("home", "/web/staff"), ("workers", "/web/staff/workers"), ("worker", f"/web/staff/workers/{zhang}"),
            ("postings", "/web/staff/postings"), ("posting-new", "/web/staff/postings/new"),
            ("posting", f"/web/staff/postings/{driver}"), ("posting-edit", f"/web/staff/postings/{driver}/edit"),
            ("imports", "/web/staff/imports"), ("employer-new", "/web/staff/employers/new"),
            ("reports", "/web/staff/reports"), ("plans", "/web/staff/plans"), ("plan", f"/web/staff/plans/{plan}")]),
        "employer": (lambda p: sign_in(p, "employer"), [
            ("home", "/web/employer"), ("posting-new", "/web/employer/postings/new"),
            ("posting", f"/web/employer/postings/{driver}"),
            ("profile", "/web/employer/profile")]),
    }  # fmt: skip


def axe_violations(page: Page) -> list[str]:
    """The axe-core violations of ``RULES`` on the page, as 'rule: target' lines."""
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": RULES}})
    return [f"{v['id']}: {node['target']}" for v in results.response["violations"] for node in v["nodes"]]


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("role", ["anonymous", "worker", "broker", "employer"])
def test_every_page_has_labels_and_contrast_and_is_photographed(
    browser: Browser, live: Live, worker_state: StorageState, role: str, size: str
) -> None:
    how, pages = _pages(live)[role]
    state = worker_state if role == "worker" else None
    context = browser.new_context(base_url=live.url, viewport=SIZES[size], locale="zh-CN", storage_state=state)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        if how is not None:
            how(page)
        found: dict[str, list[str]] = {}
        for name, path in pages:
            answer = page.goto(path)
            assert answer is not None and answer.status == 200, (path, answer and answer.status)
            assert page.locator("h1").count() == 1 and page.title().endswith("安业")
            screenshot(page, f"{role}-{name}-{size}")
            if violations := axe_violations(page):
                found[path] = violations
        assert found == {}
    finally:
        context.close()


def test_the_check_finds_an_unlabelled_field_and_faint_text(browser: Browser) -> None:
    """The check above can fail: a field without a label and grey text on white are reported."""
    page = browser.new_page()
    try:
        page.set_content('<html lang="zh-CN"><head><title>检查</title></head><body><main><input name="x">'
                         '<p style="color:#bbb">浅色文字</p></main></body></html>')  # fmt: skip
        found = {line.split(":")[0] for line in axe_violations(page)}
        assert {"label", "color-contrast"} <= found
    finally:
        page.close()
