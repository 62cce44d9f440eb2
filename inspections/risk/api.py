"""Risk grading JSON API: /api/v1/enterprises/{id}/risk-points…, /api/v1/risk-points…,
/api/v1/planning…. Thin: parse, call the services, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from litestar import Response, Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, MultipartBody, QueryParameter

from inspections.campaigns import bookings
from inspections.risk import export, imports, planning, service
from inspections.risk.schemas import (
    DueOut,
    PickOut,
    RiskImportOut,
    RiskPointIn,
    RiskPointListOut,
    RiskPointOut,
    RiskPointPatch,
)
from inspections.risk.sheets import export_workbook
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.settings import local_today
from safety.tables import RiskColour
from safety.web import (
    XLSX,
    Limit,
    Offset,
    Page,
    PathId,
    QueryId,
    UploadForm,
    error_responses,
    paging,
    query_one_of,
    xlsx_download,
)

TAGS = ["risk"]


def as_service_data(body: RiskPointIn) -> dict[str, Any]:
    """The sent fields, control measures flattened by kind (``measure_<kind>``)."""
    data = body.model_dump(exclude_unset=True)
    data.pop("version", None)
    measures = data.pop("control_measures", None)
    if measures is not None:
        sent = body.control_measures.model_dump(exclude_unset=True)  # type: ignore[union-attr]
        data.update({f"measure_{k}": v or "" for k, v in sent.items()})
    return data


@get(
    "/enterprises/{enterprise_id:int}/risk-points",
    summary="An enterprise's risk points (风险四色), worst first",
    responses=error_responses(400, 401, 403, 404),
)
async def list_risk_points(
    actor: NamedDependency[Actor],
    enterprise_id: PathId,
    colour: query_one_of(RiskColour) = None,
    include_inactive: FromQuery[bool] = False,
    limit: Limit = None,
    offset: Offset = None,
) -> RiskPointListOut:
    """Officer (their subtree) or the enterprise's own contact. ``colour`` filters
    (red/orange/yellow/blue); retired points only with ``include_inactive``."""
    lim, off = paging(limit, offset)
    enterprise = await service.enterprise_row(actor, enterprise_id)
    rows, total = await service.points_of(enterprise_id, colour, include_inactive, lim, off)
    spread = await service.spread_of(enterprise_id)
    return RiskPointListOut(
        items=[RiskPointOut(**r) for r in rows],
        total=total,
        enterprise_colour=enterprise["risk_colour"],
        counts=spread["by_colour"],
    )


@post(
    "/enterprises/{enterprise_id:int}/risk-points",
    summary="Add a risk point (graded on the server)",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def create_risk_point(
    actor: NamedDependency[Actor], enterprise_id: PathId, data: JSONBody[RiskPointIn]
) -> RiskPointOut:
    """201 with ``score``, ``level`` and ``colour`` computed from the bands in force; a
    value off its scale is a 400 naming it; a name the enterprise has already is a 409."""
    return RiskPointOut(**await service.create_point(actor, enterprise_id, as_service_data(data)))


@get(
    "/risk-points/{point_id:int}",
    summary="One risk point",
    responses=error_responses(401, 403, 404),
)
async def get_risk_point(actor: NamedDependency[Actor], point_id: PathId) -> RiskPointOut:
    return RiskPointOut(**await service.point_row(actor, point_id))


@patch(
    "/risk-points/{point_id:int}",
    summary="Edit a risk point (optimistic version); re-graded",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def update_risk_point(
    actor: NamedDependency[Actor], point_id: PathId, data: JSONBody[RiskPointPatch]
) -> RiskPointOut:
    row = await service.update_point(actor, point_id, as_service_data(data), data.version)
    return RiskPointOut(**row)


@get(
    "/risk-points/export.xlsx",
    summary="风险分级管控清单: the risk points as .xlsx, in the columns the import reads",
    media_type=XLSX,
    responses=error_responses(400, 401, 403, 404),
)
async def export_risk_points(
    actor: NamedDependency[Actor],
    enterprise_id: QueryId = None,
    org_unit_id: QueryId = None,
    colour: query_one_of(RiskColour) = None,
) -> Response[bytes]:
    """Active points of the enterprises the caller may grade (an enterprise contact: their
    own; naming another enterprise is a 404)."""
    rows = await export.export_points(actor, enterprise_id, org_unit_id, colour)
    content = await anyio.to_thread.run_sync(export_workbook, rows)
    return xlsx_download(content, f"risk-points-{local_today().isoformat()}.xlsx")


@post(
    "/enterprises/{enterprise_id:int}/risk-points/import",
    summary="Import a 风险分级管控清单 sheet into the enterprise's register",
    status_code=200,
    responses=error_responses(400, 401, 403, 404, 413, 415),
)
async def import_risk_points(
    actor: NamedDependency[Actor], enterprise_id: PathId, data: MultipartBody[UploadForm]
) -> RiskImportOut:
    """Good rows land (idempotent by the point's name), bad rows come back with row number,
    field, column header and reason; re-importing an export changes nothing."""
    await service.enterprise_row(actor, enterprise_id)  # scope before reading the file
    content = await data.file.read()
    done = await imports.import_points(actor, enterprise_id, data.file.filename or "", content)
    return RiskImportOut(**done.summary(), enterprise_colour=done.enterprise_colour)


@get(
    "/planning/due",
    summary="Enterprises due for inspection by their colour's frequency",
    responses=error_responses(400, 401, 403),
)
async def planning_due(
    actor: NamedDependency[Actor],
    colour: Annotated[
        str | None,
        QueryParameter(description="red, orange, yellow, blue or none (未评估), comma list"),
    ] = None,
    org_unit_id: QueryId = None,
    not_inspected_days: Annotated[
        int | None, QueryParameter(description="only those not inspected for N days (or never)")
    ] = None,
    within_days: Annotated[
        int, QueryParameter(description="due within this many days counts as due")
    ] = planning.DEFAULT_WITHIN_DAYS,
    due_only: Annotated[bool, QueryParameter(description="false: every enterprise")] = True,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[DueOut]:
    """Officer: their subtree's active enterprises that were never inspected, are overdue,
    or fall due within ``within_days``; ``last_inspected_on`` counts submitted campaign
    inspections (street and third-party experts), not self-inspections; ``booked``: already
    planned (已安排) in a campaign that has not ended, and where."""
    lim, off = paging(limit, offset)
    rows = await planning.due_rows(
        actor,
        colours=planning.parse_colours(colour),
        org_unit_id=org_unit_id,
        not_inspected_days=not_inspected_days,
        within_days=within_days,
        due_only=due_only,
    )
    page = rows[off : off + lim]
    booked = await bookings.bookings([r["enterprise_id"] for r in page])
    items = [DueOut(**r, booked=bookings.booking_out(booked.get(r["enterprise_id"]))) for r in page]
    return Page[DueOut](items=items, total=len(rows))


@get(
    "/planning/picks",
    summary="Enterprise ids for a campaign or batch plan, by a planning preset",
    responses=error_responses(400, 401, 403),
)
async def planning_picks(
    actor: NamedDependency[Actor],
    preset: Annotated[str, QueryParameter(description="due | red_orange_stale | open_hazards")],
    org_unit_id: QueryId = None,
) -> PickOut:
    ids = await planning.pick_enterprises(actor, preset, org_unit_id)
    return PickOut(preset=preset, enterprise_ids=ids)


router = Router(
    path="/api/v1",
    tags=TAGS,
    dependencies=ACTOR,
    route_handlers=[
        list_risk_points,
        create_risk_point,
        get_risk_point,
        update_risk_point,
        export_risk_points,
        import_risk_points,
        planning_due,
        planning_picks,
    ],
)
