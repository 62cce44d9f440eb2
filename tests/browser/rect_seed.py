"""Seed one open major hazard for the demo enterprise into a live server's database:
``python -m tests.browser.rect_seed`` with the server's DATABASE_URL; prints the hazard id.
Made through the real services (campaign → batch → inspection → hazard), by the demo's
officer and inspector, so scope and the timeline are as in use."""

from __future__ import annotations

import asyncio
import datetime as dt

from inspections import services
from inspections.schemas import BatchIn, BatchInspectionsIn, CampaignIn, HazardIn
from inspections.services.photos import add_hazard_photo
from inspections.tables import ChecklistTemplate
from safety.auth import actor_from_user
from safety.db import close_pool, open_pool
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
    today = dt.date.today()
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


async def main() -> None:
    await open_pool()
    try:
        print(await seed())
    finally:
        await close_pool()


if __name__ == "__main__":
    asyncio.run(main())
