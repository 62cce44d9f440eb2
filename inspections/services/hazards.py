"""Hazards (隐患) found in an inspection: log one, read one, list them.

Every status change is a ``HazardTransition`` row, creation included (``''`` → pending);
立行立改 (``fixed_on_spot``) adds pending → closed at once, with ``rectified_on`` = the
inspection day and ``closed_at`` = now. Overdue is derived (rules.is_overdue) from
``effective_deadline``, which rectification moves when an officer approves an extension.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspections import rules
from inspections.schemas import HazardIn
from inspections.services import views
from inspections.services.hazard_filters import HazardFilter, filter_conditions
from inspections.services.hazard_news import announce_hazards
from inspections.services.inspections import group_row
from inspections.services.scope import hazard_row, officers_over
from inspections.tables import ChecklistItem, Hazard, HazardTransition, Inspection, RiskPoint
from safety import audit
from safety.actors import Actor
from safety.db import subselect_column, write_transaction
from safety.errors import ValidationFailed
from safety.notifications.service import notify
from safety.settings import get_settings, local_today
from safety.tables import Campaign, Enterprise
from safety.text import short

FIXED_ON_SPOT_NOTE = "立行立改"


def _source_of(inspection: dict) -> str:
    return "self_report" if inspection["kind"] == "self" else "inspection"


async def days_for(inspection: dict) -> dict[str, int]:
    """Rectification days per level for the inspection's hazards: its campaign's; for a
    self-inspection (no campaign) the settings' (SAFETY_SELF_*_DEADLINE_DAYS, 15 / 60)."""
    if inspection["campaign"] is None:
        if inspection["kind"] == rules.SELF:
            settings = get_settings()
            return rules.deadline_days(
                settings.self_general_deadline_days, settings.self_major_deadline_days
            )
        return rules.deadline_days(None, None)
    campaign = (
        await Campaign.select(Campaign.general_deadline_days, Campaign.major_deadline_days)
        .where(Campaign.id == inspection["campaign"])
        .first()
        .run()
    )
    return rules.deadline_days(campaign["general_deadline_days"], campaign["major_deadline_days"])


async def log_hazard(actor: Actor, inspection_id: int, data: HazardIn) -> dict:
    """A hazard found in an in-progress inspection (an inspector of its group). 409 once
    the inspection is submitted; a bad field is a 400 naming it."""
    inspection = await group_row(actor, inspection_id)
    rules.require_editable(inspection["state"], "隐患")
    found_on = inspection["scheduled_on"]
    errors = rules.check_hazard(
        description=data.description,
        level=data.level,
        category=data.category,
        subcategory=data.subcategory,
        factor=data.factor,
        major_basis=data.major_basis,
        fixed_on_spot=data.fixed_on_spot,
        deadline=data.deadline,
        found_on=found_on,
    )
    if data.item_id is not None:
        on_list = (
            await ChecklistItem.exists()
            .where(
                ChecklistItem.id == data.item_id, ChecklistItem.template == inspection["checklist"]
            )
            .run()
        )
        if not on_list:
            errors.append({"key": "item_id", "message": f"检查项 {data.item_id} 不在本检查表中"})
    if data.risk_point_id is not None:
        ours = (
            await RiskPoint.exists()
            .where(
                RiskPoint.id == data.risk_point_id,
                RiskPoint.enterprise == inspection["enterprise"],
                RiskPoint.active.eq(True),
            )
            .run()
        )
        if not ours:
            errors.append(
                {
                    "key": "risk_point_id",
                    "message": f"风险点 {data.risk_point_id} 不是本企业在用的风险点",
                }
            )
    if errors:
        raise ValidationFailed("隐患信息有误", errors)
    deadline = data.deadline or rules.default_deadline(
        found_on, data.level, await days_for(inspection)
    )
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        current = (
            await Inspection.select(Inspection.state)
            .where(Inspection.id == inspection["id"])
            .first()
            .run()
        )
        rules.require_editable(current["state"], "隐患")
        hazard_id = await insert_hazard(
            actor,
            now,
            inspection=inspection["id"],
            enterprise=inspection["enterprise"],
            campaign=inspection["campaign"],
            source=_source_of(inspection),
            description=data.description.strip(),
            location=data.location.strip(),
            category=data.category,
            subcategory=data.subcategory,
            factor=data.factor,
            level=data.level,
            major_basis=data.major_basis.strip(),
            item=data.item_id,
            legal_basis=data.legal_basis.strip(),
            suggestion=data.suggestion.strip(),
            found_on=found_on,
            deadline=deadline,
            fixed_on_spot=data.fixed_on_spot,
            risk_point=data.risk_point_id,
        )
        if data.fixed_on_spot:
            await (
                Hazard.update(
                    {Hazard.status: "closed", Hazard.rectified_on: found_on, Hazard.closed_at: now}
                )
                .where(Hazard.id == hazard_id)
                .run()
            )
            await (
                HazardTransition(
                    hazard=hazard_id,
                    from_status="pending",
                    to_status="closed",
                    at=now,
                    actor=actor.user_id,
                    note=FIXED_ON_SPOT_NOTE,
                )
                .save()
                .run()
            )
        if _source_of(inspection) == "self_report" and data.level == "major":
            await _report_major(hazard_id, inspection["enterprise"], data.description)
            # and the enterprise's other contacts (a campaign inspection's hazards are told
            # on submit: inspections.submit_inspection; see hazard_news)
            await announce_hazards(actor, Hazard.id == hazard_id)
        await audit.record(
            actor,
            "hazard.create",
            "hazard",
            hazard_id,
            after={
                **data.model_dump(mode="json"),
                "inspection": inspection["id"],
                "deadline": deadline.isoformat(),
                "status": "closed" if data.fixed_on_spot else "pending",
            },
        )
    return await _detail(hazard_id)


