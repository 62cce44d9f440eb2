"""Attacks on logging in and out: parallel guessing against the lock, username variants,
session fixation, logout, and redirects after login."""

from __future__ import annotations

import asyncio

from safety.accounts.sessions import SESSION_COOKIE, token_hash
from safety.settings import get_settings
from safety.tables import AuditEvent, LoginAttempt, UserSession
from tests import factories as f
from tests.pages import as_user, page_headers, session_cookie

TOKEN = "/api/v1/auth/token"


async def test_parallel_wrong_passwords_cannot_outrun_the_lock(client):
    """Twenty guesses sent at once: only ``login_max_failures`` of them may be checked,
    the rest are refused as locked (else the lock only slows a patient attacker)."""
    u = await f.user("officer", org_unit_id=(await f.org_tree())["street"]["id"])
    limit = get_settings().login_max_failures
    replies = await asyncio.gather(
        *[
            client.post(TOKEN, json={"username": u["username"], "password": f"Wrong@Pass{i}"})
            for i in range(20)
        ]
    )
    codes = sorted(r.status_code for r in replies)
    assert codes.count(401) == limit, codes
    assert codes.count(429) == 20 - limit
    failures = await LoginAttempt.count().where(LoginAttempt.username == u["username"]).run()
    assert failures == limit
    locked = (
        await AuditEvent.count()
        .where((AuditEvent.actor_username == u["username"]) & (AuditEvent.action == "auth.locked"))
        .run()
    )
    assert locked == 1
    r = await client.post(TOKEN, json={"username": u["username"], "password": f.PASSWORD})
    assert r.status_code == 429


async def test_parallel_right_and_wrong_passwords_all_get_an_answer(client):
    u = await f.user("admin")
    replies = await asyncio.gather(
        client.post(TOKEN, json={"username": u["username"], "password": "Wrong@Pass1"}),
        client.post(TOKEN, json={"username": u["username"], "password": f.PASSWORD}),
        client.post(TOKEN, json={"username": u["username"], "password": "Wrong@Pass2"}),
    )
    assert sorted(r.status_code for r in replies) == [200, 401, 401]
    ok = (
        await LoginAttempt.count()
        .where(
            (LoginAttempt.username == u["username"]) & (LoginAttempt.success == True)  # noqa: E712
        )
        .run()
    )
    assert ok == 1
    logins = (
        await AuditEvent.count()
        .where((AuditEvent.actor_username == u["username"]) & (AuditEvent.action == "auth.login"))
        .run()
    )
    assert logins == 1


async def test_spaced_variants_of_a_username_share_its_lock(client):
    u = await f.user("admin")
    for variant in (u["username"], f" {u['username']}", f"{u['username']} ", "\t" + u["username"]):
        r = await client.post(TOKEN, json={"username": variant, "password": "Wrong@Pass1"})
        assert r.status_code == 401
    r = await client.post(TOKEN, json={"username": f" {u['username']} ", "password": "Wrong@Pass1"})
    assert r.status_code == 401  # the fifth failure
    for variant in (u["username"], f"  {u['username']}"):
        r = await client.post(TOKEN, json={"username": variant, "password": f.PASSWORD})
        assert r.status_code == 429


async def test_a_case_variant_of_a_username_is_the_same_account_with_the_same_lock(client):
    """Usernames compare by NFKC + case folding: 'ADMIN12' and full-width 'ａｄｍｉｎ12' log
    in as 'admin12', and their failures count toward one lock, so a locked name cannot be
    dodged by typing it another way."""
    u = await f.user("admin")
    r = await client.post(TOKEN, json={"username": u["username"].upper(), "password": f.PASSWORD})
    assert r.status_code == 200
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in u["username"])
    for variant in (u["username"].upper(), wide, u["username"].title(), wide, u["username"]):
        r = await client.post(TOKEN, json={"username": variant, "password": "Wrong@Pass1"})
        assert r.status_code == 401
    r = await client.post(TOKEN, json={"username": wide.upper(), "password": f.PASSWORD})
    assert r.status_code == 429


async def test_login_never_keeps_a_planted_session_id(client):
    u = await f.user("admin")
    planted = await session_cookie(await f.user("admin"))  # a session the attacker owns
    client.cookies.clear()
    headers = page_headers(planted)
    r = await client.post(
        "/login",
        data={"username": u["username"], "password": f.PASSWORD, "next": "/"},
        headers=headers,
        follow_redirects=False,
    )
    assert r.status_code == 303
    fresh = r.cookies[SESSION_COOKIE]
    assert fresh and fresh != planted
    assert not await UserSession.exists().where(UserSession.token_hash == token_hash(planted)).run()
    row = (
        await UserSession.select().where(UserSession.token_hash == token_hash(fresh)).first().run()
    )
    assert row["user"] == u["id"]


async def test_logout_is_a_post_with_csrf_and_deletes_the_server_session(client):
    u = await f.user("admin")
    session = await session_cookie(u)
    client.cookies.clear()
    r = await client.get("/logout", headers=page_headers(session), follow_redirects=False)
    assert r.status_code == 405
    r = await client.post("/logout", headers=page_headers(session, csrf=False))
    assert r.status_code == 403
    assert await UserSession.exists().where(UserSession.token_hash == token_hash(session)).run()
    r = await client.post("/logout", headers=page_headers(session), follow_redirects=False)
    assert r.status_code == 303
    assert not await UserSession.exists().where(UserSession.token_hash == token_hash(session)).run()
    logouts = (
        await AuditEvent.count()
        .where((AuditEvent.actor == u["id"]) & (AuditEvent.action == "auth.logout"))
        .run()
    )
    assert logouts == 1
    assert 'safety_session=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
    r = await client.get("/", headers=page_headers(session), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


OFF_SITE = [
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
]


async def test_no_next_value_leads_off_site(client):
    u = await f.user("admin")
    client.cookies.clear()
    for target in OFF_SITE:
        r = await client.post(
            "/login",
            data={"username": u["username"], "password": f.PASSWORD, "next": target},
            headers=page_headers(),
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/", target
        r = await client.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/", target
        r = await client.get("/login", params={"next": target})
        assert 'name="next" value="/"' in r.text, target


async def test_a_local_next_with_unicode_is_kept_and_encoded(client):
    r = await client.get("/lang/en", params={"next": "/enterprises?q=寨北"}, follow_redirects=False)
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/enterprises?q=") and location.isascii()


async def test_a_page_session_is_refused_once_the_user_is_disabled(client):
    admin, u = await f.user("admin"), await f.user("admin")
    headers = await as_user(u)
    client.cookies.clear()
    assert (await client.get("/", headers=headers, follow_redirects=False)).status_code == 200
    r = await client.patch(
        f"/api/v1/users/{u['id']}", json={"active": False}, headers=f.headers(admin)
    )
    assert r.status_code == 200
    r = await client.get("/", headers=headers, follow_redirects=False)
    assert r.status_code == 303
