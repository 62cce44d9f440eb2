"""Hazards: the JSON API (POST /api/v1/inspections/{id}/hazards, /api/v1/hazards…).
Thin: parse, call ``inspections.services``, shape the answer."""

from __future__ import annotations

import datetime as dt

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from inspections import services
from inspections.schemas import HazardIn, HazardListItemOut, HazardOut
from safety.auth import Actor
from safety.idempotency import IdempotencyKey, run_idempotent
from safety.web import ACTOR, Page, PathId, QueryId, error_responses, paging

TAGS = ["hazards"]


@post(
    "/api/v1/inspections/{inspection_id:int}/hazards",
    dependencies=ACTOR,
    tags=TAGS,
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

    return await run_idempotent(request, actor, data, log)


@get(
    "/api/v1/hazards",
    dependencies=ACTOR,
    tags=TAGS,
    summary="List hazards",
    responses=error_responses(400, 401, 403),
)
async def list_hazards(
    actor: NamedDependency[Actor],
    status: FromQuery[str | None] = None,
    level: FromQuery[str | None] = None,
    enterprise_id: QueryId = None,
    campaign_id: QueryId = None,
    inspection_id: QueryId = None,
    org_unit_id: QueryId = None,
    source: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    found_from: FromQuery[dt.date | None] = None,
    found_to: FromQuery[dt.date | None] = None,
    overdue: FromQuery[bool | None] = None,
    limit: FromQuery[int | None] = None,
    offset: FromQuery[int | None] = None,
) -> Page[HazardListItemOut]:
    """By scope: an officer's subtree, an inspector's inspections, an enterprise's own.
    ``org_unit_id`` takes the whole subtree; ``overdue=true`` the open ones past their
    deadline (today in the configured time zone)."""
    lim, off = paging(limit, offset)
    flt = services.HazardFilter(
        status=status,
        level=level,
        enterprise_id=enterprise_id,
        campaign_id=campaign_id,
        inspection_id=inspection_id,
        org_unit_id=org_unit_id,
        source=source,
        q=q,
        found_from=found_from,
        found_to=found_to,
        overdue=overdue,
    )
    rows, total = await services.list_hazards(actor, flt, lim, off)
    return Page[HazardListItemOut](items=[HazardListItemOut(**r) for r in rows], total=total)


@get(
    "/api/v1/hazards/{hazard_id:int}",
    dependencies=ACTOR,
    tags=TAGS,
    summary="One hazard with its photos and timeline",
    responses=error_responses(401, 403, 404),
)
async def get_hazard(actor: NamedDependency[Actor], hazard_id: PathId) -> HazardOut:
    return HazardOut(**await services.get_hazard(actor, hazard_id))


HAZARD_ROUTES = [log_hazard, list_hazards, get_hazard]
