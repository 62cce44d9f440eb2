"""Two-factor login (TOTP): enrol, log in with a code or a recovery code (once), replay
refused, failures locked out like passwords, the admin's reset, required roles."""

from __future__ import annotations

import re

import pytest

from safety.accounts import totp
from safety.accounts.page_login import PENDING_COOKIE
from safety.accounts.sessions import SESSION_COOKIE
from safety.tables import AuditEvent, TotpRecoveryCode, UserTotp
from tests import factories as f
from tests.pages import as_user
from tests.safety.twofactor_helpers import (
    code,
    cookie_headers,
    enrol,
    forget_last_step,
    required_roles,
)

TOKEN = "/api/v1/auth/token"


async def _user(role: str) -> dict:
    if role == "officer":
        return await f.user("officer", org_unit_id=(await f.org_tree())["street"]["id"])
    return await f.user(role)


async def _actions(user: dict) -> list[str]:
    rows = (
        await AuditEvent.select(AuditEvent.action).where(AuditEvent.object_id == user["id"]).run()
    )
    return [r["action"] for r in rows]


async def _token(client, user: dict, otp: str | None = None, password: str = f.PASSWORD):
    body = {"username": user["username"], "password": password}
    if otp is not None:
        body["otp"] = otp
    return await client.post(TOKEN, json=body)


def _names_otp(r) -> bool:
    return r.status_code == 401 and [e["key"] for e in r.json()["extra"]] == ["otp"]


@pytest.mark.parametrize("role", ["officer", "admin"])
async def test_a_user_enrols_and_logs_in_with_a_code_then_a_recovery_code_once(client, role):
    u = await _user(role)
    r = await client.post("/api/v1/me/totp", headers=f.headers(u))
    assert r.status_code == 201
    secret = r.json()["secret"]
    assert r.json()["otpauth_uri"].startswith("otpauth://totp/")
    assert (await _token(client, u)).status_code == 200  # nothing active before confirming

    wrong = await client.post(
        "/api/v1/me/totp/confirm", json={"code": "000000"}, headers=f.headers(u)
    )
    if code(secret) != "000000":
        assert wrong.status_code == 400 and wrong.json()["extra"][0]["key"] == "code"
    confirm_code = code(secret)
    r = await client.post(
        "/api/v1/me/totp/confirm", json={"code": confirm_code}, headers=f.headers(u)
    )
    assert r.status_code == 200
    codes = r.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10

    assert _names_otp(await _token(client, u))  # the password alone no longer does
    assert _names_otp(await _token(client, u, otp="not-a-code"))
    assert _names_otp(await _token(client, u, otp=confirm_code))  # spent by the confirm
    nxt = code(secret, steps_ahead=1)
    r = await _token(client, u, otp=nxt)
    assert r.status_code == 200
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}
    )
    assert me.json()["id"] == u["id"]
    assert _names_otp(await _token(client, u, otp=nxt))  # replay within its window

    assert (await _token(client, u, otp=codes[0].upper().replace("-", " "))).status_code == 200
    assert _names_otp(await _token(client, u, otp=codes[0]))  # a used code never again
    assert (await _token(client, u, otp=codes[1])).status_code == 200

    actions = await _actions(u)
    for action in ("totp.enrol", "totp.confirm", "auth.otp_failed", "auth.recovery_code_used"):
        assert action in actions, action
    assert actions.count("auth.recovery_code_used") == 2


async def test_enrolling_again_replaces_the_pending_secret(client):
    u = await _user("officer")
    first = (await client.post("/api/v1/me/totp", headers=f.headers(u))).json()["secret"]
    second = (await client.post("/api/v1/me/totp", headers=f.headers(u))).json()["secret"]
    assert first != second
    if code(first) != code(second):
        r = await client.post(
            "/api/v1/me/totp/confirm", json={"code": code(first)}, headers=f.headers(u)
        )
        assert r.status_code == 400
    r = await client.post(
        "/api/v1/me/totp/confirm", json={"code": code(second)}, headers=f.headers(u)
    )
    assert r.status_code == 200


async def test_confirming_without_a_pending_secret_is_a_conflict(client):
    u = await _user("admin")
    r = await client.post("/api/v1/me/totp/confirm", json={"code": "123456"}, headers=f.headers(u))
    assert r.status_code == 409


