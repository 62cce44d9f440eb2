"""Patrol reports: the JSON API (/api/v1/patrol-reports…, /api/v1/referral-departments).
Thin: parse, call the services, shape the answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from litestar import Request, Response, Router, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, MultipartBody

from inspections.patrol import departments, service, views
from inspections.patrol.schemas import (
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    PatrolPhotoOut,
    PatrolReportIn,
    PatrolReportOut,
    TriageIn,
)
from inspections.patrol.tables import PatrolReportStatus
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.files import store as files
from safety.idempotency import IdempotencyKey, run_idempotent
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

TAGS = ["patrol"]


@dataclass
class ReportPhotoForm:
    """``file``: a JPEG/PNG/WebP photo, ≤ 15 MB."""

    file: UploadFile


@get(
    "/patrol-reports",
    summary="List patrol reports (随手拍)",
    responses=error_responses(400, 401, 403),
)
async def list_reports(
    actor: NamedDependency[Actor],
    status: query_one_of(PatrolReportStatus) = None,
    org_unit_id: QueryId = None,
    enterprise_id: QueryId = None,
    q: FromQuery[str | None] = None,
    reported_from: FromQuery[dt.date | None] = None,
    reported_to: FromQuery[dt.date | None] = None,
    oldest_first: FromQuery[bool] = False,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[PatrolReportOut]:
    """A grid worker: their own reports; an officer: the reports of their subtree's grids.
    Newest first (``oldest_first=true``: the triage order). ``status`` new / hazard /
    dismissed / referred; ``org_unit_id`` takes the unit's subtree."""
    lim, off = paging(limit, offset)
    flt = views.ReportFilter(
        status=status,
        org_unit_id=org_unit_id,
        enterprise_id=enterprise_id,
        q=q,
        reported_from=reported_from,
        reported_to=reported_to,
    )
    rows, total = await views.list_reports(actor, flt, lim, off, oldest_first=oldest_first)
    return Page[PatrolReportOut](items=[PatrolReportOut(**r) for r in rows], total=total or 0)


@post(
    "/patrol-reports",
    summary="Report what you saw (grid worker)",
    status_code=201,
    responses=error_responses(400, 401, 403, 409),
)
async def submit_report(
    request: Request,
    actor: NamedDependency[Actor],
    data: JSONBody[PatrolReportIn],
    idempotency_key: IdempotencyKey = None,
) -> Response[PatrolReportOut]:
    """``org_unit_id`` one of the grid worker's grids (default: theirs), ``enterprise_id``
    (optional) an enterprise of that grid, ``address``, ``description``, ``lat``/``lng``
    (optional, both or neither) → 201 with ``status: new``. ``Idempotency-Key`` honoured:
    a retry returns the first report and creates none."""

    async def submit() -> dict:
        out = await service.submit_report(actor, data)
        return PatrolReportOut(**out).model_dump(mode="json")

    return await run_idempotent(request, actor, data, submit, atomic=True)


@get(
    "/patrol-reports/{report_id:int}",
    summary="One patrol report",
    responses=error_responses(401, 403, 404),
)
async def get_report(actor: NamedDependency[Actor], report_id: PathId) -> PatrolReportOut:
    """With its fate: ``status``, ``triage``, and the hazard's id and status if it became
    one."""
    return PatrolReportOut(**await views.get_report(actor, report_id))


@post(
    "/patrol-reports/{report_id:int}/photos",
    summary="Add a photo to your report",
    status_code=201,
    responses=error_responses(400, 401, 403, 404, 409, 413, 415),
)
async def add_photo(
    request: Request,
    actor: NamedDependency[Actor],
    report_id: PathId,
    data: MultipartBody[ReportPhotoForm],
    idempotency_key: IdempotencyKey = None,
) -> Response[PatrolPhotoOut]:
    """The reporting grid worker: JPEG/PNG/WebP by content (415), ≤ 15 MB (413).
    ``Idempotency-Key`` honoured: a retried upload is stored once."""
    await service.photo_target(actor, report_id)
    content = await files.read_upload(data.file)
    digest = await files.digest(content)

    async def save() -> dict:
        out = await service.add_report_photo(actor, report_id, content, data.file.filename or "")
        return PatrolPhotoOut(**out).model_dump(mode="json")

    return await run_idempotent(
        request, actor, {"file_sha256": digest, "patrol_report": report_id}, save
    )


@post(
    "/patrol-reports/{report_id:int}/triage",
    summary="Triage a patrol report (officer): hazard, dismiss, refer or duplicate",
    status_code=200,
    responses=error_responses(400, 401, 403, 404, 409),
)
async def triage(
    actor: NamedDependency[Actor], report_id: PathId, data: JSONBody[TriageIn]
) -> PatrolReportOut:
    """``{"action":"hazard", level, category, subcategory, …hazard fields, enterprise_id?}``
    makes a hazard (``source: patrol``) carrying the report's photos;
    ``{"action":"dismiss","reason"}``; ``{"action":"refer","to","reason"}`` (转办, ``to``
    one of the referral departments); ``{"action":"duplicate","duplicate_of"}`` (an
    already triaged report: this one shares its fate). Once only: a triaged report → 409."""
    return PatrolReportOut(**await service.triage(actor, report_id, data))


@get(
    "/referral-departments",
    summary="Departments a report may be referred to (转办)",
    responses=error_responses(401, 403),
)
async def list_departments(
    actor: NamedDependency[Actor], active: FromQuery[bool | None] = None
) -> list[DepartmentOut]:
    """Admin and officer; ``active=true`` only those offered for referral."""
    rows = await departments.list_departments(actor, active_only=bool(active))
    return [DepartmentOut(**r) for r in rows]


@post(
    "/referral-departments",
    summary="Add a referral department (admin)",
    status_code=201,
    responses=error_responses(400, 401, 403, 409),
)
async def create_department(
    actor: NamedDependency[Actor], data: JSONBody[DepartmentIn]
) -> DepartmentOut:
    """``{"name","active"?,"position"?}``; a name taken → 409."""
    return DepartmentOut(**await departments.create_department(actor, data))


@patch(
    "/referral-departments/{department_id:int}",
    summary="Rename, reorder or deactivate a referral department (admin)",
    responses=error_responses(400, 401, 403, 404, 409),
)
async def update_department(
    actor: NamedDependency[Actor], department_id: PathId, data: JSONBody[DepartmentPatch]
) -> DepartmentOut:
    """A department is never deleted (past referrals name it): ``active: false`` removes
    it from the choices."""
    return DepartmentOut(**await departments.update_department(actor, department_id, data))


router = Router(
    path="/api/v1",
    tags=TAGS,
    dependencies=ACTOR,
    route_handlers=[
        list_reports,
        submit_report,
        get_report,
        add_photo,
        triage,
        list_departments,
        create_department,
        update_department,
    ],
)
