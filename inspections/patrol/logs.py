"""Use cases of the patrol log (网格日志).

Scope (the product rules): a grid worker keeps and sees their own logs, in the grids of their
own unit (a grid, or every grid of their community); an officer sees the logs of their
subtree; nobody else has patrol logs (403). A grid outside one's units is 404.

Decision (the contract leaves it open): one log per worker, grid and day. A second POST
for the same day is MERGED into it — the visited enterprises are joined, the notes
appended on a new line — because a phone that queued two entries offline (a morning and an
afternoon round) must lose neither; it answers 200 with ``merged: true`` (201 when the
log is new). A day's notes are capped as a whole (``log_rules.DAY_NOTES_MAX``): an entry
that would pass the cap is refused, 400 naming ``notes``; the merge's audit event records
only what the entry added (``added_notes``), never the whole notes again. A retry with
the same ``Idempotency-Key`` replays the first answer instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from inspections.patrol import log_rules as rules
from inspections.patrol.log_schemas import PatrolLogIn
from inspections.patrol.log_tables import PatrolLog, PatrolLogVisit
from inspections.services.scope import is_row_id, officer_units
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import NotFound, ValidationFailed
from safety.settings import local_today
from safety.tables import Enterprise, OrgUnit, OrgUnitKind, Role, User

READERS = (Role.officer, Role.grid_worker)


async def units_of(actor: Actor) -> Any:
    """A sub-select of the ids of the actor's units (their unit and all below it), or
    None when the actor has no unit."""
    return await officer_units(actor)


async def log_condition(actor: Actor) -> Any:
    actor.require(*READERS)
    if actor.role == Role.grid_worker:
        return PatrolLog.worker == actor.user_id
    units = await units_of(actor)
    return PatrolLog.id == -1 if units is None else PatrolLog.org_unit.is_in(units)


async def grid_row(actor: Actor, org_unit_id: int, key: str = "org_unit_id") -> dict:
    """The grid if it lies in the actor's units: outside them 404 (existence does not
    leak); a unit in scope that is not a grid is a 400 naming ``key``."""
    units = await units_of(actor)
    row = None
    if units is not None and is_row_id(org_unit_id):
        row = (
            await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.kind, OrgUnit.path)
            .where(OrgUnit.id == org_unit_id, OrgUnit.id.is_in(units))
            .first()
            .run()
        )
    if row is None:
        raise NotFound("网格不存在", object_type="org_unit", object_id=org_unit_id)
    if row["kind"] != OrgUnitKind.grid.value:
        raise ValidationFailed.field(key, "请选择网格")
    return row


async def grids_of(actor: Actor) -> list[dict]:
    """The grids of the actor's units, in tree order (the log form's choices)."""
    units = await units_of(actor)
    if units is None:
        return []
    return (
        await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.parent.name.as_alias("parent"))
        .where(OrgUnit.id.is_in(units), OrgUnit.kind == OrgUnitKind.grid.value)
        .order_by(OrgUnit.path)
        .run()
    )


async def grid_enterprises(grid_id: int) -> list[dict]:
    return (
        await Enterprise.select(Enterprise.id, Enterprise.name, Enterprise.address)
        .where(Enterprise.org_unit == grid_id, Enterprise.active.eq(True))
        .order_by(Enterprise.name)
        .run()
    )


async def save_log(actor: Actor, data: PatrolLogIn) -> dict:
    """Create the day's log, or merge this entry into it (see the module's docstring)."""
    actor.require(Role.grid_worker)
    grid = await grid_row(actor, data.org_unit_id)
    visited = list(dict.fromkeys(data.visited_enterprise_ids))
    async with write_transaction():
        in_grid = []
        if visited:
            in_grid = await (
                Enterprise.select(Enterprise.id)
                .where(Enterprise.id.is_in(visited), Enterprise.org_unit == grid["id"])
                .output(as_list=True)
                .run()
            )
        errors = rules.entry_problems(
            day=data.date, today=local_today(), visited=visited, in_grid=in_grid
        )
        if errors:
            raise ValidationFailed("网格日志有误", errors)
        existing = (
            await PatrolLog.select()
            .where(
                PatrolLog.worker == actor.user_id,
                PatrolLog.org_unit == grid["id"],
                PatrolLog.day == data.date,
            )
            .first()
            .run()
        )
        now = dt.datetime.now(dt.UTC)
        if existing is None:
            log = PatrolLog(
                worker=actor.user_id,
                org_unit=grid["id"],
                day=data.date,
                notes=data.notes.strip(),
                created_at=now,
                updated_at=now,
            )
            await log.save().run()
            log_id, new_visits, before, added = log.id, visited, None, None
        else:
            log_id = existing["id"]
            old = await (
                PatrolLogVisit.select(PatrolLogVisit.enterprise)
                .where(PatrolLogVisit.log == log_id)
                .order_by(PatrolLogVisit.id)
                .output(as_list=True)
                .run()
            )
            new_visits = [e for e in rules.merged_visits(old, visited) if e not in set(old)]
            notes = rules.merged_notes(existing["notes"], data.notes)
            problem = rules.day_notes_problem(existing["notes"], notes)
            if problem:
                raise ValidationFailed("网格日志有误", [problem])
            # Only what this entry added: the whole notes again in every merge's event
            # would grow the audit trail with the square of a day's entries.
            before = {"version": existing["version"], "notes_chars": len(existing["notes"])}
            added = {
                "added_notes": rules.added_notes(existing["notes"], notes),
                "added_visited_enterprise_ids": new_visits,
            }
            await (
                PatrolLog.update(
                    {
                        PatrolLog.notes: notes,
                        PatrolLog.version: existing["version"] + 1,
                        PatrolLog.updated_at: now,
                    }
                )
                .where(PatrolLog.id == log_id)
                .run()
            )
        if new_visits:
            await PatrolLogVisit.insert(
                *[
                    PatrolLogVisit(log=log_id, enterprise=e, visited_on=data.date)
                    for e in new_visits
                ]
            ).run()
        await audit.record(
            actor,
            "patrol_log.create" if existing is None else "patrol_log.merge",
            "patrol_log",
            log_id,
            before=before,
            after=data.model_dump(mode="json") if existing is None else added,
        )
    out = (await _shape([await _log_query().where(PatrolLog.id == log_id).first().run()]))[0]
    return {**out, "merged": existing is not None}


def status_of(saved: dict) -> int:
    """The HTTP status of a saved entry: 200 when merged into the day's log, else 201."""
    return 200 if saved["merged"] else 201