async def test_secrets_are_sealed_at_rest_and_recovery_codes_hashed(client):
    u = await _user("officer")
    secret, codes = await enrol(client, u)
    row = await UserTotp.select().where(UserTotp.user == u["id"]).first().run()
    assert secret not in row["secret"]
    assert totp.unseal(row["secret"], u["id"]) == secret
    assert totp.unseal(row["secret"], u["id"] + 1) is None  # bound to its user
    stored = {
        r["code_hash"]
        for r in await TotpRecoveryCode.select().where(TotpRecoveryCode.user == u["id"]).run()
    }
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes}


@pytest.mark.parametrize("role", ["officer", "admin"])
async def test_an_admin_resets_a_second_factor_and_the_user_logs_in_without_one(client, role):
    admin = await f.user("admin")
    u = await _user(role)
    await enrol(client, u)
    old = await _token(client, u, otp=(await _recovery(client, u)))
    assert old.status_code == 200
    old_headers = {"Authorization": f"Bearer {old.json()['access_token']}"}

    other = await _user("officer")
    r = await client.delete(f"/api/v1/users/{u['id']}/totp", headers=f.headers(other))
    assert r.status_code == 403
    r = await client.delete(f"/api/v1/users/{u['id']}/totp", headers=f.headers(admin))
    assert r.status_code == 204
    assert (await client.get("/api/v1/me", headers=old_headers)).status_code == 401
    assert (await _token(client, u)).status_code == 200
    assert "totp.reset" in await _actions(u)
    r = await client.delete("/api/v1/users/2147483647/totp", headers=f.headers(admin))
    assert r.status_code == 404


async def _recovery(client, u) -> str:
    """Re-enrol ``u`` (replacing the factor) and return one of the new recovery codes."""
    _, codes = await enrol(client, u)
    return codes[0]


async def test_wrong_codes_count_toward_the_lock_out(client):
    u = await _user("admin")
    secret, _ = await enrol(client, u)
    for _ in range(5):
        assert _names_otp(
            await _token(client, u, otp="999999" if code(secret) != "999999" else "888888")
        )
    r = await _token(client, u, otp=code(secret, 1))
    assert r.status_code == 429
    events = (
        await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.actor_username == u["username"])
        .run()
    )
    actions = [e["action"] for e in events]
    assert actions.count("auth.otp_failed") == 5 and "auth.locked" in actions


async def test_asking_without_a_code_does_not_count_toward_the_lock_out(client):
    u = await _user("officer")
    secret, _ = await enrol(client, u)
    for _ in range(6):
        assert _names_otp(await _token(client, u))
    assert (await _token(client, u, otp=code(secret, 1))).status_code == 200


