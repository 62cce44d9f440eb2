"""A campaign with six weeks of history, for the figures pages' tests and screenshots.

Real rows of the real tables, written with their history back-dated (inspections
submitted on past days, hazards entered on past days and moved through their life cycle
on later days, an extension approved, one voided, one paper record entered days after
its visit), which the services cannot do since they stamp "now". Deterministic.

``python -m tests.rectification.figures_seed`` seeds a live demo database (the
server's DATABASE_URL): a second campaign over 24 of the demo street's enterprises.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from zoneinfo import ZoneInfo

from inspections.tables import (
    ChecklistTemplate,
    Hazard,
    HazardTransition,
    Inspection,
    InspectionInspector,
)
from rectification.tables import ExtensionRequest
from safety.settings import get_settings, local_today
from safety.tables import (
    Batch,
    BatchEnterprise,
    BatchInspector,
    Campaign,
    CampaignEnterprise,
    Enterprise,
    OrgUnit,
    User,
)

SUBS = (
    "电气",
    "消防",
    "机械",
    "特种设备",
    "危化品",
    "有限空间",
    "粉尘",
    "作业环境",
    "制度/培训",
    "应急",
)
TEXTS = {
    "电气": "配电箱未上锁，箱内积尘",
    "消防": "灭火器压力不足，疏散通道堆放杂物",
    "机械": "冲床防护罩缺失",
    "特种设备": "叉车未年检",
    "危化品": "油漆稀释剂未存放于专用柜",
    "有限空间": "污水井未设警示标志",
    "粉尘": "打磨工位除尘器未开启",
    "作业环境": "车间照明不足",
    "制度/培训": "三级安全教育记录不全",
    "应急": "应急预案未演练",
}


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """``hour`` o'clock local time on ``day`` as an aware UTC instant."""
    zone = ZoneInfo(get_settings().timezone)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone).astimezone(dt.UTC)


async def _transition(hazard_id: int, frm: str, to: str, when: dt.datetime, actor: int) -> None:
    await (
        HazardTransition(hazard=hazard_id, from_status=frm, to_status=to, at=when, actor=actor)
        .save()
        .run()
    )


