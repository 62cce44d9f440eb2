"""Patrol figures: the JSON API and the officer's page (per grid / per grid worker), over
``inspections.patrol.figures``. Every number on the page links to the records it counts."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template
from pydantic import BaseModel, Field

from inspections.patrol import (
    figures,
    log_messages,  # noqa: F401 - registers the messages
)
from safety.auth import Actor
from safety.errors import DomainError
from safety.pages import errors_by_field
from safety.web import ACTOR, QueryId, error_responses

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
    "/api/v1/patrol-figures",
    dependencies=ACTOR,
    tags=["patrol-logs"],
    summary="Patrol figures per grid or per grid worker (officer, own subtree)",
    responses=error_responses(400, 401, 403, 404),
)
async def get_patrol_figures(
    actor: NamedDependency[Actor],
    org_unit_id: QueryId = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    group_by: FromQuery[str] = "grid",
) -> PatrolFiguresOut:
    """Reports reported in [``from``, ``to``] (local dates; default the last 30 days) in
    the subtree of ``org_unit_id`` (default the officer's unit): counts by outcome, the
    distinct hazards made and closed, the median time to triage, and the logs kept.
    ``group_by``: ``grid`` or ``worker``."""
    out = await figures.patrol_figures(actor, org_unit_id, date_from, date_to, group_by)
    return PatrolFiguresOut(**out, date_from=out["from"], date_to=out["to"])


def _hours(seconds: int | None) -> str:
    return "—" if seconds is None else f"{seconds / 3600:.1f}"


@get("/patrol/figures", include_in_schema=False, dependencies=ACTOR)
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
    from inspections.patrol.log_pages import _date, _int
    from safety.registry.service import unit_choices

    group = group_by if group_by in figures.GROUPS else "grid"
    unit = _int(org_unit_id)
    errors: dict[str, str] = {}
    status = 200
    try:
        data = await figures.patrol_figures(actor, unit, _date(date_from), _date(date_to), group)
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        errors, status = errors_by_field(exc), 400
        data = await figures.patrol_figures(actor, unit, None, None, group)
    span = {"from": data["from"].isoformat(), "to": data["to"].isoformat()}
    field = "org_unit_id" if group == "grid" else "reported_by"
    log_field = "org_unit_id" if group == "grid" else "worker_id"

    def links(key: int | None) -> dict[str, str]:
        who = {field: key} if key is not None else {"org_unit_id": data["org_unit_id"]}
        lwho = {log_field: key} if key is not None else {"org_unit_id": data["org_unit_id"]}
        reports = "/patrol/reports?" + urlencode({**who, **span})
        return {
            "reports": reports,
            "untriaged": reports + "&status=new",
            "referred": reports + "&status=referred",
            "dismissed": reports + "&status=dismissed",
            "hazards": reports + "&status=hazard",
            "closed": reports + "&status=hazard&hazard_status=closed",
            "median": reports + "&triaged=1",
            "logs": "/patrol/logs?"
            + urlencode({**lwho, "date_from": span["from"], "date_to": span["to"]}),
        }

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


ROUTES = [get_patrol_figures, figures_page]
