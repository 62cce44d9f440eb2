"""The demo inspector's whole visit on a 375 px phone, in a real Chromium: today's list,
the checklist walk (answers saved on tap), a hazard with a photo, both signatures drawn on
the canvas, submit — and the officer sees the submitted inspection with its hazard. And
the outbox: a photo taken with no signal is kept, sent when the signal returns, and stored
exactly once even when the first answer is lost on the way back."""

from __future__ import annotations

import os
import re

import httpx
import pytest

from safety.demo.load import DEMO_LOGINS
from safety.settings import local_today
from tests.imagegen import jpeg

PASSWORDS = {username: password for _, username, password in DEMO_LOGINS}
PHONE = {"width": 375, "height": 812}
DESK = {"width": 1280, "height": 900}


async def _shot(page, name: str) -> None:
    """Full-page screenshots at 375 px and 1280 px into ``SAFETY_SCREENSHOT_DIR`` (none when
    it is not set), the phone's size restored after."""
    folder = os.environ.get("SAFETY_SCREENSHOT_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    for label, size in (("375", PHONE), ("1280", DESK)):
        await page.set_viewport_size(size)
        await page.screenshot(path=os.path.join(folder, f"walk-{name}-{label}.png"), full_page=True)
    await page.set_viewport_size(PHONE)


def _token(base: str, username: str) -> dict[str, str]:
    r = httpx.post(
        base + "/api/v1/auth/token",
        json={"username": username, "password": PASSWORDS[username]},
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _api(base: str, username: str, method: str, path: str, **kw) -> httpx.Response:
    return httpx.request(method, base + path, headers=_token(base, username), timeout=30, **kw)


def _visit(base: str, state: str) -> dict:
    """One of the demo inspector's inspections in ``state`` (the demo plans some for today
    and has one in progress)."""
    today = local_today().isoformat()
    r = _api(base, "inspector", "GET", "/api/v1/inspections", params={"state": state})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    if state == "planned":
        items = [i for i in items if i["scheduled_on"] <= today]
    assert items, f"the demo gives the inspector no {state} inspection"
    return items[0]


async def _login(page, base: str, username: str) -> None:
    await page.goto(base + "/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORDS[username])
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "/login" not in page.url


async def _outbox_empty(page) -> None:
    """Everything the phone kept has reached the server."""
    await page.wait_for_function(
        "() => window.Outbox && Outbox.settled()", timeout=30000, polling=250
    )


async def _draw(page, canvas) -> None:
    """A signature drawn by a finger: a zigzag of pointer moves across the pad."""
    await canvas.scroll_into_view_if_needed()
    box = await canvas.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    await page.mouse.move(x, y)
    await page.mouse.down()
    for step in range(1, 12):
        await page.mouse.move(x + step * 18, y + (12 if step % 2 else -12), steps=3)
    await page.mouse.up()


@pytest.fixture
async def phone(browser):
    context = await browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
    page = await context.new_page()
    yield context, page
    await context.close()


async def test_the_inspector_walks_signs_and_submits_and_the_officer_sees_it(phone, live_server):
    context, page = phone
    visit = _visit(live_server, "planned")
    await _login(page, live_server, "inspector")
    assert page.url.endswith("/")  # the home: the visits to do now, one tap each
    await page.click(f'a[data-visit="{visit["id"]}"]')
    await page.click("text=开始检查")
    await page.wait_for_selector("form[data-autosave]")
    forms = page.locator("form[data-autosave]")
    count = await forms.count()
    assert count >= 15
    # Every section open, every item answered: the first one fails, the rest pass.
    for d in await page.locator("details.section:not([open]) > summary").all():
        await d.click()
    await forms.nth(0).locator("button.choice.fail").click()
    for n in range(1, count):
        await forms.nth(n).locator("button.choice.pass").click()
    await _outbox_empty(page)
    assert await page.locator("[data-answered]").inner_text() == str(count)
    await page.reload()
    assert await page.locator("[data-answered]").inner_text() == str(count)
    assert await page.locator("button.choice.fail.on").count() == 1

    # The failed item offers "log hazard": its requirement shown as a reference, the
    # description empty (an unedited hazard must not describe compliance); a photo goes
    # with it, and saving returns to the failed item.
    failed_item = await forms.nth(0).get_attribute("data-item")
    await page.locator("form[data-autosave] a.log-hazard").first.click()
    await page.wait_for_selector("form[data-hazard-form]")
    assert await page.locator("#f-description").input_value() == ""
    assert await page.locator("[data-requirement]").is_visible()
    await _shot(page, "hazard-form")
    await page.fill("#f-description", "一号车间责任制未覆盖到班组")
    await page.fill("#f-location", "一号车间东侧")
    await page.fill("#f-suggestion", "立即整改并建立台账")
    if await page.locator("#f-level").input_value() == "major":
        if not await page.locator("#f-major_basis").input_value():
            await page.fill("#f-major_basis", "《工贸企业重大事故隐患判定标准》第十三条")
    await page.set_input_files(
        "input[data-photos]",
        files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg((800, 600))}],
    )
    await page.wait_for_selector("ul[data-photo-list] img")
    await page.click("form[data-hazard-form] button[type=submit]")
    await page.wait_for_url(
        re.compile(rf"/inspections/\d+\?item={failed_item}#item-{failed_item}$")
    )
    await _outbox_empty(page)
    assert await page.locator(f"#item-{failed_item}").is_visible()  # its section open
    hazard_id = int((await page.locator("#hazards article.hazard").first.get_attribute("id"))[7:])
    await page.wait_for_selector(f"#photos-{hazard_id} img")

    # Both signatures, drawn with a finger (pointer events).
    await page.goto(f"{live_server}/inspections/{visit['id']}/sign")
    await _draw(page, page.locator("#sign-inspector canvas"))
    await page.click("#sign-inspector button[type=submit]")
    await page.wait_for_selector("#sign-inspector .badge.ok")
    await page.fill("#f-enterprise-name", "王经理")
    await _draw(page, page.locator("#sign-enterprise canvas"))
    await page.click("#sign-enterprise button[type=submit]")
    await page.wait_for_selector("#sign-enterprise .badge.ok")

    # Both signed: on the walk 提交检查 is now the primary button and 签字 secondary ...
    await _shot(page, "sign")
    await page.goto(f"{live_server}/inspections/{visit['id']}#signatures")
    assert "secondary" in await page.get_attribute("[data-sign-link]", "class")
    primary = page.locator("form[data-submit] button[type=submit]")
    assert "secondary" not in await primary.get_attribute("class")
    await _shot(page, "walk-signed")
    # ... and the sign page offers the submit, which first shows what will be locked.
    await page.goto(f"{live_server}/inspections/{visit['id']}/sign")
    await page.click("[data-sign-submit] button[type=submit]")
    await page.wait_for_url(re.compile(r"/inspections/\d+/submit\??$"))
    lock = await page.inner_text("[data-lock]")
    assert f"已查 {count}/{count} 项（合格 {count - 1}，不合格 1，不适用 0）" in lock
    assert "共 1 条" in lock and "王经理 已签字" in lock
    assert "提交后以下内容将锁定" in lock
    await _shot(page, "confirm")
    row = _api(live_server, "inspector", "GET", f"/api/v1/inspections/{visit['id']}").json()
    assert row["state"] == "in_progress"  # nothing locked before the confirmation
    await page.click("[data-confirm-submit]")
    await page.wait_for_selector(".state-submitted")
    assert await page.locator("form[data-autosave]").count() == 0

    # The officer sees it arrive, with its hazard and the photo.
    r = _api(live_server, "officer", "GET", f"/api/v1/inspections/{visit['id']}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "submitted"
    assert [h["id"] for h in body["hazards"]] == [hazard_id]
    assert body["signatures"]["inspector"] and body["signatures"]["enterprise"]
    assert all(i["result"] for i in body["items"])
    hazard = _api(live_server, "officer", "GET", f"/api/v1/hazards/{hazard_id}").json()
    assert len(hazard["photos"]) == 1
    # ... and on the officer's own page for the inspection, with the photo showing.
    officer = await context.browser.new_context(locale="zh-CN", viewport=PHONE)
    try:
        op = await officer.new_page()
        await _login(op, live_server, "officer")
        await op.goto(f"{live_server}/inspections/{visit['id']}")
        assert op.url.endswith(f"/inspections/{visit['id']}/review")
        text = await op.inner_text("main")
        assert "已提交" in text and hazard["description"][:10] in text
        shown = op.locator(f"main img[src^='/files/{hazard['photos'][0]['id']}/']")
        await shown.first.wait_for()
        # loaded (waited for, not raced) and a real picture: a broken one fails
        assert await shown.first.evaluate(
            "img => img.complete ? img.naturalWidth > 0 : new Promise(done => {"
            " img.onload = () => done(img.naturalWidth > 0); img.onerror = () => done(false); })"
        )
    finally:
        await officer.close()


async def test_a_photo_taken_without_signal_arrives_exactly_once(phone, live_server):
    context, page = phone
    visit = _visit(live_server, "in_progress")
    await _login(page, live_server, "inspector")
    await page.goto(f"{live_server}/inspections/{visit['id']}/hazards/new")
    # A free-text hazard: the closest library items are suggested while typing.
    await page.fill("#f-description", "消防通道堆放杂物")
    await page.wait_for_selector("[data-suggest] li[data-suggestion]")
    shown = await page.locator("[data-suggest] li[data-suggestion]").count()
    assert 1 <= shown <= 3
    await _shot(page, "suggest")
    await page.locator("[data-suggest] li[data-suggestion] button").first.click()
    assert await page.locator("#f-legal_basis").input_value() != ""
    await page.select_option("#f-subcategory", "消防")
    await page.click("form[data-hazard-form] button[type=submit]")
    await page.wait_for_url(re.compile(r"#hazard-\d+$"))
    hazard_id = int(page.url.rsplit("-", 1)[1])

    # No signal at all, then a signal that drops every upload (the page itself loads),
    # then one whose first upload reaches the server but loses its answer on the way back.
    mode = {"now": "drop", "lost": 0}

    async def flaky(route):
        if mode["now"] == "drop":
            await route.abort()
        elif mode["lost"] == 0:
            mode["lost"] += 1
            await route.fetch()  # the server stores it...
            await route.abort()  # ...and the phone never hears back
        else:
            await route.continue_()

    await page.route(re.compile(r"/hazards/\d+/photos$"), flaky)
    await context.set_offline(True)
    await page.set_input_files(
        f"#hazard-{hazard_id} input[type=file]",
        files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": jpeg((640, 480))}],
    )
    await page.wait_for_selector(".outbox li.job-pending", state="attached")
    assert await page.locator(".outbox").is_visible()
    await context.set_offline(False)
    await page.reload()  # a reload loses nothing: the photo waits in IndexedDB
    await page.wait_for_selector(".outbox li.job-pending", state="attached")
    mode["now"] = "lose-answer"
    await _outbox_empty(page)
    assert mode["lost"] == 1
    await page.wait_for_selector(f"#photos-{hazard_id} img")
    hazard = _api(live_server, "officer", "GET", f"/api/v1/hazards/{hazard_id}").json()
    assert len(hazard["photos"]) == 1
