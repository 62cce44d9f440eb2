"""No double-booking, dates inside their period (issue 18, points 5 and 6).

- A second open (planned / in progress) inspection of an enterprise in a campaign is a 409
  naming the enterprise and the inspection it has; a cancelled or submitted one does not
  block. Creating a batch's inspections skips and names such enterprises.
- ``scheduled_on`` lies within the batch's window, else the campaign's period: 400 naming
  it with the range (API and page); a back-dated day inside it is allowed (paper records).
- The due list (page and API), the campaign form a preset opens and the batch form mark
  enterprises already planned in a campaign that has not ended (已安排, the campaign and the
  day) and do not tick them; an ended campaign's plan does not count.
"""

from __future__ import annotations

import datetime as dt

from inspections import services
from inspections.schemas import BatchIn, InspectionIn
from inspections.tables import Inspection
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user

TODAY = local_today()


def _ticked(html: str, enterprise_id: int) -> bool:
    return f'name="enterprise_id" value="{enterprise_id}" checked' in html


def _marked(html: str, enterprise_id: int) -> bool:
    return f'data-booked="{enterprise_id}"' in html


async def _body(w, v, **fields) -> dict:
    return {
        "campaign_id": v.campaign["id"],
        "batch_id": v.batch["id"],
        "enterprise_id": v.inspection["enterprise_id"],
        "checklist_id": v.checklist["id"],
        "inspector_ids": [w.inspector["id"]],
        "scheduled_on": TODAY.isoformat(),
        **fields,
    }


async def _count(campaign_id: int) -> int:
    return await Inspection.count().where(Inspection.campaign == campaign_id).run()


async def test_it_refuses_a_second_open_inspection_in_the_campaign_with_a_409_naming_it(client):
    w = await f.world()
    ent = await f.enterprise(w.tree["grid1"]["id"], name=f"五金厂{f.n()}")
    v = await fi.visit(w, enterprise=ent)
    officer = f.headers(w.officer)
    first = v.inspection["id"]
    for state in ("planned", "in_progress"):
        r = await client.post("/api/v1/inspections", json=await _body(w, v), headers=officer)
        assert r.status_code == 409, r.text
        assert ent["name"] in r.json()["detail"] and f"#{first}" in r.json()["detail"]
        (problem,) = r.json()["extra"]
        assert problem["key"] == "enterprise_id" and problem["inspection_id"] == first
        assert await _count(v.campaign["id"]) == 1
        if state == "planned":
            await services.start_inspection(f.actor(w.inspector), first)

    # Not in another campaign, nor once the open one is cancelled.
    w2 = await fi.visit(w)
    await services.cancel_inspection(f.actor(w.officer), w2.inspection["id"], "企业停产")
    r = await client.post("/api/v1/inspections", json=await _body(w, w2), headers=officer)
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/inspections", json=await _body(w, w2), headers=officer)
    assert r.status_code == 409 and f"#{r.json()['extra'][0]['inspection_id']}" in r.text


async def test_creating_a_batch_s_inspections_skips_and_names_an_enterprise_that_has_one(client):
    w = await f.world()
    booked = await f.enterprise(w.tree["grid1"]["id"], name=f"已检企业{f.n()}")
    fresh = await f.enterprise(w.tree["grid1"]["id"])
    camp = await fi.campaign(w, [booked["id"], fresh["id"]])
    officer = f.headers(w.officer)
    tpl = await fi.checklist(sections=1, items=1)
    single = {
        "campaign_id": camp["id"],
        "enterprise_id": booked["id"],
        "checklist_id": tpl["id"],
        "inspector_ids": [w.inspector["id"]],
        "scheduled_on": TODAY.isoformat(),
    }
    r = await client.post("/api/v1/inspections", json=single, headers=officer)
    assert r.status_code == 201, r.text
    existing = r.json()["id"]
    batch = await services.add_batch(
        f.actor(w.officer),
        camp["id"],
        BatchIn(
            name="第一批次",
            agency_id=w.agency["id"],
            enterprise_ids=[booked["id"], fresh["id"]],
            inspector_ids=[w.inspector["id"]],
            starts_on=TODAY,
            ends_on=TODAY + dt.timedelta(days=5),
        ),
    )
    h = await as_user(w.officer)
    r = await client.post(
        f"/campaigns/{camp['id']}/batches/{batch['id']}/inspections",
        data={"checklist_id": str(tpl["id"]), "scheduled_on": TODAY.isoformat()},
        headers=h,
    )
    assert r.status_code == 303, r.text[:400]
    assert "skipped=1" in r.headers["location"]
    r = await client.get(r.headers["location"], headers=h)
    assert "已生成 1 项检查任务" in r.text and "1 家企业在本活动中已有检查任务" in r.text
    assert await _count(camp["id"]) == 2
    body = {"checklist_id": tpl["id"], "scheduled_on": TODAY.isoformat()}
    r = await client.post(f"/api/v1/batches/{batch['id']}/inspections", json=body, headers=officer)
    assert r.status_code == 201 and r.json()["created"] == 0
    assert {(s["enterprise_name"], s["inspection_id"]) for s in r.json()["skipped"]} >= {
        (booked["name"], existing)
    }


