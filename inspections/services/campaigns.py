"""Campaigns (专项行动/检查活动): the officer's plan of enterprises; batches are in
``inspections.services.batches``.

Decision where the contract is silent: every planned enterprise lies in the campaign's org
unit subtree, which lies in the officer's; one outside is a 400 naming ``enterprise_ids`` /
``enterprise_codes``.
"""

from __future__ import annotations

from collections import defaultdict

from piccolo.query.functions.aggregate import Count

from inspections import rules
from inspections.schemas import CampaignIn
from inspections.services.scope import campaign_condition, campaign_row
from inspections.tables import Inspection
from safety import audit
from safety.actors import Actor
from safety.db import contains, write_transaction
from safety.errors import ValidationFailed
from safety.rules import normalise_uscc
from safety.tables import (
    Batch,
    BatchEnterprise,
    BatchInspector,
    Campaign,
    CampaignEnterprise,
    Enterprise,
    OrgUnit,
    Role,
)


def ids_message(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:20])
    # no words: the list goes into Chinese and English messages alike
    return shown + (f", … ({len(ids)})" if len(ids) > 20 else "")


async def _unit_in_scope(actor: Actor, org_unit_id: int) -> dict | None:
    from inspections.services.scope import officer_units

    units = await officer_units(actor)
    if units is None:
        return None
    return (
        await OrgUnit.select()
        .where(OrgUnit.id == org_unit_id, OrgUnit.id.is_in(units))
        .first()
        .run()
    )


async def _plan_enterprises(
    unit: dict, ids: list[int], codes: list[str]
) -> tuple[list[int], list[dict[str, str]]]:
    """The planned enterprise ids (deduplicated, in the order given) and the errors."""
    errors = []
    inside = Enterprise.org_unit.is_in(
        OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(unit["path"] + "%"))
    )
    found: list[int] = []
    if ids:
        rows = await Enterprise.select(Enterprise.id).where(Enterprise.id.is_in(ids), inside).run()
        ok = {r["id"] for r in rows}
        bad = [i for i in dict.fromkeys(ids) if i not in ok]
        if bad:
            errors.append(
                {
                    "key": "enterprise_ids",
                    "message": f"企业不存在或不在活动范围内: {ids_message(bad)}",
                }
            )
        found.extend(i for i in ids if i in ok)
    if codes:
        wanted = [normalise_uscc(c) for c in codes]
        rows = (
            await Enterprise.select(Enterprise.id, Enterprise.uscc)
            .where(Enterprise.uscc.is_in(wanted), inside)
            .run()
        )
        by_code = {r["uscc"]: r["id"] for r in rows}
        bad_codes = [c for c in dict.fromkeys(wanted) if c not in by_code]
        if bad_codes:
            errors.append(
                {
                    "key": "enterprise_codes",
                    "message": "统一社会信用代码不存在或不在活动范围内: "
                    + ", ".join(bad_codes[:20]),
                }
            )
        found.extend(by_code[c] for c in wanted if c in by_code)
    return list(dict.fromkeys(found)), errors


async def create_campaign(actor: Actor, data: CampaignIn) -> dict:
    """Create a campaign with its plan of enterprises (officer, within their subtree)."""
    actor.require(Role.officer)
    days = data.deadline_days.model_dump()
    errors = rules.check_campaign(data.name, data.kind, data.starts_on, data.ends_on, days)
    unit = await _unit_in_scope(actor, data.org_unit_id)
    if unit is None:
        errors.append({"key": "org_unit_id", "message": "单位不存在或不在您的辖区内"})
    else:
        ids, plan_errors = await _plan_enterprises(
            unit, list(data.enterprise_ids), list(data.enterprise_codes)
        )
        errors.extend(plan_errors)
    if errors:
        raise ValidationFailed("检查活动信息有误", errors)
    async with write_transaction():
        campaign = Campaign(
            name=data.name.strip(),
            kind=data.kind,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            org_unit=unit["id"],
            general_deadline_days=days["general"],
            major_deadline_days=days["major"],
            description=data.description,
            created_by=actor.user_id,
        )
        await campaign.save().run()
        if ids:
            await CampaignEnterprise.insert(
                *[CampaignEnterprise(campaign=campaign.id, enterprise=i) for i in ids]
            ).run()
        after = {**data.model_dump(mode="json"), "enterprise_ids": ids}
        await audit.record(actor, "campaign.create", "campaign", campaign.id, after=after)
    return await get_campaign(actor, campaign.id)


def _campaign_out(row: dict, planned: int) -> dict:
    return {
        **row,
        "org_unit_id": row["org_unit"],
        "deadline_days": {
            "general": row["general_deadline_days"],
            "major": row["major_deadline_days"],
        },
        "enterprises_planned": planned,
    }


