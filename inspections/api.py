"""Campaigns, batches and inspections: the JSON API (/api/v1/campaigns…, /api/v1/batches…,
/api/v1/inspections…). Thin: parse, call ``inspections.services``, shape the answer.
Hazards are in ``inspections.hazards_api``, signatures and photos in
``inspections.uploads_api``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, QueryParameter

from inspections import services
from inspections.schemas import (
    BatchIn,
    BatchInspectionsIn,
    BatchInspectionsOut,
    BatchOut,
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    CancelIn,
    InspectionIn,
    InspectionOut,
    InspectionSummaryOut,
    ResultsIn,
    ResultsOut,
)
from inspections.tables import InspectionKind
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.tables import CampaignKind
from safety.web import (
    Limit,
    Offset,
    Page,
    PathId,
    QueryId,
    error_responses,
    paging,
    query_one_of,
)

TAGS = ["inspections"]


@get("/campaigns", summary="List campaigns", responses=error_responses(400, 401, 403))
async def list_campaigns(
    actor: NamedDependency[Actor],
    q: FromQuery[str | None] = None,
    kind: query_one_of(CampaignKind) = None,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[CampaignOut]:
    """Officer: the campaigns of their subtree, latest first; ``q`` searches the name."""
    lim, off = paging(limit, offset)
    rows, total = await services.list_campaigns(actor, q, kind, lim, off)
    return Page[CampaignOut](items=[CampaignOut(**r) for r in rows], total=total)


@post(
    "/campaigns",
    summary="Create a campaign with its plan of enterprises",
    responses=error_responses(400, 401, 403),
)
async def create_campaign(
    actor: NamedDependency[Actor], data: JSONBody[CampaignIn]
) -> CampaignDetailOut:
    return CampaignDetailOut(**await services.create_campaign(actor, data))


@get(
    "/campaigns/{campaign_id:int}",
    summary="One campaign with its batches and each planned enterprise's inspection state",
    responses=error_responses(401, 403, 404),
)
async def get_campaign(actor: NamedDependency[Actor], campaign_id: PathId) -> CampaignDetailOut:
    return CampaignDetailOut(**await services.get_campaign(actor, campaign_id))


@post(
    "/campaigns/{campaign_id:int}/batches",
    summary="Add a batch: part of the plan for an agency's expert group",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def add_batch(
    actor: NamedDependency[Actor], campaign_id: PathId, data: JSONBody[BatchIn]
) -> BatchOut:
    return BatchOut(**await services.add_batch(actor, campaign_id, data))


@post(
    "/batches/{batch_id:int}/inspections",
    summary="Plan an inspection for every enterprise of the batch that has none yet",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def create_batch_inspections(
    actor: NamedDependency[Actor], batch_id: PathId, data: JSONBody[BatchInspectionsIn]
) -> BatchInspectionsOut:
    """Idempotent: a second call creates 0 (``created``), ``items`` are the new ones."""
    return BatchInspectionsOut(**await services.create_batch_inspections(actor, batch_id, data))


@get("/inspections", summary="List inspections", responses=error_responses(400, 401, 403))
async def list_inspections(
    actor: NamedDependency[Actor],
    campaign_id: QueryId = None,
    batch_id: QueryId = None,
    enterprise_id: QueryId = None,
    inspection_state: Annotated[
        str | None,
        QueryParameter(name="state", description="planned|in_progress|submitted|cancelled"),
    ] = None,
    scheduled_on: FromQuery[dt.date | None] = None,
    kind: query_one_of(InspectionKind) = None,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[InspectionSummaryOut]:
    """Officer: their subtree's; inspector: the ones whose group they are in; enterprise:
    their own."""
    lim, off = paging(limit, offset)
    flt = services.InspectionFilter(
        campaign_id=campaign_id,
        batch_id=batch_id,
        enterprise_id=enterprise_id,
        state=inspection_state,
        scheduled_on=scheduled_on,
        kind=kind,
    )
    rows, total = await services.list_inspections(actor, flt, lim, off)
    return Page[InspectionSummaryOut](items=[InspectionSummaryOut(**r) for r in rows], total=total)


@post("/inspections", summary="Plan one inspection", responses=error_responses(400, 401, 403))
async def create_inspection(
    actor: NamedDependency[Actor], data: JSONBody[InspectionIn]
) -> InspectionOut:
    return InspectionOut(**await services.create_inspection(actor, data))


@get(
    "/inspections/{inspection_id:int}",
    summary="One inspection: checklist items with results, hazards, signatures",
    responses=error_responses(401, 403, 404),
)
async def get_inspection(actor: NamedDependency[Actor], inspection_id: PathId) -> InspectionOut:
    return InspectionOut(**await services.get_inspection(actor, inspection_id))


@post(
    "/inspections/{inspection_id:int}/start",
    summary="Start (planned → in_progress)",
    status_code=200,
    responses=error_responses(401, 403, 404, 409),
)
async def start_inspection(actor: NamedDependency[Actor], inspection_id: PathId) -> InspectionOut:
    return InspectionOut(**await services.start_inspection(actor, inspection_id))


@post(
    "/inspections/{inspection_id:int}/submit",
    summary="Submit (in_progress → submitted)",
    status_code=200,
    responses=error_responses(401, 403, 404, 409),
)
async def submit_inspection(actor: NamedDependency[Actor], inspection_id: PathId) -> InspectionOut:
    """Needs every item answered and both signatures (or the enterprise's recorded
    refusal). Otherwise 409 whose ``extra`` names each missing item as
    ``items.<item id>`` and each missing signature as ``signatures.inspector`` /
    ``signatures.enterprise``."""
    return InspectionOut(**await services.submit_inspection(actor, inspection_id))


@post(
    "/inspections/{inspection_id:int}/cancel",
    summary="Cancel a planned inspection, with a reason",
    status_code=200,
    responses=error_responses(400, 401, 403, 404, 409),
)
async def cancel_inspection(
    actor: NamedDependency[Actor], inspection_id: PathId, data: JSONBody[CancelIn]
) -> InspectionOut:
    return InspectionOut(**await services.cancel_inspection(actor, inspection_id, data.reason))


@put(
    "/inspections/{inspection_id:int}/results",
    summary="Save item results (autosave: only the listed items change)",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def save_results(
    actor: NamedDependency[Actor], inspection_id: PathId, data: JSONBody[ResultsIn]
) -> ResultsOut:
    """While in_progress. An item not on the inspection's checklist is a 400 naming it
    (``items.<item id>``), and nothing is saved."""
    return ResultsOut(**await services.save_results(actor, inspection_id, data))


router = Router(
    path="/api/v1",
    tags=TAGS,
    dependencies=ACTOR,
    route_handlers=[
        list_campaigns,
        create_campaign,
        get_campaign,
        add_batch,
        create_batch_inspections,
        list_inspections,
        create_inspection,
        get_inspection,
        start_inspection,
        submit_inspection,
        cancel_inspection,
        save_results,
    ],
)