async def insert_hazard(actor: Actor, now: dt.datetime, **fields: Any) -> int:
    """Write a new ``pending`` hazard and its creation transition (``''`` → pending):
    the one path every source takes (inspection, self-inspection, patrol report). Call
    inside the caller's write transaction, after ``rules.check_hazard``."""
    hazard = Hazard(
        **fields,
        effective_deadline=fields["deadline"],
        status="pending",
        created_by=actor.user_id,
        created_at=now,
    )
    await hazard.save().run()
    await (
        HazardTransition(
            hazard=hazard.id, from_status="", to_status="pending", at=now, actor=actor.user_id
        )
        .save()
        .run()
    )
    return hazard.id


async def _report_major(hazard_id: int, enterprise_id: int, description: str) -> None:
    """A major hazard an enterprise found itself is reported to the officers over it at
    once (in the transaction that logs it): only an officer closes it."""
    ent = (
        await Enterprise.select(Enterprise.name).where(Enterprise.id == enterprise_id).first().run()
    )
    await notify(
        await officers_over(enterprise_id),
        kind="hazard.self_major",
        title=f"企业自查上报重大隐患：{ent['name'] if ent else ''}",
        body=short(description, 120),
        link=f"/hazards/{hazard_id}",
        object_type="hazard",
        object_id=hazard_id,
    )


def hazard_columns() -> tuple:
    unit = Hazard.enterprise.org_unit
    return (
        *Hazard.all_columns(),
        Hazard.enterprise.name.as_alias("enterprise_name"),
        # the enterprise's grid and community by name, in the same query (list pages)
        unit.name.as_alias("unit_name"),
        unit.kind.as_alias("unit_kind"),
        unit.parent.name.as_alias("parent_unit_name"),
        Hazard.risk_point.name.as_alias("risk_point_name"),
    )


def hazard_out(row: dict, today: dt.date) -> dict:
    """A ``hazard_columns`` row as the API and pages show it."""
    effective = row["effective_deadline"] or row["deadline"]
    kind = row.pop("unit_kind", None)
    unit, parent = row.pop("unit_name", None), row.pop("parent_unit_name", None)
    return {
        **row,
        "grid_name": unit if kind == "grid" else None,
        "community_name": unit if kind == "community" else parent if kind == "grid" else None,
        "inspection_id": row["inspection"],
        "enterprise_id": row["enterprise"],
        "campaign_id": row["campaign"],
        "item_id": row["item"],
        "risk_point_id": row["risk_point"],
        "effective_deadline": effective,
        "overdue": rules.is_overdue(row["status"], effective, today),
    }


async def _detail(hazard_id: int) -> dict:
    row = await Hazard.select(*hazard_columns()).where(Hazard.id == hazard_id).first().run()
    transitions = (
        await HazardTransition.select(
            *HazardTransition.all_columns(),
            HazardTransition.actor.display_name.as_alias("actor_name"),
            HazardTransition.actor.username.as_alias("actor_username"),
        )
        .where(HazardTransition.hazard == hazard_id)
        .order_by(HazardTransition.at)
        .order_by(HazardTransition.id)
        .run()
    )
    photos = await views.photos_of([hazard_id])
    return {
        **hazard_out(row, local_today()),
        "photos": photos.get(hazard_id, []),
        "plan": None,
        "submissions": [],
        "verifications": [],
        "extension_requests": [],
        "timeline": [
            {
                "at": t["at"],
                "actor": t["actor_name"] or t["actor_username"],
                "action": _action(t),
                "from_status": t["from_status"],
                "to_status": t["to_status"],
                "note": t["note"],
            }
            for t in transitions
        ],
    }


def _action(t: dict) -> str:
    if not t["from_status"]:
        return "create"
    if t["note"] == FIXED_ON_SPOT_NOTE and t["to_status"] == "closed":
        return "fixed_on_spot"
    return f"{t['from_status']}->{t['to_status']}"


async def get_hazard(actor: Actor, hazard_id: int) -> dict:
    """The hazard shape; 404 outside the actor's scope."""
    row = await hazard_row(actor, hazard_id)
    return await _detail(row["id"])


async def list_hazards(
    actor: Actor, flt: HazardFilter, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """Hazards in the actor's scope, newest found first, and how many there are: one
    statement, the count a sub-select of it (a page past the end counts on its own)."""
    today = local_today()
    conditions = await filter_conditions(actor, flt, today)
    count = Hazard.count()
    for condition in conditions:
        count = count.where(condition)
    query = Hazard.select(*hazard_columns(), subselect_column(count, "total"))
    for condition in conditions:
        query = query.where(condition)
    rows = (
        await query.order_by(Hazard.found_on, ascending=False)
        .order_by(Hazard.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )
    if not rows:
        return [], await count.run() if offset else 0
    total = int(rows[0]["total"])
    return [hazard_out({k: v for k, v in r.items() if k != "total"}, today) for r in rows], total
