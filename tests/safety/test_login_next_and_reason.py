"""The login page says why the user is there (登录已过期 after an expired login, nothing on a
plain visit) and leads back to ``next`` after the login — through the second step too —
but only to a path of this site (no open redirect). See docs/session-expiry.md."""

from __future__ import annotations

import datetime as dt

import pytest

from safety.accounts.login import safe_next
from safety.accounts.page_login import PENDING_COOKIE
from safety.accounts.sessions import SESSION_COOKIE, token_hash
from safety.tables import UserSession
from tests import factories as f
from tests.pages import page_headers, session_cookie
from tests.safety.twofactor_helpers import code, cookie_headers, enrol, forget_last_step

EXPIRED_ZH = "登录已过期，请重新登录"
EXPIRED_EN = "Your login has expired, please log in again"
WALK = "/inspections/7?item=3"


async def _idle(session: str, minutes: int = 16) -> None:
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    await (
        UserSession.update({UserSession.last_seen_at: at})
        .where(UserSession.token_hash == token_hash(session))
        .run()
    )


async def _login(client, user: dict, next_url: str, headers=None):
    client.cookies.clear()
    return await client.post(
        "/login",
        data={"username": user["username"], "password": f.PASSWORD, "next": next_url},
        headers=headers or page_headers(),
        follow_redirects=False,
    )


async def test_a_plain_visit_to_the_login_page_gives_no_reason(client):
    client.cookies.clear()
    r = await client.get("/login", headers=page_headers())
    assert r.status_code == 200
    assert EXPIRED_ZH not in r.text and "data-login-reason" not in r.text


async def test_it_says_the_login_expired_after_an_idle_session_is_sent_to_login(client):
    u = await f.user("admin")
    session = await session_cookie(u)
    await _idle(session)
    client.cookies.clear()
    r = await client.get("/admin/users?q=x", headers=page_headers(session), follow_redirects=False)
    assert r.status_code == 303
    login = r.headers["location"]
    page = await client.get(login, headers=page_headers(session))
    assert page.status_code == 200
    assert EXPIRED_ZH in page.text and "Your login" not in page.text
    assert 'name="next" value="/admin/users?q=x"' in page.text


async def test_it_says_the_login_expired_in_english_in_english_mode(client):
    u = await f.user("admin")
    session = await session_cookie(u)
    await _idle(session)
    headers = page_headers(session)
    headers["Cookie"] += "; lang=en"
    client.cookies.clear()
    page = await client.get("/login?next=%2F", headers=headers)
    assert EXPIRED_EN in page.text and EXPIRED_ZH not in page.text


async def test_the_outbox_link_names_the_reason_even_without_a_cookie(client):
    client.cookies.clear()
    page = await client.get("/login?reason=expired&next=%2Finspections%2F7", headers=page_headers())
    assert EXPIRED_ZH in page.text and 'value="/inspections/7"' in page.text


async def test_a_live_session_visiting_the_login_page_is_not_told_it_expired(client):
    u = await f.user("admin")
    session = await session_cookie(u)
    client.cookies.clear()
    page = await client.get("/login", headers=page_headers(session))
    assert page.status_code == 200 and EXPIRED_ZH not in page.text


async def test_the_login_returns_to_next(client):
    u = await f.user("admin")
    r = await _login(client, u, WALK)
    assert r.status_code == 303 and r.headers["location"] == WALK


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/inspections/7",
        "https://evil.example/",
        "http:/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
async def test_it_refuses_to_return_to_another_site_after_the_login(client, target):
    u = await f.user("admin")
    r = await _login(client, u, target)
    assert r.status_code == 303 and r.headers["location"] == "/"


async def test_it_ignores_an_off_site_next_in_the_login_pages_link(client):
    client.cookies.clear()
    for target in ("%2F%2Fevil.example", "https%3A%2F%2Fevil.example%2F", "%2F%09%2Fevil.example"):
        page = await client.get(f"/login?next={target}", headers=page_headers())
        assert page.status_code == 200
        assert 'name="next" value="/"' in page.text  # the form leads home, not off site


async def test_the_login_returns_to_next_through_the_second_step(client):
    u = await f.user("admin")
    secret, _ = await enrol(client, u)
    await forget_last_step(u)  # the enrolment used this step's code
    r = await _login(client, u, WALK, headers=cookie_headers({}))
    assert r.status_code == 303 and r.headers["location"] == "/login/otp"
    pending = r.cookies[PENDING_COOKIE]
    r = await client.post(
        "/login/otp",
        data={"otp": code(secret)},
        headers=cookie_headers({PENDING_COOKIE: pending}),
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == WALK
    assert SESSION_COOKIE in r.cookies


async def test_the_second_step_does_not_carry_an_off_site_next(client):
    u = await f.user("admin")
    secret, _ = await enrol(client, u)
    await forget_last_step(u)  # the enrolment used this step's code
    r = await _login(client, u, "//evil.example/", headers=cookie_headers({}))
    pending = r.cookies[PENDING_COOKIE]
    r = await client.post(
        "/login/otp",
        data={"otp": code(secret)},
        headers=cookie_headers({PENDING_COOKIE: pending}),
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_safe_next_keeps_a_local_path_with_its_query_spaces_and_chinese():
    assert safe_next("/inspections/7?item=3") == "/inspections/7?item=3"
    assert safe_next("/enterprises?q=化工 公司") == "/enterprises?q=化工 公司"
    assert safe_next("/\t/evil.example") == "/"
    assert safe_next(None) == "/"
