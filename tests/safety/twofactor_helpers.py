"""Helpers for the second-factor tests: enrol through the API, make codes with pyotp,
simulate the next 30 s step (a code is accepted once per step)."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pyotp

from safety.security import CSRF_COOKIE, CSRF_HEADER
from safety.settings import get_settings
from safety.tables import UserTotp
from tests import factories as f
from tests.pages import csrf_token


def code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


async def enrol(client, user: dict) -> tuple[str, list[str]]:
    """Enrol ``user`` through the API; (secret, recovery codes)."""
    r = await client.post("/api/v1/me/totp", headers=f.headers(user))
    assert r.status_code == 201, r.text
    secret = r.json()["secret"]
    r = await client.post(
        "/api/v1/me/totp/confirm", json={"code": code(secret)}, headers=f.headers(user)
    )
    assert r.status_code == 200, r.text
    return secret, r.json()["recovery_codes"]


async def forget_last_step(user: dict) -> None:
    """As if time moved on: the next login may use the current code again."""
    await UserTotp.update({UserTotp.last_timestep: 0}).where(UserTotp.user == user["id"]).run()


@contextmanager
def required_roles(value: str):
    s = get_settings()
    old = s.totp_required_roles
    s.totp_required_roles = value
    try:
        yield
    finally:
        s.totp_required_roles = old


def cookie_headers(cookies: dict[str, str], csrf: bool = True) -> dict[str, str]:
    """Explicit cookies (+ a matching CSRF cookie and header) for one page request."""
    jar = dict(cookies)
    headers: dict[str, str] = {}
    if csrf:
        token = csrf_token()
        jar[CSRF_COOKIE] = token
        headers[CSRF_HEADER] = token
    headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
    return headers
