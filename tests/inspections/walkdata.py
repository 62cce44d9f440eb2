"""Rows for the inspector's page tests: a small checklist (two sections, three items, one
a major-hazard criterion) and inspections of the World's enterprise assigned to the
World's inspector, inserted directly (the campaign services have their own tests)."""

from __future__ import annotations

import datetime as dt

from inspections.tables import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Inspection,
    InspectionInspector,
)
from safety.settings import local_today
from safety.tables import Campaign
from tests import factories as f


async def checklist() -> dict:
    t = ChecklistTemplate(code=f"T{f.n()}", name="页面测试检查表", domain="通用")
    await t.save().run()
    items = []
    spec = [
        (
            "一、安全管理",
            [
                (
                    "1.1",
                    "建立安全生产责任制",
                    "《安全生产法》第二十二条",
                    "management",
                    "制度/培训",
                    "general",
                )
            ],
        ),
        (
            "二、现场",
            [
                (
                    "2.1",
                    "配电箱门完好、有警示标识",
                    "GB 50054-2011 第4.2.1条",
                    "site",
                    "电气",
                    "general",
                ),
                (
                    "2.2",
                    "粉尘爆炸危险场所未使用防爆电气",
                    "GB 15577-2018 第6.1条",
                    "site",
                    "粉尘",
                    "major",
                ),
            ],
        ),
    ]
    for s_pos, (title, rows) in enumerate(spec):
        s = ChecklistSection(template=t.id, title=title, position=s_pos)
        await s.save().run()
        for pos, (code, text, basis, cat, sub, level) in enumerate(rows):
            it = ChecklistItem(
                template=t.id,
                section=s.id,
                code=code,
                text=text,
                legal_basis=basis,
                category=cat,
                subcategory=sub,
                default_level=level,
                position=pos,
            )
            await it.save().run()
            items.append(it.to_dict())
    return {"id": t.id, "items": items}


async def inspection(
    w, inspector: dict | None = None, state: str = "in_progress", foreign: bool = False, **kw
) -> dict:
    """An inspection of the World's enterprise by ``inspector`` (the World's by default);
    ``foreign``: of the other street's enterprise, by another inspector."""
    today = local_today()
    tree = w.foreign_tree if foreign else w.tree
    enterprise = w.foreign_enterprise if foreign else w.enterprise
    if foreign and inspector is None:
        inspector = await f.user("inspector", agency_id=w.agency["id"])
    c = Campaign(
        name=f"页面测试活动{f.n()}",
        kind="third_party",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=30),
        org_unit=tree["street"]["id"],
    )
    await c.save().run()
    cl = await checklist()
    row = Inspection(
        campaign=c.id,
        enterprise=enterprise["id"],
        checklist=cl["id"],
        state=state,
        scheduled_on=kw.pop("scheduled_on", today),
        started_at=dt.datetime.now(dt.UTC) if state == "in_progress" else None,
        **kw,
    )
    await row.save().run()
    who = inspector or w.inspector
    await InspectionInspector(inspection=row.id, user=who["id"], is_lead=True).save().run()
    return {"id": row.id, "campaign_id": c.id, "items": cl["items"]}