def _log_query() -> Any:
    return PatrolLog.select(
        PatrolLog.id,
        PatrolLog.org_unit.as_alias("org_unit_id"),
        PatrolLog.org_unit.name.as_alias("org_unit_name"),
        PatrolLog.day,
        PatrolLog.worker.as_alias("worker_id"),
        PatrolLog.worker.display_name.as_alias("worker_name"),
        PatrolLog.notes,
        PatrolLog.version,
        PatrolLog.created_at,
        PatrolLog.updated_at,
    )


async def _shape(rows: list[dict]) -> list[dict]:
    """Each log with its visited enterprises: one query for the whole page."""
    ids = [r["id"] for r in rows]
    visits: dict[int, list[dict]] = {i: [] for i in ids}
    if ids:
        for v in (
            await PatrolLogVisit.select(
                PatrolLogVisit.log,
                PatrolLogVisit.enterprise.as_alias("id"),
                PatrolLogVisit.enterprise.name.as_alias("name"),
            )
            .where(PatrolLogVisit.log.is_in(ids))
            .order_by(PatrolLogVisit.id)
            .run()
        ):
            visits[v["log"]].append({"id": v["id"], "name": v["name"]})
    return [
        {
            **{k: v for k, v in r.items() if k != "day"},
            "date": r["day"],
            "worker_name": r["worker_name"] or "",
            "visited_enterprise_ids": [v["id"] for v in visits[r["id"]]],
            "visited_enterprises": visits[r["id"]],
        }
        for r in rows
    ]


@dataclass
class LogFilter:
    org_unit_id: int | None = None  # the whole subtree
    worker_id: int | None = None
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    enterprise_id: int | None = None  # logs that visited it


async def _filter_conditions(flt: LogFilter) -> list[Any]:
    conditions: list[Any] = []
    if flt.org_unit_id is not None:
        unit = await OrgUnit.select(OrgUnit.path).where(OrgUnit.id == flt.org_unit_id).first().run()
        if unit is None:
            conditions.append(PatrolLog.id == -1)
        else:
            subtree = OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(unit["path"] + "%"))
            conditions.append(PatrolLog.org_unit.is_in(subtree))
    if flt.worker_id is not None:
        conditions.append(PatrolLog.worker == flt.worker_id)
    if flt.date is not None:
        conditions.append(PatrolLog.day == flt.date)
    if flt.date_from is not None:
        conditions.append(PatrolLog.day >= flt.date_from)
    if flt.date_to is not None:
        conditions.append(PatrolLog.day <= flt.date_to)
    if flt.enterprise_id is not None:
        conditions.append(
            PatrolLog.id.is_in(
                PatrolLogVisit.select(PatrolLogVisit.log).where(
                    PatrolLogVisit.enterprise == flt.enterprise_id
                )
            )
        )
    return conditions


