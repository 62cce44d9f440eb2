"""Starting a self-inspection at once (the page's "开始自查" for today or a past day) is
one use case: the inspection is created and started in one transaction, so a start that
fails leaves no planned inspection behind. The API keeps its contract: planned, then
``POST /api/v1/inspections/{id}/start``."""

from __future__ import annotations

import datetime as dt

from inspections.selfcheck.schemas import SelfInspectionIn
from inspections.selfcheck.service import start_self_inspection
from inspections.tables import Inspection
from safety import audit
from safety.settings import local_today
from safety.tables import AuditEvent
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user


async def _count(enterprise_id: int) -> int:
    return await Inspection.count().where(Inspection.enterprise == enterprise_id).run()


async def test_the_service_starts_todays_at_once_and_leaves_a_later_one_planned():
    w = await f.world()
    me = f.actor(w.enterprise_user)
    tpl = await fi.checklist(sections=1, items=1)
    today = local_today()
    now = await start_self_inspection(
        me, SelfInspectionIn(checklist_id=tpl["id"], scheduled_on=today), start=True
    )
    assert now["state"] == "in_progress" and now["started_at"] is not None
    actions = (
        await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.object_type == "inspection", AuditEvent.object_id == now["id"])
        .order_by(AuditEvent.id)
        .output(as_list=True)
        .run()
    )
    assert actions == ["inspection.create_self", "inspection.start"]
    past = await start_self_inspection(
        me,
        SelfInspectionIn(checklist_id=tpl["id"], scheduled_on=today - dt.timedelta(days=3)),
        start=True,
    )
    assert past["state"] == "in_progress"
    later = await start_self_inspection(
        me,
        SelfInspectionIn(checklist_id=tpl["id"], scheduled_on=today + dt.timedelta(days=3)),
        start=True,
    )
    assert later["state"] == "planned" and later["started_at"] is None
    planned = await start_self_inspection(
        me, SelfInspectionIn(checklist_id=tpl["id"], scheduled_on=today)
    )
    assert planned["state"] == "planned"  # the API's call: started by POST .../start


async def test_a_failed_start_on_the_page_leaves_no_inspection(client, monkeypatch):
    w = await f.world()
    tpl = await fi.checklist(sections=1, items=1)
    h = await as_user(w.enterprise_user)
    record = audit.record

    async def failing(actor, action, *args, **kwargs):
        if action == "inspection.start":
            raise RuntimeError("the start's write failed")
        return await record(actor, action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    form = {"checklist_id": str(tpl["id"]), "scheduled_on": local_today().isoformat()}
    r = await client.post("/self-inspections", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 500
    assert await _count(w.enterprise["id"]) == 0
    monkeypatch.undo()
    r = await client.post("/self-inspections", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert await _count(w.enterprise["id"]) == 1
