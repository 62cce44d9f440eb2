"""The page login's second steps (see safety.accounts.page_login): the code after the password
(``/login/otp``) and, for a role that requires a second factor, enrolment before the
first session (``/login/enrol``). Both read only the signed pending-login cookie."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from safety import i18n
from safety.accounts import messages as _messages  # noqa: F401 - registers the page texts
from safety.accounts import twofactor
from safety.accounts.logins import second_step
from safety.accounts.page_login import clear_pending, read_pending, start_session
from safety.actors import actor_from_user
from safety.errors import DomainError, NotAuthenticated, TooManyRequests
from safety.settings import get_settings
from safety.tables import User
from safety.web import client_ip


def _restart() -> Redirect:
    response = Redirect("/login", status_code=303)
    clear_pending(response)
    return response


def _otp_page(error: str | None = None, status: int = 200) -> Template:
    return Template("login_otp.html", context={"error": error}, status_code=status)


@get("/otp")
async def otp_page(request: Request) -> Template | Redirect:
    if read_pending(request, "otp") is None:
        return _restart()
    return _otp_page()


@post("/otp", status_code=303)
async def otp_submit(request: Request, data: URLEncodedBody[dict[str, Any]]) -> Template | Redirect:
    pending = read_pending(request, "otp")
    if pending is None:
        return _restart()
    lang = i18n.lang_of(request)
    code = str(data.get("otp") or "")
    try:
        user = await second_step(pending["user_id"], pending["epoch"], code, client_ip(request))
    except TooManyRequests:
        message = i18n.translate("login.locked", lang, minutes=get_settings().login_lock_minutes)
        response = _otp_page(message, 429)
        clear_pending(response)
        return response
    except NotAuthenticated as exc:
        if not exc.extra:  # the user was disabled or changed meanwhile: start again
            return _restart()
        return _otp_page(i18n.translate("totp.wrong_code", lang), 401)
    response = Redirect(
        pending["next"], status_code=303, cookies=await start_session(request, user)
    )
    clear_pending(response)
    return response


async def _enrolling_user(request: Request) -> tuple[dict, dict] | None:
    pending = read_pending(request, "enrol")
    if pending is None:
        return None
    user = await User.select().where(User.id == pending["user_id"]).first().run()
    if user is None or not user["active"] or user["token_epoch"] != pending["epoch"]:
        return None
    return pending, user


async def _enrol_page(
    request: Request, user: dict, error: str | None = None, status: int = 200
) -> Template:
    actor = actor_from_user(user, client_ip(request))
    enrolment = await twofactor.pending_enrolment(actor) or await twofactor.begin_enrolment(actor)
    return Template(
        "login_enrol.html",
        context={"enrolment": enrolment, "error": error, "username": user["username"]},
        status_code=status,
    )


@get("/enrol")
async def enrol_page(request: Request) -> Template | Redirect:
    found = await _enrolling_user(request)
    if found is None:
        return _restart()
    return await _enrol_page(request, found[1])


@post("/enrol", status_code=200)
async def enrol_submit(
    request: Request, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Confirm with a code: the factor is active, the session starts, and the recovery
    codes are shown this once."""
    found = await _enrolling_user(request)
    if found is None:
        return _restart()
    pending, user = found
    actor = actor_from_user(user, client_ip(request))
    try:
        codes = await twofactor.confirm_enrolment(actor, str(data.get("code") or ""))
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        error = i18n.translate("totp.wrong_code", i18n.lang_of(request))
        return await _enrol_page(request, user, error, 400)
    response = Template(
        "recovery_codes.html",
        context={"codes": codes, "next": pending["next"]},
        cookies=await start_session(request, user),
    )
    clear_pending(response)
    return response


# No actor: the caller has no session yet, only the signed pending-login cookie.
router = Router(
    path="/login",
    include_in_schema=False,
    route_handlers=[otp_page, otp_submit, enrol_page, enrol_submit],
)