async def test_it_refuses_a_day_outside_the_batch_window_or_the_campaign_period(client):
    w = await f.world()
    v = await fi.visit(w)  # batch: today - 10 .. today + 10; campaign: today ± 60
    await services.cancel_inspection(f.actor(w.officer), v.inspection["id"], "改期")
    officer = f.headers(w.officer)
    batch_from = (TODAY - dt.timedelta(days=10)).isoformat()
    batch_to = (TODAY + dt.timedelta(days=10)).isoformat()
    for day in (dt.date(2000, 1, 3), TODAY + dt.timedelta(days=11)):
        body = await _body(w, v, scheduled_on=day.isoformat())
        r = await client.post("/api/v1/inspections", json=body, headers=officer)
        assert r.status_code == 400, r.text
        (problem,) = [e for e in r.json()["extra"] if e["key"] == "scheduled_on"]
        assert f"批次期间 {batch_from} 至 {batch_to}" in problem["message"]
    # Without a batch: the campaign's period.
    body = await _body(
        w, v, batch_id=None, scheduled_on=(TODAY + dt.timedelta(days=61)).isoformat()
    )
    r = await client.post("/api/v1/inspections", json=body, headers=officer)
    assert r.status_code == 400 and "活动期间" in r.text
    assert await _count(v.campaign["id"]) == 1  # only the cancelled one
    # A paper record of a visit nine days ago, entered now: allowed.
    paper = (TODAY - dt.timedelta(days=9)).isoformat()
    r = await client.post(
        "/api/v1/inspections", json=await _body(w, v, scheduled_on=paper), headers=officer
    )
    assert r.status_code == 201 and r.json()["scheduled_on"] == paper

    # "Create the batch's inspections": the API and the campaign page.
    other = await fi.visit(w)
    url = f"/api/v1/batches/{other.batch['id']}/inspections"
    r = await client.post(
        url,
        json={"checklist_id": other.checklist["id"], "scheduled_on": "2000-01-03"},
        headers=officer,
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "scheduled_on"
    page = await client.post(
        f"/campaigns/{other.campaign['id']}/batches/{other.batch['id']}/inspections",
        data={"checklist_id": str(other.checklist["id"]), "scheduled_on": "2000-01-03"},
        headers=await as_user(w.officer),
    )
    assert page.status_code == 400 and "检查日期须在批次期间" in page.text
    assert await _count(other.campaign["id"]) == 1


async def _planned_world():
    """Never-inspected enterprises of the street: ``booked`` has a planned inspection
    tomorrow in a running campaign, ``planned`` sits in a running campaign's plan (a batch
    of next week), ``ended`` only in the plan of a campaign that ended yesterday, ``free``
    in none."""
    w = await f.world()
    g = w.tree["grid1"]["id"]
    e = {
        k: await f.enterprise(g, name=f"{k}{f.n()}", risk_colour="red")
        for k in ("booked", "planned", "ended", "free")
    }
    running = await fi.campaign(w, [e["booked"]["id"], e["planned"]["id"]], name=f"秋季检查{f.n()}")
    tpl = await fi.checklist(sections=1, items=1)
    r = await services.create_inspection(
        f.actor(w.officer),
        InspectionIn(
            campaign_id=running["id"],
            enterprise_id=e["booked"]["id"],
            checklist_id=tpl["id"],
            inspector_ids=[w.inspector["id"]],
            scheduled_on=TODAY + dt.timedelta(days=1),
        ),
    )
    await services.add_batch(
        f.actor(w.officer),
        running["id"],
        BatchIn(
            name="下周批次",
            agency_id=w.agency["id"],
            enterprise_ids=[e["planned"]["id"]],
            inspector_ids=[w.inspector["id"]],
            starts_on=TODAY + dt.timedelta(days=7),
            ends_on=TODAY + dt.timedelta(days=13),
        ),
    )
    await fi.campaign(
        w,
        [e["ended"]["id"]],
        starts_on=TODAY - dt.timedelta(days=30),
        ends_on=TODAY - dt.timedelta(days=1),
    )
    return w, e, running, r


async def test_the_due_list_marks_enterprises_already_planned_with_the_campaign_and_day(client):
    w, e, running, inspection = await _planned_world()
    page = await client.get("/planning/due", headers=await as_user(w.officer))
    assert page.status_code == 200
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert _marked(page.text, e["booked"]["id"]) and _marked(page.text, e["planned"]["id"])
    assert not _marked(page.text, e["ended"]["id"]) and not _marked(page.text, e["free"]["id"])
    assert "已安排" in page.text and f"{running['name']}，{tomorrow}" in page.text
    week = f"{TODAY + dt.timedelta(days=7)} 至 {TODAY + dt.timedelta(days=13)}"
    assert f"{running['name']}，{week}" in page.text

    r = await client.get("/api/v1/planning/due", headers=f.headers(w.officer))
    rows = {i["enterprise_id"]: i for i in r.json()["items"]}
    assert rows[e["booked"]["id"]]["booked"] == {
        "campaign_id": running["id"],
        "campaign_name": running["name"],
        "inspection_id": inspection["id"],
        "starts_on": tomorrow,
        "ends_on": tomorrow,
    }
    assert rows[e["planned"]["id"]]["booked"]["inspection_id"] is None
    assert rows[e["ended"]["id"]]["booked"] is None and rows[e["free"]["id"]]["booked"] is None


async def test_the_campaign_form_a_preset_opens_marks_and_does_not_tick_planned_ones(client):
    w, e, running, _ = await _planned_world()
    h = await as_user(w.officer)
    for preset in ("due", "red_orange_stale"):
        page = await client.get(f"/campaigns/new?preset={preset}", headers=h)
        assert page.status_code == 200
        for k in ("booked", "planned"):
            assert _marked(page.text, e[k]["id"]) and not _ticked(page.text, e[k]["id"]), k
        for k in ("ended", "free"):
            assert _ticked(page.text, e[k]["id"]) and not _marked(page.text, e[k]["id"]), k
        assert running["name"] in page.text


async def test_the_batch_form_marks_and_does_not_tick_enterprises_planned_elsewhere(client):
    w, e, running, _ = await _planned_world()
    ids = [e[k]["id"] for k in ("booked", "planned", "free")]
    second = await fi.campaign(w, ids, name=f"专项整治{f.n()}")
    h = await as_user(w.officer)
    url = f"/campaigns/{second['id']}/batches/new"
    for page in (
        await client.get(url, headers=h),
        await client.get(f"{url}?preset=due", headers=h),
        await client.post(url, data={"preset": "red_orange_stale", "name": "x"}, headers=h),
    ):
        assert page.status_code == 200, page.text[:300]
        for k in ("booked", "planned"):
            assert _marked(page.text, e[k]["id"]) and not _ticked(page.text, e[k]["id"]), k
        assert _ticked(page.text, e["free"]["id"]) and not _marked(page.text, e["free"]["id"])
        assert running["name"] in page.text and "默认不勾选" in page.text
    # The campaign's own plan does not mark its enterprises; its open inspections do.
    own = await client.get(f"/campaigns/{running['id']}/batches/new", headers=h)
    assert _marked(own.text, e["booked"]["id"]) and not _ticked(own.text, e["booked"]["id"])