async def list_logs(
    actor: Actor, flt: LogFilter, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """Logs in scope, newest day first, then grid."""
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise ValidationFailed.field("date_from", "date_from 晚于 date_to")
    query, count = _log_query(), PatrolLog.count()
    for condition in [await log_condition(actor), *await _filter_conditions(flt)]:
        query, count = query.where(condition), count.where(condition)
    rows = (
        await query.order_by(PatrolLog.day, ascending=False)
        .order_by(PatrolLog.org_unit.name)
        .order_by(PatrolLog.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )
    return await _shape(rows), await count.run()


async def get_log(actor: Actor, log_id: int) -> dict:
    condition = await log_condition(actor)
    row = None
    if is_row_id(log_id):
        row = await _log_query().where(PatrolLog.id == log_id, condition).first().run()
    if row is None:
        raise NotFound("网格日志不存在")
    return (await _shape([row]))[0]


async def _scope_path(actor: Actor, org_unit_id: int | None) -> str:
    """The materialised path to search under: the given unit if in scope (else 404), or
    the actor's own unit."""
    actor.require(*READERS)
    if org_unit_id is None:
        org_unit_id = actor.org_unit_id
    units = await units_of(actor)
    row = None
    if units is not None and org_unit_id is not None and is_row_id(org_unit_id):
        row = (
            await OrgUnit.select(OrgUnit.path)
            .where(OrgUnit.id == org_unit_id, OrgUnit.id.is_in(units))
            .first()
            .run()
        )
    if row is None:
        raise NotFound("单位不存在", object_type="org_unit")
    return row["path"]


async def unvisited(
    actor: Actor, org_unit_id: int | None, days: int, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """Active enterprises under ``org_unit_id`` (default: the actor's own unit) with no
    logged visit in the last ``days`` days — never visited first, then the longest ago.
    Two queries (page, count), each one index probe per enterprise."""
    if not 1 <= days <= 3660:
        raise ValidationFailed.field("days", "days 须为 1..3660")
    path = await _scope_path(actor, org_unit_id)
    today = local_today()
    since = rules.not_visited_since(today, days)
    where = (
        "FROM enterprise e JOIN org_unit u ON u.id = e.org_unit "
        "WHERE e.active AND u.path LIKE {} AND NOT EXISTS (SELECT 1 FROM patrol_log_visit v "
        "WHERE v.enterprise = e.id AND v.visited_on >= {})"
    )
    rows = await Enterprise.raw(
        "SELECT * FROM (SELECT e.id AS enterprise_id, e.name AS enterprise_name, e.address, "  # noqa: S608 - where is the constant text above; values bound
        "e.org_unit AS org_unit_id, u.name AS org_unit_name, "
        "(SELECT MAX(v2.visited_on) FROM patrol_log_visit v2 WHERE v2.enterprise = e.id) "
        f"AS last_visited_on {where}) AS x "
        "ORDER BY x.last_visited_on IS NOT NULL, x.last_visited_on, x.enterprise_name, "
        "x.enterprise_id LIMIT {} OFFSET {}",
        path + "%",
        since,
        limit,
        offset,
    ).run()
    total = await Enterprise.raw(f"SELECT COUNT(*) AS n {where}", path + "%", since).run()
    out = []
    for r in rows:
        last = r["last_visited_on"]
        if isinstance(last, str):  # SQLite hands a sub-select's date back as text
            last = dt.date.fromisoformat(last)
        out.append(
            {**r, "last_visited_on": last, "days_since": (today - last).days if last else None}
        )
    return out, total[0]["n"]


async def worker_choices(actor: Actor) -> list[dict]:
    """The grid workers of the officer's subtree (a filter's choices)."""
    units = await units_of(actor)
    if units is None:
        return []
    return (
        await User.select(User.id, User.display_name, User.username)
        .where(User.role == Role.grid_worker.value, User.org_unit.is_in(units))
        .order_by(User.display_name)
        .run()
    )
