"""An inspection through the API: start, autosave results one at a time, hazards (from a
failed item, fixed on the spot), state rules, scope."""

import datetime as dt

from inspections.tables import HazardTransition, ItemResult
from safety.settings import local_today
from safety.tables import AuditEvent
from tests import factories as f
from tests.inspections import factories as fi


def keys(r) -> set[str]:
    return {e["key"] for e in r.json().get("extra", [])}


def url(v, tail: str = "") -> str:
    return f"/api/v1/inspections/{v.inspection['id']}{tail}"


async def started(client, w, **kw):
    v = await fi.visit(w, **kw)
    r = await client.post(url(v, "/start"), headers=f.headers(w.inspector))
    assert r.status_code == 200, r.text
    return v


async def test_the_inspector_starts_and_autosaves_one_item_at_a_time(client):
    w = await f.world()
    v = await fi.visit(w)
    me = f.headers(w.inspector)
    r = await client.post(url(v, "/start"), headers=me)
    assert r.status_code == 200 and r.json()["state"] == "in_progress"
    assert r.json()["started_at"] is not None
    items = v.checklist["items"]
    for k, item in enumerate(items[:3]):
        r = await client.put(
            url(v, "/results"),
            json=[{"item_id": item["id"], "result": ("pass", "fail", "na")[k], "note": f"n{k}"}],
            headers=me,
        )
        assert r.status_code == 200, r.text
        assert r.json()["items_answered"] == k + 1 and r.json()["items_total"] == 4
    # A reload loses nothing: every saved answer comes back with its note.
    detail = (await client.get(url(v), headers=me)).json()
    got = {i["id"]: (i["result"], i["note"]) for i in detail["items"]}
    assert got == {
        items[0]["id"]: ("pass", "n0"),
        items[1]["id"]: ("fail", "n1"),
        items[2]["id"]: ("na", "n2"),
        items[3]["id"]: (None, ""),
    }
    assert [i["code"] for i in detail["items"]] == ["1.1", "1.2", "2.1", "2.2"]
    assert detail["items"][0]["section"] == "第1部分"
    # Changing one answer leaves the others as they were (an upsert, one row per item).
    await client.put(
        url(v, "/results"), json=[{"item_id": items[0]["id"], "result": "fail"}], headers=me
    )
    rows = await ItemResult.select().where(ItemResult.inspection == v.inspection["id"]).run()
    assert len(rows) == 3
    assert {r["item"]: r["result"] for r in rows}[items[0]["id"]] == "fail"
    assert {r["item"]: r["note"] for r in rows}[items[1]["id"]] == "n1"
    events = (
        await AuditEvent.select(AuditEvent.action)
        .where(AuditEvent.object_type == "inspection", AuditEvent.object_id == v.inspection["id"])
        .run()
    )
    assert [e["action"] for e in events].count("inspection.results") == 4


async def test_results_for_an_unknown_item_are_a_400_naming_it_and_save_nothing(client):
    w = await f.world()
    v = await started(client, w)
    other = await fi.checklist()
    good = v.checklist["items"][0]["id"]
    bad = other["items"][0]["id"]
    r = await client.put(
        url(v, "/results"),
        json=[{"item_id": good, "result": "pass"}, {"item_id": bad, "result": "pass"}],
        headers=f.headers(w.inspector),
    )
    assert r.status_code == 400 and keys(r) == {f"items.{bad}"}
    assert str(bad) in r.json()["extra"][0]["message"]
    assert not await ItemResult.exists().where(ItemResult.inspection == v.inspection["id"]).run()


async def test_a_bad_result_value_is_a_400(client):
    w = await f.world()
    v = await started(client, w)
    r = await client.put(
        url(v, "/results"),
        json=[{"item_id": v.checklist["items"][0]["id"], "result": "maybe"}],
        headers=f.headers(w.inspector),
    )
    assert r.status_code == 400 and r.json()["extra"]


async def test_wrong_states_are_409s_naming_the_current_state(client):
    w = await f.world()
    v = await fi.visit(w)
    me = f.headers(w.inspector)
    item = v.checklist["items"][0]["id"]
    r = await client.put(url(v, "/results"), json=[{"item_id": item, "result": "pass"}], headers=me)
    assert r.status_code == 409 and "planned" in r.json()["extra"][0]["message"]
    r = await client.post(url(v, "/submit"), headers=me)
    assert r.status_code == 409 and "planned" in r.json()["extra"][0]["message"]
    await client.post(url(v, "/start"), headers=me)
    r = await client.post(url(v, "/start"), headers=me)
    assert r.status_code == 409 and "in_progress" in r.json()["extra"][0]["message"]
    r = await client.post(url(v, "/cancel"), json={"reason": "x"}, headers=f.headers(w.officer))
    assert r.status_code == 409 and "in_progress" in r.json()["extra"][0]["message"]


