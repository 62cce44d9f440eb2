"""The ledger downloads: ``GET /api/v1/hazards/export.xlsx`` (bearer token, the filters of
``GET /api/v1/hazards``) and ``GET /hazards/export.xlsx`` (the officer's hazard list page's
"导出台账", its filters as the page sends them). Thin: parse, ``service.open_ledger``,
stream.

The body is streamed: each chunk of rows becomes sheet XML and deflated bytes in a worker
thread (``safety.sheets.stream``) and is sent at once, so neither the rows nor the file are
ever whole in memory, and no temporary file is needed (the zip is written in one pass).
The filters are checked before the first byte, so a bad one is still a 400 naming it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import anyio
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.response import Stream

from inspections.hazard_filter_query import HAZARD_FILTERS
from inspections.services.hazard_filters import HazardFilter
from rectification.ledger import service
from rectification.queue_pages import HAZARD_FORM, search_filter
from safety import i18n
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.pages import refuse
from safety.settings import local_today
from safety.sheets.stream import StreamedSheet
from safety.tables import Role
from safety.web import XLSX, error_responses

i18n.register({"ledger.export": ("导出台账", "Export ledger")})


def ledger_response(chunks: AsyncIterator[list[list[Any]]], heading: list[str]) -> Stream:
    async def body() -> AsyncIterator[bytes]:
        sheet = StreamedSheet(
            service.TITLE,
            service.HEADER,
            service.WIDTHS,
            title_rows=heading,
            wrap=service.WRAP,
            page=service.PAGE,
        )
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
    "/export.xlsx",
    dependencies=HAZARD_FILTERS,
    summary="The hazard ledger: GET /api/v1/hazards (same filters, same order) as .xlsx",
    media_type=XLSX,
    responses=error_responses(400, 401, 403),
)
async def export_ledger(
    actor: NamedDependency[Actor], filters: NamedDependency[HazardFilter]
) -> Stream:
    """Officers only (the hazards of their subtree); streamed, so any number of rows. The
    filters are the hazard list's, written once (``inspections.hazard_filter_query``)."""
    chunks = await service.open_ledger(actor, filters)
    return ledger_response(chunks, await service.heading(actor, filters))


@get("/export.xlsx", dependencies=HAZARD_FORM, media_type=XLSX)
async def export_ledger_page(
    actor: NamedDependency[Actor], hazard_form: NamedDependency[dict[str, str]]
) -> Stream:
    """The hazard list page's "导出台账": its form, read as the list reads it."""
    actor.require(Role.officer)  # before the filters: another role's bad filter is a 403
    errors: list[dict[str, str]] = []
    flt = search_filter(hazard_form, errors)
    refuse(errors)
    chunks = await service.open_ledger(actor, flt)
    return ledger_response(chunks, await service.heading(actor, flt))


api_router = Router(
    path="/api/v1/hazards", tags=["hazards"], dependencies=ACTOR, route_handlers=[export_ledger]
)
page_router = Router(
    path="/hazards",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[export_ledger_page],
)
ROUTERS = [api_router, page_router]
