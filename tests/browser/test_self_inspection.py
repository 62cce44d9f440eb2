"""The demo enterprise's self-inspection (企业自查) on a 375 px phone, in a real Chromium:
the 企业自查 page (with the demo's earlier self-inspection), start one on the fire
checklist, walk it (answers saved on tap), log a hazard from the failed item with a photo,
sign as the checker (no 拒签), submit; then fix the hazard and close it itself with
"验收销号". The officer lists the enterprise's self-inspections and has heard of the demo's
major self-found hazard. Screenshots go to ``SAFETY_SCREENSHOT_DIR`` (default: the test's
temporary folder) for a look by eye."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.test_inspection_walk import PHONE, _api, _draw, _login, _outbox_empty
from tests.imagegen import jpeg


@pytest.fixture
async def phone(browser):
    context = await browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
    page = await context.new_page()
    yield context, page
    await context.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SAFETY_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _shot(page, shots: Path, name: str) -> None:
    await page.screenshot(path=str(shots / f"self-{name}.png"), full_page=True)


async def test_the_enterprise_runs_a_self_inspection_end_to_end(phone, live_server, shots):
    context, page = phone
    await _login(page, live_server, "enterprise")
    assert await page.locator("nav a[href='/self-inspections']").count() == 1  # the menu
    await page.goto(f"{live_server}/self-inspections")
    # the demo's earlier one is listed, submitted
    assert await page.locator("[data-self-inspection] .state-submitted").count() >= 1
    await _shot(page, shots, "1-list")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"

    await page.select_option("#f-checklist_id", label="消防安全检查表")
    await page.click("#start button[type=submit]")
    await page.wait_for_url(re.compile(r"/inspections/\d+$"))
    inspection_id = int(page.url.rsplit("/", 1)[1])
    await page.wait_for_selector("form[data-autosave]")
    forms = page.locator("form[data-autosave]")
    count = await forms.count()
    assert count == 17
    for d in await page.locator("details.section:not([open]) > summary").all():
        await d.click()
    await forms.nth(0).locator("button.choice.fail").click()
    for n in range(1, count):
        await forms.nth(n).locator("button.choice.pass").click()
    await _outbox_empty(page)
    assert await page.locator("[data-answered]").inner_text() == str(count)
    await _shot(page, shots, "2-walk")

    await page.locator("form[data-autosave] a.log-hazard").first.click()
    await page.wait_for_selector("form[data-hazard-form]")
    assert await page.locator("#f-level").input_value() == "general"
    await page.fill("#f-description", "消防安全制度未张贴，员工不清楚应急疏散预案")
    await page.fill("#f-location", "办公楼一层")
    await page.set_input_files(
        "input[data-photos]",
        files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg((800, 600))}],
    )
    await page.wait_for_selector("ul[data-photo-list] img")
    await _shot(page, shots, "3-hazard-form")
    await page.click("form[data-hazard-form] button[type=submit]")
    # Back to the failed item (issue 19), the hazard listed on the walk.
    await page.wait_for_url(re.compile(r"/inspections/\d+\?item=\d+#item-\d+$"))
    await _outbox_empty(page)
    hazard_id = int((await page.locator("#hazards article.hazard").first.get_attribute("id"))[7:])
    await page.wait_for_selector(f"#photos-{hazard_id} img")

    await page.goto(f"{live_server}/inspections/{inspection_id}/sign")
    assert await page.locator("input[name=refused]").count() == 0  # no 拒签 on one's own
    await page.fill("#f-inspector-name", "刘洋")
    await _draw(page, page.locator("#sign-inspector canvas"))
    await page.click("#sign-inspector button[type=submit]")
    await page.wait_for_selector("#sign-inspector .badge.ok")
    await _shot(page, shots, "4-sign")

    await page.goto(f"{live_server}/inspections/{inspection_id}")
    await page.click("form[data-submit] button[type=submit]")
    await page.click("[data-confirm-submit]")  # the confirmation of what is locked
    await page.wait_for_selector(".state-submitted")
    await _shot(page, shots, "5-submitted")

    hazard = _api(live_server, "enterprise", "GET", f"/api/v1/hazards/{hazard_id}").json()
    assert hazard["source"] == "self_report" and hazard["status"] == "pending"
    assert [p["kind"] for p in hazard["photos"]] == ["problem"]

    # Fixed: the evidence with an after-photo, then 验收销号 by the enterprise itself.
    await page.goto(f"{live_server}/hazards/{hazard_id}")
    await page.fill("#evidence textarea[name=description]", "已张贴消防安全制度并组织全员学习")
    await page.set_input_files(
        "#evidence input[type=file]",
        files=[{"name": "after.jpg", "mimeType": "image/jpeg", "buffer": jpeg((640, 480))}],
    )
    await page.click("#evidence button[value=submit]")
    await page.wait_for_url(re.compile(r"done=evidence"))
    await page.wait_for_selector("#verify")
    await _shot(page, shots, "6-verify")
    await page.click("#verify button[value=pass]")
    await page.wait_for_url(re.compile(r"done=verify"))
    await _shot(page, shots, "7-closed")
    hazard = _api(live_server, "enterprise", "GET", f"/api/v1/hazards/{hazard_id}").json()
    assert hazard["status"] == "closed"

    # The officer lists the enterprise's self-inspections and heard of the demo's major one.
    r = _api(live_server, "officer", "GET", "/api/v1/inspections", params={"kind": "self"})
    assert inspection_id in [i["id"] for i in r.json()["items"]]
    assert len({i["enterprise_id"] for i in r.json()["items"]}) >= 3
    notes = _api(live_server, "officer", "GET", "/api/v1/notifications").json()["items"]
    assert any(n["kind"] == "hazard.self_major" for n in notes)
    officer = await context.browser.new_context(locale="zh-CN", viewport=PHONE)
    try:
        op = await officer.new_page()
        await _login(op, live_server, "officer")
        await op.goto(f"{live_server}/self-inspections")
        assert await op.locator(f"a[href='/inspections/{inspection_id}/review']").count() == 1
        await _shot(op, shots, "8-officer-list")
    finally:
        await officer.close()
