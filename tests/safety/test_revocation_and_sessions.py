"""Revocation (disable, password change), page sessions (timeouts, cookie flags), CSRF,
security headers, and the API refusing cookies."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from safety.accounts.auth import hash_password
from safety.accounts.sessions import TOUCH_INTERVAL, token_hash
from safety.tables import AuditEvent, UserSession
from tests import factories as f
from tests.pages import as_user, page_headers, session_cookie


async def _patch(client, admin, user, body):
    return await client.patch(f"/api/v1/users/{user['id']}", json=body, headers=f.headers(admin))


async def test_disabling_a_user_ends_their_tokens_and_sessions(client):
    admin, u = await f.user("admin"), await f.user("admin")
    headers = f.headers(u)
    session = await session_cookie(u)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    assert (await _patch(client, admin, u, {"active": False})).status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    assert not await UserSession.exists().where(UserSession.token_hash == token_hash(session)).run()
    client.cookies.clear()
    r = await client.get("/", headers=page_headers(session), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_a_password_change_ends_old_tokens_and_the_new_password_works(client):
    admin, u = await f.user("admin"), await f.user("admin")
    old = f.headers(u)
    r = await _patch(client, admin, u, {"password": "New@Passw0rd!"})
    assert r.status_code == 200
    assert (await client.get("/api/v1/me", headers=old)).status_code == 401
    r = await client.post(
        "/api/v1/auth/token", json={"username": u["username"], "password": "New@Passw0rd!"}
    )
    assert r.status_code == 200
    event = (
        await AuditEvent.select()
        .where((AuditEvent.action == "user.update") & (AuditEvent.object_id == u["id"]))
        .first()
        .run()
    )
    assert '"password": "changed"' in event["after"] and "New@Passw0rd" not in event["after"]


async def test_a_weak_password_is_refused_saying_why(client):
    admin, u = await f.user("admin"), await f.user("admin")
    r = await _patch(client, admin, u, {"password": "short"})
    assert r.status_code == 400
    messages = [e["message"] for e in r.json()["extra"] if e["key"] == "password"]
    assert any("8" in m for m in messages) and len(messages) >= 2


async def test_an_admin_cannot_disable_themselves(client):
    admin = await f.user("admin")
    assert (await _patch(client, admin, admin, {"active": False})).status_code == 409


async def test_the_api_ignores_a_session_cookie(client):
    u = await f.user("admin")
    client.cookies.clear()
    r = await client.get("/api/v1/me", headers=await as_user(u))
    assert r.status_code == 401


async def test_login_page_sets_a_hardened_session_cookie(client):
    u = await f.user("officer", org_unit_id=(await f.org_tree())["street"]["id"])
    client.cookies.clear()
    r = await client.post(
        "/login",
        data={"username": u["username"], "password": f.PASSWORD, "next": "/admin/org-units"},
        headers=page_headers(),
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/org-units"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("safety_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    value = cookie.split(";")[0].split("=", 1)[1]
    client.cookies.clear()
    page = await client.get("/admin/org-units", headers=page_headers(value))
    assert page.status_code == 200 and u["display_name"] in page.text


async def test_login_refuses_to_redirect_off_site(client):
    u = await f.user("admin")
    client.cookies.clear()
    r = await client.post(
        "/login",
        data={"username": u["username"], "password": f.PASSWORD, "next": "//evil.example/"},
        headers=page_headers(),
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


async def test_an_idle_session_expires(client):
    u = await f.user("admin")
    session = await session_cookie(u)
    client.cookies.clear()
    assert (await client.get("/", headers=page_headers(session))).status_code == 200
    idle = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    await (
        UserSession.update({UserSession.last_seen_at: idle})
        .where(UserSession.token_hash == token_hash(session))
        .run()
    )
    r = await client.get("/admin/users?q=x", headers=page_headers(session), follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fadmin%2Fusers%3Fq%3Dx"
    assert not await UserSession.exists().where(UserSession.token_hash == token_hash(session)).run()


async def test_a_session_expires_after_the_absolute_timeout_even_when_busy(client):
    u = await f.user("admin")
    session = await session_cookie(u)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=12, minutes=1)
    await (
        UserSession.update({UserSession.created_at: old})
        .where(UserSession.token_hash == token_hash(session))
        .run()
    )
    client.cookies.clear()
    r = await client.get("/", headers=page_headers(session), follow_redirects=False)
    assert r.status_code == 303


async def test_last_seen_is_written_at_most_once_a_minute(client):
    u = await f.user("admin")
    session = await session_cookie(u)
    where = UserSession.token_hash == token_hash(session)
    first = await UserSession.select(UserSession.last_seen_at).where(where).first().run()
    client.cookies.clear()
    await client.get("/", headers=page_headers(session))
    same = await UserSession.select(UserSession.last_seen_at).where(where).first().run()
    assert same == first
    earlier = dt.datetime.now(dt.UTC) - TOUCH_INTERVAL - dt.timedelta(seconds=5)
    await UserSession.update({UserSession.last_seen_at: earlier}).where(where).run()
    await client.get("/", headers=page_headers(session))
    touched = await UserSession.select(UserSession.last_seen_at).where(where).first().run()
    assert touched["last_seen_at"] > earlier + dt.timedelta(seconds=4)


async def test_a_form_post_without_the_csrf_token_is_refused_and_audited(client):
    admin = await f.user("admin")
    client.cookies.clear()
    headers = await as_user(admin, csrf=False)
    r = await client.post("/admin/agencies", data={"name": f"机构{f.n()}"}, headers=headers)
    assert r.status_code == 403
    assert "text/html" in r.headers["content-type"]
    denied = (
        await AuditEvent.select()
        .where(AuditEvent.action == "access.denied")
        .order_by(AuditEvent.id, ascending=False)
        .first()
        .run()
    )
    assert denied["success"] is False and '"csrf"' in denied["after"]


async def test_a_refused_role_action_is_audited(client):
    w = await f.world()
    r = await client.get("/api/v1/users", headers=f.headers(w.inspector))
    assert r.status_code == 403
    denied = (
        await AuditEvent.select()
        .where((AuditEvent.action == "access.denied") & (AuditEvent.actor == w.inspector["id"]))
        .first()
        .run()
    )
    assert denied is not None and "/api/v1/users" in denied["after"]


async def test_pages_and_api_carry_the_security_headers(client):
    client.cookies.clear()
    for path in ("/login", "/api/v1/me"):
        r = await client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"]
    assert "<script>" not in (await client.get("/login")).text


async def test_an_error_is_a_page_for_pages_and_json_for_the_api(client):
    w = await f.world()
    client.cookies.clear()
    page = await client.get("/admin/users", headers=await as_user(w.officer))
    assert page.status_code == 403 and "<html" in page.text
    api = await client.get("/api/v1/users", headers=f.headers(w.officer))
    assert api.status_code == 403 and api.json()["status_code"] == 403


async def test_password_hashing_does_not_block_the_event_loop(monkeypatch):
    # The production cost (the suite runs with cheap parameters, see conftest).
    from argon2 import PasswordHasher

    from safety.accounts import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher())
    ticks = 0
    done = False

    async def ticker():
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0.001)

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    await hash_password("Some@Passw0rd")
    elapsed = time.perf_counter() - started
    done = True
    await task
    assert elapsed > 0.005  # argon2 is deliberately slow …
    assert ticks >= 3  # … yet the loop kept running meanwhile
