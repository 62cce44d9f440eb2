"""The ledger downloads: ``GET /api/v1/hazards/export.xlsx`` (bearer token, the filters of
``GET /api/v1/hazards``) and ``GET /hazards/export.xlsx`` (the officer's hazard list page's
"导出台账", its filters as the page sends them). Thin: parse, ``service.open_ledger``,
stream.

The body is streamed: each chunk of rows becomes sheet XML and deflated bytes in a worker
thread (``safety.sheetstream``) and is sent at once, so neither the rows nor the file are
ever whole in memory, and no temporary file is needed (the zip is written in one pass).
The filters are checked before the first byte, so a bad one is still a 400 naming it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import anyio
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Stream

from inspections.services.hazards import HazardFilter
from rectification.ledger import service
from safety import i18n
from safety.auth import Actor
from safety.errors import ValidationFailed
from safety.settings import local_today
from safety.sheetstream import StreamedSheet
from safety.tables import Role
from safety.web import ACTOR, XLSX, QueryId, error_responses

i18n.register({"ledger.export": ("导出台账", "Export ledger")})


def ledger_response(chunks: AsyncIterator[list[list[Any]]]) -> Stream:
    async def body() -> AsyncIterator[bytes]:
        sheet = StreamedSheet(service.TITLE, service.HEADER, service.WIDTHS)
        yield sheet.add_rows([])
        async for lines in chunks:
            yield await anyio.to_thread.run_sync(sheet.add_rows, lines)
        yield await anyio.to_thread.run_sync(sheet.close)

    name = service.filename(local_today())
    return Stream(
        body(),
        media_type=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
        },
    )


@get(
    "/api/v1/hazards/export.xlsx",
    dependencies=ACTOR,
    tags=["hazards"],
    summary="隐患台账: the hazards of GET /api/v1/hazards (same filters, same order) as .xlsx",
    media_type=XLSX,
    responses=error_responses(400, 401, 403),
)
async def export_ledger(
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
) -> Stream:
    """Officers only (the hazards of their subtree); streamed, so any number of rows."""
    flt = HazardFilter(
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
    return ledger_response(await service.open_ledger(actor, flt))


def _page_filter(params: dict[str, str | None]) -> HazardFilter:
    """The hazard list page's form, as it sends it (empty fields mean "any")."""
    errors: list[dict[str, str]] = []

    def day(key: str) -> dt.date | None:
        raw = (params[key] or "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            errors.append({"key": key, "message": "日期格式应为 YYYY-MM-DD (a date)"})
            return None

    raw_unit = (params["org_unit_id"] or "").strip()
    if raw_unit and not raw_unit.isdigit():
        errors.append({"key": "org_unit_id", "message": "org_unit_id 须为编号 (an id)"})
    raw_overdue = params["overdue"] or ""
    if raw_overdue not in ("", "1", "0"):
        errors.append({"key": "overdue", "message": "overdue 须为 1 / 0"})
    flt = HazardFilter(
        status=params["status"] or None,
        level=params["level"] or None,
        overdue={"1": True, "0": False}.get(raw_overdue),
        q=params["q"] or None,
        org_unit_id=int(raw_unit) if raw_unit.isdigit() and len(raw_unit) < 10 else None,
        found_from=day("found_from"),
        found_to=day("found_to"),
    )
    if errors:
        raise ValidationFailed("筛选条件有误 (invalid filter)", errors)
    return flt


@get("/hazards/export.xlsx", include_in_schema=False, dependencies=ACTOR, media_type=XLSX)
async def export_ledger_page(
    actor: NamedDependency[Actor],
    status: FromQuery[str | None] = None,
    level: FromQuery[str | None] = None,
    overdue: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    org_unit_id: FromQuery[str | None] = None,
    found_from: FromQuery[str | None] = None,
    found_to: FromQuery[str | None] = None,
) -> Stream:
    params = {
        "status": status,
        "level": level,
        "overdue": overdue,
        "q": q,
        "org_unit_id": org_unit_id,
        "found_from": found_from,
        "found_to": found_to,
    }
    actor.require(Role.officer)  # before the filters: another role's bad filter is a 403
    return ledger_response(await service.open_ledger(actor, _page_filter(params)))


ROUTES = [export_ledger, export_ledger_page]
