"""The user guide's screenshots (docs/guide/*.md), made by walking each role's day on the
seeded demo in a real Chromium: phone roles at 375 px, the officer and the admin at
1280 px. Every step asserts that the page shows what the guide says (its heading, the
buttons and links the text names) before the picture is taken, so a changed page fails
here rather than leaving the guide describing something else. Nothing is changed: the
walk only reads, so it may run beside the other browser tests on the same demo.

The pictures (JPEG, quality 80, the visible part of the page) go to docs/guide/img/ when
``SAFETY_GUIDE_SHOTS=1`` — refresh them with
``SAFETY_GUIDE_SHOTS=1 bash .ci/test tests/browser/test_guide_screenshots.py`` — and to
the test's temporary folder otherwise."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.test_demo_logins import PASSWORDS
from tests.browser.test_inspection_walk import _visit

GUIDE_IMG = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
PHONE = {"width": 375, "height": 812}
DESK = {"width": 1280, "height": 800}
MAX_BYTES = 200 * 1024  # each picture stays small enough to commit

# The first walk of a session also waits for the demo to load (live_server): on
# PostgreSQL under a busy machine that alone took over four minutes.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    if os.environ.get("SAFETY_GUIDE_SHOTS") == "1":
        GUIDE_IMG.mkdir(parents=True, exist_ok=True)
        return GUIDE_IMG
    return tmp_path


class Walk:
    """One role's day: a logged-in page, and a picture per step."""

    def __init__(self, page, base: str, folder: Path, role: str) -> None:
        self.page, self.base, self.folder, self.role = page, base, folder, role

    async def goto(self, path: str) -> None:
        response = await self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path

    async def heading(self, name: str | re.Pattern) -> None:
        await expect(self.page.get_by_role("heading", name=name).first).to_be_visible()

    async def shows(self, role: str, *names: str) -> None:
        """Each named button or link is on the page (visible)."""
        main = self.page.locator("main")
        for name in names:
            await expect(main.get_by_role(role, name=name).first).to_be_visible()

    async def shot(self, step: str, at: str | None = None) -> None:
        """The visible part of the page; ``at``: scrolled so that this heading is on top."""
        await self.page.wait_for_load_state("networkidle")
        if at is not None:
            heading = self.page.get_by_role("heading", name=at).first
            await heading.evaluate("h => h.scrollIntoView({block: 'start'})")
        path = self.folder / f"{self.role}-{step}.jpg"
        await self.page.screenshot(path=path, type="jpeg", quality=80)
        assert 0 < path.stat().st_size < MAX_BYTES, f"{path.name}: {path.stat().st_size} bytes"


@pytest.fixture
async def walk(browser, live_server, folder, request):
    role, username, size = request.param
    context = await browser.new_context(locale="zh-CN", viewport=size, has_touch=size == PHONE)
    page = await context.new_page()
    w = Walk(page, live_server, folder, role)
    await w.goto("/login")
    await w.heading("登录")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORDS[username])
    if role == "grid":  # the login page once, on a phone
        await w.shot("login")
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "/login" not in page.url
    yield w
    await context.close()


def role(name: str, username: str, size: dict) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("walk", [(name, username, size)], indirect=True)


@role("officer", "officer", DESK)
async def test_the_officers_day(walk):
    await walk.goto("/")
    await walk.heading(re.compile("^欢迎"))
    await walk.shows("link", "待验收", "延期待批", "逾期隐患", "巡查上报待研判")
    await walk.shot("home")

    await walk.goto("/dashboard")
    await walk.heading("数据看板")
    await walk.shows("link", "2026年冬季安全生产大检查")
    await walk.shot("dashboard")

    await walk.goto("/campaigns")
    await walk.heading("检查活动")
    await walk.shows("link", "新建检查活动")
    await walk.page.get_by_role("link", name="2026年冬季安全生产大检查").first.click()
    await walk.heading(re.compile("2026年冬季安全生产大检查"))
    await walk.shows("link", "新建批次", "数据统计 →", "下载活动总结报告 (PDF)")
    await walk.shows("button", "生成检查任务")
    await walk.shot("campaign")

    await walk.page.get_by_role("link", name="数据统计 →").click()
    await walk.heading(re.compile("数据统计$"))
    await walk.heading(re.compile("^分组统计"))
    await walk.shot("figures")

    await walk.goto("/hazards/verify")
    await walk.heading(re.compile("^待验收"))
    await walk.shows("button", "通过，销号", "不通过")
    await walk.shot("verify")

    await walk.goto("/patrol/triage")
    await walk.heading("巡查上报研判")
    await walk.shows("link", "立案为隐患", "重复上报")
    await walk.shot("triage")

    await walk.goto("/hazards")
    await walk.heading("隐患查询")
    await walk.shows("link", "导出台账")
    await walk.shows("button", "查询")
    await walk.shot("hazards")


