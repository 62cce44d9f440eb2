"""Never lose work to a login (#19, point 2): the inspector's session ends mid-walk (its
rows deleted from the server's database, as the idle timeout does); the answers, a photo
and a signature made afterwards stay in the outbox, which says 登录已过期，请重新登录 with a
link back to the same page; after logging in again everything arrives exactly once
(rows counted in the server's database). See docs/session-expiry.md."""

from __future__ import annotations

import os
import re
import sqlite3

import asyncpg
import pytest

from tests.browser.test_inspection_walk import (
    DESK,
    PASSWORDS,
    PHONE,
    _draw,
    _login,
    _outbox_empty,
    _visit,
)
from tests.imagegen import jpeg

EXPIRED = "登录已过期，请重新登录"


async def _sql(database: str, query: str, *args) -> list[tuple]:
    """Run one statement on the live server's own database (``?`` placeholders)."""
    if database.startswith("sqlite"):
        con = sqlite3.connect(database.removeprefix("sqlite:///"))
        try:
            rows = con.execute(query, args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()
    n = 0

    def number(_):
        nonlocal n
        n += 1
        return f"${n}"

    con = await asyncpg.connect(database)
    try:
        return [tuple(r) for r in await con.fetch(re.sub(r"\?", number, query), *args)]
    finally:
        await con.close()


async def _end_sessions(database: str, username: str) -> None:
    """The server-side expiry: the user's session rows are gone, the cookie stays."""
    await _sql(
        database,
        'DELETE FROM user_session WHERE "user" IN (SELECT id FROM app_user WHERE username = ?)',
        username,
    )


async def _count(database: str, query: str, *args) -> int:
    return (await _sql(database, query, *args))[0][0]


async def _photos(database: str, hazard_id: int) -> int:
    return await _count(
        database,
        "SELECT COUNT(*) FROM attachment WHERE owner_type = 'hazard' AND owner_id = ?",
        hazard_id,
    )


async def _signatures(database: str, inspection_id: int) -> int:
    return await _count(
        database,
        "SELECT COUNT(*) FROM attachment WHERE owner_type = 'inspection' AND owner_id = ?"
        " AND kind = 'signature'",
        inspection_id,
    )


async def _results(database: str, inspection_id: int, items: list[int]) -> list[tuple]:
    marks = ",".join("?" for _ in items)
    return await _sql(
        database,
        f"SELECT item, result FROM item_result WHERE inspection = ? AND item IN ({marks})",
        inspection_id,
        *items,
    )


async def _shot(page, name: str, sizes=(("375", PHONE),), full_page: bool = False) -> None:
    folder = os.environ.get("SAFETY_SCREENSHOT_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    for label, size in sizes:
        await page.set_viewport_size(size)
        await page.screenshot(path=os.path.join(folder, f"{name}-{label}.png"), full_page=full_page)
    await page.set_viewport_size(PHONE)


@pytest.fixture
async def phone(browser):
    context = await browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
    page = await context.new_page()
    yield context, page
    await context.close()


async def test_work_done_after_the_login_expired_arrives_exactly_once_after_logging_in(
    phone, live_server, server_database
):
    context, page = phone
    visit = _visit(live_server, "in_progress")
    walk = f"{live_server}/inspections/{visit['id']}"
    await _login(page, live_server, "inspector")

    # While the session lives: a hazard to photograph later.
    await page.goto(f"{walk}/hazards/new")
    await page.fill("#f-description", "配电箱前堆放杂物")
    await page.wait_for_selector("[data-suggest] li[data-suggestion]")
    await page.locator("[data-suggest] li[data-suggestion] button").first.click()
    await page.select_option("#f-subcategory", "消防")
    await page.click("form[data-hazard-form] button[type=submit]")
    await page.wait_for_url(re.compile(r"#hazard-\d+$"))
    hazard_id = int(page.url.rsplit("-", 1)[1])
    await _outbox_empty(page)
    photos_before = await _photos(server_database, hazard_id)
    signatures_before = await _signatures(server_database, visit["id"])

    # The sign page is open in a second tab; then the login expires (16 min idle).
    sign = await context.new_page()
    await sign.goto(f"{walk}/sign")
    await page.goto(walk)
    await page.wait_for_selector("form[data-autosave]", state="attached")
    for d in await page.locator("details.section:not([open]) > summary").all():
        await d.click()
    open_forms = page.locator("form[data-autosave][data-result='']")
    assert await open_forms.count() >= 3, "the demo visit in progress has 3 items to answer"
    items = [int(await open_forms.nth(n).get_attribute("data-item")) for n in range(3)]
    await _end_sessions(server_database, "inspector")
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status == 401 else None)

    # The signature drawn after the expiry: kept, not refused.
    await _draw(sign, sign.locator("#sign-inspector canvas"))
    await sign.click("#sign-inspector button[type=submit]")
    await sign.wait_for_selector("[data-outbox-login]", state="visible")
    await sign.close()

    # Three answers tapped and a photo taken after the expiry: kept too.
    for item in items:
        await page.locator(f"#item-{item} button.choice.pass").click()
    await page.set_input_files(
        f"#hazard-{hazard_id} input[type=file]",
        files=[{"name": "late.jpg", "mimeType": "image/jpeg", "buffer": jpeg((640, 480))}],
    )
    banner = page.locator("[data-outbox-login]")
    await banner.wait_for(state="visible")
    await page.wait_for_function(
        "() => document.querySelector('[data-outbox-count]').textContent === '5'"
    )
    assert EXPIRED in await banner.inner_text()
    link = banner.locator("a")
    assert await link.get_attribute("href") == (
        f"/login?reason=expired&next=%2Finspections%2F{visit['id']}"
    )
    assert await page.locator(".outbox li.job-failed").count() == 0  # no 重试 / 放弃
    assert await page.locator(".outbox li.job button").count() == 0
    assert await page.locator("[data-answered]").first.inner_text()  # still counted
    await _shot(page, "expired-bar")
    assert len(refused) == 1, refused  # the first answer; the rest wait for the login
    # Nothing reached the server meanwhile.
    assert await _results(server_database, visit["id"], items) == []
    assert await _photos(server_database, hazard_id) == photos_before
    assert await _signatures(server_database, visit["id"]) == signatures_before

    # The link: the login page says why, and leads back to the walk.
    await link.click()
    await page.wait_for_url(re.compile(r"/login\?"))
    assert EXPIRED in await page.inner_text("[data-login-reason]")
    await _shot(page, "login-expired", sizes=(("375", PHONE), ("1280", DESK)), full_page=True)
    await page.fill("#username", "inspector")
    await page.fill("#password", PASSWORDS["inspector"])
    await page.click("button[type=submit]")
    await page.wait_for_url(walk)

    # The page load after the login sends what was kept: each exactly once.
    await _outbox_empty(page)
    assert sorted(await _results(server_database, visit["id"], items)) == sorted(
        (item, "pass") for item in items
    )
    assert await _photos(server_database, hazard_id) == photos_before + 1
    assert await _signatures(server_database, visit["id"]) == signatures_before + 1
    assert await page.evaluate("() => Outbox.all().then(jobs => jobs.length)") == 0
    assert await page.locator("[data-outbox-login]").is_hidden()
    await page.reload()
    for item in items:
        assert await page.locator(f"#item-{item} button.choice.pass.on").count() == 1
    await page.wait_for_selector(f"#photos-{hazard_id} img")
