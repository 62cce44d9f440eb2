"""网格日志: the JSON API (GET/POST /api/v1/patrol-logs …). Thin: parse, call
``inspections.patrol.logs``, shape the answer."""

from __future__ import annotations

import datetime as dt

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from inspections.patrol import logs
from inspections.patrol.log_rules import UNVISITED_DEFAULT_DAYS
from inspections.patrol.log_schemas import PatrolLogIn, PatrolLogOut, UnvisitedOut
from safety.accounts.actor import ACTOR
from safety.actors import Actor
from safety.idempotency import IdempotencyKey, run_idempotent
from safety.tables import Role
from safety.web import Limit, Offset, Page, PathId, QueryId, error_responses, paging

TAGS = ["patrol-logs"]


@get(
    "/",
    summary="List patrol logs (grid worker: own; officer: subtree)",
    responses=error_responses(400, 401, 403),
)
async def list_patrol_logs(
    actor: NamedDependency[Actor],
    org_unit_id: QueryId = None,
    worker_id: QueryId = None,
    enterprise_id: QueryId = None,
    date: FromQuery[dt.date | None] = None,
    date_from: FromQuery[dt.date | None] = None,
    date_to: FromQuery[dt.date | None] = None,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[PatrolLogOut]:
    """Newest day first. ``org_unit_id`` takes the whole subtree (a community: all its
    grids); ``enterprise_id``: the logs that visited it."""
    lim, off = paging(limit, offset)
    flt = logs.LogFilter(
        org_unit_id=org_unit_id,
        worker_id=worker_id,
        enterprise_id=enterprise_id,
        date=date,
        date_from=date_from,
        date_to=date_to,
    )
    rows, total = await logs.list_logs(actor, flt, lim, off)
    return Page(items=[PatrolLogOut(**r) for r in rows], total=total)


@post(
    "/",
    summary="Keep the day's patrol log (grid worker); a second entry that day is merged",
    status_code=201,
    responses={
        **error_responses(400, 401, 403, 404, 409),
    },
)
async def post_patrol_log(
    request: Request,
    actor: NamedDependency[Actor],
    data: JSONBody[PatrolLogIn],
    idempotency_key: IdempotencyKey = None,
) -> Response[PatrolLogOut]:
    """One log per worker, grid and day: 201 with the new log, or — when that day's log
    exists — the entry is merged into it (visited enterprises joined, notes appended) and
    the answer is 200 with ``merged: true``. A visited enterprise outside the grid is a 400
    naming ``visited_enterprise_ids`` and the id; a date after today (configured time
    zone) a 400 naming ``date``; a grid outside the worker's own a 404. Honours
    ``Idempotency-Key`` (a retry replays the first answer)."""
    actor.require(Role.grid_worker)

    async def save() -> dict:
        return PatrolLogOut(**await logs.save_log(actor, data)).model_dump(mode="json")

    return await run_idempotent(request, actor, data, save, status_code=logs.status_of, atomic=True)


@get("/{log_id:int}", summary="One patrol log", responses=error_responses(401, 403, 404))
async def get_patrol_log(actor: NamedDependency[Actor], log_id: PathId) -> PatrolLogOut:
    return PatrolLogOut(**await logs.get_log(actor, log_id))


@get(
    "/unvisited",
    summary="Enterprises not visited for N days (officer: subtree; grid worker: own grids)",
    responses=error_responses(400, 401, 403, 404),
)
async def list_unvisited(
    actor: NamedDependency[Actor],
    org_unit_id: QueryId = None,
    days: FromQuery[int] = UNVISITED_DEFAULT_DAYS,
    limit: Limit = None,
    offset: Offset = None,
) -> Page[UnvisitedOut]:
    """Active enterprises under ``org_unit_id`` (default: the caller's own unit) with no
    logged visit in the last ``days`` days (1–3660, default 30): never visited first,
    then the longest ago."""
    lim, off = paging(limit, offset)
    rows, total = await logs.unvisited(actor, org_unit_id, days, lim, off)
    return Page(items=[UnvisitedOut(**r) for r in rows], total=total)


router = Router(
    path="/api/v1/patrol-logs",
    tags=TAGS,
    dependencies=ACTOR,
    route_handlers=[list_patrol_logs, post_patrol_log, get_patrol_log, list_unvisited],
)