async def test_cancel_needs_a_reason_and_an_officer(client):
    w = await f.world()
    v = await fi.visit(w)
    r = await client.post(url(v, "/cancel"), json={"reason": " "}, headers=f.headers(w.officer))
    assert r.status_code == 400 and keys(r) == {"reason"}
    r = await client.post(url(v, "/cancel"), json={"reason": "x"}, headers=f.headers(w.inspector))
    assert r.status_code == 403
    r = await client.post(
        url(v, "/cancel"), json={"reason": "x"}, headers=f.headers(w.foreign_officer)
    )
    assert r.status_code == 404
    r = await client.post(
        url(v, "/cancel"), json={"reason": "企业搬迁"}, headers=f.headers(w.officer)
    )
    assert r.status_code == 200
    assert r.json()["state"] == "cancelled" and r.json()["cancel_reason"] == "企业搬迁"


async def test_a_hazard_prefilled_from_a_failed_item_gets_the_default_deadline(client):
    w = await f.world()
    paper_day = local_today() - dt.timedelta(days=40)  # a paper record entered weeks later
    v = await started(client, w, scheduled_on=paper_day)
    me = f.headers(w.inspector)
    item = (await client.get(url(v), headers=me)).json()["items"][1]
    await client.put(
        url(v, "/results"), json=[{"item_id": item["id"], "result": "fail"}], headers=me
    )
    body = {
        "description": item["text"],
        "location": "二号车间",
        "level": item["default_level"],
        "category": item["category"],
        "subcategory": item["subcategory"],
        "factor": "thing",
        "item_id": item["id"],
        "legal_basis": item["legal_basis"],
        "suggestion": "立即整改",
    }
    r = await client.post(url(v, "/hazards"), json=body, headers=me)
    assert r.status_code == 201, r.text
    hazard = r.json()
    assert hazard["found_on"] == paper_day.isoformat()
    assert hazard["deadline"] == (paper_day + dt.timedelta(days=15)).isoformat()
    assert hazard["status"] == "pending" and hazard["overdue"] is True
    assert hazard["source"] == "inspection" and hazard["campaign_id"] == v.campaign["id"]
    assert hazard["item_id"] == item["id"] and hazard["legal_basis"] == item["legal_basis"]
    assert [(t["from_status"], t["to_status"]) for t in hazard["timeline"]] == [("", "pending")]
    assert hazard["timeline"][0]["actor"] == w.inspector["display_name"]
    assert hazard["photos"] == [] and hazard["plan"] is None

    detail = (await client.get(url(v), headers=me)).json()
    assert [h["id"] for h in detail["hazards"]] == [hazard["id"]]
    assert detail["hazards_count"] == 1
    got = await client.get(f"/api/v1/hazards/{hazard['id']}", headers=f.headers(w.officer))
    assert got.status_code == 200 and got.json()["id"] == hazard["id"]
    mine = await client.get(f"/api/v1/hazards/{hazard['id']}", headers=f.headers(w.enterprise_user))
    assert mine.status_code == 404  # the World's enterprise user is not this visit's


async def test_fixed_on_the_spot_closes_at_once_on_the_inspection_day(client):
    w = await f.world()
    day = local_today() - dt.timedelta(days=3)
    v = await started(client, w, scheduled_on=day)
    body = {
        "description": "灭火器压力不足",
        "level": "general",
        "category": "site",
        "subcategory": "消防",
        "fixed_on_spot": True,
        "suggestion": "已当场更换",
    }
    r = await client.post(url(v, "/hazards"), json=body, headers=f.headers(w.inspector))
    assert r.status_code == 201, r.text
    hazard = r.json()
    assert hazard["status"] == "closed" and hazard["fixed_on_spot"] is True
    assert hazard["rectified_on"] == day.isoformat() and hazard["closed_at"] is not None
    assert hazard["overdue"] is False
    assert [(t["from_status"], t["to_status"]) for t in hazard["timeline"]] == [
        ("", "pending"),
        ("pending", "closed"),
    ]
    assert hazard["timeline"][1]["action"] == "fixed_on_spot"
    rows = await HazardTransition.select().where(HazardTransition.hazard == hazard["id"]).run()
    assert len(rows) == 2


