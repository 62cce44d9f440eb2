"""Enterprise registry JSON API (/api/v1/enterprises…). Pages: ``safety.registry.pages``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import anyio.to_thread
from litestar import Response, Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody, MultipartBody, QueryParameter
from pydantic import BaseModel, Field

from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.registry import service, sync
from safety.registry.sheets import export_workbook
from safety.schemas import RowId, Text, Version, one_of
from safety.settings import local_today
from safety.tables import RiskColour, Scale, StandardisationLevel
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


class EnterpriseIn(BaseModel):
    """A new enterprise. ``uscc_confirmed``: the officer confirms a code that fails the
    GB 32100 check (it is then stored with ``uscc_flagged``)."""

    name: Text | None = None
    uscc: Text | None = None
    uscc_confirmed: bool = False
    org_unit_id: RowId | None = None
    industry: Text | None = None
    industry_detail: Text | None = None
    scale: Text | None = None
    address: Text | None = None
    legal_representative: Text | None = None
    contact_name: Text | None = None
    contact_phone: Text | None = None
    is_key: bool | None = None
    standardisation_level: Text | None = None
    standardisation_date: dt.date | None = None
    risk_colour: Text | None = Field(
        default=None,
        description="Read only: derived from the enterprise's risk points (the worst active "
        "one's colour). A value sent is checked (red/orange/yellow/blue) but not kept.",
    )
    active: bool | None = None


class EnterprisePatch(EnterpriseIn):
    """Only the fields sent change; null clears an optional field. ``version`` is the one
    the client read: a stale one is refused with 409."""

    version: Version


class EnterpriseOut(BaseModel):
    id: int
    name: str
    uscc: str
    uscc_flagged: bool
    org_unit_id: int | None
    org_unit_name: str | None
    community_name: str | None
    industry: str | None
    industry_detail: str | None
    scale: one_of(Scale)
    address: str | None
    legal_representative: str | None
    contact_name: str | None
    contact_phone: str | None
    is_key: bool
    standardisation_level: one_of(StandardisationLevel)
    standardisation_date: dt.date | None
    risk_colour: one_of(RiskColour, optional=True)
    active: bool
    version: Version
    created_at: dt.datetime
    updated_at: dt.datetime


class ImportErrorOut(BaseModel):
    row: int
    field: str
    message: str
    message_en: str = ""
    column: str


class ImportResultOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    errors: list[ImportErrorOut]


def _filter(
    q: str | None,
    org_unit_id: int | None,
    industry: str | None,
    risk_colour: str | None,
    key: bool | None,
) -> service.EnterpriseFilter:
    return service.EnterpriseFilter(
        q=q, org_unit_id=org_unit_id, industry=industry, risk_colour=risk_colour, key=key
    )


@get(
    "/",
    summary="List enterprises",
    responses=error_responses(400, 401, 403),
)
async def list_enterprises(
    actor: NamedDependency[Actor],
    q: FromQuery[str | None] = None,
    org_unit_id: QueryId = None,
    industry: FromQuery[str | None] = None,
    risk_colour: query_one_of(RiskColour) = None,
    key: FromQuery[bool | None] = None,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[EnterpriseOut]:
    """Officer: their subtree; inspector: assigned enterprises; enterprise: their own.
    ``q`` searches name, code and contact; ``org_unit_id`` takes the whole subtree."""
    lim, off = paging(limit, offset)
    rows, total = await service.list_enterprises(
        actor, _filter(q, org_unit_id, industry, risk_colour, key), lim, off
    )
    return Page[EnterpriseOut](items=[EnterpriseOut(**r) for r in rows], total=total)


@post(
    "/",
    summary="Register an enterprise",
    responses=error_responses(400, 401, 403, 404, 409, 413),
)
async def create_enterprise(
    actor: NamedDependency[Actor], data: JSONBody[EnterpriseIn]
) -> EnterpriseOut:
    row = await service.create_enterprise(actor, data.model_dump(exclude_unset=True))
    return EnterpriseOut(**row)


@get(
    "/{enterprise_id:int}",
    summary="One enterprise",
    responses=error_responses(401, 403, 404),
)
async def get_enterprise(actor: NamedDependency[Actor], enterprise_id: PathId) -> EnterpriseOut:
    return EnterpriseOut(**await service.get_enterprise(actor, enterprise_id))


@patch(
    "/{enterprise_id:int}",
    summary="Edit an enterprise (optimistic version)",
    responses=error_responses(400, 401, 403, 404, 409, 413),
)
async def update_enterprise(
    actor: NamedDependency[Actor], enterprise_id: PathId, data: JSONBody[EnterprisePatch]
) -> EnterpriseOut:
    fields = data.model_dump(exclude_unset=True)
    version = fields.pop("version")
    fields.pop("uscc_confirmed", None)
    fields["uscc_confirmed"] = data.uscc_confirmed
    row = await service.update_enterprise(actor, enterprise_id, fields, version)
    return EnterpriseOut(**row)


@post(
    "/import",
    summary="Import a ledger sheet (.xlsx / .csv)",
    status_code=200,
    responses=error_responses(400, 401, 403, 413, 415),
)
async def import_enterprises(
    actor: NamedDependency[Actor],
    data: MultipartBody[UploadForm],
) -> ImportResultOut:
    """Good rows land (idempotent by 统一社会信用代码), bad rows come back with row number,
    field, column header and reason."""
    actor.require(service.Role.officer)
    content = await data.file.read()
    sheet = await sync.read_upload(data.file.filename or "", content)
    done = await sync.apply_import(actor, sheet)
    return ImportResultOut(**done.summary())


@get(
    "/export.xlsx",
    summary="Export the filtered list as .xlsx (the columns the import reads)",
    media_type=XLSX,
    responses=error_responses(400, 401, 403),
)
async def export_enterprises(
    actor: NamedDependency[Actor],
    q: FromQuery[str | None] = None,
    org_unit_id: QueryId = None,
    industry: FromQuery[str | None] = None,
    risk_colour: query_one_of(RiskColour) = None,
    key: Annotated[bool | None, QueryParameter(description="key enterprises only")] = None,
) -> Response[bytes]:
    rows = await service.export_enterprises(
        actor, _filter(q, org_unit_id, industry, risk_colour, key)
    )
    content = await anyio.to_thread.run_sync(export_workbook, rows)
    return xlsx_download(content, f"enterprises-{local_today().isoformat()}.xlsx")


router = Router(
    path="/api/v1/enterprises",
    tags=["registry"],
    dependencies=ACTOR,
    route_handlers=[
        list_enterprises,
        create_enterprise,
        get_enterprise,
        update_enterprise,
        import_enterprises,
        export_enterprises,
    ],
)
