"""Inspections (检查): plan one, list, read, start, save results (autosave), submit, cancel,
and the inspector's agenda.

Who: an officer plans and cancels (within their subtree); only the inspectors of an
inspection's group start it, save its results, sign and submit it (another inspector gets
404: it is outside their scope; an officer or enterprise 403: never their action).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from inspections import rules
from inspections.schemas import InspectionIn, ResultIn
from inspections.services import views
from inspections.services.batches import check_inspectors, checklist_errors, group_of
from inspections.services.hazard_news import announce_hazards
from inspections.services.scope import (
    campaign_condition,
    in_group,
    inspection_condition,
    inspection_row,
)
from inspections.tables import ChecklistItem, Hazard, Inspection, InspectionInspector, ItemResult
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import Conflict, Forbidden, NotFound, ValidationFailed
from safety.settings import local_today
from safety.tables import Batch, BatchEnterprise, Campaign, CampaignEnterprise, Enterprise, Role


async def _detail(inspection_id: int) -> dict:
    row = (
        await Inspection.select(*views.inspection_columns())
        .where(Inspection.id == inspection_id)
        .first()
        .run()
    )
    return await views.inspection_detail(row, local_today())


async def create_inspection(actor: Actor, data: InspectionIn) -> dict:
    """One planned inspection of an enterprise of the campaign's plan (officer).

    Its day lies within its batch's window, else the campaign's period (400 naming
    ``scheduled_on`` with the range; an earlier day inside it is fine: paper records).
    An enterprise with an open (planned / in_progress) inspection in the campaign gets no
    second one: 409 naming the enterprise and that inspection (checked inside the write
    transaction, so two concurrent requests cannot both pass)."""
    actor.require(Role.officer)
    errors = []
    campaign = (
        await Campaign.select()
        .where(Campaign.id == data.campaign_id, await campaign_condition(actor))
        .first()
        .run()
    )
    if campaign is None:
        raise ValidationFailed.field("campaign_id", "检查活动不存在或不在您的辖区内")
    planned = (
        await CampaignEnterprise.exists()
        .where(
            CampaignEnterprise.campaign == campaign["id"],
            CampaignEnterprise.enterprise == data.enterprise_id,
        )
        .run()
    )
    if not planned:
        errors.append({"key": "enterprise_id", "message": "该企业不在本活动计划内"})
    agency_id = None
    window = None
    if data.batch_id is not None:
        batch = (
            await Batch.select()
            .where(Batch.id == data.batch_id, Batch.campaign == campaign["id"])
            .first()
            .run()
        )
        if batch is None:
            errors.append({"key": "batch_id", "message": "批次不存在或不属于本活动"})
        else:
            agency_id = batch["agency"]
            window = (batch["starts_on"], batch["ends_on"])
            in_batch = (
                await BatchEnterprise.exists()
                .where(
                    BatchEnterprise.batch == batch["id"],
                    BatchEnterprise.enterprise == data.enterprise_id,
                )
                .run()
            )
            if planned and not in_batch:
                errors.append({"key": "enterprise_id", "message": "该企业不在所选批次内"})
    if data.batch_id is None or window is not None:
        period = (campaign["starts_on"], campaign["ends_on"])
        errors += rules.scheduled_on_problems(data.scheduled_on, period, window)
    errors += await checklist_errors(data.checklist_id)
    errors += await check_inspectors(list(data.inspector_ids), agency_id)
    if data.lead_id is not None and data.lead_id not in data.inspector_ids:
        errors.append({"key": "lead_id", "message": "组长须是所列检查人员之一"})
    if errors:
        raise ValidationFailed("检查信息有误", errors)
    group = group_of(list(data.inspector_ids), data.lead_id)
    async with write_transaction():
        await refuse_duplicate(campaign["id"], data.enterprise_id)
        inspection = Inspection(
            kind="campaign",
            campaign=campaign["id"],
            batch=data.batch_id,
            enterprise=data.enterprise_id,
            checklist=data.checklist_id,
            scheduled_on=data.scheduled_on,
            created_by=actor.user_id,
        )
        await inspection.save().run()
        await InspectionInspector.insert(
            *[
                InspectionInspector(inspection=inspection.id, user=u, is_lead=lead)
                for u, lead in group
            ]
        ).run()
        await audit.record(
            actor,
            "inspection.create",
            "inspection",
            inspection.id,
            after=data.model_dump(mode="json"),
        )
    return await _detail(inspection.id)


async def open_inspection(campaign_id: int, enterprise_id: int) -> dict | None:
    """The enterprise's open (planned / in_progress) inspection in the campaign, if any."""
    return (
        await Inspection.select(Inspection.id, Inspection.state, Inspection.scheduled_on)
        .where(
            Inspection.campaign == campaign_id,
            Inspection.enterprise == enterprise_id,
            Inspection.state.is_in(list(rules.OPEN_STATES)),
        )
        .order_by(Inspection.id)
        .first()
        .run()
    )