async def test_it_names_every_bad_hazard_field(client):
    w = await f.world()
    v = await started(client, w)
    other = await fi.checklist()
    me = f.headers(w.inspector)
    r = await client.post(
        url(v, "/hazards"),
        json={
            "description": " ",
            "level": "major",
            "category": "site",
            "subcategory": "天气",
            "fixed_on_spot": True,
            "item_id": other["items"][0]["id"],
            "deadline": (local_today() - dt.timedelta(days=1)).isoformat(),
        },
        headers=me,
    )
    assert r.status_code == 400
    assert keys(r) == {
        "description",
        "subcategory",
        "major_basis",
        "fixed_on_spot",
        "item_id",
        "deadline",
    }
    r = await client.post(
        url(v, "/hazards"),
        json={"description": "x", "level": "huge", "category": "site"},
        headers=me,
    )
    assert r.status_code == 400 and r.json()["extra"]


async def test_a_major_hazard_keeps_its_basis_and_the_campaign_days(client):
    w = await f.world()
    v = await started(client, w)
    r = await client.post(
        url(v, "/hazards"),
        json={
            "description": "粉尘除尘系统未采用防爆设计",
            "level": "major",
            "category": "site",
            "subcategory": "粉尘",
            "major_basis": "《工贸企业重大事故隐患判定标准》第十二条第（一）项",
        },
        headers=f.headers(w.inspector),
    )
    assert r.status_code == 201, r.text
    assert r.json()["deadline"] == (local_today() + dt.timedelta(days=60)).isoformat()
    assert r.json()["major_basis"].startswith("《工贸企业")


async def test_someone_elses_inspection_is_a_404(client):
    w = await f.world()
    v = await fi.visit(w)
    outsider = await f.user("inspector", agency_id=w.agency["id"])
    them = f.headers(outsider)
    assert (await client.get(url(v), headers=them)).status_code == 404
    assert (await client.post(url(v, "/start"), headers=them)).status_code == 404
    listed = (await client.get("/api/v1/inspections", headers=them)).json()
    assert v.inspection["id"] not in [i["id"] for i in listed["items"]]
    assert (await client.get(url(v), headers=f.headers(w.foreign_officer))).status_code == 404
    assert (await client.get(url(v), headers=f.headers(w.enterprise_user))).status_code == 404
    assert (await client.get(url(v), headers=f.headers(w.admin))).status_code == 403
    assert (await client.get(url(v), headers=f.headers(w.officer))).status_code == 200
    assert (await client.post(url(v, "/start"), headers=f.headers(w.officer))).status_code == 403


async def test_the_enterprise_reads_its_own_inspections(client):
    w = await f.world()
    v = await fi.visit(w)
    contact = await f.user("enterprise", enterprise_id=v.inspection["enterprise_id"])
    r = await client.get(url(v), headers=f.headers(contact))
    assert r.status_code == 200
    listed = (await client.get("/api/v1/inspections", headers=f.headers(contact))).json()
    assert [i["id"] for i in listed["items"]] == [v.inspection["id"]]
    r = await client.post(url(v, "/start"), headers=f.headers(contact))
    assert r.status_code == 403


async def test_inspection_list_filters(client):
    w = await f.world()
    v = await fi.visit(w)
    officer = f.headers(w.officer)
    by_campaign = await client.get(
        "/api/v1/inspections", params={"campaign_id": v.campaign["id"]}, headers=officer
    )
    assert [i["id"] for i in by_campaign.json()["items"]] == [v.inspection["id"]]
    none = await client.get(
        "/api/v1/inspections",
        params={"campaign_id": v.campaign["id"], "state": "submitted"},
        headers=officer,
    )
    assert none.json() == {"items": [], "total": 0}
    bad = await client.get("/api/v1/inspections", params={"state": "lost"}, headers=officer)
    assert bad.status_code == 400 and keys(bad) == {"state"}


async def test_the_inspectors_agenda_puts_work_in_progress_and_due_visits_first(client):
    from inspections import services

    w = await f.world()
    me = await f.user("inspector", agency_id=w.agency["id"])
    later = await fi.visit(w, scheduled_on=local_today() + dt.timedelta(days=3), inspectors=[me])
    overdue = await fi.visit(w, scheduled_on=local_today() - dt.timedelta(days=2), inspectors=[me])
    today = await fi.visit(w, inspectors=[me])
    going = await fi.visit(w, scheduled_on=local_today() - dt.timedelta(days=5), inspectors=[me])
    await services.start_inspection(f.actor(me), going.inspection["id"])
    agenda = await services.inspector_agenda(f.actor(me), local_today())
    assert [i["id"] for i in agenda["now"]] == [
        going.inspection["id"],
        overdue.inspection["id"],
        today.inspection["id"],
    ]
    assert [i["id"] for i in agenda["later"]] == [later.inspection["id"]]
