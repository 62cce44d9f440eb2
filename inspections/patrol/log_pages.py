"""网格日志 pages: the grid worker's one-screen form for the day (phone first; queued by the
page outbox when offline), the logs by grid and day, and the enterprises not visited for
N days. Thin: parse, call ``inspections.patrol.logs``, render."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from inspections.page_helpers import wants_json
from inspections.patrol import (
    log_messages,  # noqa: F401 - registers the messages
    logs,
)
from inspections.patrol.log_rules import UNVISITED_DEFAULT_DAYS
from inspections.patrol.log_schemas import PatrolLogIn, PatrolLogOut
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.errors import DomainError
from safety.idempotency import run_idempotent
from safety.pages import (
    errors_by_field,
    field_messages,
    form_model,
    page_offset,
    parse_date,
    parse_id,
    query_date,
    query_id,
)
from safety.settings import local_today
from safety.tables import Role

PAGE_SIZE = 50


async def _form(
    actor: Actor,
    grid_id: int | None,
    day: dt.date,
    *,
    ticked: list[int] | None = None,
    notes: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    grids = await logs.grids_of(actor)
    grid = next((g for g in grids if g["id"] == grid_id), grids[0] if grids else None)
    enterprises, earlier = [], None
    if grid is not None:
        enterprises = await logs.grid_enterprises(grid["id"])
        found, _ = await logs.list_logs(
            actor, logs.LogFilter(org_unit_id=grid["id"], worker_id=actor.user_id, date=day), 1
        )
        earlier = found[0] if found else None
    done = set(earlier["visited_enterprise_ids"]) if earlier else set()
    return Template(
        "patrol/log_form.html",
        context={
            "grids": grids,
            "grid": grid,
            "day": day.isoformat(),
            "today": local_today().isoformat(),
            "enterprises": enterprises,
            "done": done,
            "ticked": set(ticked or []),
            "earlier": earlier,
            "notes": notes,
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/new")
async def log_form_page(
    actor: NamedDependency[Actor],
    org_unit_id: FromQuery[str | None] = None,
    date: FromQuery[str | None] = None,
) -> Template:
    actor.require(Role.grid_worker)
    # The form's grid and day: anything unusable means the default (the first grid, today).
    day = parse_date(date) or local_today()
    return await _form(actor, parse_id(org_unit_id), day)


@post("/new", status_code=303)
async def log_form_submit(
    request: Request, actor: NamedDependency[Actor]
) -> Response | Template | Redirect:
    """A plain form post (redirects), or the outbox's queued post (``Accept: application/
    json``, with its ``Idempotency-Key``): the visited ids come as checkboxes ``visited``
    or as one comma list ``visited_ids`` (the outbox's form)."""
    actor.require(Role.grid_worker)
    form = await request.form()
    visited_raw = [str(v) for v in form.getall("visited", [])]
    visited_raw += [v for v in str(form.get("visited_ids") or "").split(",") if v.strip()]
    values = {
        "org_unit_id": str(form.get("org_unit_id") or "").strip() or None,
        "date": str(form.get("date") or "").strip() or None,
        "visited_enterprise_ids": [v.strip() for v in visited_raw],
        "notes": str(form.get("notes") or ""),
    }
    try:
        data = form_model(PatrolLogIn, **values)
        if wants_json(request):

            async def save() -> dict:
                return PatrolLogOut(**await logs.save_log(actor, data)).model_dump(mode="json")

            return await run_idempotent(
                request, actor, data, save, status_code=logs.status_of, atomic=True
            )
        saved = await logs.save_log(actor, data)
    except DomainError as exc:
        if exc.status_code != 400 or wants_json(request):
            raise
        return await _form(
            actor,
            parse_id(values["org_unit_id"]),
            parse_date(values["date"]) or local_today(),
            ticked=[i for i in (parse_id(v) for v in visited_raw) if i],
            notes=values["notes"],
            errors=errors_by_field(exc),
            status=400,
        )
    done = "merged" if saved["merged"] else "saved"
    return Redirect(f"/patrol/logs?done={done}", status_code=303)


@get("/")
async def logs_page(
    actor: NamedDependency[Actor],
    org_unit_id: FromQuery[str | None] = None,
    worker_id: FromQuery[str | None] = None,
    enterprise_id: FromQuery[str | None] = None,
    date: FromQuery[str | None] = None,
    date_from: FromQuery[str | None] = None,
    date_to: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
    done: FromQuery[str | None] = None,
) -> Template:
    """Grid worker: their own logs; officer: by grid and day (filters), with the figures'
    links landing here."""
    actor.require(Role.officer, Role.grid_worker)
    errors: list[dict[str, str]] = []
    raw = {"org_unit_id": org_unit_id, "worker_id": worker_id, "enterprise_id": enterprise_id}
    dates = {"date": date, "date_from": date_from, "date_to": date_to}
    params: dict[str, Any] = {k: query_id(v, k, errors) for k, v in raw.items()}
    params.update({k: query_date(v, k, errors) for k, v in dates.items()})
    start = page_offset(offset)
    rows, total = [], 0
    if not errors:
        rows, total = await logs.list_logs(actor, logs.LogFilter(**params), PAGE_SIZE, start)
    shown = {k: v for k, v in params.items() if v is not None}
    return Template(
        "patrol/logs.html",
        context={
            "logs": rows,
            "total": total,
            "offset": start,
            "page_size": PAGE_SIZE,
            "params": {
                k: str(v) if v is not None else str({**raw, **dates}[k] or "")
                for k, v in params.items()
            },
            "query": urlencode({k: str(v) for k, v in shown.items()}),
            "grids": await logs.grids_of(actor),
            "workers": await logs.worker_choices(actor) if actor.role == Role.officer else [],
            "is_worker": actor.role == Role.grid_worker,
            "done": done or "",
            "errors": field_messages(errors),
        },
        status_code=400 if errors else 200,
    )


@get("/unvisited")
async def unvisited_page(
    actor: NamedDependency[Actor],
    org_unit_id: FromQuery[str | None] = None,
    days: FromQuery[str | None] = None,
    offset: FromQuery[str | None] = None,
) -> Template:
    actor.require(Role.officer, Role.grid_worker)
    n = min(parse_id(days) or UNVISITED_DEFAULT_DAYS, 3660)  # anything unusable: the default
    errors: list[dict[str, str]] = []
    unit = query_id(org_unit_id, "org_unit_id", errors)
    start = page_offset(offset)
    rows, total = [], 0
    if not errors:
        rows, total = await logs.unvisited(actor, unit, n, PAGE_SIZE, start)
    return Template(
        "patrol/unvisited.html",
        context={
            "rows": rows,
            "total": total,
            "offset": start,
            "page_size": PAGE_SIZE,
            "days": n,
            "unit": "" if unit is None else str(unit),
            "query": urlencode({"days": n, **({"org_unit_id": unit} if unit else {})}),
            "grids": await logs.grids_of(actor),
            "errors": field_messages(errors),
        },
        status_code=400 if errors else 200,
    )


page_router = Router(
    path="/patrol/logs",
    include_in_schema=False,
    dependencies=ACTOR,
    route_handlers=[log_form_page, log_form_submit, logs_page, unvisited_page],
)
