"""Self-inspections (企业自查): an enterprise inspecting itself with a checklist of the
library, outside any campaign (the product rules). The walk, the hazards, the signatures and the
submit are the inspection services' own (``rules.may_walk`` lets the enterprise's contact
walk its own self-inspection); this module starts one and lists them.

  start_self_inspection(actor, SelfInspectionIn, start=False) -> inspection detail
      (enterprise, own; ``start``: today's or an earlier day's started at once, atomically)
  list_self_inspections(actor, enterprise_id=, limit=, offset=) -> (items, total)
      (the enterprise its own; an officer their subtree's)
"""

from __future__ import annotations

import datetime as dt

from inspections import rules
from inspections.selfcheck.schemas import SelfInspectionIn
from inspections.services import InspectionFilter, list_inspections, views
from inspections.services.batches import checklist_errors
from inspections.services.inspections import _move as move_inspection
from inspections.tables import Inspection, InspectionInspector
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import Conflict, Forbidden, NotFound, ValidationFailed
from safety.settings import local_today
from safety.tables import Enterprise, Role

# How far from today a self-inspection may be dated: a paper check of last year may be
# entered later; one planned further than a quarter ahead is a typo.
MAX_DAYS_BACK = 366
MAX_DAYS_AHEAD = 92


def schedule_problems(scheduled_on: dt.date, today: dt.date) -> list[dict[str, str]]:
    if scheduled_on < today - dt.timedelta(days=MAX_DAYS_BACK):
        return [{"key": "scheduled_on", "message": "自查日期不能早于一年前"}]
    if scheduled_on > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        return [
            {
                "key": "scheduled_on",
                "message": f"自查日期不能晚于 {MAX_DAYS_AHEAD} 天后",
            }
        ]
    return []


async def start_self_inspection(
    actor: Actor, data: SelfInspectionIn, *, start: bool = False
) -> dict:
    """A planned inspection of kind ``self`` of the caller's enterprise, the caller as its
    checker (the group's lead). Other roles 403; another enterprise 404; a checklist not
    in the library or a day out of range 400 naming the field. ``start`` (the page's
    "开始自查"): a day of today or before is also started (in_progress), in the same
    transaction; the API leaves it planned, started by ``POST .../start``."""
    actor.require(Role.enterprise)
    if actor.enterprise_id is None:
        raise Forbidden("该账号未关联企业")
    if data.enterprise_id is not None and data.enterprise_id != actor.enterprise_id:
        raise NotFound("企业不存在")
    enterprise = (
        await Enterprise.select(Enterprise.id, Enterprise.active)
        .where(Enterprise.id == actor.enterprise_id)
        .first()
        .run()
    )
    if enterprise is None:
        raise NotFound("企业不存在")
    if not enterprise["active"]:
        raise Conflict(
            "企业已注销，不能再自查",
            [{"key": "enterprise_id", "message": "企业已注销"}],
        )
    errors = await checklist_errors(data.checklist_id)
    errors += schedule_problems(data.scheduled_on, local_today())
    if errors:
        raise ValidationFailed("自查信息有误", errors)
    start_now = start and data.scheduled_on <= local_today()
    async with write_transaction():
        inspection = Inspection(
            kind=rules.SELF,
            campaign=None,
            batch=None,
            enterprise=actor.enterprise_id,
            checklist=data.checklist_id,
            scheduled_on=data.scheduled_on,
            created_by=actor.user_id,
        )
        await inspection.save().run()
        await (
            InspectionInspector(inspection=inspection.id, user=actor.user_id, is_lead=True)
            .save()
            .run()
        )
        await audit.record(
            actor,
            "inspection.create_self",
            "inspection",
            inspection.id,
            after={**data.model_dump(mode="json"), "enterprise_id": actor.enterprise_id},
        )
        if start_now:
            started = {Inspection.started_at: dt.datetime.now(dt.UTC)}
            await move_inspection(actor, inspection.id, "start", started, {})
    row = (
        await Inspection.select(*views.inspection_columns())
        .where(Inspection.id == inspection.id)
        .first()
        .run()
    )
    return await views.inspection_detail(row, local_today())


async def list_self_inspections(
    actor: Actor, enterprise_id: int | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """Self-inspections in the actor's scope (the enterprise its own, an officer their
    subtree's), latest first."""
    actor.require(Role.enterprise, Role.officer)
    return await list_inspections(
        actor, InspectionFilter(kind=rules.SELF, enterprise_id=enterprise_id), limit, offset
    )
