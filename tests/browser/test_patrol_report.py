"""The grid worker's 随手拍 on a 375 px phone, in a real Chromium: a report sent while the
signal is gone waits on the phone (IndexedDB), survives a reload, and arrives exactly once
with its photo when the signal is back — even when the server's first answer is lost. Once
the server has it, the page names its number with a link ("已上报，编号 #123 查看"), at
once online, or when the outbox delivers it later."""

from __future__ import annotations

import uuid

import httpx

from tests.browser.test_demo_logins import PASSWORDS, login
from tests.imagegen import jpeg

PHONE = {"width": 375, "height": 740}


def _reports(base: str, text: str) -> list[dict]:
    token = httpx.post(
        base + "/api/v1/auth/token", json={"username": "grid", "password": PASSWORDS["grid"]}
    ).json()["access_token"]
    r = httpx.get(
        base + "/api/v1/patrol-reports",
        params={"q": text},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def _outbox_empty(page) -> None:
    await page.wait_for_function(
        "() => window.Outbox && Outbox.settled()", timeout=30000, polling=250
    )


async def test_a_report_sent_offline_arrives_exactly_once(browser, live_server):
    context = await browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
    page = await context.new_page()
    try:
        await login(page, live_server, "grid")
        assert page.url.endswith("/")
        await page.goto(live_server + "/patrol")
        await page.click("a.patrol-cta")
        await page.wait_for_url("**/patrol/new")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{width}px wide on a 375 px phone"
        # One screen: the send button is visible without scrolling.
        assert await page.locator("form[data-patrol-form] button[type=submit]").is_visible()
        box = await page.locator("form[data-patrol-form] button[type=submit]").bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"]

        text = f"楼道堆放杂物{uuid.uuid4().hex[:6]}"
        await page.set_input_files(
            "#f-photos",
            files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg((800, 600))}],
        )
        await page.select_option("#f-enterprise_id", label="济南恒达金属制品有限公司")
        await page.fill("#f-address", "二号车间东门")
        await page.fill("#f-description", text)

        lost = {"n": 0}

        async def lose_first_answer(route):
            if lost["n"] == 0:
                lost["n"] += 1
                await route.fetch()  # the server stores the report...
                await route.abort()  # ...and the phone never hears back
            else:
                await route.continue_()

        await context.set_offline(True)
        await page.click("form[data-patrol-form] button[type=submit]")
        status = page.locator("[data-patrol-status]")
        await status.wait_for(state="visible", timeout=15000)
        assert "有信号时自动发送" in await status.inner_text()
        assert await page.locator("#f-description").input_value() == ""  # ready for the next
        assert _reports(live_server, text) == []  # nothing reached the server

        # Routed before the signal returns: going online fires the page's "online" event,
        # which sends the queued report at once (before a route set afterwards would see it).
        await page.route("**/patrol/reports", lose_first_answer)
        await context.set_offline(False)
        await page.reload()  # a reload loses nothing: the report waits in IndexedDB
        await _outbox_empty(page)
        assert lost["n"] == 1  # the first answer was lost, the retry replayed it

        found = _reports(live_server, text)
        assert len(found) == 1, found
        report = found[0]
        assert report["status"] == "new" and report["address"] == "二号车间东门"
        assert report["enterprise_name"] == "济南恒达金属制品有限公司"
        assert len(report["photos"]) == 1

        # Arrived after the reload: the page names it with a link.
        status = page.locator("[data-patrol-status]")
        await status.locator(f'[data-report-id="{report["id"]}"]').wait_for(timeout=15000)
        assert f"已上报，编号 #{report['id']}" in await status.inner_text()

        # It is on the grid worker's list, waiting for triage.
        await page.goto(live_server + "/patrol")
        assert text in await page.inner_text("main")
    finally:
        await context.close()


async def test_a_report_sent_online_shows_its_number_and_a_link(browser, live_server):
    context = await browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
    page = await context.new_page()
    try:
        await login(page, live_server, "grid")
        await page.goto(live_server + "/patrol/new")
        text = f"路灯杆倾斜{uuid.uuid4().hex[:6]}"
        await page.fill("#f-address", "和平路与解放路路口")
        await page.fill("#f-description", text)
        await page.click("form[data-patrol-form] button[type=submit]")
        line = page.locator("[data-patrol-status] [data-report-id]")
        await line.wait_for(timeout=15000)
        found = _reports(live_server, text)
        assert len(found) == 1, found
        number = found[0]["id"]
        assert await line.get_attribute("data-report-id") == str(number)
        assert (await line.inner_text()).strip() == f"已上报，编号 #{number} 查看"
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{width}px wide on a 375 px phone"
        await line.locator("a").click()
        await page.wait_for_url(f"**/patrol/reports/{number}")
        assert text in await page.inner_text("main")
    finally:
        await context.close()
