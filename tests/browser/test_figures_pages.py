"""The officer's dashboard and a campaign's figures page in a real Chromium, on a phone
(375 px) and a PC (1280 px), over the demo plus a campaign with six weeks of history
(tests/rectification/figures_seed.py): reached from the nav, nothing overflows sideways,
the charts are drawn, the as-of date redraws the page for a past day, a header sorts the
breakdown, and a number opens a list of that many records. Screenshots go to
SAFETY_SCREENSHOTS (default: <tmp>/screenshots) for a look by eye."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.test_checklist_pages import no_horizontal_overflow, shots_dir
from tests.browser.test_demo_logins import login

_CAMPAIGN: dict[str, int] = {}


def _seed(server_database: str, tmp_root: Path) -> int:
    """The seeded campaign's id (seeded once per server)."""
    if server_database not in _CAMPAIGN:
        env = {
            **os.environ,
            "DATABASE_URL": server_database,
            "SAFETY_DATA_DIR": str(tmp_root / "browser-data"),
        }
        out = subprocess.run(
            [sys.executable, "-m", "tests.rectification.figures_seed"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        _CAMPAIGN[server_database] = int(out.stdout.strip().splitlines()[-1])
    return _CAMPAIGN[server_database]


async def _number(page, selector: str) -> tuple[str, int]:
    link = page.locator(selector).first
    return await link.get_attribute("href"), int(await link.inner_text())


@pytest.mark.parametrize("width", [375, 1280])
async def test_the_officer_reads_the_figures_and_follows_a_number(
    browser, live_server, server_database, tmp_root, width
):
    campaign_id = _seed(server_database, tmp_root)
    out = shots_dir(tmp_root)
    context = await browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = await context.new_page()
    try:
        await login(page, live_server, "officer")
        async with page.expect_navigation():
            await page.click("nav.mainnav a[href='/dashboard']")
        main = await page.inner_text("main")
        assert "数据看板" in main and "秋季安全生产专项整治" in main
        assert "2026年冬季安全生产大检查" in main
        card = page.locator(f"#campaign-{campaign_id}")
        assert await card.locator("svg.chart").count() == 2
        await no_horizontal_overflow(page)
        await page.screenshot(path=str(out / f"dashboard-{width}.png"), full_page=True)

        async with page.expect_navigation():
            await card.locator(f"a[href='/campaigns/{campaign_id}/figures']").first.click()
        assert await page.locator(".fig-tile").count() == 10
        assert await page.locator("figure.fig-chart svg[role=img]:visible").count() == 3
        assert await page.locator(".fig-table tbody tr").count() >= 3
        await no_horizontal_overflow(page)
        await page.screenshot(path=str(out / f"campaign-figures-{width}.png"), full_page=True)
        _, found_today = await _number(page, "[data-figure=hazards_found] a.fig-num")

        # A past day: the GET form redraws the page as things stood then.
        shown = dt.date.fromisoformat(await page.input_value("#f-as_of"))
        await page.fill("#f-as_of", (shown - dt.timedelta(days=21)).isoformat())
        async with page.expect_navigation():
            await page.click(".fig-form button[type=submit]")
        assert "as_of=" in page.url
        _, found_then = await _number(page, "[data-figure=hazards_found] a.fig-num")
        assert found_then < found_today
        await no_horizontal_overflow(page)

        # Sorting by a header, without script.
        async with page.expect_navigation():
            await page.click(".fig-table thead a:has-text('隐患')")
        assert "sort=hazards_found" in page.url
        async with page.expect_navigation():
            await page.click(".fig-table thead a:has-text('隐患')")
        assert "dir=desc" in page.url
        cells = await page.locator(".fig-table tbody tr td:nth-child(5)").all_inner_texts()
        counts = [int(c) for c in cells]
        assert counts == sorted(counts, reverse=True)

        # A number opens the list behind it, as long as the number.
        _href, overdue = await _number(page, "[data-figure=hazards_overdue] a.fig-num")
        async with page.expect_navigation():
            await page.click("[data-figure=hazards_overdue] a.fig-num")
        assert f"共 {overdue} 条" in await page.inner_text("main")
        await no_horizontal_overflow(page)
        await page.go_back()
        _, planned = await _number(page, "[data-figure=enterprises_planned] a.fig-num")
        async with page.expect_navigation():
            await page.click("[data-figure=enterprises_planned] a.fig-num")
        assert f"共 {planned} 家" in await page.inner_text("main")
        await no_horizontal_overflow(page)
        await page.screenshot(path=str(out / f"figures-enterprises-{width}.png"), full_page=True)
    finally:
        await context.close()
