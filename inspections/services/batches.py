"""Batches (批次): part of a campaign's plan for an agency's expert group, and the batch's
inspections created in one action.

Decisions where the contract is silent: a batch's window lies inside the campaign's
period; its enterprises come from the plan, each in at most one batch of the campaign (a
second one: 409); its inspectors are active inspectors of the batch's agency (when it has
one). Creating a batch's inspections makes one for every enterprise of the batch that has no
inspection in the campaign yet, cancelled ones aside (so a second call creates 0, and an
enterprise whose visit was cancelled gets a new one).

A finished campaign (today after its last day, ``rules.ended_campaign_refusal``) gets no
new batch and no new generated inspections: 409 naming its end date. Back-dated paper
entry is not hindered by this: the visits it records were planned while the campaign ran,
and those planned inspections stay and can still be walked or entered afterwards.
"""

from __future__ import annotations

from typing import Any

from inspections import rules
from inspections.schemas import BatchIn, BatchInspectionsIn
from inspections.services import views
from inspections.services.campaigns import batches_of, ids_message
from inspections.services.scope import campaign_row, is_row_id
from inspections.tables import ChecklistTemplate, Inspection, InspectionInspector
from safety import audit
from safety.actors import Actor
from safety.db import write_transaction
from safety.errors import Conflict, NotFound, ValidationFailed
from safety.settings import local_today
from safety.tables import (
    Agency,
    Batch,
    BatchEnterprise,
    BatchInspector,
    CampaignEnterprise,
    Role,
    User,
)


async def check_inspectors(
    ids: list[int], agency_id: int | None, key: str = "inspector_ids"
) -> list[dict[str, str]]:
    if not ids:
        return []
    rows = (
        await User.select(User.id, User.agency)
        .where(User.id.is_in(ids), User.role == Role.inspector, User.active == True)  # noqa: E712
        .run()
    )
    ok = {r["id"] for r in rows if agency_id is None or r["agency"] == agency_id}
    bad = [i for i in dict.fromkeys(ids) if i not in ok]
    if not bad:
        return []
    shown = ids_message(bad)
    if agency_id is not None:
        return [{"key": key, "message": f"不是本机构的在岗检查人员: {shown}"}]
    return [{"key": key, "message": f"不是在岗检查人员: {shown}"}]


def _lead_errors(ids: list[int], lead_id: int | None) -> list[dict[str, str]]:
    if lead_id is not None and lead_id not in ids:
        return [{"key": "lead_id", "message": "组长须是所列检查人员之一"}]
    return []


def group_of(ids: list[int], lead_id: int | None) -> list[tuple[int, bool]]:
    """(user id, is lead) for an expert group: the lead is ``lead_id`` or the first."""
    unique = list(dict.fromkeys(ids))
    lead = lead_id if lead_id is not None else (unique[0] if unique else None)
    return [(i, i == lead) for i in unique]


def _refuse_if_ended(ends_on: Any, action: str) -> None:
    """409 naming the end date when the campaign has ended (nothing is written)."""
    message = rules.ended_campaign_refusal(ends_on, local_today(), action)
    if message is not None:
        raise Conflict(message, [{"key": "_", "message": message}])


async def add_batch(actor: Actor, campaign_id: int, data: BatchIn) -> dict:
    """Give part of the plan to an agency's expert group (lead + members)."""
    campaign = await campaign_row(actor, campaign_id)
    _refuse_if_ended(campaign["ends_on"], "新建批次")
    errors = []
    if not data.name.strip():
        errors.append({"key": "name", "message": "批次名称不能为空"})
    errors += rules.check_window(
        data.starts_on, data.ends_on, campaign["starts_on"], campaign["ends_on"]
    )
    if data.agency_id is not None:
        agency = await Agency.select().where(Agency.id == data.agency_id).first().run()
        if agency is None or not agency["active"]:
            errors.append({"key": "agency_id", "message": "第三方机构不存在或已停用"})
    ids = list(dict.fromkeys(data.enterprise_ids))
    if ids:
        rows = (
            await CampaignEnterprise.select(CampaignEnterprise.enterprise)
            .where(
                CampaignEnterprise.campaign == campaign_id,
                CampaignEnterprise.enterprise.is_in(ids),
            )
            .run()
        )
        planned = {r["enterprise"] for r in rows}
        bad = [i for i in ids if i not in planned]
        if bad:
            errors.append(
                {"key": "enterprise_ids", "message": f"不在本活动计划内: {ids_message(bad)}"}
            )
    errors += await check_inspectors(list(data.inspector_ids), data.agency_id)
    errors += _lead_errors(list(data.inspector_ids), data.lead_id)
    if errors:
        raise ValidationFailed("批次信息有误", errors)
    name = data.name.strip()
    async with write_transaction():
        if await Batch.exists().where(Batch.campaign == campaign_id, Batch.name == name).run():
            raise Conflict(f"本活动已有批次 {name}", [{"key": "name", "message": "批次名称重复"}])
        if ids:
            taken = (
                await BatchEnterprise.select(BatchEnterprise.enterprise)
                .where(
                    BatchEnterprise.enterprise.is_in(ids),
                    BatchEnterprise.batch.is_in(
                        Batch.select(Batch.id).where(Batch.campaign == campaign_id)
                    ),
                )
                .run()
            )
            if taken:
                raise Conflict(
                    "部分企业已分配到本活动的其他批次",
                    [
                        {
                            "key": "enterprise_ids",
                            "message": "已在其他批次: "
                            + ids_message([t["enterprise"] for t in taken]),
                        }
                    ],
                )
        batch = Batch(
            campaign=campaign_id,
            name=name,
            agency=data.agency_id,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
        )
        await batch.save().run()
        if ids:
            await BatchEnterprise.insert(
                *[BatchEnterprise(batch=batch.id, enterprise=i) for i in ids]
            ).run()
        group = group_of(list(data.inspector_ids), data.lead_id)
        if group:
            await BatchInspector.insert(
                *[BatchInspector(batch=batch.id, user=u, is_lead=lead) for u, lead in group]
            ).run()
        await audit.record(
            actor, "batch.create", "batch", batch.id, after=data.model_dump(mode="json")
        )
    return next(b for b in await batches_of(campaign_id) if b["id"] == batch.id)


