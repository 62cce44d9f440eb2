"""A finished campaign (its period over) gets no new batch and no new generated
inspections: the services answer 409 naming its end date and write nothing, the page
hides 新建批次 / 生成检查任务 and says why; the inspections already planned stay. Another
street's officer still gets 404 (scope before state)."""

from __future__ import annotations

import datetime as dt

from inspections.schemas import BatchIn, BatchInspectionsIn
from inspections.tables import Inspection
from safety.settings import local_today
from safety.tables import Batch, Campaign
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user


async def _finish(campaign_id: int) -> dt.date:
    """End the campaign yesterday (its batches' windows moved inside the period)."""
    today = local_today()
    end = today - dt.timedelta(days=1)
    start = today - dt.timedelta(days=60)
    await (
        Campaign.update({Campaign.starts_on: start, Campaign.ends_on: end})
        .where(Campaign.id == campaign_id)
        .run()
    )
    await (
        Batch.update({Batch.starts_on: start, Batch.ends_on: end})
        .where(Batch.campaign == campaign_id)
        .run()
    )
    return end


def _batch_form(w, enterprise_id: int, day: dt.date) -> dict:
    return {
        "name": "补充批次",
        "starts_on": (day - dt.timedelta(days=5)).isoformat(),
        "ends_on": day.isoformat(),
        "agency_id": str(w.agency["id"]),
        "lead": str(w.inspector["id"]),
        "enterprise_id": [str(enterprise_id)],
    }


async def test_it_refuses_a_new_batch_on_a_finished_campaign_with_409_naming_the_end(client):
    w = await f.world()
    campaign = await fi.campaign(w)
    end = await _finish(campaign["id"])
    body = {
        "name": "补充批次",
        "agency_id": w.agency["id"],
        "enterprise_ids": [w.enterprise["id"]],
        "inspector_ids": [w.inspector["id"]],
        "starts_on": (end - dt.timedelta(days=5)).isoformat(),
        "ends_on": end.isoformat(),
    }
    r = await client.post(
        f"/api/v1/campaigns/{campaign['id']}/batches", json=body, headers=f.headers(w.officer)
    )
    assert r.status_code == 409, r.text
    assert str(end) in r.text and "新建批次" in r.text
    assert not await Batch.exists().where(Batch.campaign == campaign["id"]).run()
    # the page's form: refused too (409, the reason shown), nothing made
    h = await as_user(w.officer)
    url = f"/campaigns/{campaign['id']}/batches/new"
    r = await client.post(url, data=_batch_form(w, w.enterprise["id"], end), headers=h)
    assert r.status_code == 409 and f"活动已于 {end} 结束" in r.text
    assert not await Batch.exists().where(Batch.campaign == campaign["id"]).run()
    # and the form itself is not offered: back to the campaign's page
    r = await client.get(url, headers=h, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/campaigns/{campaign['id']}"


async def test_it_refuses_generating_inspections_after_the_end_and_keeps_the_planned_ones(
    client,
):
    w = await f.world()
    visit = await fi.visit(w)  # a batch with one planned inspection
    end = await _finish(visit.campaign["id"])
    tpl = await fi.checklist()
    body = BatchInspectionsIn(checklist_id=tpl["id"], scheduled_on=end).model_dump(mode="json")
    r = await client.post(
        f"/api/v1/batches/{visit.batch['id']}/inspections",
        json=body,
        headers=f.headers(w.officer),
    )
    assert r.status_code == 409, r.text
    assert str(end) in r.text and "生成检查任务" in r.text
    rows = await Inspection.select(Inspection.id).where(Inspection.batch == visit.batch["id"]).run()
    assert [x["id"] for x in rows] == [visit.inspection["id"]]  # the planned one stays
    h = await as_user(w.officer)
    make = f"/campaigns/{visit.campaign['id']}/batches/{visit.batch['id']}/inspections"
    r = await client.post(make, data={k: str(v) for k, v in body.items()}, headers=h)
    assert r.status_code == 409 and f"活动已于 {end} 结束" in r.text
    # another street's officer: the campaign does not exist for them (404, not 409)
    r = await client.post(
        f"/api/v1/batches/{visit.batch['id']}/inspections",
        json=body,
        headers=f.headers(w.foreign_officer),
    )
    assert r.status_code == 404


async def test_a_finished_campaign_page_hides_new_batch_and_generate_and_says_why(client):
    w = await f.world()
    visit = await fi.visit(w)
    await fi.checklist()
    h = await as_user(w.officer)
    page = f"/campaigns/{visit.campaign['id']}"
    r = await client.get(page, headers=h)
    assert "/batches/new" in r.text and "campaign-ended" not in r.text
    assert f"batches/{visit.batch['id']}/inspections" in r.text
    end = await _finish(visit.campaign["id"])
    r = await client.get(page, headers=h)
    assert r.status_code == 200
    assert "/batches/new" not in r.text
    assert f"batches/{visit.batch['id']}/inspections" not in r.text
    assert 'id="campaign-ended"' in r.text and f"活动已于 {end} 结束" in r.text
    # a campaign ending today still runs
    today = local_today()
    await (
        Campaign.update({Campaign.ends_on: today}).where(Campaign.id == visit.campaign["id"]).run()
    )
    r = await client.get(page, headers=h)
    assert "/batches/new" in r.text and "campaign-ended" not in r.text


async def test_it_allows_a_batch_on_a_campaign_ending_today(client):
    w = await f.world()
    today = local_today()
    campaign = await fi.campaign(w, ends_on=today)
    from inspections import services

    batch = await services.add_batch(
        f.actor(w.officer),
        campaign["id"],
        BatchIn(
            name="最后一批",
            agency_id=w.agency["id"],
            enterprise_ids=[w.enterprise["id"]],
            inspector_ids=[w.inspector["id"]],
            starts_on=today,
            ends_on=today,
        ),
    )
    assert batch["id"]
