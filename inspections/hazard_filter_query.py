"""The hazard filters as query parameters, written once: ``HAZARD_FILTERS`` provides a
``HazardFilter`` (``inspections.services.hazard_filters``) from the 16 query parameters
that ``GET /api/v1/hazards`` and the ledger export ``GET /api/v1/hazards/export.xlsx``
(rectification.ledger.web) both take. A route asks for it as ``filters: HazardFilter``
with ``dependencies=HAZARD_FILTERS``; Litestar lists a dependency's parameters in the
OpenAPI document as the route's own.

Types and ids are Litestar's to check (a bad date or id is a 400 naming it). The fixed
vocabularies (status, level, source, figure) are declared as an ``enum`` in the OpenAPI
document but parsed as text: ``filter_conditions`` refuses an unknown value, after the
service's role check and with the field named in Chinese, as before the filters were
shared.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar.di import Provide
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import FromQuery, QueryParameter

from inspections import hazard_figures, rules
from inspections.services.hazard_filters import SOURCES, STATUSES, HazardFilter
from safety.schemas import MAX_DB_INT
from safety.web import QueryId


def _one_of(values: tuple[str, ...]) -> QueryParameter:
    """Text whose OpenAPI schema is the vocabulary (or null, the parameter left out)."""
    schema = [Schema(type=OpenAPIType.STRING, enum=list(values)), Schema(type=OpenAPIType.NULL)]
    return QueryParameter(schema_extra={"one_of": schema})


Status = Annotated[str | None, _one_of(STATUSES)]
Level = Annotated[str | None, _one_of(rules.LEVELS)]
Source = Annotated[str | None, _one_of(SOURCES)]
Figure = Annotated[str | None, _one_of(hazard_figures.FIGURES)]
# a breakdown's group id; 0 names the group without one (no batch, no agency)
GroupId = Annotated[int | None, QueryParameter(ge=0, le=MAX_DB_INT)]


def hazard_filters(
    status: Status = None,
    level: Level = None,
    enterprise_id: QueryId = None,
    campaign_id: QueryId = None,
    inspection_id: QueryId = None,
    org_unit_id: QueryId = None,
    source: Source = None,
    q: FromQuery[str | None] = None,
    found_from: FromQuery[dt.date | None] = None,
    found_to: FromQuery[dt.date | None] = None,
    overdue: FromQuery[bool | None] = None,
    figure: Figure = None,
    as_of: FromQuery[dt.date | None] = None,
    batch_id: GroupId = None,
    agency_id: GroupId = None,
    industry: FromQuery[str | None] = None,
) -> HazardFilter:
    return HazardFilter(
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


HAZARD_FILTERS = {"filters": Provide(hazard_filters, sync_to_thread=False)}