async def checklist_errors(checklist_id: int, key: str = "checklist_id") -> list[dict[str, str]]:
    row = (
        await ChecklistTemplate.select(ChecklistTemplate.published)
        .where(ChecklistTemplate.id == checklist_id)
        .first()
        .run()
    )
    if row is None or not row["published"]:
        return [{"key": key, "message": f"检查表 {checklist_id} 不存在或未发布"}]
    return []


async def create_batch_inspections(actor: Actor, batch_id: int, data: BatchInspectionsIn) -> dict:
    """A planned inspection for each enterprise of the batch that has none in the campaign
    yet (cancelled ones aside), the batch's inspectors as the group, on a day inside the
    batch's window (else 400 naming ``scheduled_on`` with the window). Idempotent: a second
    call creates 0. An enterprise that has one (open or done) is skipped, never doubled,
    and named: ``{"created": N, "items": [the new inspections], "skipped": [{enterprise_id,
    enterprise_name, inspection_id, state, scheduled_on}]}``."""
    actor.require(Role.officer)
    batch = None
    if is_row_id(batch_id):
        batch = await Batch.select().where(Batch.id == batch_id).first().run()
    if batch is None:
        raise NotFound("批次不存在")
    try:
        campaign = await campaign_row(actor, batch["campaign"])
    except NotFound as exc:
        raise NotFound("批次不存在") from exc
    _refuse_if_ended(campaign["ends_on"], "生成检查任务")
    errors = await checklist_errors(data.checklist_id)
    errors += rules.scheduled_on_problems(
        data.scheduled_on,
        (batch["starts_on"], batch["ends_on"]),
        (batch["starts_on"], batch["ends_on"]),
    )
    if errors:
        raise ValidationFailed("检查任务信息有误", errors)
    group = [
        (r["user"], r["is_lead"])
        for r in await BatchInspector.select()
        .where(BatchInspector.batch == batch_id)
        .order_by(BatchInspector.id)
        .run()
    ]
    if not group:
        raise Conflict(
            "该批次还没有检查人员",
            [{"key": "inspector_ids", "message": "请先为批次指定检查人员"}],
        )
    created: list[int] = []
    skipped: list[dict] = []
    async with write_transaction():
        # Touching the batch first queues two concurrent calls one behind the other, so
        # the second sees the first's inspections and creates none.
        await Batch.update({Batch.version: Batch.version + 1}).where(Batch.id == batch_id).run()
        enterprises = [
            r["enterprise"]
            for r in await BatchEnterprise.select(BatchEnterprise.enterprise)
            .where(BatchEnterprise.batch == batch_id)
            .order_by(BatchEnterprise.id)
            .run()
        ]
        existing: dict[int, dict] = {}
        for r in (
            await Inspection.select(
                Inspection.id,
                Inspection.enterprise,
                Inspection.enterprise.name.as_alias("enterprise_name"),
                Inspection.state,
                Inspection.scheduled_on,
            )
            .where(
                Inspection.campaign == batch["campaign"],
                Inspection.enterprise.is_in(enterprises or [-1]),
                Inspection.state != "cancelled",
            )
            .order_by(Inspection.id)
            .run()
        ):
            existing.setdefault(r["enterprise"], r)
        for enterprise_id in enterprises:
            if enterprise_id in existing:
                skipped.append(existing[enterprise_id])
                continue
            inspection = Inspection(
                kind="campaign",
                campaign=batch["campaign"],
                batch=batch_id,
                enterprise=enterprise_id,
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
                after=_created(inspection, group),
            )
            created.append(inspection.id)
    rows = (
        await Inspection.select(*views.inspection_columns())
        .where(Inspection.id.is_in(created or [-1]))
        .order_by(Inspection.id)
        .run()
    )
    return {
        "created": len(created),
        "items": await views.summaries(rows),
        "skipped": [
            {
                "enterprise_id": r["enterprise"],
                "enterprise_name": r["enterprise_name"],
                "inspection_id": r["id"],
                "state": r["state"],
                "scheduled_on": r["scheduled_on"],
            }
            for r in skipped
        ],
    }


def _created(inspection: Inspection, group: list[tuple[int, bool]]) -> dict[str, Any]:
    return {
        "campaign": inspection.campaign,
        "batch": inspection.batch,
        "enterprise": inspection.enterprise,
        "checklist": inspection.checklist,
        "scheduled_on": inspection.scheduled_on.isoformat(),
        "inspectors": [u for u, _ in group],
        "lead": next((u for u, lead in group if lead), None),
    }
