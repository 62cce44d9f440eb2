"""The page login's moving parts: the pending-login cookie between the password and the
second step, the end of a successful login (fresh session, fresh CSRF token), and CSRF
rotation at logout.

Pending login: after a right password, a user who must give a code (or must enrol first)
gets ``safety_login_step``: a signed token (HS256, the secret key) naming the user, their
token epoch, the step (``otp`` or ``enrol``) and where to go next, valid 5 minutes, with an
audience no bearer token has. It is not a session: nothing but the two step pages reads it,
so a half-logged-in browser can do nothing else. A code typed at the step is counted by
the login lock-out like a password (safety.accounts.logins.second_step).

CSRF (Litestar's double-submit cookie): a login and a logout set a new ``csrftoken``
cookie, so a token seen before (e.g. planted or read before login) no longer matches the
browser's cookie afterwards. Litestar's check is stateless (any token it signed, sent as
both cookie and field, passes); rotation ends the use of the old pair in this browser.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from litestar import Request
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token
from litestar.response import Redirect, Response

from safety.accounts.sessions import SESSION_COOKIE, cookie_kwargs, create_session, end_session
from safety.security import CSRF_COOKIE
from safety.settings import get_settings
from safety.web import client_ip

PENDING_COOKIE = "safety_login_step"
PENDING_AUDIENCE = "safety:login-step"
PENDING_TTL_SECONDS = 300
_ALGORITHM = "HS256"


def pending_cookie(user: dict, step: str, next_url: str) -> Cookie:
    now = int(time.time())
    claims = {
        "sub": str(user["id"]),
        "ep": user["token_epoch"],
        "step": step,
        "next": next_url,
        "aud": PENDING_AUDIENCE,
        "iat": now,
        "exp": now + PENDING_TTL_SECONDS,
    }
    value = jwt.encode(claims, get_settings().secret_key.get_secret_value(), algorithm=_ALGORITHM)
    return Cookie(
        key=PENDING_COOKIE,
        value=value,
        path="/login",
        max_age=PENDING_TTL_SECONDS,
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
    )


def read_pending(request: Request, step: str) -> dict[str, Any] | None:
    """The pending login of this browser for ``step`` (user_id, epoch, next), or None."""
    value = request.cookies.get(PENDING_COOKIE)
    if not value:
        return None
    try:
        claims = jwt.decode(
            value,
            get_settings().secret_key.get_secret_value(),
            algorithms=[_ALGORITHM],
            audience=PENDING_AUDIENCE,
        )
        if claims.get("step") != step:
            return None
        return {"user_id": int(claims["sub"]), "epoch": int(claims["ep"]), "next": claims["next"]}
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None


def clear_pending(response: Response) -> None:
    response.delete_cookie(PENDING_COOKIE, path="/login")


def csrf_cookie() -> Cookie:
    """A new CSRF cookie, made like Litestar's own (a random token and its HMAC)."""
    s = get_settings()
    return Cookie(
        key=CSRF_COOKIE,
        value=generate_csrf_token(secret=s.secret_key.get_secret_value()),
        path="/",
        secure=s.secure_cookies,
        httponly=True,
        samesite="lax",
    )


async def start_session(request: Request, user: dict) -> list[Cookie]:
    """A fresh session for a user who just logged in (the browser's old one, if any, ends:
    no fixation) and a fresh CSRF token: the cookies to set."""
    await end_session(request.cookies.get(SESSION_COOKIE))
    value = await create_session(user["id"], client_ip(request), request.headers.get("user-agent"))
    return [Cookie(value=value, **cookie_kwargs()), csrf_cookie()]


async def finish_login(request: Request, user: dict, next_url: str) -> Redirect:
    response = Redirect(next_url, status_code=303, cookies=await start_session(request, user))
    clear_pending(response)
    return response
