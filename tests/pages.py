"""Helpers for page tests: a session for a user, a CSRF token, the Cookie header."""

from __future__ import annotations

from litestar.middleware.csrf import generate_csrf_token

from safety.accounts.sessions import SESSION_COOKIE, create_session
from safety.security import CSRF_COOKIE, CSRF_HEADER
from safety.settings import get_settings


def csrf_token() -> str:
    return generate_csrf_token(get_settings().secret_key.get_secret_value())


async def session_cookie(user: dict) -> str:
    return await create_session(user["id"], "127.0.0.1", "pytest")


def page_headers(session: str | None = None, csrf: bool = True) -> dict[str, str]:
    """Cookie (+ CSRF header) for a page request; the token in header and cookie match."""
    cookies = []
    headers: dict[str, str] = {}
    if session:
        cookies.append(f"{SESSION_COOKIE}={session}")
    if csrf:
        token = csrf_token()
        cookies.append(f"{CSRF_COOKIE}={token}")
        headers[CSRF_HEADER] = token
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    return headers


async def as_user(user: dict, csrf: bool = True) -> dict[str, str]:
    return page_headers(await session_cookie(user), csrf)
