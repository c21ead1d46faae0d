"""The browser scenarios of issue 8, driven in headless Chromium as people use the pages:

- a broker uploads a ledger and sees its problems, and downloads the rejected rows;
- a broker plans the match day of their county, previews it and commits it (确认下发);
- a broker pastes an ad and publishes it, finds candidates and records contact; the posting's employer does
  not see the candidate until the worker, signed in on a phone-sized screen, sees the job among the
  recommendations and says 我有意向; then the employer sees the candidate, records an interview, and the
  broker records the offer and the hire (a hire without a wage is refused next to the field, nothing typed
  lost).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, StorageState, expect

from tests.api.jobs_world import NEWCOMERS
from tests.browser.conftest import PHONE, Live, screenshot, sign_in
from tests.ingest.builders import break_check_digit, make_id

AD = ("忻州明达建筑有限公司招聘驾驶员3名，25-50周岁，持C1驾照，月薪4500-6000元，包吃住，"
      "工作地点忻府区开发区，联系电话13912345678王经理")  # fmt: skip
BAD_ID = break_check_digit(make_id(birth="19900101", seq=745))


def _ledger(folder: Any) -> Any:
    """A CSV ledger of site A1: two newcomers and one row whose ID number has a wrong check digit."""
    rows = [r for r in NEWCOMERS if r[4] == "幸福小区"] + [("N9", "户主", "吕强", BAD_ID, "幸福小区")]
    lines = ["户号,与户主关系,姓名,身份证号,安置点,备注"]
    lines += [f"{hh},{rel},{name},{ident},{site},{uuid.uuid4().hex}" for hh, rel, name, ident, site in rows]
    path = folder / "幸福小区台账.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_broker_uploads_a_ledger_and_sees_its_problems(desktop: Page, tmp_path: Any) -> None:
    sign_in(desktop, "broker_a")
    desktop.goto("/web/staff/imports")
    desktop.get_by_role("button", name="上传并导入").click()
    expect(desktop.locator("#e-file")).to_contain_text("请选择要上传的台账文件")  # nothing chosen: said at the field
    desktop.get_by_label("台账文件").set_input_files(str(_ledger(tmp_path)))
    desktop.get_by_role("button", name="上传并导入").click()
    expect(desktop.get_by_text("状态：已完成")).to_be_visible(timeout=90_000)  # the page refreshes itself
    screenshot(desktop, "scenario-import-result-desktop")
    problems = desktop.locator("table tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("身份证")
    expect(problems.first).to_contain_text("未导入")
    expect(desktop.locator("main")).to_contain_text("新增 2")
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="下载未导入的行（Excel）").click()
    saved = tmp_path / "rejects.xlsx"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "未导入的行.xlsx"
    sheet = load_workbook(saved).active
    assert sheet is not None
    rows = [[str(c) for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert any(BAD_ID in row and "吕强" in row for row in rows[1:])


def test_a_broker_plans_the_match_day_previews_it_and_commits_it(desktop: Page, live: Live) -> None:
    """Before the scenario that hires zhang_wei: he is the county's one driver with a C1 licence."""
    sign_in(desktop, "broker_a")
    desktop.goto("/web/staff/plans")
    expect(desktop.get_by_label("地区（县、区或市的 6 位行政区划代码）")).to_have_value("140902")  # their county
    desktop.get_by_role("button", name="生成预览").click()
    expect(desktop.get_by_role("heading", name=re.compile(r"撮合日计划 \d+ 预览"))).to_be_visible(timeout=90_000)
    proposal = desktop.locator("article", has_text="张伟")
    expect(proposal).to_contain_text("货车司机")
    expect(proposal).to_contain_text("家中暂无就业人员")
    expect(proposal).to_contain_text("138****0003")
    screenshot(desktop, "scenario-plan-preview-desktop")
    desktop.get_by_role("button", name="确认下发").click()
    expect(desktop.get_by_role("status")).to_contain_text("本次写入撮合跟踪 1 条推荐")
    expect(desktop.locator("article", has_text="张伟")).to_contain_text("已推荐")
    expect(desktop.get_by_role("link", name=re.compile("下载外呼名单"))).to_be_visible()
    screenshot(desktop, "scenario-plan-committed-desktop")
    with live.api("broker_a") as client:
        found = client.get("/matches", params={"worker_id": live.world.people["zhang_wei"].id}).json()["items"]
    assert [(m["posting_id"], m["stage"]) for m in found] == [(live.postings["driver"], "proposed")]


def _publish_the_ad(page: Page, live: Live) -> int:
    page.goto("/web/staff/postings/new")
    page.get_by_role("button", name="读取广告").click()  # nothing pasted: said at the field
    expect(page.locator("#e-ad")).to_contain_text("请粘贴招聘广告")
    page.get_by_label("用人单位").first.select_option(str(live.world.employer_id))
    page.get_by_label("招聘广告原文").fill(AD)
    page.get_by_role("button", name="读取广告").click()
    expect(page.get_by_role("heading", name="核对岗位：驾驶员")).to_be_visible()
    marks = page.locator(".ad mark")
    assert {"驾驶员", "3名", "25-50周岁", "月薪4500-6000元"} <= set(marks.all_inner_texts())
    expect(page.get_by_label("招聘人数")).to_have_value("3")
    screenshot(page, "scenario-ad-confirm-desktop")
    page.get_by_role("button", name="确认并发布").click()
    expect(page.get_by_role("heading", name="驾驶员 招聘中")).to_be_visible()
    found = re.search(r"/web/staff/postings/(\d+)", page.url)
    assert found is not None
    return int(found.group(1))


