"""An officer enrols a second factor from the profile page and logs in with a code, in a
real Chromium. Screenshots at 375 px and 1280 px go to ``$SAFETY_SCREENSHOTS`` (default:
the test run's temporary folder) for a person to look at."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import httpx
import pyotp
import pytest

from safety.demo.load import DEMO_LOGINS

PASSWORDS = {username: password for _, username, password in DEMO_LOGINS}
PASSWORD = "Officer@2fa-Test1"
WIDTHS = (375, 1280)


def _new_officer(base: str) -> str:
    def token(username: str) -> str:
        r = httpx.post(
            base + "/api/v1/auth/token",
            json={"username": username, "password": PASSWORDS[username]},
        )
        return r.json()["access_token"]

    officer = httpx.get(
        base + "/api/v1/me", headers={"Authorization": f"Bearer {token('officer')}"}
    ).json()
    username = f"officer2fa{uuid.uuid4().hex[:6]}"
    r = httpx.post(
        base + "/api/v1/users",
        json={
            "username": username,
            "password": PASSWORD,
            "role": "officer",
            "display_name": "两步验证测试员",
            "org_unit_id": officer["org_unit_id"],
        },
        headers={"Authorization": f"Bearer {token('admin')}"},
    )
    assert r.status_code == 201, r.text
    return username


async def _shots(page, folder: Path, name: str) -> None:
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        # Nothing may stick out sideways on a phone.
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"
    await page.set_viewport_size({"width": 375, "height": 900})


@pytest.fixture
def folder(tmp_root: Path) -> Path:
    path = Path(os.environ.get("SAFETY_SCREENSHOTS") or tmp_root / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


async def test_an_officer_enrols_from_the_profile_page_and_logs_in_with_a_code(
    page, live_server, folder
):
    username = _new_officer(live_server)
    await page.set_viewport_size({"width": 375, "height": 900})

    await page.goto(live_server + "/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")

    await page.click("a.me-link")  # the top bar's profile link ("我的" on a phone)
    assert page.url.endswith("/profile")
    await page.click("section.totp button[type=submit]")  # 启用两步验证
    await page.wait_for_load_state("networkidle")
    assert await page.locator(".qr svg").count() == 1
    await _shots(page, folder, "1-profile-enrol")
    secret = (await page.inner_text(".totp-enrol .secret code")).replace(" ", "")
    totp = pyotp.TOTP(secret)
    await page.fill("#f-code", totp.now())
    await page.click(".totp-enrol button[type=submit]")
    await page.wait_for_load_state("networkidle")
    codes = await page.locator(".recovery .codes code").all_inner_texts()
    assert len(codes) == 10
    await _shots(page, folder, "2-recovery-codes")

    await page.click(".topbar form button")  # 退出
    await page.wait_for_load_state("networkidle")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert page.url.endswith("/login/otp"), page.url
    await _shots(page, folder, "3-login-code")
    await page.fill("#otp", totp.at(time.time() + 30))  # the confirm spent this step's code
    await page.click("main button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_server, page.url
    await page.goto(live_server + "/profile")
    assert "已启用" in await page.inner_text("section.totp")
    await _shots(page, folder, "4-profile-enrolled")
