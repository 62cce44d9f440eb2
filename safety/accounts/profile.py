"""The profile page (every user, linked from the top bar): who I am, and my second factor
(enrol with a QR code, confirm with a code, see the recovery codes once, re-enrol,
disable). And the admin's "reset second factor" button on a user's edit page."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from safety import i18n
from safety.accounts import factor, twofactor
from safety.accounts import messages as _messages  # noqa: F401 - registers the page texts
from safety.accounts.actor import ACTOR, ADMIN_ONLY
from safety.actors import Actor
from safety.errors import DomainError
from safety.settings import get_settings
from safety.web import PathId

FormData = URLEncodedBody[dict[str, Any]]


async def _profile(
    request: Request,
    actor: Actor,
    codes: list[str] | None = None,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Template:
    state = await twofactor.status(actor.user_id)
    if state["confirmed_at"]:  # shown in the deployment's time zone, like every date
        at = state["confirmed_at"]
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        state["confirmed_at"] = at.astimezone(ZoneInfo(get_settings().timezone))
    pending = await twofactor.pending_enrolment(actor) if state["pending"] else None
    return Template(
        "profile.html",
        context={
            "me": actor,
            "totp": state,
            "required": factor.required_for(actor.role),
            "enrolment": pending,
            "codes": codes,
            "error": error,
            "notice": notice,
        },
        status_code=status,
    )


@get("/")
async def profile_page(
    request: Request, actor: NamedDependency[Actor], done: FromQuery[str | None] = None
) -> Template:
    notice = None
    if done in ("disabled", "enrol"):
        notice = i18n.translate(f"totp.done.{done}", i18n.lang_of(request))
    return await _profile(request, actor, notice=notice)


@post("/totp", status_code=303)
async def profile_enrol(actor: NamedDependency[Actor]) -> Redirect:
    await twofactor.begin_enrolment(actor)
    return Redirect("/profile?done=enrol", status_code=303)


@post("/totp/confirm", status_code=200)
async def profile_confirm(
    request: Request, actor: NamedDependency[Actor], data: FormData
) -> Template:
    try:
        codes = await twofactor.confirm_enrolment(actor, str(data.get("code") or ""))
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        error = i18n.translate("totp.wrong_code", i18n.lang_of(request))
        return await _profile(request, actor, error=error, status=exc.status_code)
    return await _profile(request, actor, codes=codes)


@post("/totp/disable", status_code=303)
async def profile_disable(
    request: Request, actor: NamedDependency[Actor], data: FormData
) -> Template | Redirect:
    try:
        await twofactor.disable(actor, str(data.get("code") or ""))
    except DomainError as exc:
        if exc.status_code not in (400, 409):
            raise
        key = "totp.wrong_code" if exc.status_code == 400 else "totp.cannot_disable"
        error = i18n.translate(key, i18n.lang_of(request))
        return await _profile(request, actor, error=error, status=exc.status_code)
    return Redirect("/profile?done=disabled", status_code=303)


@post("/{user_id:int}/totp/reset", status_code=303)
async def admin_reset(actor: NamedDependency[Actor], user_id: PathId) -> Redirect:
    await twofactor.reset(actor, user_id)
    return Redirect(f"/admin/users/{user_id}?saved=1", status_code=303)


router = Router(
    path="/profile",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[profile_page, profile_enrol, profile_confirm, profile_disable],
)
admin_router = Router(
    path="/admin/users",
    include_in_schema=False,
    dependencies=ACTOR,
    guards=[ADMIN_ONLY],
    route_handlers=[admin_reset],
)
