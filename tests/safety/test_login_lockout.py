"""Login: tokens, brute-force lock (5 failures in 15 min → 5 min lock), audit of each try."""

from __future__ import annotations

import datetime as dt

from safety.tables import AuditEvent, LoginAttempt
from tests import factories as f
from tests.pages import page_headers

TOKEN = "/api/v1/auth/token"


async def _events(username: str, action: str) -> list[dict]:
    return (
        await AuditEvent.select()
        .where((AuditEvent.actor_username == username) & (AuditEvent.action == action))
        .run()
    )


async def test_it_issues_a_token_that_opens_me(client):
    u = await f.user("officer", org_unit_id=(await f.org_tree())["street"]["id"])
    r = await client.post(TOKEN, json={"username": u["username"], "password": f.PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json() == {
        "id": u["id"],
        "username": u["username"],
        "role": "officer",
        "display_name": u["display_name"],
        "enterprise_id": None,
        "org_unit_id": u["org_unit"],
        "agency_id": None,
    }
    assert len(await _events(u["username"], "auth.login")) == 1


async def test_it_refuses_a_wrong_password_and_audits_it(client):
    u = await f.user("admin")
    r = await client.post(TOKEN, json={"username": u["username"], "password": "Wrong@Pass1"})
    assert r.status_code == 401
    assert r.json()["status_code"] == 401
    failed = await _events(u["username"], "auth.login_failed")
    assert len(failed) == 1 and failed[0]["success"] is False


async def test_it_refuses_a_bad_or_missing_token_with_401(client):
    assert (await client.get("/api/v1/me")).status_code == 401
    r = await client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401


async def test_it_locks_after_five_failures_even_for_the_right_password(client):
    u = await f.user("admin")
    for _ in range(5):
        r = await client.post(TOKEN, json={"username": u["username"], "password": "Wrong@Pass1"})
        assert r.status_code == 401
    r = await client.post(TOKEN, json={"username": u["username"], "password": f.PASSWORD})
    assert r.status_code == 429
    assert r.json()["status_code"] == 429 and "detail" in r.json()
    assert int(r.headers["retry-after"]) > 0
    assert len(await _events(u["username"], "auth.locked")) == 1
    assert len(await _events(u["username"], "auth.login_refused_locked")) == 1
    assert await _events(u["username"], "auth.login") == []


async def test_the_page_login_says_the_account_is_locked(client):
    u = await f.user("admin")
    client.cookies.clear()
    for _ in range(5):
        r = await client.post(
            "/login",
            data={"username": u["username"], "password": "Wrong@Pass1"},
            headers=page_headers(),
        )
        assert r.status_code == 401
        assert "用户名或密码错误" in r.text
    r = await client.post(
        "/login",
        data={"username": u["username"], "password": f.PASSWORD},
        headers=page_headers(),
        follow_redirects=False,
    )
    assert r.status_code == 429
    assert "锁定" in r.text
    assert "safety_session" not in r.headers.get("set-cookie", "")


async def test_the_lock_ends_after_its_window(client):
    u = await f.user("admin")
    for _ in range(5):
        await client.post(TOKEN, json={"username": u["username"], "password": "Wrong@Pass1"})
    good = {"username": u["username"], "password": f.PASSWORD}
    assert (await client.post(TOKEN, json=good)).status_code == 429
    # Six minutes pass: move the failures into the past (the lock lasts 5 minutes).
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)
    await (
        LoginAttempt.update({LoginAttempt.at: past})
        .where(LoginAttempt.username == u["username"])
        .run()
    )
    assert (await client.post(TOKEN, json=good)).status_code == 200


async def test_failures_older_than_the_window_do_not_count(client):
    u = await f.user("admin")
    for _ in range(4):
        await client.post(TOKEN, json={"username": u["username"], "password": "Wrong@Pass1"})
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    await (
        LoginAttempt.update({LoginAttempt.at: past})
        .where(LoginAttempt.username == u["username"])
        .run()
    )
    await client.post(TOKEN, json={"username": u["username"], "password": "Wrong@Pass1"})
    good = {"username": u["username"], "password": f.PASSWORD}
    assert (await client.post(TOKEN, json=good)).status_code == 200


async def test_a_disabled_user_cannot_log_in(client):
    admin = await f.user("admin")
    u = await f.user("admin")
    r = await client.patch(
        f"/api/v1/users/{u['id']}", json={"active": False}, headers=f.headers(admin)
    )
    assert r.status_code == 200
    r = await client.post(TOKEN, json={"username": u["username"], "password": f.PASSWORD})
    assert r.status_code == 401
    failed = await _events(u["username"], "auth.login_failed")
    assert '"disabled"' in failed[-1]["after"]
