"""The checklist library pages in a real Chromium at 1280 px and 375 px: the demo's
library is there (loaded by `safety demo`), nothing overflows the phone's width, and the
screenshots are kept for a look by eye (SAFETY_SCREENSHOTS, default: the test folder)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from safety.web import XLSX
from tests.browser.test_demo_logins import login

WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}


def shots_dir(tmp_root: Path) -> Path:
    d = Path(os.environ.get("SAFETY_SCREENSHOTS") or tmp_root / "screenshots")
    d.mkdir(parents=True, exist_ok=True)
    return d


async def no_horizontal_overflow(page) -> None:
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page is {overflow}px wider than the screen"


@pytest.mark.parametrize("size", sorted(WIDTHS))
async def test_the_library_pages_fit_the_screen(browser, live_server, tmp_root, size):
    width, height = WIDTHS[size]
    context = await browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = await context.new_page()
    try:
        await login(page, live_server, "admin")
        await page.goto(live_server + "/admin/checklists")
        rows = page.locator(".cl-list tbody tr")
        assert await rows.count() >= 7
        assert await page.locator("text=粉尘涉爆企业安全检查表").count() == 1
        await no_horizontal_overflow(page)
        out = shots_dir(tmp_root)
        await page.screenshot(path=str(out / f"checklists-list-{size}.png"), full_page=True)

        await page.click("text=粉尘涉爆企业安全检查表")
        await page.wait_for_load_state("networkidle")
        assert await page.locator(".cl-item").count() >= 15
        assert await page.locator(".cl-item.major").count() >= 5
        await no_horizontal_overflow(page)
        await page.screenshot(path=str(out / f"checklists-detail-{size}.png"), full_page=False)

        export = await page.request.get(page.url + "/export.xlsx")
        assert export.ok
        await page.goto(live_server + "/admin/checklists/import")
        await no_horizontal_overflow(page)
        await page.screenshot(path=str(out / f"checklists-import-{size}.png"), full_page=True)

        # An edited download previews as the next version, with a bad row named.
        wb = load_workbook(io.BytesIO(await export.body()))
        ws = wb.worksheets[0]
        ws.cell(2, 3).value = str(ws.cell(2, 3).value) + "（复查）"
        ws.append(["管理与培训", "FC-99", "新增检查内容", "", "重大", "", "", ""])
        buf = io.BytesIO()
        wb.save(buf)
        await page.fill("#f-code", "dust")
        await page.set_input_files(
            "#f-file", files=[{"name": "dust.xlsx", "mimeType": XLSX, "buffer": buf.getvalue()}]
        )
        await page.click("form.stack button[type=submit]")
        await page.wait_for_load_state("networkidle")
        assert await page.locator("text=检查依据不能为空").count() == 1
        await no_horizontal_overflow(page)
        await page.screenshot(path=str(out / f"checklists-preview-{size}.png"), full_page=True)
    finally:
        await context.close()