async def test_the_page_login_asks_for_the_code_after_the_password(client):
    u = await _user("admin")
    secret, _ = await enrol(client, u)
    client.cookies.clear()
    r = await client.post(
        "/login",
        data={"username": u["username"], "password": f.PASSWORD, "next": "/admin/users"},
        headers=cookie_headers({}),
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/login/otp"
    assert SESSION_COOKIE not in r.cookies
    pending = r.cookies[PENDING_COOKIE]
    # The half-logged-in state opens nothing: not a session, not a bearer token.
    r = await client.get(
        "/", headers=cookie_headers({PENDING_COOKIE: pending}), follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    r = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {pending}"})
    assert r.status_code == 401

    page = await client.get("/login/otp", headers=cookie_headers({PENDING_COOKIE: pending}))
    assert page.status_code == 200 and 'name="otp"' in page.text
    r = await client.post(
        "/login/otp",
        data={"otp": "12345"},
        headers=cookie_headers({PENDING_COOKIE: pending}),
        follow_redirects=False,
    )
    assert r.status_code == 401 and SESSION_COOKIE not in r.cookies
    r = await client.post(
        "/login/otp",
        data={"otp": code(secret, 1)},
        headers=cookie_headers({PENDING_COOKIE: pending}),
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/users"
    session = r.cookies[SESSION_COOKIE]
    r = await client.get("/admin/users", headers=cookie_headers({SESSION_COOKIE: session}))
    assert r.status_code == 200


async def test_the_profile_page_enrols_shows_the_codes_once_and_disables(client):
    u = await _user("officer")
    headers = await as_user(u)
    r = await client.post("/profile/totp", headers=headers, follow_redirects=False)
    assert r.status_code == 303
    page = await client.get("/profile", headers=headers)
    assert page.status_code == 200 and "<svg" in page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # no inline script (CSP)
    confirm_form = re.search(r'action="/profile/totp/confirm">(.*?)</form>', page.text, re.S)
    assert 'name="_csrf_token"' in confirm_form.group(1)  # the form can be posted
    secret = re.search(r"<code>([A-Z2-7 ]{39})</code>", page.text).group(1).replace(" ", "")
    r = await client.post("/profile/totp/confirm", data={"code": code(secret)}, headers=headers)
    assert r.status_code == 200
    shown = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", r.text)
    assert len(shown) == 10
    again = await client.get("/profile", headers=headers)
    assert not any(c in again.text for c in shown)  # shown once only
    assert "10" in again.text

    r = await client.post("/profile/totp/disable", data={"code": "000000"}, headers=headers)
    assert r.status_code in (400, 303)
    r = await client.post(
        "/profile/totp/disable", data={"code": shown[3]}, headers=headers, follow_redirects=False
    )
    assert r.status_code == 303
    assert (await _token(client, u)).status_code == 200
    assert "totp.disable" in await _actions(u)


async def test_the_admin_page_resets_a_second_factor(client):
    admin = await f.user("admin")
    u = await _user("officer")
    await enrol(client, u)
    page = await client.get(f"/admin/users/{u['id']}", headers=await as_user(admin))
    assert f"/admin/users/{u['id']}/totp/reset" in page.text
    r = await client.post(
        f"/admin/users/{u['id']}/totp/reset", headers=await as_user(admin), follow_redirects=False
    )
    assert r.status_code == 303
    assert not await UserTotp.exists().where(UserTotp.user == u["id"]).run()
    assert (await _token(client, u)).status_code == 200


async def test_a_required_role_gets_no_token_and_no_session_until_enrolled(client):
    officer = await _user("officer")
    inspector_agency = await f.agency()
    inspector = await f.user("inspector", agency_id=inspector_agency["id"])
    session = await as_user(officer)
    with required_roles("admin,officer"):
        r = await _token(client, officer)
        assert _names_otp(r) and "enrol" in r.json()["extra"][0]["message_en"]
        r = await client.get("/api/v1/me", headers=f.headers(officer))
        assert r.status_code == 401 and r.json()["extra"][0]["key"] == "otp"
        r = await client.get("/", headers=session, follow_redirects=False)
        assert r.status_code == 303  # the old session opens nothing
        assert (await _token(client, inspector)).status_code == 200  # not a required role

        r = await client.post(
            "/login",
            data={"username": officer["username"], "password": f.PASSWORD, "next": "/"},
            headers=cookie_headers({}),
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/login/enrol"
        assert SESSION_COOKIE not in r.cookies
        pending = {PENDING_COOKIE: r.cookies[PENDING_COOKIE]}
        page = await client.get("/login/enrol", headers=cookie_headers(pending))
        assert page.status_code == 200 and "<svg" in page.text
        assert re.search(
            r'action="/login/enrol">\s*<input type="hidden" name="_csrf_token"', page.text
        )
        secret = re.search(r"<code>([A-Z2-7 ]{39})</code>", page.text).group(1).replace(" ", "")
        r = await client.post(
            "/login/enrol", data={"code": code(secret)}, headers=cookie_headers(pending)
        )
        assert r.status_code == 200
        assert len(re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", r.text)) == 10
        session = {SESSION_COOKIE: r.cookies[SESSION_COOKIE]}
        assert (await client.get("/", headers=cookie_headers(session))).status_code == 200
        r = await _token(client, officer, otp=code(secret, 1))
        assert r.status_code == 200


async def test_a_required_role_cannot_disable_but_can_re_enrol(client):
    u = await _user("admin")
    _secret, codes = await enrol(client, u)
    with required_roles("admin"):
        headers = await as_user(u)
        r = await client.post("/profile/totp/disable", data={"code": codes[0]}, headers=headers)
        assert r.status_code == 409
        r = await client.post("/api/v1/me/totp", headers=f.headers(u))
        assert r.status_code == 201
    await forget_last_step(u)