async def seed_campaign(
    *,
    officer: dict,
    street_id: int,
    agency_id: int | None,
    inspector_ids: list[int],
    enterprise_ids: list[int],
    checklist_id: int,
    today: dt.date | None = None,
    name: str = "秋季安全生产专项整治",
    seed: int = 7,
) -> dict:
    """A campaign that started 42 days before ``today`` and ends 18 days after, with the
    enterprises in two batches; all but the last three inspected on past days; 1–4
    hazards each, of every fate. Returns ``{"campaign": id, "batches": [ids]}``."""
    rnd = random.Random(seed)
    today = today or local_today()
    start = today - dt.timedelta(days=42)
    campaign = Campaign(
        name=name,
        kind="special_rectification",
        starts_on=start,
        ends_on=today + dt.timedelta(days=18),
        org_unit=street_id,
        created_by=officer["id"],
        created_at=at(start - dt.timedelta(days=3)),
    )
    await campaign.save().run()
    half = len(enterprise_ids) // 2
    batches = []
    for b, (label, ents) in enumerate(
        (("第一批次", enterprise_ids[:half]), ("第二批次", enterprise_ids[half:]))
    ):
        batch = Batch(
            campaign=campaign.id,
            name=label,
            agency=agency_id if b == 0 else None,
            starts_on=start + dt.timedelta(days=14 * b),
            ends_on=start + dt.timedelta(days=14 * b + 30),
        )
        await batch.save().run()
        batches.append(batch.id)
        for i, uid in enumerate(inspector_ids):
            await BatchInspector(batch=batch.id, user=uid, is_lead=i == 0).save().run()
        for e in ents:
            await CampaignEnterprise(campaign=campaign.id, enterprise=e).save().run()
            await BatchEnterprise(batch=batch.id, enterprise=e).save().run()
    for k, e in enumerate(enterprise_ids):
        batch_id = batches[0] if k < half else batches[1]
        day = start + dt.timedelta(days=2 + (k * 37) // max(1, len(enterprise_ids)))
        submitted = k < len(enterprise_ids) - 3
        state = "submitted" if submitted else ("in_progress" if k % 2 else "planned")
        inspection = Inspection(
            kind="campaign",
            campaign=campaign.id,
            batch=batch_id,
            enterprise=e,
            checklist=checklist_id,
            state=state,
            scheduled_on=day,
            started_at=at(day, 9) if state != "planned" else None,
            submitted_at=at(day, 16) if submitted else None,
            created_by=officer["id"],
            created_at=at(start),
        )
        await inspection.save().run()
        for i, uid in enumerate(inspector_ids):
            await (
                InspectionInspector(inspection=inspection.id, user=uid, is_lead=i == 0).save().run()
            )
        if not submitted:
            continue
        for j in range(rnd.randint(1, 4)):
            await _hazard(rnd, officer, inspection, e, campaign.id, day, today, k, j)
    return {"campaign": campaign.id, "batches": batches}


async def _hazard(rnd, officer, inspection, enterprise_id, campaign_id, day, today, k, j):
    sub = SUBS[(k * 3 + j) % len(SUBS)]
    major = (k + j) % 7 == 3
    deadline = day + dt.timedelta(days=60 if major else 15)
    entered = day + dt.timedelta(days=6) if (k, j) == (1, 1) else day  # a paper record
    fate = rnd.choice(("closed", "closed", "closed_late", "open", "rectifying", "submitted"))
    if (k, j) == (2, 0):
        fate = "voided"
    if (k, j) == (4, 0):
        fate = "extended"
    hazard = Hazard(
        inspection=inspection.id,
        enterprise=enterprise_id,
        campaign=campaign_id,
        source="inspection",
        description=TEXTS[sub],
        location="生产车间",
        category="management" if sub == "制度/培训" else "site",
        subcategory=sub,
        level="major" if major else "general",
        major_basis="工贸企业重大事故隐患判定标准 第三条" if major else "",
        legal_basis="《安全生产法》第四十一条",
        suggestion="立即整改",
        found_on=day,
        deadline=deadline,
        effective_deadline=deadline,
        status="pending",
        created_by=officer["id"],
        created_at=at(entered, 15),
    )
    await hazard.save().run()
    hid, who = hazard.id, officer["id"]
    await _transition(hid, "", "pending", at(entered, 15), who)
    status, effective = "pending", deadline
    rectified_on, closed_at = None, None

    def when(days: int) -> dt.date:
        return min(today, day + dt.timedelta(days=days))

    if fate == "voided":
        await _transition(hid, "pending", "voided", at(when(5)), who)
        status = "voided"
    elif fate == "extended":
        new = deadline + dt.timedelta(days=20)
        await (
            ExtensionRequest(
                hazard=hid,
                new_deadline=new,
                reason="等待备件",
                status="approved",
                requested_at=at(when(8)),
                decided_by=who,
                decided_at=at(when(9)),
            )
            .save()
            .run()
        )
        effective = new
        await _transition(hid, "pending", "rectifying", at(when(3)), who)
        status = "rectifying"
    elif fate in ("closed", "closed_late"):
        span = rnd.randint(3, 12) if fate == "closed" else (deadline - day).days + 4
        done, verified = when(span), when(span + 2)
        if done > today - dt.timedelta(days=2):
            status = "rectifying"
            await _transition(hid, "pending", "rectifying", at(when(2)), who)
        else:
            await _transition(hid, "pending", "submitted", at(done, 11), who)
            await _transition(hid, "submitted", "closed", at(verified, 14), who)
            status, rectified_on, closed_at = "closed", done, at(verified, 14)
    elif fate == "rectifying":
        await _transition(hid, "pending", "rectifying", at(when(2)), who)
        status = "rectifying"
    elif fate == "submitted":
        await _transition(hid, "pending", "submitted", at(when(4)), who)
        status = "submitted"
    await (
        Hazard.update(
            {
                Hazard.status: status,
                Hazard.effective_deadline: effective,
                Hazard.rectified_on: rectified_on,
                Hazard.closed_at: closed_at,
            }
        )
        .where(Hazard.id == hid)
        .run()
    )


async def seed_demo() -> int:
    """A second campaign in the demo street over 24 enterprises that the demo's live
    campaign does not plan."""
    officer = await User.select().where(User.username == "officer").first().run()
    inspectors = await User.select(User.id).where(User.role == "inspector").run()
    agency = await User.select(User.agency).where(User.username == "inspector").first().run()
    street = await OrgUnit.select().where(OrgUnit.id == officer["org_unit"]).first().run()
    planned = CampaignEnterprise.select(CampaignEnterprise.enterprise)
    ents = (
        await Enterprise.select(Enterprise.id)
        .where(Enterprise.id.not_in(planned))
        .order_by(Enterprise.id)
        .limit(24)
        .run()
    )
    template = await ChecklistTemplate.select(ChecklistTemplate.id).first().run()
    made = await seed_campaign(
        officer=officer,
        street_id=street["id"],
        agency_id=agency["agency"],
        inspector_ids=[u["id"] for u in inspectors],
        enterprise_ids=[e["id"] for e in ents],
        checklist_id=template["id"],
    )
    return made["campaign"]


async def _main() -> None:
    from safety.db import close_pool, open_pool

    await open_pool()
    try:
        print(await seed_demo())
    finally:
        await close_pool()


if __name__ == "__main__":
    asyncio.run(_main())
