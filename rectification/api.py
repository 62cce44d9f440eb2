"""Rectification JSON API: the hazard with its rectification, the plan (五落实), evidence,
verification, void, extension requests and decisions. Thin: parse, call
``rectification.services``, shape the answer. Three routers (``ROUTERS``) carry the paths,
tags and the actor dependency; the handlers name only what is theirs."""

from __future__ import annotations

from litestar import Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from rectification import services
from rectification.schemas import (
    DecisionIn,
    ExtensionIn,
    ExtensionOut,
    HazardDetailOut,
    PlanIn,
    SubmissionIn,
    VerificationIn,
    VoidIn,
)
from rectification.tables import ExtensionStatus
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.web import (
    Limit,
    Offset,
    Page,
    PathId,
    error_responses,
    paging,
    query_one_of,
)

TAGS = ["rectification"]
HAZARD = "/api/v1/hazards/{hazard_id:int}"


@get(
    "/",
    summary="One hazard with its photos, rectification and timeline",
    responses=error_responses(401, 403, 404),
)
async def get_hazard(actor: NamedDependency[Actor], hazard_id: PathId) -> HazardDetailOut:
    return HazardDetailOut(**await services.hazard_detail(actor, hazard_id))


@put(
    "/plan",
    summary="Fill or revise the rectification plan (its enterprise); pending → rectifying",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def save_plan(
    actor: NamedDependency[Actor], hazard_id: PathId, data: JSONBody[PlanIn]
) -> HazardDetailOut:
    """For a major hazard all five of 五落实 are required (a missing one is a 400 naming
    it); a plan deadline after the effective deadline needs an approved extension."""
    return HazardDetailOut(**await services.save_plan(actor, hazard_id, data))


@post(
    "/submissions",
    summary="Submit rectification evidence (its enterprise) → submitted",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def submit_evidence(
    actor: NamedDependency[Actor], hazard_id: PathId, data: JSONBody[SubmissionIn]
) -> HazardDetailOut:
    """``photo_ids``: the enterprise's own ``rectified`` photos of this hazard (upload them
    first with POST /api/v1/hazards/{id}/photos). A general hazard may skip the plan."""
    return HazardDetailOut(**await services.submit_evidence(actor, hazard_id, data))


@post(
    "/verifications",
    summary="Verify (验收): pass → closed, fail → rectifying",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def verify(
    actor: NamedDependency[Actor], hazard_id: PathId, data: JSONBody[VerificationIn]
) -> HazardDetailOut:
    """An officer, or an inspector of the hazard's inspection; for a general hazard of the
    enterprise's own self-inspection, the enterprise. Two at once: one applies, 409."""
    return HazardDetailOut(**await services.verify(actor, hazard_id, data))


@post(
    "/void",
    summary="Void a hazard (officer), with a reason",
    status_code=200,
    responses=error_responses(400, 401, 403, 404, 409),
)
async def void_hazard(
    actor: NamedDependency[Actor], hazard_id: PathId, data: JSONBody[VoidIn]
) -> HazardDetailOut:
    return HazardDetailOut(**await services.void_hazard(actor, hazard_id, data.reason))


@post(
    "/extension-requests",
    summary="Ask for a later deadline (its enterprise); one pending at a time",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def request_extension(
    actor: NamedDependency[Actor], hazard_id: PathId, data: JSONBody[ExtensionIn]
) -> ExtensionOut:
    return ExtensionOut(**await services.request_extension(actor, hazard_id, data))


@get(
    "/",
    summary="Extension requests in scope, oldest first (default: the pending ones)",
    responses=error_responses(400, 401, 403),
)
async def list_extension_requests(
    actor: NamedDependency[Actor],
    status: query_one_of(ExtensionStatus) = "pending",
    limit: Limit = None,
    offset: Offset = None,
) -> Page[ExtensionOut]:
    lim, off = paging(limit, offset)
    rows, total = await services.list_extension_requests(actor, status or None, lim, off)
    return Page[ExtensionOut](items=[ExtensionOut(**r) for r in rows], total=total)


@post(
    "/{request_id:int}/decision",
    summary="Approve or refuse an extension request (officer); decided once",
    status_code=200,
    responses=error_responses(400, 401, 403, 404, 409),
)
async def decide_extension(
    actor: NamedDependency[Actor], request_id: PathId, data: JSONBody[DecisionIn]
) -> ExtensionOut:
    return ExtensionOut(**await services.decide_extension(actor, request_id, data))


# The hazard itself is listed with the hazards (the tag of inspections' hazard list).
hazard_router = Router(
    path=HAZARD, tags=["hazards"], dependencies=ACTOR, route_handlers=[get_hazard]
)
rectification_router = Router(
    path=HAZARD,
    tags=TAGS,
    dependencies=ACTOR,
    route_handlers=[save_plan, submit_evidence, verify, void_hazard, request_extension],
)
extension_router = Router(
    path="/api/v1/extension-requests",
    tags=TAGS,
    dependencies=ACTOR,
    route_handlers=[list_extension_requests, decide_extension],
)
ROUTERS = [hazard_router, rectification_router, extension_router]
