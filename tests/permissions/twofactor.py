"""Rules for the second factor's routes: enrol/confirm one's own (everyone), reset a
user's (admin), the profile page, and the page login's second steps (which read only the
pending-login cookie: without one they send everybody back to /login)."""

from __future__ import annotations

from safety.accounts import twofactor
from tests import factories as f
from tests.permissions import LOGIN, Req, Spec

EVERYONE = {"admin": 200, "officer": 200, "inspector": 200, "enterprise": 200}
ALL_CREATE = {r: 201 for r in EVERYONE}
ALL_REDIRECT = {r: 303 for r in EVERYONE}
ALL_400 = {r: 400 for r in EVERYONE}
ALL_409 = {r: 409 for r in EVERYONE}
ADMIN_204 = {"admin": 204, "officer": 403, "inspector": 403, "enterprise": 403}
ADMIN_REDIRECTS = {"admin": 303, "officer": 403, "inspector": 403, "enterprise": 403}

# No code the check could accept now: 7 digits is neither a TOTP code nor a recovery code.
NO_CODE = "1234567"


def fixed(method: str, path: str, **kw):
    async def build(w, target):
        return Req(method, path, **kw)

    return build


async def _pending_for_everyone(w) -> None:
    # every persona, the grid worker too (whose expectation is the others' common one)
    for u in (w.admin, w.officer, w.inspector, w.enterprise_user, w.grid_worker):
        await twofactor.begin_enrolment(f.actor(u))


def confirm(path: str, json: bool):
    async def build(w, target):
        await _pending_for_everyone(w)  # so a wrong code is a 400, not "nothing pending"
        body = {"code": NO_CODE}
        return Req("POST", path, json=body) if json else Req("POST", path, form=body)

    return build


async def _reset(w, target):
    victim = await f.user("inspector", agency_id=w.agency["id"])
    return Req("DELETE", f"/api/v1/users/{victim['id']}/totp")


async def _reset_form(w, target):
    victim = await f.user("inspector", agency_id=w.agency["id"])
    return Req("POST", f"/admin/users/{victim['id']}/totp/reset", form={})


SPECS = {
    ("POST", "/api/v1/me/totp"): Spec(fixed("POST", "/api/v1/me/totp"), ALL_CREATE),
    ("POST", "/api/v1/me/totp/confirm"): Spec(confirm("/api/v1/me/totp/confirm", True), ALL_400),
    ("DELETE", "/api/v1/users/{user_id:int}/totp"): Spec(_reset, ADMIN_204),
    ("GET", "/profile"): Spec(fixed("GET", "/profile"), EVERYONE, anonymous=LOGIN),
    ("POST", "/profile/totp"): Spec(
        fixed("POST", "/profile/totp", form={}), ALL_REDIRECT, anonymous=LOGIN
    ),
    ("POST", "/profile/totp/confirm"): Spec(
        confirm("/profile/totp/confirm", False), ALL_400, anonymous=LOGIN
    ),
    ("POST", "/profile/totp/disable"): Spec(
        fixed("POST", "/profile/totp/disable", form={"code": NO_CODE}), ALL_409, anonymous=LOGIN
    ),
    ("POST", "/admin/users/{user_id:int}/totp/reset"): Spec(
        _reset_form, ADMIN_REDIRECTS, anonymous=LOGIN
    ),
    # Without the pending-login cookie the steps send anyone back to /login.
    ("GET", "/login/otp"): Spec(fixed("GET", "/login/otp"), ALL_REDIRECT, anonymous=303),
    ("POST", "/login/otp"): Spec(
        fixed("POST", "/login/otp", form={"otp": "123456"}), ALL_REDIRECT, anonymous=303
    ),
    ("GET", "/login/enrol"): Spec(fixed("GET", "/login/enrol"), ALL_REDIRECT, anonymous=303),
    ("POST", "/login/enrol"): Spec(
        fixed("POST", "/login/enrol", form={"code": "123456"}), ALL_REDIRECT, anonymous=303
    ),
}
