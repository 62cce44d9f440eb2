"""Risk grading in a real Chromium: the enterprise contact enters a risk point on a phone
(375 px), sees the refusal of a red point below company level next to its field, then the
point graded in the four-colour register; the officer's colour map and due list at 375
and 1280 px. Nothing overflows the screen sideways. Screenshots go to the test's temporary
folder (SAFETY_SCREENSHOTS, when set, keeps them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.test_campaign_pages import _no_sideways_scroll
from tests.browser.test_demo_logins import login


def _shot_dir(tmp_root: Path) -> Path:
    d = Path(os.environ.get("SAFETY_SCREENSHOTS") or tmp_root / "screenshots")
    d.mkdir(parents=True, exist_ok=True)
    return d


async def test_the_enterprise_enters_a_risk_point_on_a_phone(browser, live_server, tmp_root):
    shots = _shot_dir(tmp_root)
    context = await browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 800})
    page = await context.new_page()
    try:
        await login(page, live_server, "enterprise")
        async with page.expect_navigation():
            await page.click("nav.mainnav a[href='/risk-points']")
        assert "/risk-points" in page.url and "风险分级管控" in await page.inner_text("h1")
        await _no_sideways_scroll(page)
        await page.screenshot(path=str(shots / "register-375.png"), full_page=True)
        before = await page.locator(".rk-point").count()

        async with page.expect_navigation():
            await page.click("text=新增风险点")
        await _no_sideways_scroll(page)
        await page.fill("#f-name", "抛丸清理作业")
        await page.fill("#f-hazard_factors", "金属粉尘积聚，除尘器未接地")
        await page.check("input[name=accident_types][value='其它爆炸']")
        await page.check("input[name=accident_types][value='机械伤害']")
        await page.select_option("#f-method", "LEC")
        await page.select_option("#f-lec_l", "6")
        await page.select_option("#f-lec_e", "6")
        await page.select_option("#f-lec_c", "15")  # D = 540: 重大风险
        await page.fill("#f-measure_engineering", "除尘系统接地，设置泄爆口")
        await page.fill("#f-measure_ppe", "防尘口罩")
        await page.select_option("#f-control_tier", "workshop")
        async with page.expect_navigation():
            await page.click("main button[type=submit]")
        # refused: a major risk is controlled by the company, by a named person
        tier_error = page.locator(".field.invalid:has(#f-control_tier) .err")
        assert "公司级" in await tier_error.inner_text()
        assert await page.input_value("#f-name") == "抛丸清理作业"  # nothing typed is lost
        await _no_sideways_scroll(page)
        await page.screenshot(path=str(shots / "form-error-375.png"), full_page=True)

        await page.select_option("#f-control_tier", "company")
        await page.fill("#f-responsible_person", "刘建国")
        async with page.expect_navigation():
            await page.click("main button[type=submit]")
        main = await page.inner_text("main")
        assert "已保存" in main and "抛丸清理作业" in main and "D=540" in main
        assert await page.locator(".rk-point").count() == before + 1
        card = page.locator(".rk-point", has_text="抛丸清理作业")
        assert "重大风险" in await card.inner_text()
        assert "重大风险" in await page.locator(".rk-ent").inner_text()  # the roll-up
        await _no_sideways_scroll(page)
        await page.screenshot(path=str(shots / "register-after-375.png"), full_page=True)
    finally:
        await context.close()


@pytest.mark.parametrize("width", [375, 1280])
async def test_the_officer_reads_the_colour_map_and_the_due_list(
    browser, live_server, tmp_root, width
):
    shots = _shot_dir(tmp_root)
    context = await browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await login(page, live_server, "officer")
        async with page.expect_navigation():
            await page.click("nav.mainnav a[href='/risk/map']")
        await _no_sideways_scroll(page)
        assert await page.locator("td.rk-cell.risk-red").count() >= 1
        await page.screenshot(path=str(shots / f"map-{width}.png"), full_page=True)
        async with page.expect_navigation():
            await page.locator("td.rk-cell.risk-red a").first.click()
        assert "/enterprises?" in page.url and "industry=" in page.url
        assert await page.locator("main tbody tr").count() >= 1

        async with page.expect_navigation():
            await page.click("nav.mainnav a[href='/planning/due']")
        await _no_sideways_scroll(page)
        assert "从未检查" in await page.inner_text("main")
        await page.select_option("#flt-colour", "red")
        async with page.expect_navigation():
            await page.click("form.filters button[type=submit]")
        rows = page.locator(".rk-due tbody tr")
        assert await rows.count() >= 5  # the five key enterprises are red
        await page.screenshot(path=str(shots / f"due-{width}.png"), full_page=True)

        await page.goto(live_server + "/enterprises")
        async with page.expect_navigation():
            await page.click("text=山东九州五金制品有限公司")
        async with page.expect_navigation():
            await page.click("main a[href$='/risk-points']")
        await _no_sideways_scroll(page)
        assert await page.locator(".rk-point").count() == 12
        await page.screenshot(path=str(shots / f"register-key-{width}.png"), full_page=True)
    finally:
        await context.close()