async def refuse_duplicate(campaign_id: int, enterprise_id: int) -> None:
    """409 naming the enterprise and its open inspection in the campaign (no double
    booking); run inside the write transaction."""
    existing = await open_inspection(campaign_id, enterprise_id)
    if existing is None:
        return
    name = (
        await Enterprise.select(Enterprise.name).where(Enterprise.id == enterprise_id).first().run()
    )
    label = name["name"] if name else str(enterprise_id)
    problem = rules.duplicate_problem(
        label, existing["id"], existing["state"], existing["scheduled_on"]
    )
    raise Conflict(problem["message"], [problem])


@dataclass
class InspectionFilter:
    campaign_id: int | None = None
    batch_id: int | None = None
    enterprise_id: int | None = None
    state: str | None = None
    scheduled_on: dt.date | None = None
    kind: str | None = None


async def list_inspections(
    actor: Actor, flt: InspectionFilter, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """Inspections in the actor's scope, latest day first."""
    conditions = [await inspection_condition(actor)]
    if flt.state is not None:
        if flt.state not in rules.STATES:
            raise ValidationFailed.field("state", "state 须为 " + " / ".join(rules.STATES))
        conditions.append(Inspection.state == flt.state)
    if flt.kind is not None:
        if flt.kind not in ("campaign", "self"):
            raise ValidationFailed.field("kind", "kind 须为 campaign / self")
        conditions.append(Inspection.kind == flt.kind)
    for value, column in (
        (flt.campaign_id, Inspection.campaign),
        (flt.batch_id, Inspection.batch),
        (flt.enterprise_id, Inspection.enterprise),
        (flt.scheduled_on, Inspection.scheduled_on),
    ):
        if value is not None:
            conditions.append(column == value)
    query = Inspection.select(*views.inspection_columns())
    count = Inspection.count()
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    rows = (
        await query.order_by(Inspection.scheduled_on, ascending=False)
        .order_by(Inspection.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )
    return await views.summaries(rows), await count.run()


async def get_inspection(actor: Actor, inspection_id: int) -> dict:
    """The inspection shape (items with results, hazards, signatures); 404 outside scope."""
    row = await inspection_row(actor, inspection_id)
    return await _detail(row["id"])


async def group_row(actor: Actor, inspection_id: int) -> dict:
    """The inspection for a write of whoever walks it (``rules.may_walk``): its expert
    group, or for a self-inspection its enterprise's contact. 403 for other roles (and for
    an enterprise on an inspection that is not its self-inspection), 404 outside scope
    (an inspector not in its group)."""
    actor.require(Role.inspector, Role.enterprise)
    row = await inspection_row(actor, inspection_id)
    member = actor.role == Role.inspector and await in_group(actor, row["id"])
    own = actor.role == Role.enterprise and row["enterprise"] == actor.enterprise_id
    if not rules.may_walk(actor.role.value, kind=row["kind"], in_group=member, own_enterprise=own):
        if actor.role == Role.enterprise:
            raise Forbidden("企业只能填写本企业的自查")
        raise NotFound("检查不存在")
    return row


async def _current(inspection_id: int) -> dict:
    """The row re-read inside the write transaction (writers are serialised there)."""
    return await Inspection.select().where(Inspection.id == inspection_id).first().run()


async def _move(actor: Actor, inspection_id: int, action: str, values: dict, note: dict) -> None:
    row = await _current(inspection_id)
    target = rules.next_state(row["state"], action)
    await (
        Inspection.update(
            {Inspection.state: target, Inspection.version: row["version"] + 1, **values}
        )
        .where(Inspection.id == inspection_id)
        .run()
    )
    await audit.record(
        actor,
        f"inspection.{action}",
        "inspection",
        inspection_id,
        before={"state": row["state"]},
        after={"state": target, **note},
    )


async def start_inspection(actor: Actor, inspection_id: int) -> dict:
    """planned → in_progress (an inspector of its group)."""
    row = await group_row(actor, inspection_id)
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        await _move(actor, row["id"], "start", {Inspection.started_at: now}, {})
    return await _detail(row["id"])


async def cancel_inspection(actor: Actor, inspection_id: int, reason: str) -> dict:
    """planned → cancelled, with a reason (an officer of its subtree)."""
    actor.require(Role.officer)
    row = await inspection_row(actor, inspection_id)
    if not reason.strip():
        raise ValidationFailed.field("reason", "请填写取消原因")
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        await _move(
            actor,
            row["id"],
            "cancel",
            {Inspection.cancelled_at: now, Inspection.cancel_reason: reason.strip()},
            {"reason": reason.strip()},
        )
    return await _detail(row["id"])


async def _answered(inspection_id: int) -> list[int]:
    rows = (
        await ItemResult.select(ItemResult.item).where(ItemResult.inspection == inspection_id).run()
    )
    return [r["item"] for r in rows]


async def submit_inspection(actor: Actor, inspection_id: int) -> dict:
    """in_progress → submitted, when every item is answered and both signatures (or the
    enterprise's recorded refusal) are there; otherwise 409 whose ``extra`` names each
    missing item (``items.<item id>``) and signature (``signatures.inspector``,
    ``signatures.enterprise``). Submitted is immutable."""
    row = await group_row(actor, inspection_id)
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        current = await _current(row["id"])
        rules.next_state(current["state"], "submit")
        items = [
            rules.ChecklistEntry(i["id"], i["code"], i["text"])
            for i in await views.checklist_items(current["checklist"])
        ]
        missing = rules.missing_for_submit(
            items,
            await _answered(row["id"]),
            inspector_signed=bool(current["inspector_signature"]),
            enterprise_signed=bool(current["enterprise_signature"]),
            enterprise_refused=bool(current["enterprise_refused_reason"]),
            self_inspection=current["kind"] == rules.SELF,
        )
        if missing:
            raise Conflict(f"检查尚未完成，还缺 {len(missing)} 项", missing)
        await _move(actor, row["id"], "submit", {Inspection.submitted_at: now}, {})
        if current["kind"] != rules.SELF:  # the notice is handed over at the visit's end
            await announce_hazards(actor, Hazard.inspection == row["id"])
    return await _detail(row["id"])


async def save_results(actor: Actor, inspection_id: int, entries: list[ResultIn]) -> dict:
    """Autosave: store the listed items' results (pass/fail/na + note); the others stay as
    they are. Only while in_progress (else 409 naming the state); an item not on the pinned
    checklist is a 400 naming it (``items.<item id>``) and nothing is saved. An item listed
    twice keeps its last entry (a phone's queue may send one tap after another)."""
    row = await group_row(actor, inspection_id)
    rules.require_editable(row["state"], "检查结果")
    checklist = {
        r["id"]
        for r in await ChecklistItem.select(ChecklistItem.id)
        .where(ChecklistItem.template == row["checklist"])
        .run()
    }
    errors = rules.unknown_items([e.item_id for e in entries], checklist)
    if errors:
        raise ValidationFailed("检查项不在本检查表中", errors)
    wanted = {e.item_id: e for e in entries}
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        current = await _current(row["id"])
        rules.require_editable(current["state"], "检查结果")
        existing = {
            r["item"]: r
            for r in await ItemResult.select()
            .where(ItemResult.inspection == row["id"], ItemResult.item.is_in(list(wanted) or [-1]))
            .run()
        }
        before, after = {}, {}
        for item_id, entry in wanted.items():
            old = existing.get(item_id)
            if old and old["result"] == entry.result and old["note"] == entry.note:
                continue
            if old:
                before[item_id] = {"result": old["result"], "note": old["note"]}
                await (
                    ItemResult.update(
                        {
                            ItemResult.result: entry.result,
                            ItemResult.note: entry.note,
                            ItemResult.updated_at: now,
                        }
                    )
                    .where(ItemResult.id == old["id"])
                    .run()
                )
            else:
                await (
                    ItemResult(
                        inspection=row["id"],
                        item=item_id,
                        result=entry.result,
                        note=entry.note,
                        updated_at=now,
                    )
                    .save()
                    .run()
                )
            after[item_id] = {"result": entry.result, "note": entry.note}
        if after:
            await (
                Inspection.update({Inspection.version: current["version"] + 1})
                .where(Inspection.id == row["id"])
                .run()
            )
            await audit.record(
                actor, "inspection.results", "inspection", row["id"], before=before, after=after
            )
    saved = (
        await ItemResult.select()
        .where(ItemResult.inspection == row["id"], ItemResult.item.is_in(list(wanted) or [-1]))
        .run()
    )
    return {
        "items": [
            {
                "item_id": r["item"],
                "result": r["result"],
                "note": r["note"],
                "updated_at": r["updated_at"],
            }
            for r in saved
        ],
        "items_total": len(checklist),
        "items_answered": len(await _answered(row["id"])),
    }


async def inspector_agenda(actor: Actor, today: dt.date | None = None) -> dict:
    """The inspector's list (今日待检): ``now`` = inspections in progress, then planned ones
    due today or overdue (oldest first); ``later`` = planned ones still to come."""
    actor.require(Role.inspector)
    today = today or local_today()
    rows = (
        await Inspection.select(*views.inspection_columns())
        .where(
            await inspection_condition(actor),
            Inspection.state.is_in(["planned", "in_progress"]),
        )
        .order_by(Inspection.scheduled_on)
        .order_by(Inspection.id)
        .run()
    )
    items = await views.summaries(rows)
    started = [i for i in items if i["state"] == "in_progress"]
    due = [i for i in items if i["state"] == "planned" and i["scheduled_on"] <= today]
    later = [i for i in items if i["state"] == "planned" and i["scheduled_on"] > today]
    return {"now": started + due, "later": later}
