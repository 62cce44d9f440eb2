"""Logging in and out: the API token, ``/me``, the login page and the language switch
(the home page is ``rectification.home``). ``/api/*`` uses bearer tokens only; pages use
the session cookie."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template

from safety import i18n
from safety.accounts import twofactor
from safety.accounts.actor import ACTOR
from safety.accounts.logins import (
    EnrolmentNeeded,
    SecondFactorNeeded,
    authenticate,
    login_for_token,
)
from safety.accounts.page_login import csrf_cookie, finish_login, pending_cookie
from safety.accounts.sessions import SESSION_COOKIE, user_for_request
from safety.accounts.sessions import logout as logout_session
from safety.actors import Actor, actor_from_user
from safety.errors import NotAuthenticated, TooManyRequests
from safety.schemas import MeOut, TokenIn, TokenOut
from safety.settings import get_settings
from safety.web import client_ip, error_responses


@post(
    "/token",
    status_code=200,
    summary="Exchange username and password for a bearer token",
    security=[],
    responses=error_responses(400, 401, 413, 429),
)
async def token(request: Request, data: JSONBody[TokenIn]) -> TokenOut:
    """With a second factor enrolled, ``otp`` is needed: without it, or wrong, 401 whose
    ``extra`` names ``otp`` (a wrong code counts toward the lock-out). A user whose role
    requires a second factor they have not enrolled gets 401 naming ``otp`` too, and
    enrols on the web page first."""
    return TokenOut(
        **await login_for_token(data.username, data.password, client_ip(request), data.otp)
    )


@get(
    "/",
    summary="The calling user",
    responses=error_responses(401),
)
async def me(actor: NamedDependency[Actor]) -> MeOut:
    return MeOut(
        id=actor.user_id,
        username=actor.username,
        role=actor.role.value,
        display_name=actor.display_name,
        enterprise_id=actor.enterprise_id,
        org_unit_id=actor.org_unit_id,
        agency_id=actor.agency_id,
    )


def safe_next(target: str | None) -> str:
    """Only a local path may follow a login (no open redirect to another site): it starts
    with one ``/``, and holds no backslash and no control character (a browser drops a tab
    or newline from a URL, so ``/<TAB>/evil.example`` would become ``//evil.example``,
    another site). Spaces and Chinese stay (a search ``?q=`` may hold them)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _login_page(
    request: Request,
    next_url: str,
    error: str | None = None,
    username: str = "",
    status: int = 200,
    notice: str | None = None,
) -> Template:
    """``not_https``: the deployment sets Secure cookies but this request did not come
    over HTTPS as the app sees it (plain HTTP, or a proxy whose X-Forwarded-Proto is not
    believed: docs/ops/deploy.md). The browser would drop the cookies and the login would
    fail with no reason given; the page says why instead."""
    return Template(
        "login.html",
        context={
            "next": safe_next(next_url),
            "error": error,
            "username": username,
            "notice": notice,
            "not_https": bool(get_settings().secure_cookies) and request.url.scheme != "https",
        },
        status_code=status,
    )


async def _expired(request: Request, reason: str | None) -> bool:
    """Is the user here because their login expired? Said by the outbox's login link
    (``reason=expired``), or seen: the browser still carries a session cookie that opens
    no session (idle or absolute timeout; the row is gone). A plain visit, or one after
    logging out (which deletes the cookie), is not."""
    if reason == "expired":
        return True
    return bool(request.cookies.get(SESSION_COOKIE)) and await user_for_request(request) is None


@get("/login")
async def login_page(
    request: Request,
    next: FromQuery[str | None] = None,  # noqa: A002 - the query parameter's name
    reason: FromQuery[str | None] = None,
) -> Template:
    """The login form; ``next`` (a local path only, see ``safe_next``) is where the login
    leads, through the second step too; after an expired login it says so."""
    notice = None
    if await _expired(request, reason):
        notice = i18n.translate("login.expired", i18n.lang_of(request))
    return _login_page(request, next or "/", notice=notice)


@post("/login", status_code=303)
async def login_submit(
    request: Request, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    lang = i18n.lang_of(request)
    username = str(data.get("username") or "")
    password = str(data.get("password") or "")
    next_url = safe_next(str(data.get("next") or "/"))
    try:
        user = await authenticate(username, password, client_ip(request), via="page")
    except TooManyRequests:
        message = i18n.translate("login.locked", lang, minutes=get_settings().login_lock_minutes)
        return _login_page(request, next_url, message, username, status=429)
    except EnrolmentNeeded as exc:
        # Not a session: a signed step cookie that only /login/enrol reads.
        await twofactor.begin_enrolment(actor_from_user(exc.user, client_ip(request)))
        return Redirect(
            "/login/enrol", status_code=303, cookies=[pending_cookie(exc.user, "enrol", next_url)]
        )
    except SecondFactorNeeded as exc:
        return Redirect(
            "/login/otp", status_code=303, cookies=[pending_cookie(exc.user, "otp", next_url)]
        )
    except NotAuthenticated:
        return _login_page(
            request, next_url, i18n.translate("login.failed", lang), username, status=401
        )
    return await finish_login(request, user, next_url)


@post("/logout", status_code=303)
async def logout(request: Request) -> Redirect:
    await logout_session(request.cookies.get(SESSION_COOKIE), client_ip(request))
    response = Redirect("/login", status_code=303, cookies=[csrf_cookie()])
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/lang/{code:str}")
async def switch_language(
    code: FromPath[str],
    next: FromQuery[str | None] = None,  # noqa: A002 - the query parameter's name
) -> Redirect:
    """Set the ``lang`` cookie (zh or en) and go back."""
    response = Redirect(safe_next(next), status_code=303)
    if code in i18n.LANGS:
        response.set_cookie(
            i18n.LANG_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            path="/",
            samesite="lax",
            secure=bool(get_settings().secure_cookies),  # filled in from base_url
            httponly=True,
        )
    return response


# Open to everybody: the token exchange, and the login, logout and language pages.
token_router = Router(path="/api/v1/auth", tags=["auth"], route_handlers=[token])
open_pages = Router(
    path="/",
    include_in_schema=False,
    route_handlers=[login_page, login_submit, logout, switch_language],
)
me_router = Router(path="/api/v1/me", tags=["auth"], dependencies=ACTOR, route_handlers=[me])
