"""Hazards: the JSON API (POST /api/v1/inspections/{id}/hazards, /api/v1/hazards…).
Thin: parse, call ``inspections.services``, shape the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, QueryParameter

from inspections import services
from inspections.schemas import HazardIn, HazardListItemOut, HazardOut
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.idempotency import IdempotencyKey, run_idempotent
from safety.schemas import MAX_DB_INT
from safety.web import Limit, Offset, Page, PathId, QueryId, error_responses, paging

TAGS = ["hazards"]
# a breakdown's group id; 0 names the group without one (no batch, no agency)
GroupId = Annotated[int | None, QueryParameter(ge=0, le=MAX_DB_INT)]


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

    return await run_idempotent(request, actor, data, log, atomic=True)


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
    figure: FromQuery[str | None] = None,
    as_of: FromQuery[dt.date | None] = None,
    batch_id: GroupId = None,
    agency_id: GroupId = None,
    industry: FromQuery[str | None] = None,
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
        figure=figure,
        as_of=as_of,
        batch_id=batch_id,
        agency_id=agency_id,
        industry=industry,
    )
    rows, total = await services.list_hazards(actor, flt, lim, off)
    return Page[HazardListItemOut](items=[HazardListItemOut(**r) for r in rows], total=total)


# GET /api/v1/hazards/{id} (the hazard with its rectification) is rectification.api's.
HAZARD_ROUTES = [log_hazard, list_hazards]
