"""Campaigns and batches through the API: the officer's plan, its validation and scope,
and the batch's inspections created once."""

import datetime as dt

from safety.settings import local_today
from safety.tables import AuditEvent
from tests import factories as f
from tests.inspections import factories as fi


def keys(r) -> set[str]:
    return {e["key"] for e in r.json().get("extra", [])}


def campaign_body(w, enterprise_ids, **over) -> dict:
    body = {
        "name": f"冬季安全生产大检查{f.n()}",
        "kind": "seasonal",
        "starts_on": (local_today() - dt.timedelta(days=5)).isoformat(),
        "ends_on": (local_today() + dt.timedelta(days=60)).isoformat(),
        "org_unit_id": w.tree["street"]["id"],
        "enterprise_ids": enterprise_ids,
        "deadline_days": {"general": 10, "major": 45},
    }
    body.update(over)
    return body


async def test_an_officer_plans_a_campaign_batches_and_its_inspections(client):
    w = await f.world()
    officer = f.headers(w.officer)
    second = await f.enterprise(w.tree["grid2"]["id"])
    r = await client.post(
        "/api/v1/campaigns",
        json=campaign_body(w, [w.enterprise["id"]], enterprise_codes=[second["uscc"].lower()]),
        headers=officer,
    )
    assert r.status_code == 201, r.text
    camp = r.json()
    assert camp["enterprises_planned"] == 2
    assert camp["deadline_days"] == {"general": 10, "major": 45}
    assert [e["inspection_state"] for e in camp["enterprises"]] == [None, None]

    lead = await f.user("inspector", agency_id=w.agency["id"])
    r = await client.post(
        f"/api/v1/campaigns/{camp['id']}/batches",
        json={
            "name": "第一批次",
            "agency_id": w.agency["id"],
            "enterprise_ids": [w.enterprise["id"], second["id"]],
            "inspector_ids": [w.inspector["id"], lead["id"]],
            "lead_id": lead["id"],
            "starts_on": local_today().isoformat(),
            "ends_on": (local_today() + dt.timedelta(days=14)).isoformat(),
        },
        headers=officer,
    )
    assert r.status_code == 201, r.text
    batch = r.json()
    assert batch["inspectors"][0] == {
        "id": lead["id"],
        "display_name": lead["display_name"],
        "is_lead": True,
    }
    tpl = await fi.checklist()
    url = f"/api/v1/batches/{batch['id']}/inspections"
    body = {"checklist_id": tpl["id"], "scheduled_on": local_today().isoformat()}
    r = await client.post(url, json=body, headers=officer)
    assert r.status_code == 201, r.text
    assert r.json()["created"] == 2
    item = r.json()["items"][0]
    assert item["state"] == "planned" and item["items_total"] == 4
    assert {i["id"] for i in item["inspectors"]} == {w.inspector["id"], lead["id"]}

    again = await client.post(url, json=body, headers=officer)
    assert again.status_code == 201
    assert again.json()["created"] == 0 and again.json()["items"] == []
    # The repeat names each enterprise it skipped and the inspection it already has.
    assert {(s["inspection_id"], s["state"]) for s in again.json()["skipped"]} == {
        (i["id"], "planned") for i in r.json()["items"]
    }

    detail = (await client.get(f"/api/v1/campaigns/{camp['id']}", headers=officer)).json()
    assert [b["name"] for b in detail["batches"]] == ["第一批次"]
    assert {e["inspection_state"] for e in detail["enterprises"]} == {"planned"}
    assert {e["batch_id"] for e in detail["enterprises"]} == {batch["id"]}

    listed = (await client.get("/api/v1/campaigns", headers=officer)).json()
    assert camp["id"] in [c["id"] for c in listed["items"]]
    actions = [
        e["action"]
        for e in await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.object_type.is_in(["campaign", "batch"]))
        .where(AuditEvent.object_id.is_in([camp["id"], batch["id"]]))
        .run()
    ]
    assert "campaign.create" in actions and "batch.create" in actions


async def test_a_cancelled_visit_is_planned_again_by_the_batch(client):
    w = await f.world()
    v = await fi.visit(w)
    officer = f.headers(w.officer)
    r = await client.post(
        f"/api/v1/inspections/{v.inspection['id']}/cancel",
        json={"reason": "企业停产"},
        headers=officer,
    )
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    r = await client.post(
        f"/api/v1/batches/{v.batch['id']}/inspections",
        json={"checklist_id": v.checklist["id"], "scheduled_on": local_today().isoformat()},
        headers=officer,
    )
    assert r.json()["created"] == 1


async def test_it_names_every_bad_campaign_field(client):
    w = await f.world()
    body = campaign_body(
        w,
        [w.foreign_enterprise["id"], 2_000_000_000],
        name=" ",
        starts_on="2026-05-01",
        ends_on="2026-04-01",
        enterprise_codes=["91370102NOSUCHCODE"],
    )
    r = await client.post("/api/v1/campaigns", json=body, headers=f.headers(w.officer))
    assert r.status_code == 400, r.text
    assert keys(r) == {"name", "ends_on", "enterprise_ids", "enterprise_codes"}
    assert str(w.foreign_enterprise["id"]) in r.text


