"""Second factor API: enrol and confirm one's own (any user), reset a user's (admin).
The rules are in safety.accounts.twofactor; the login side in safety.accounts.logins."""

from __future__ import annotations

from litestar import Router, delete, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from safety.accounts import twofactor
from safety.accounts.actor import ACTOR, ADMIN_ONLY
from safety.actors import Actor
from safety.schemas import TotpCodeIn, TotpConfirmOut, TotpEnrolOut
from safety.web import PathId, error_responses


@post(
    "/",
    status_code=201,
    summary="Start enrolling a second factor (TOTP); nothing is active until confirmed",
    description="Calling again replaces the pending secret. An active factor stays active "
    "until a new one is confirmed.",
    responses=error_responses(401),
)
async def enrol(actor: NamedDependency[Actor]) -> TotpEnrolOut:
    pending = await twofactor.begin_enrolment(actor)
    return TotpEnrolOut(secret=pending["secret"], otpauth_uri=pending["otpauth_uri"])


@post(
    "/confirm",
    status_code=200,
    summary="Confirm the pending second factor with a code; returns 10 recovery codes once",
    description="From then on POST /api/v1/auth/token needs `otp`.",
    responses=error_responses(400, 401, 409),
)
async def confirm(actor: NamedDependency[Actor], data: JSONBody[TotpCodeIn]) -> TotpConfirmOut:
    return TotpConfirmOut(recovery_codes=await twofactor.confirm_enrolment(actor, data.code))


@delete(
    "/{user_id:int}/totp",
    summary="Reset a user's second factor (admin); their tokens and sessions end",
    responses=error_responses(401, 403, 404),
)
async def reset(actor: NamedDependency[Actor], user_id: PathId) -> None:
    await twofactor.reset(actor, user_id)


router = Router(
    path="/api/v1/me/totp", tags=["auth"], dependencies=ACTOR, route_handlers=[enrol, confirm]
)
admin_router = Router(
    path="/api/v1/users",
    tags=["admin"],
    dependencies=ACTOR,
    guards=[ADMIN_ONLY],
    route_handlers=[reset],
)
