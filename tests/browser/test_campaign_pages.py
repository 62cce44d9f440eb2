"""The officer, in a real Chromium on a phone and on a PC, finds the demo's live campaign,
the visit in progress with its hazard, and plans a second batch; nothing overflows the
screen sideways."""

from __future__ import annotations

import pytest

from tests.browser.test_demo_logins import login


async def _no_sideways_scroll(page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    viewport = await page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url}: {width}px wide in a {viewport}px window"


@pytest.mark.parametrize("width", [375, 1280])
async def test_the_officer_follows_the_demo_campaign_to_the_visit(browser, live_server, width):
    context = await browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await login(page, live_server, "officer")
        await page.click("nav.mainnav a[href='/campaigns']")
        async with page.expect_navigation():
            await page.click("text=2026年冬季安全生产大检查")
        await _no_sideways_scroll(page)
        assert await page.locator(".plan-list tbody tr").count() == 40
        await page.select_option("#flt-state", "in_progress")  # submits itself (app.js)
        await page.wait_for_url("**state=in_progress**")
        rows = page.locator(".plan-list tbody tr")
        assert await rows.count() == 1
        async with page.expect_navigation():
            await rows.first.locator("a").click()
        assert "/review" in page.url
        text = await page.locator("main").inner_text()
        assert "检查中" in text and "不符合 1" in text and "安全出口" in text
        await _no_sideways_scroll(page)

        # Filtering works before the campaign has a name (the filter skips form validation).
        await page.goto(live_server + "/campaigns/new")
        await page.select_option("#flt-ind", "C")
        async with page.expect_navigation():
            await page.click("button[value=filter]")
        assert "符合条件 59 家" in await page.locator("main").inner_text()
        await _no_sideways_scroll(page)

        await page.goto(live_server + "/campaigns")
        await page.click("text=2026年冬季安全生产大检查")
        async with page.expect_navigation():
            await page.click("text=新建批次")
        await _no_sideways_scroll(page)

        if width == 1280:  # one run plans the second batch (the demo server is shared)
            await page.check("input[name=lead] >> nth=0")
            async with page.expect_navigation():
                await page.click("button:has-text('创建批次')")
            assert "批次已创建" in await page.locator("main").inner_text()
            assert await page.locator("section.batch").count() == 2
    finally:
        await context.close()
