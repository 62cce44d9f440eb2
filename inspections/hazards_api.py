"""Hazards: the JSON API (POST /api/v1/inspections/{id}/hazards, /api/v1/hazards…).
Thin: parse, call ``inspections.services``, shape the answer."""

from __future__ import annotations

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from inspections import services
from inspections.hazard_filter_query import HAZARD_FILTERS
from inspections.schemas import HazardIn, HazardListItemOut, HazardOut
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.idempotency import IdempotencyKey, run_idempotent
from safety.web import Limit, Offset, Page, PathId, error_responses, paging

TAGS = ["hazards"]


@post(
    "/inspections/{inspection_id:int}/hazards",
    summary="Log a hazard found in the inspection",
    status_code=201,
    responses=error_responses(400, 401, 403, 404, 409),
)
async def log_hazard(
    request: Request,
    actor: NamedDependency[Actor],
    inspection_id: PathId,
    data: JSONBody[HazardIn],
    idempotency_key: IdempotencyKey = None,
) -> Response[HazardOut]:
    """While in_progress (else 409). ``deadline`` defaults to the inspection day plus the
    campaign's days for the level; ``fixed_on_spot`` (general only) closes it at once.
    ``Idempotency-Key`` honoured: a retry returns the first hazard and creates none; the
    same key with a different body is a 409."""

    async def log() -> dict:
        out = await services.log_hazard(actor, inspection_id, data)
        return HazardOut(**out).model_dump(mode="json")

    return await run_idempotent(request, actor, data, log, atomic=True)


@get(
    "/hazards",
    dependencies=HAZARD_FILTERS,
    summary="List hazards",
    responses=error_responses(400, 401, 403),
)
async def list_hazards(
    actor: NamedDependency[Actor],
    filters: NamedDependency[services.HazardFilter],
    limit: Limit = None,
    offset: Offset = None,
) -> Page[HazardListItemOut]:
    """By scope: an officer's subtree, an inspector's inspections, an enterprise's own.
    ``org_unit_id`` takes the whole subtree; ``overdue=true`` the open ones past their
    deadline (today in the configured time zone). The records behind a figure
    (rectification.figures): ``figure`` (found, major, general, closed, major_closed,
    general_closed, on_time, overdue, open) as of ``as_of`` (default today), with the
    breakdowns' groups ``batch_id``, ``agency_id``, ``industry`` (0 / none: the group
    without one) and ``org_unit_id``: ``total`` then equals the figure."""
    lim, off = paging(limit, offset)
    rows, total = await services.list_hazards(actor, filters, lim, off)
    return Page[HazardListItemOut](items=[HazardListItemOut(**r) for r in rows], total=total)


# GET /api/v1/hazards/{id} (the hazard with its rectification) is rectification.api's.
router = Router(
    path="/api/v1",
    tags=TAGS,
    dependencies=ACTOR,
    route_handlers=[log_hazard, list_hazards],
)