async def _planned_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = (
        await CampaignEnterprise.select(CampaignEnterprise.campaign, Count(alias="n"))
        .where(CampaignEnterprise.campaign.is_in(ids))
        .group_by(CampaignEnterprise.campaign)
        .run()
    )
    return {r["campaign"]: r["n"] for r in rows}


def _campaign_columns() -> tuple:
    return (*Campaign.all_columns(), Campaign.org_unit.name.as_alias("org_unit_name"))


async def list_campaigns(
    actor: Actor, q: str | None = None, kind: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[dict], int]:
    """The officer's campaigns, newest first; ``q`` searches the name."""
    conditions = [await campaign_condition(actor)]
    if q and q.strip():
        conditions.append(contains(q, Campaign.name))
    if kind:
        if kind not in rules.CAMPAIGN_KINDS:
            raise ValidationFailed.field("kind", "kind 须为 " + " / ".join(rules.CAMPAIGN_KINDS))
        conditions.append(Campaign.kind == kind)
    query = Campaign.select(*_campaign_columns())
    count = Campaign.count()
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    rows = (
        await query.order_by(Campaign.starts_on, ascending=False)
        .order_by(Campaign.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .run()
    )
    planned = await _planned_counts([r["id"] for r in rows])
    return [_campaign_out(r, planned.get(r["id"], 0)) for r in rows], await count.run()


async def batches_of(campaign_id: int) -> list[dict]:
    rows = (
        await Batch.select(*Batch.all_columns(), Batch.agency.name.as_alias("agency_name"))
        .where(Batch.campaign == campaign_id)
        .order_by(Batch.starts_on)
        .order_by(Batch.id)
        .run()
    )
    ids = [r["id"] for r in rows]
    enterprises: dict[int, list[int]] = defaultdict(list)
    inspectors: dict[int, list[dict]] = defaultdict(list)
    if ids:
        for r in (
            await BatchEnterprise.select()
            .where(BatchEnterprise.batch.is_in(ids))
            .order_by(BatchEnterprise.id)
            .run()
        ):
            enterprises[r["batch"]].append(r["enterprise"])
        for r in (
            await BatchInspector.select(
                BatchInspector.batch,
                BatchInspector.user.as_alias("id"),
                BatchInspector.user.display_name.as_alias("display_name"),
                BatchInspector.is_lead,
            )
            .where(BatchInspector.batch.is_in(ids))
            .order_by(BatchInspector.is_lead, ascending=False)
            .order_by(BatchInspector.id)
            .run()
        ):
            inspectors[r["batch"]].append(
                {"id": r["id"], "display_name": r["display_name"] or "", "is_lead": r["is_lead"]}
            )
    return [
        {
            **r,
            "campaign_id": r["campaign"],
            "agency_id": r["agency"],
            "enterprise_ids": enterprises.get(r["id"], []),
            "inspectors": inspectors.get(r["id"], []),
        }
        for r in rows
    ]


async def get_campaign(actor: Actor, campaign_id: int) -> dict:
    """A campaign with its batches and, for each planned enterprise, its batch and the
    state of its latest inspection in the campaign."""
    row = await campaign_row(actor, campaign_id)
    row = await Campaign.select(*_campaign_columns()).where(Campaign.id == row["id"]).first().run()
    plan = (
        await CampaignEnterprise.select(
            CampaignEnterprise.enterprise.as_alias("enterprise_id"),
            CampaignEnterprise.enterprise.name.as_alias("enterprise_name"),
            CampaignEnterprise.enterprise.org_unit.as_alias("org_unit_id"),
        )
        .where(CampaignEnterprise.campaign == campaign_id)
        .order_by(CampaignEnterprise.id)
        .run()
    )
    batches = await batches_of(campaign_id)
    batch_of = {e: b for b in batches for e in b["enterprise_ids"]}
    latest: dict[int, dict] = {}
    for i in (
        await Inspection.select(
            Inspection.id, Inspection.enterprise, Inspection.state, Inspection.scheduled_on
        )
        .where(Inspection.campaign == campaign_id)
        .order_by(Inspection.id)
        .run()
    ):
        if i["state"] != "cancelled" or i["enterprise"] not in latest:
            latest[i["enterprise"]] = i
    enterprises = []
    for p in plan:
        batch = batch_of.get(p["enterprise_id"])
        inspection = latest.get(p["enterprise_id"])
        enterprises.append(
            {
                **p,
                "batch_id": batch["id"] if batch else None,
                "batch_name": batch["name"] if batch else None,
                "inspection_id": inspection["id"] if inspection else None,
                "inspection_state": inspection["state"] if inspection else None,
                "scheduled_on": inspection["scheduled_on"] if inspection else None,
            }
        )
    return {**_campaign_out(row, len(plan)), "batches": batches, "enterprises": enterprises}