async def test_a_campaign_outside_the_officers_street_is_refused(client):
    w = await f.world()
    body = campaign_body(w, [], org_unit_id=w.foreign_tree["street"]["id"])
    r = await client.post("/api/v1/campaigns", json=body, headers=f.headers(w.officer))
    assert r.status_code == 400 and keys(r) == {"org_unit_id"}


async def test_bad_kinds_and_days_are_400s(client):
    w = await f.world()
    body = campaign_body(w, [], kind="party", deadline_days={"general": 0, "major": 60})
    r = await client.post("/api/v1/campaigns", json=body, headers=f.headers(w.officer))
    assert r.status_code == 400
    assert {k.split(".")[0] for k in keys(r)} >= {"kind", "deadline_days"}


async def test_a_foreign_officer_sees_no_campaign(client):
    w = await f.world()
    camp = await fi.campaign(w)
    r = await client.get(f"/api/v1/campaigns/{camp['id']}", headers=f.headers(w.foreign_officer))
    assert r.status_code == 404
    listed = await client.get("/api/v1/campaigns", headers=f.headers(w.foreign_officer))
    assert camp["id"] not in [c["id"] for c in listed.json()["items"]]
    for persona in (w.inspector, w.enterprise_user, w.admin):
        r = await client.get(f"/api/v1/campaigns/{camp['id']}", headers=f.headers(persona))
        assert r.status_code == 403


async def test_a_batch_takes_only_planned_enterprises_and_the_agencys_inspectors(client):
    w = await f.world()
    camp = await fi.campaign(w)
    stranger = await f.user("inspector", agency_id=(await f.agency())["id"])
    other = await f.enterprise(w.tree["grid1"]["id"])
    r = await client.post(
        f"/api/v1/campaigns/{camp['id']}/batches",
        json={
            "name": "第二批次",
            "agency_id": w.agency["id"],
            "enterprise_ids": [other["id"]],
            "inspector_ids": [stranger["id"], w.officer["id"]],
            "lead_id": w.inspector["id"],
            "starts_on": "2001-01-01",
            "ends_on": local_today().isoformat(),
        },
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400
    assert keys(r) == {"enterprise_ids", "inspector_ids", "lead_id", "starts_on"}


async def test_an_enterprise_is_in_one_batch_of_a_campaign_and_names_are_unique(client):
    w = await f.world()
    camp = await fi.campaign(w)
    body = {
        "name": "第一批次",
        "enterprise_ids": [w.enterprise["id"]],
        "inspector_ids": [w.inspector["id"]],
        "starts_on": local_today().isoformat(),
        "ends_on": local_today().isoformat(),
    }
    url = f"/api/v1/campaigns/{camp['id']}/batches"
    assert (await client.post(url, json=body, headers=f.headers(w.officer))).status_code == 201
    again = await client.post(url, json=body, headers=f.headers(w.officer))
    assert again.status_code == 409 and keys(again) == {"name"}
    other = await client.post(url, json={**body, "name": "第二批次"}, headers=f.headers(w.officer))
    assert other.status_code == 409 and keys(other) == {"enterprise_ids"}


async def test_batch_inspections_need_a_known_checklist_and_inspectors(client):
    w = await f.world()
    camp = await fi.campaign(w)
    r = await client.post(
        f"/api/v1/campaigns/{camp['id']}/batches",
        json={
            "name": "无人批次",
            "enterprise_ids": [w.enterprise["id"]],
            "starts_on": local_today().isoformat(),
            "ends_on": local_today().isoformat(),
        },
        headers=f.headers(w.officer),
    )
    url = f"/api/v1/batches/{r.json()['id']}/inspections"
    tpl = await fi.checklist()
    r = await client.post(
        url,
        json={"checklist_id": 2_000_000_000, "scheduled_on": local_today().isoformat()},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400 and keys(r) == {"checklist_id"}
    r = await client.post(
        url,
        json={"checklist_id": tpl["id"], "scheduled_on": local_today().isoformat()},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 409 and keys(r) == {"inspector_ids"}
    foreign = await client.post(
        url,
        json={"checklist_id": tpl["id"], "scheduled_on": local_today().isoformat()},
        headers=f.headers(w.foreign_officer),
    )
    assert foreign.status_code == 404


async def test_two_simultaneous_batch_calls_create_each_inspection_once(client):
    import asyncio

    from inspections.tables import Inspection

    w = await f.world()
    enterprises = [await f.enterprise(w.tree["grid1"]["id"]) for _ in range(3)]
    camp = await fi.campaign(w, [e["id"] for e in enterprises])
    r = await client.post(
        f"/api/v1/campaigns/{camp['id']}/batches",
        json={
            "name": "并发批次",
            "enterprise_ids": [e["id"] for e in enterprises],
            "inspector_ids": [w.inspector["id"]],
            "starts_on": local_today().isoformat(),
            "ends_on": local_today().isoformat(),
        },
        headers=f.headers(w.officer),
    )
    tpl = await fi.checklist()
    body = {"checklist_id": tpl["id"], "scheduled_on": local_today().isoformat()}
    url = f"/api/v1/batches/{r.json()['id']}/inspections"
    both = await asyncio.gather(
        *[client.post(url, json=body, headers=f.headers(w.officer)) for _ in range(2)]
    )
    assert sorted(x.json()["created"] for x in both) == [0, 3]
    assert await Inspection.count().where(Inspection.campaign == camp["id"]).run() == 3
