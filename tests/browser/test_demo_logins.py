"""Logging in as each demo user, in a real Chromium, shows only what that user may see."""

from __future__ import annotations

import httpx
import pytest

from safety.demo.load import DEMO_LOGINS

PASSWORDS = {username: password for _, username, password in DEMO_LOGINS}

# What each demo user's nav must offer, exactly (paths of the role-aware nav).
EXPECTED_NAV = {
    "admin": {
        "/",
        "/admin/users",
        "/admin/org-units",
        "/admin/agencies",
        "/admin/audit",
        "/admin/deliveries",
        "/admin/checklists",
        "/admin/referral-departments",
    },
    "officer": {
        "/",
        "/enterprises",
        "/campaigns",
        "/inspections",
        "/hazards",
        "/admin/org-units",
        "/admin/agencies",
        "/admin/checklists",
        "/dashboard",
        "/risk/map",
        "/planning/due",
        "/self-inspections",
        "/patrol/logs",
        "/patrol/figures",
        "/patrol/triage",
    },
    "officer_zb": {
        "/",
        "/enterprises",
        "/campaigns",
        "/inspections",
        "/hazards",
        "/admin/org-units",
        "/admin/agencies",
        "/admin/checklists",
        "/dashboard",
        "/risk/map",
        "/planning/due",
        "/self-inspections",
        "/patrol/logs",
        "/patrol/figures",
        "/patrol/triage",
    },
    "inspector": {
        "/",
        "/inspections/today",
        "/inspections",
        "/enterprises",
        "/hazards",
        "/admin/checklists",
    },
    "enterprise": {"/", "/enterprises", "/hazards", "/risk-points", "/self-inspections"},
    "grid": {"/", "/patrol", "/patrol/new", "/patrol/logs"},
}


async def login(page, base: str, username: str) -> None:
    await page.goto(base + "/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORDS[username])
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "/login" not in page.url, await page.content()


async def nav_paths(page) -> set[str]:
    links = await page.locator("nav.mainnav a").all()
    return {await a.get_attribute("href") for a in links}


def api_enterprises(base: str, username: str) -> list[dict]:
    token = httpx.post(
        base + "/api/v1/auth/token",
        json={"username": username, "password": PASSWORDS[username]},
    ).json()["access_token"]
    r = httpx.get(
        base + "/api/v1/enterprises?limit=500", headers={"Authorization": f"Bearer {token}"}
    )
    return r.json()["items"]


@pytest.mark.parametrize("username", sorted(EXPECTED_NAV))
async def test_each_demo_user_sees_only_their_own_menu(page, live_server, username):
    await login(page, live_server, username)
    assert await nav_paths(page) == EXPECTED_NAV[username]


async def test_the_street_officer_sees_every_enterprise_and_the_community_officer_a_subset(
    page, live_server
):
    everything = api_enterprises(live_server, "officer")
    community = api_enterprises(live_server, "officer_zb")
    assert len(everything) >= 100
    assert 0 < len(community) < len(everything)
    assert {e["id"] for e in community} <= {e["id"] for e in everything}

    await login(page, live_server, "officer_zb")
    await page.goto(live_server + "/enterprises")
    assert f"共 {len(community)} 家" in await page.inner_text("main")
    outside = next(e for e in everything if e["id"] not in {c["id"] for c in community})
    response = await page.goto(f"{live_server}/enterprises/{outside['id']}")
    assert response.status == 404


async def test_an_enterprise_contact_sees_only_their_own_enterprise(page, live_server):
    own = api_enterprises(live_server, "enterprise")
    assert len(own) == 1
    others = [e for e in api_enterprises(live_server, "officer") if e["id"] != own[0]["id"]]

    await login(page, live_server, "enterprise")
    await page.goto(live_server + "/enterprises")
    text = await page.inner_text("main")
    assert own[0]["name"] in text
    assert not any(e["name"] in text for e in others)
    response = await page.goto(f"{live_server}/enterprises/{others[0]['id']}")
    assert response.status == 404
    response = await page.goto(live_server + "/admin/users")
    assert response.status == 403


async def test_a_wrong_password_keeps_the_user_on_the_login_page(page, live_server):
    await page.goto(live_server + "/login")
    await page.fill("#username", "officer")
    await page.fill("#password", "Wrong@Passw0rd")
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "/login" in page.url
    assert await page.locator("[role=alert]").count() == 1
