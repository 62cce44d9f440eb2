"""The closed loop in a real Chromium on a phone (375 px): the demo enterprise's contact
opens its hazard, fills the 五落实 plan, uploads an after-photo and submits; the officer
verifies it from the queue; the contact sees it closed. Screenshots at 375 and 1280 px go
to SAFETY_SCREENSHOTS (default: the test folder) for a look by eye."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.browser.test_checklist_pages import no_horizontal_overflow, shots_dir
from tests.browser.test_demo_logins import login
from tests.inspections.factories import jpeg

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def _seed(server_database: str, tmp_root: Path, *args: str) -> int:
    env = {
        **os.environ,
        "DATABASE_URL": server_database,
        "SAFETY_DATA_DIR": str(tmp_root / "browser-data"),
    }
    out = subprocess.run(
        [sys.executable, "-m", "tests.browser.rect_seed", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip().splitlines()[-1])


async def _shoot(browser, base: str, username: str, path: str, name: str, out: Path) -> None:
    """The page at 1280 px too (the phone shots are taken along the flow)."""
    context = await browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = await context.new_page()
    try:
        await login(page, base, username)
        await page.goto(base + path)
        await no_horizontal_overflow(page)
        await page.screenshot(path=str(out / f"{name}-1280.png"), full_page=True)
    finally:
        await context.close()


async def test_the_enterprise_fixes_a_hazard_and_the_officer_closes_it(
    browser, live_server, server_database, tmp_root
):
    hazard_id = _seed(server_database, tmp_root)
    out = shots_dir(tmp_root)
    photo = tmp_root / "after.jpg"
    photo.write_bytes(jpeg(320, 240))
    phone = PHONE

    ent_ctx = await browser.new_context(locale="zh-CN", viewport=phone)
    ent = await ent_ctx.new_page()
    try:
        await login(ent, live_server, "enterprise")
        await ent.goto(live_server + "/hazards")
        card = ent.locator(f'a[href="/hazards/{hazard_id}"]')
        assert await card.count() == 1
        assert "还剩" in await card.inner_text()
        await no_horizontal_overflow(ent)
        await ent.screenshot(path=str(out / "ours-375.png"), full_page=True)
        await card.click()
        await ent.wait_for_load_state("networkidle")
        await no_horizontal_overflow(ent)
        await ent.screenshot(path=str(out / "hazard-375.png"), full_page=True)

        # the plan: 五落实, one left out first
        await ent.fill("#f-responsible_person", "刘洋")
        await ent.fill("#f-measures", "停用喷漆房，更换防爆接线盒盖并复测接地")
        await ent.fill("#f-contingency_plan", "设置警戒区，配备灭火器，专人值守")
        await ent.click("#plan button[type=submit]")
        await ent.wait_for_load_state("networkidle")
        assert await ent.locator("#plan .field.invalid #f-funds").count() == 1
        assert await ent.input_value("#f-measures") == "停用喷漆房，更换防爆接线盒盖并复测接地"
        await ent.screenshot(path=str(out / "plan-error-375.png"), full_page=False)
        await ent.locator("#plan").screenshot(path=str(out / "plan-form-375.png"))
        await ent.fill("#f-funds", "3000元，企业自筹")
        await ent.click("#plan button[type=submit]")
        await ent.wait_for_load_state("networkidle")
        assert "整改方案已保存" in await ent.inner_text("main")

        # the evidence with an after-photo
        await ent.fill("#f-description", "已更换防爆接线盒盖，接地电阻复测合格")
        await ent.set_input_files("#f-photos", str(photo))
        await ent.click('#evidence button[value="submit"]')
        await ent.wait_for_load_state("networkidle")
        assert "等待验收" in await ent.inner_text("main")
        assert await ent.locator(".photos img").count() >= 1
        await no_horizontal_overflow(ent)

        off_ctx = await browser.new_context(locale="zh-CN", viewport=phone)
        off = await off_ctx.new_page()
        try:
            await login(off, live_server, "officer")
            await off.goto(live_server + "/hazards/verify")
            item = off.locator(f"#h{hazard_id}")
            assert await item.count() == 1
            assert await item.locator(".compare .cmp-after img").count() >= 1
            assert await item.locator(".compare .cmp-plan").count() == 1
            await no_horizontal_overflow(off)
            await off.screenshot(path=str(out / "verify-queue-375.png"), full_page=True)
            await _shoot(browser, live_server, "officer", "/hazards/verify", "verify-queue", out)
            # a major hazard: an opinion, then 通过, then 确认销号
            await item.locator("textarea").fill("现场复查，接线盒盖已更换")
            await item.locator('button[value="pass"]').click()
            await off.wait_for_load_state("networkidle")
            confirm = off.locator(f"#h{hazard_id} .confirm-close")
            assert await confirm.count() == 1
            await no_horizontal_overflow(off)
            await confirm.screenshot(path=str(out / "verify-confirm-375.png"))
            await confirm.locator('button[value="1"]').click()
            await off.wait_for_load_state("networkidle")
            assert await off.locator(f"#h{hazard_id}").count() == 0
        finally:
            await off_ctx.close()

        await ent.goto(f"{live_server}/hazards/{hazard_id}")
        assert "已销号" in await ent.inner_text("main")
        await no_horizontal_overflow(ent)
        await ent.screenshot(path=str(out / "closed-375.png"), full_page=True)
        for path, name in ((f"/hazards/{hazard_id}", "closed"), ("/hazards", "ours")):
            await _shoot(browser, live_server, "enterprise", path, name, out)
    finally:
        await ent_ctx.close()


async def test_a_major_hazard_is_not_closed_by_one_tap(
    browser, live_server, server_database, tmp_root
):
    """At 1280 px on the hazard page: 通过 without an opinion is refused at the field; with
    one, the first 通过 only shows the confirmation (the hazard stays 待验收); 确认销号
    closes it, and the timeline names the officer and the opinion."""
    hazard_id = _seed(server_database, tmp_root, "--submitted")
    out = shots_dir(tmp_root)
    context = await browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = await context.new_page()
    try:
        await login(page, live_server, "officer")
        await page.goto(f"{live_server}/hazards/{hazard_id}")
        assert await page.locator("#compare .cmp-after img").count() >= 1
        assert "3000元，企业自筹" in await page.inner_text("#compare")
        await page.screenshot(path=str(out / "hazard-compare-1280.png"), full_page=True)
        verify = page.locator("#verify")
        await verify.locator('button[value="pass"]').click()
        await page.wait_for_load_state("networkidle")
        assert await page.locator("#verify .field.invalid textarea").count() == 1
        assert "重大隐患验收通过须填写验收意见" in await page.inner_text("#verify")
        assert "待验收" in await page.inner_text(".hz-head")

        await page.locator("#verify textarea").fill("现场复查，接线盒盖已更换，同意销号")
        await page.locator('#verify button[value="pass"]').click()
        await page.wait_for_load_state("networkidle")
        panel = page.locator("#verify .confirm-close")
        assert await panel.count() == 1
        assert "现场复查，接线盒盖已更换，同意销号" in await panel.inner_text()
        assert "待验收" in await page.inner_text(".hz-head")  # the first tap closed nothing
        await no_horizontal_overflow(page)
        await page.screenshot(path=str(out / "verify-confirm-1280.png"), full_page=True)
        await page.goto(f"{live_server}/hazards/{hazard_id}")  # still open, looked at again
        assert "待验收" in await page.inner_text(".hz-head")
        await page.locator("#verify textarea").fill("现场复查，接线盒盖已更换，同意销号")
        await page.locator('#verify button[value="pass"]').click()
        await page.wait_for_load_state("networkidle")
        await page.locator('#verify .confirm-close button[value="1"]').click()
        await page.wait_for_load_state("networkidle")
        assert "已销号" in await page.inner_text(".hz-head")
        history = await page.inner_text("#history")
        assert "验收通过：现场复查，接线盒盖已更换，同意销号" in history
        await page.screenshot(path=str(out / "verify-closed-1280.png"), full_page=True)
    finally:
        await context.close()
