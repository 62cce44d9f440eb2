"""Seed one open major hazard for the demo enterprise into a live server's database:
``python -m tests.browser.rect_seed`` with the server's DATABASE_URL; prints the hazard id.
Made through the real services (campaign → batch → inspection → hazard), by the demo's
officer and inspector, so scope and the timeline are as in use."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys

from inspections import services
from inspections.schemas import BatchIn, BatchInspectionsIn, CampaignIn, HazardIn
from inspections.services.photos import add_hazard_photo
from inspections.tables import ChecklistTemplate
from safety.actors import actor_from_user
from safety.db import close_pool, open_pool
from safety.settings import local_today
from safety.tables import Agency, Enterprise, OrgUnit, User
from tests.inspections.factories import jpeg


async def _user(username: str) -> dict:
    return await User.select().where(User.username == username).first().run()


async def seed() -> int:
    officer, inspector, contact = (
        await _user("officer"),
        await _user("inspector"),
        await _user("enterprise"),
    )
    ent = await Enterprise.select().where(Enterprise.id == contact["enterprise"]).first().run()
    street = await OrgUnit.select().where(OrgUnit.id == officer["org_unit"]).first().run()
    agency = await Agency.select().first().run()
    published = ChecklistTemplate.published.eq(True)
    template = await ChecklistTemplate.select().where(published).first().run()
    today = local_today()
    off, ins = actor_from_user(officer), actor_from_user(inspector)
    camp = await services.create_campaign(
        off,
        CampaignIn(
            name="整改闭环演示",
            kind="third_party",
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=30),
            org_unit_id=street["id"],
            enterprise_ids=[ent["id"]],
        ),
    )
    batch = await services.add_batch(
        off,
        camp["id"],
        BatchIn(
            name="第一批次",
            agency_id=agency["id"],
            enterprise_ids=[ent["id"]],
            inspector_ids=[inspector["id"]],
            starts_on=today - dt.timedelta(days=5),
            ends_on=today + dt.timedelta(days=5),
        ),
    )
    made = await services.create_batch_inspections(
        off, batch["id"], BatchInspectionsIn(checklist_id=template["id"], scheduled_on=today)
    )
    inspection = made["items"][0]
    await services.start_inspection(ins, inspection["id"])
    hazard = await services.log_hazard(
        ins,
        inspection["id"],
        HazardIn(
            description="喷漆房防爆电机接线盒盖缺失",
            location="二号车间喷漆房",
            level="major",
            category="site",
            subcategory="电气",
            legal_basis="GB 50058-2014 第5.2.2条",
            major_basis="工贸行业重大生产安全事故隐患判定标准 第二条",
            suggestion="立即停用并更换防爆接线盒盖，整改前设置警戒",
        ),
    )
    await add_hazard_photo(ins, hazard["id"], jpeg(640, 480), "before.jpg", "problem")
    return hazard["id"]


async def submitted(hazard_id: int) -> None:
    """The demo contact's 五落实 plan and evidence with an after-photo: 待验收."""
    from rectification import services as rect
    from rectification.schemas import PlanIn, SubmissionIn

    contact = actor_from_user(await _user("enterprise"))
    today = local_today()
    await rect.save_plan(
        contact,
        hazard_id,
        PlanIn(
            responsible_person="刘洋",
            measures="停用喷漆房，更换防爆接线盒盖并复测接地",
            funds="3000元，企业自筹",
            deadline=today + dt.timedelta(days=3),
            contingency_plan="设置警戒区，配备灭火器，专人值守",
        ),
    )
    photo = await add_hazard_photo(contact, hazard_id, jpeg(320, 240), "after.jpg", "rectified")
    await rect.submit_evidence(
        contact,
        hazard_id,
        SubmissionIn(
            description="已更换防爆接线盒盖，接地电阻复测合格",
            completed_on=today,
            photo_ids=[photo["id"]],
        ),
    )


async def main() -> None:
    await open_pool()
    try:
        hazard_id = await seed()
        if "--submitted" in sys.argv:
            await submitted(hazard_id)
        print(hazard_id)
    finally:
        await close_pool()


if __name__ == "__main__":
    asyncio.run(main())
