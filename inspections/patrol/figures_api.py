"""Patrol figures: the JSON API and the officer's page (per grid / per grid worker), over
``inspections.patrol.figures``. Every number on the page links to the records it counts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template
from pydantic import BaseModel, Field

from inspections.patrol import (
    figure_records,
    figures,
    log_messages,  # noqa: F401 - registers the messages
)
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError
from safety.pages import (
    errors_by_field,
    field_messages,
    page_offset,
    query_date,
    query_id,
    refuse,
)
from safety.web import (
    QueryId,
    error_responses,
    query_one_of,
)

DateFrom = Annotated[dt.date | None, QueryParameter(name="from")]
DateTo = Annotated[dt.date | None, QueryParameter(name="to")]


class PatrolFigures(BaseModel):
    reports: int
    untriaged: int
    hazards: int = Field(description="Distinct hazards (not voided) made from the reports")
    closed: int = Field(description="Of those hazards, closed")
    referred: int
    dismissed: int
    median_triage_seconds: int | None = Field(
        description="Exact median of triaged_at − reported_at over the triaged reports"
    )
    logs: int = Field(description="Patrol logs of days in the period")
    visits: int = Field(description="Enterprise visits in those logs")


class PatrolFiguresGroup(PatrolFigures):
    key: int
    label: str
    parent: str = Field(description="The grid's community, or the worker's unit")


class PatrolFiguresOut(BaseModel):
    org_unit_id: int
    org_unit_name: str
    date_from: dt.date = Field(description="The period's first day (query ``from``)")
    date_to: dt.date = Field(description="The period's last day (query ``to``)")
    group_by: str
    totals: PatrolFigures
    groups: list[PatrolFiguresGroup]


@get(
    "/",
    summary="Patrol figures per grid or per grid worker (officer, own subtree)",
    responses=error_responses(400, 401, 403, 404),
)
async def get_patrol_figures(
    actor: NamedDependency[Actor],
    org_unit_id: QueryId = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    group_by: query_one_of(figures.GROUPS, blank=False) = "grid",
) -> PatrolFiguresOut:
    """Reports reported in [``from``, ``to``] (local dates; default the last 30 days) in
    the subtree of ``org_unit_id`` (default the officer's unit): counts by outcome, the
    distinct hazards made and closed, the median time to triage, and the logs kept.
    ``group_by``: ``grid`` or ``worker``."""
    out = await figures.patrol_figures(actor, org_unit_id, date_from, date_to, group_by)
    return PatrolFiguresOut(**out, date_from=out["from"], date_to=out["to"])


def _hours(seconds: int | None) -> str:
    return "—" if seconds is None else f"{seconds / 3600:.1f}"


@get("/")
async def figures_page(
    actor: NamedDependency[Actor],
    org_unit_id: FromQuery[str | None] = None,
    date_from: Annotated[str | None, QueryParameter(name="from")] = None,
    date_to: Annotated[str | None, QueryParameter(name="to")] = None,
    group_by: FromQuery[str | None] = None,
    all: FromQuery[str | None] = None,  # noqa: A002 - the query parameter's name
) -> Template:
    """The officer's patrol figures: a table per grid or per grid worker; each number
    links to the reports, hazards or logs it counts."""
    from safety.registry.service import unit_choices

    group = group_by if group_by in figures.GROUPS else "grid"
    found: list[dict[str, str]] = []
    unit = query_id(org_unit_id, "org_unit_id", found)
    start, end = query_date(date_from, "from", found), query_date(date_to, "to", found)
    errors: dict[str, str] = {}
    status = 200
    try:
        refuse(found)
        data = await figures.patrol_figures(actor, unit, start, end, group)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        errors, status = errors_by_field(exc), 400
        data = await figures.patrol_figures(actor, unit, None, None, group)
    span = {"from": data["from"].isoformat(), "to": data["to"].isoformat()}
    log_field = "org_unit_id" if group == "grid" else "worker_id"
    scope = {"org_unit_id": data["org_unit_id"], **span, "group_by": group}

    def links(key: int | None) -> dict[str, str]:
        """The records page behind each number of a row (key None: the totals)."""
        which = {**scope, **({"key": key} if key is not None else {})}
        out = {
            name: "/patrol/figures/records?" + urlencode({**which, "figure": name})
            for name in figure_records.FIGURES
        }
        lwho = {log_field: key} if key is not None else {"org_unit_id": data["org_unit_id"]}
        out["logs"] = "/patrol/logs?" + urlencode(
            {**lwho, "date_from": span["from"], "date_to": span["to"]}
        )
        return out

    # Grids (workers) with nothing in the period are listed only on request.
    active = [g for g in data["groups"] if any(g[k] for k in (*figures.COUNTS, "logs"))]
    shown = data["groups"] if all == "1" else active
    return Template(
        "patrol/figures.html",
        context={
            "data": data,
            "shown": shown,
            "hidden": len(data["groups"]) - len(shown),
            "group": group,
            "unit": "" if unit is None else str(unit),
            "units": await unit_choices(actor),
            "span": span,
            "errors": errors,
            "links": links,
            "hours": _hours,
        },
        status_code=status,
    )


@get("/records")
async def figure_records_page(
    actor: NamedDependency[Actor],
    figure: FromQuery[str | None] = None,
    org_unit_id: FromQuery[str | None] = None,
    date_from: Annotated[str | None, QueryParameter(name="from")] = None,
    date_to: Annotated[str | None, QueryParameter(name="to")] = None,
    group_by: FromQuery[str | None] = None,
    key: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    """The reports (or hazards) one number of the figures page counts."""
    from inspections.patrol.log_pages import PAGE_SIZE

    start = page_offset(offset)
    found: list[dict[str, str]] = []
    unit, group_key = query_id(org_unit_id, "org_unit_id", found), query_id(key, "key", found)
    first, last = query_date(date_from, "from", found), query_date(date_to, "to", found)
    data = await figure_records.figure_records(
        actor,
        figure or "reports",
        unit,
        first,
        last,
        group_by or "grid",
        group_key,
        0 if found else PAGE_SIZE,
        start,
    )
    if found:  # the page again with the field's error, listing nothing
        data = {**data, "items": [], "total": 0}
    query = {
        "figure": data["figure"],
        "org_unit_id": data["org_unit_id"],
        "from": data["from"].isoformat(),
        "to": data["to"].isoformat(),
        "group_by": data["group_by"],
        **({"key": data["key"]} if data["key"] is not None else {}),
    }
    return Template(
        "patrol/figure_records.html",
        context={
            "data": data,
            "offset": start,
            "page_size": PAGE_SIZE,
            "query": urlencode(query),
            "back": "/patrol/figures?"
            + urlencode(
                {k: v for k, v in query.items() if k in ("org_unit_id", "from", "to", "group_by")}
            ),
            "hours": _hours,
            "errors": field_messages(found),
        },
        status_code=400 if found else 200,
    )


router = Router(
    path="/api/v1/patrol-figures",
    tags=["patrol-logs"],
    dependencies=ACTOR,
    route_handlers=[get_patrol_figures],
)

page_router = Router(
    path="/patrol/figures",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[figures_page, figure_records_page],
)
