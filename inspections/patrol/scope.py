"""Who may see which patrol report (the product rules):

- grid worker (网格员): the reports they made themselves; they submit in their own grids
  (their grid, or the grids of their community);
- officer: the reports of the grids in their subtree; they triage them;
- admin, inspector, enterprise: 403 (never theirs).

Outside one's scope is 404, like a missing row, so existence does not leak.
"""

from __future__ import annotations

from typing import Any

from inspections.patrol.tables import PatrolReport
from inspections.services.scope import is_row_id
from safety.actors import Actor
from safety.errors import NotFound
from safety.tables import Enterprise, OrgUnit, OrgUnitKind, Role

READERS = (Role.officer, Role.grid_worker)
REPORT = "patrol_report"  # the attachments' owner type


async def unit_ids(actor: Actor) -> Any:
    """A sub-select of the ids of the actor's unit and everything below it (an officer's
    subtree, a grid worker's grid or community); None when they have no unit. ``path``
    holds every ancestor's id ("/1/4/17/"), so this needs no query of its own: the triage
    queue and "my reports" stay at a fixed number of queries."""
    if actor.org_unit_id is None:
        return None
    return OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(f"%/{int(actor.org_unit_id)}/%"))


async def own_grids(actor: Actor) -> list[dict]:
    """The grids a grid worker reports in (id, name, parent name), in tree order."""
    units = await unit_ids(actor)
    if units is None:
        return []
    return (
        await OrgUnit.select(OrgUnit.id, OrgUnit.name, OrgUnit.parent.name.as_alias("parent_name"))
        .where(OrgUnit.id.is_in(units), OrgUnit.kind == OrgUnitKind.grid.value)
        .order_by(OrgUnit.path)
        .run()
    )


async def grid_enterprises(actor: Actor) -> list[dict]:
    """The active enterprises of the grid worker's grids (id, name, grid), by name."""
    units = await unit_ids(actor)
    if units is None:
        return []
    return (
        await Enterprise.select(
            Enterprise.id, Enterprise.name, Enterprise.org_unit.as_alias("org_unit_id")
        )
        .where(Enterprise.org_unit.is_in(units), Enterprise.active.eq(True))
        .order_by(Enterprise.name)
        .run()
    )


async def report_condition(actor: Actor) -> Any:
    actor.require(*READERS)
    if actor.role == Role.grid_worker:
        return PatrolReport.reported_by == actor.user_id
    units = await unit_ids(actor)
    return PatrolReport.id == -1 if units is None else PatrolReport.org_unit.is_in(units)


async def report_row(actor: Actor, report_id: int) -> dict:
    """The report row if the actor may see it; 404 otherwise."""
    condition = await report_condition(actor)
    row = None
    if is_row_id(report_id):
        row = (
            await PatrolReport.select().where(PatrolReport.id == report_id, condition).first().run()
        )
    if row is None:
        raise NotFound("上报不存在")
    return row