@role("inspector", "inspector", PHONE)
async def test_the_inspectors_day(walk):
    await walk.goto("/")
    await walk.heading("现在要做的检查")
    await walk.shows("link", "今日待检", "检查中", "待复查")
    await walk.shot("home")

    await walk.goto("/inspections/today")
    await walk.heading(re.compile("^今日检查"))
    await walk.shot("today")

    planned = _visit(walk.base, "planned")
    await walk.goto(f"/inspections/{planned['id']}")
    await walk.shows("button", "开始检查")
    await walk.shot("start")

    visit = _visit(walk.base, "in_progress")
    await walk.goto(f"/inspections/{visit['id']}")
    await walk.heading("本次发现的隐患")
    await walk.shows("link", "记录隐患", "去签字")
    await walk.shot("walk")

    await walk.page.get_by_role("link", name="记录隐患").first.click()
    await walk.heading("记录隐患")
    await walk.shows("button", "保存隐患")
    await walk.shot("hazard")

    await walk.goto(f"/inspections/{visit['id']}/sign")
    await walk.heading("检查人员签字")
    await walk.heading("企业负责人签字")
    await walk.shows("button", "确认签字", "重写")
    await walk.shot("sign")


@role("enterprise", "enterprise", PHONE)
async def test_the_enterprise_contacts_day(walk):
    await walk.goto("/")
    await walk.heading("待办事项")
    await walk.shows("link", "待整改", "即将到期", "已逾期", "被退回")
    await walk.shot("home")

    await walk.goto("/hazards")
    await walk.heading("我们的隐患")
    await walk.heading(re.compile("^待整改"))
    await walk.shot("hazards")

    # the first hazard still to rectify: its plan and its evidence
    await walk.page.locator("main a[href^='/hazards/']").first.click()
    await walk.heading("整改方案")
    await walk.heading("提交整改反馈")
    await walk.shows("button", "保存方案", "提交验收")
    await expect(walk.page.get_by_text("申请延期").first).to_be_visible()
    await walk.shot("hazard", at="整改方案")

    await walk.goto("/self-inspections")
    await walk.heading("企业自查")
    await walk.shows("button", "开始自查")
    await walk.shot("self")

    await walk.goto("/risk-points")
    await walk.heading(re.compile("风险分级管控$"))
    await walk.shows("link", "新增风险点", "导入风险清单", "导出风险清单")
    await walk.shot("risk")


@role("grid", "grid", PHONE)
async def test_the_grid_workers_day(walk):
    await walk.goto("/")
    await walk.heading(re.compile("^欢迎"))
    await walk.shows("link", "随手拍上报", "写日志")
    await walk.shot("home")

    await walk.goto("/patrol/new")
    await walk.heading("随手拍")
    await walk.shows("button", "附上手机定位", "上报")
    await walk.shot("report")

    await walk.goto("/patrol")
    await walk.heading("我的上报")
    await walk.shot("reports")

    await walk.goto("/patrol/logs/new")
    await walk.heading("记日志")
    await walk.shows("button", "保存日志")
    await walk.shot("log")


@role("admin", "admin", DESK)
async def test_the_admins_day(walk):
    await walk.goto("/")
    await walk.heading("基础数据")
    await walk.shows("link", "用户", "组织机构", "第三方机构", "检查表", "审计日志", "投递失败")
    await walk.shot("home")

    await walk.goto("/admin/users")
    await walk.heading("用户管理")
    await walk.heading("新建用户")
    await walk.shot("users")

    await walk.page.get_by_role("link", name="修改").nth(4).click()
    await walk.heading(re.compile("^两步验证"))
    await walk.shows("button", "保存")
    await walk.shot("user")

    await walk.goto("/admin/checklists")
    await walk.heading("检查表库")
    await walk.shows("link", "从Excel导入检查表")
    await walk.shot("checklists")

    await walk.goto("/admin/audit")
    await walk.heading("审计日志")
    await walk.shows("button", "筛选")
    await walk.shot("audit")