def _worker_says_interested(browser: Browser, live: Live, state: StorageState) -> None:
    context = browser.new_context(base_url=live.url, viewport=PHONE, is_mobile=True, has_touch=True,  # type: ignore[arg-type]
                                  locale="zh-CN", storage_state=state)  # fmt: skip
    try:
        page = context.new_page()
        page.goto("/web/me")
        job = page.locator("article", has=page.get_by_role("heading", name="驾驶员"))
        expect(job).to_contain_text("4500-6000元/月")
        expect(job).to_contain_text("推荐理由")
        screenshot(page, "scenario-worker-recommendations-phone")
        job.get_by_role("button", name="我有意向").click()
        expect(page.get_by_role("status")).to_contain_text("已记下您有意向")
        expect(page.locator("article", has=page.get_by_role("heading", name="驾驶员"))).to_contain_text(
            "您已表示有意向"
        )
        screenshot(page, "scenario-worker-interested-phone")
    finally:
        context.close()


def _broker_records_the_offer_and_the_hire(broker: Page) -> None:
    """录用, then 上岗: first without a wage (refused beside the field, the place typed kept), then with it."""
    broker.reload()
    broker.locator("article[id^=match-]", has_text="张伟").get_by_role("button", name="登记已录用").click()
    match = broker.locator("article[id^=match-]", has_text="张伟")
    match.get_by_text("登记上岗").click()
    match.get_by_label("工作地点").fill("忻府区开发区工地")
    match.get_by_role("button", name="确认上岗").click()  # no wage: refused beside the field, the place kept
    match = broker.locator("article[id^=match-]", has_text="张伟")
    expect(match.locator("p.error")).to_contain_text("工资")
    expect(match.get_by_label("工作地点")).to_have_value("忻府区开发区工地")
    screenshot(broker, "scenario-hire-refused-desktop")
    match.get_by_label("月工资（元）").fill("5200")
    match.get_by_role("button", name="确认上岗").click()
    expect(broker.locator("article[id^=match-]", has_text="张伟")).to_contain_text("已上岗")
    expect(broker.locator("main")).to_contain_text("已录用 1 人")
    screenshot(broker, "scenario-hired-desktop")


def test_an_ad_published_a_worker_interested_the_employer_sees_them_and_a_hire_recorded(
    browser: Browser, live: Live, desktop: Page, second_desktop: Page, worker_state: StorageState
) -> None:
    broker, employer = desktop, second_desktop
    sign_in(broker, "broker_a")
    posting_id = _publish_the_ad(broker, live)
    candidate = broker.locator("article", has_text="张伟").filter(has=broker.get_by_role("button", name="记录已联系"))
    expect(candidate).to_contain_text("持有机动车驾驶证C1")  # ranked with its reasons
    screenshot(broker, "scenario-candidates-desktop")
    candidate.get_by_role("button", name="记录已联系").click()
    match = broker.locator("article[id^=match-]", has_text="张伟")
    expect(match).to_contain_text("已联系")

    sign_in(employer, "employer")
    employer.goto(f"/web/employer/postings/{posting_id}")
    expect(employer.locator("main")).to_contain_text("还没有人同意推荐")
    expect(employer.locator("main")).not_to_contain_text("张伟")

    _worker_says_interested(browser, live, worker_state)

    employer.reload()
    applicant = employer.locator("article", has_text="张伟")
    expect(applicant).to_contain_text(live.world.people["zhang_wei"].phones[0])  # the full phone, now agreed
    screenshot(employer, "scenario-employer-sees-candidate-desktop")
    applicant.get_by_role("button", name="登记面试").click()
    expect(employer.locator("article", has_text="张伟")).to_contain_text("面试")

    _broker_records_the_offer_and_the_hire(broker)


def test_a_worker_signs_in_once_with_the_link_a_broker_gave(browser: Browser, live: Live, desktop: Page) -> None:
    sign_in(desktop, "broker_a")
    desktop.goto(f"/web/staff/workers/{live.world.people['li_xiuying'].id}")
    desktop.get_by_role("button", name="生成登录链接").click()
    link = desktop.get_by_label("登录链接", exact=True).input_value()
    assert link.startswith(live.url + "/signin/link#")
    context = browser.new_context(base_url=live.url, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", name="为我推荐的岗位")).to_be_visible()
        assert "#" not in page.url
        page.goto("/web/me/profile")
        expect(page.locator("main")).to_contain_text("李秀英")
        page.context.clear_cookies()
        page.goto(link)  # the same link again: spent
        expect(page.get_by_role("alert")).to_contain_text("登录链接已失效或已使用")
        screenshot(page, "scenario-link-spent-phone")
    finally:
        context.close()
