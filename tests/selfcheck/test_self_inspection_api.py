"""Self-inspection (企业自查) through the JSON API, on the engine under test: the
enterprise starts one of its own, walks it like an inspector, logs hazards (source
``self_report``, the settings' deadline days), signs as the checker (no 拒签; the
principal's countersignature optional) and submits; closes its general findings itself,
while a major one reaches the officers at once and only an officer closes it. Scope: another
enterprise is 404, an inspector 404, an officer 403 on the walk."""

from __future__ import annotations

import datetime as dt

from inspections.tables import Hazard
from safety.settings import local_today
from safety.tables import Notification
from tests import factories as f
from tests.inspections import factories as fi
from tests.rectification import evidence

MAJOR_BASIS = "应急管理部令第10号 第四条第（一）项"


async def _start(client, w, user=None, **body) -> dict:
    tpl = await fi.checklist(sections=1, items=2)
    payload = {"checklist_id": tpl["id"], "scheduled_on": local_today().isoformat(), **body}
    r = await client.post(
        "/api/v1/self-inspections", json=payload, headers=f.headers(user or w.enterprise_user)
    )
    assert r.status_code == 201, r.text
    made = r.json()
    r = await client.post(
        f"/api/v1/inspections/{made['id']}/start", headers=f.headers(user or w.enterprise_user)
    )
    assert r.status_code == 200, r.text
    return {**r.json(), "checklist": tpl}


def _hazard(level: str = "general", **extra) -> dict:
    return {
        "description": f"消防通道堆放纸箱{f.n()}",
        "location": "成品仓库",
        "level": level,
        "category": "site",
        "subcategory": "消防",
        "legal_basis": "《消防法》第二十八条",
        "suggestion": "清理通道",
        **({"major_basis": MAJOR_BASIS} if level == "major" else {}),
        **extra,
    }


async def _log(client, w, inspection_id: int, level: str = "general", user=None, **extra):
    return await client.post(
        f"/api/v1/inspections/{inspection_id}/hazards",
        json=_hazard(level, **extra),
        headers=f.headers(user or w.enterprise_user),
    )


def _keys(r) -> list[str]:
    return [e["key"] for e in r.json().get("extra", [])]


async def test_an_enterprise_starts_a_self_inspection_of_its_own(client):
    w = await f.world()
    tpl = await fi.checklist(sections=1, items=2)
    day = local_today()
    r = await client.post(
        "/api/v1/self-inspections",
        json={"checklist_id": tpl["id"], "scheduled_on": day.isoformat()},
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == "self" and body["state"] == "planned"
    assert body["campaign_id"] is None and body["batch_id"] is None
    assert body["enterprise_id"] == w.enterprise["id"]
    assert [p["id"] for p in body["inspectors"]] == [w.enterprise_user["id"]]
    assert len(body["items"]) == 2
    # listed for the enterprise and its officer, not for the other street's officer
    for user, seen in ((w.enterprise_user, True), (w.officer, True), (w.foreign_officer, False)):
        r = await client.get("/api/v1/inspections?kind=self", headers=f.headers(user))
        assert r.status_code == 200
        assert (body["id"] in [i["id"] for i in r.json()["items"]]) is seen, user["username"]


async def test_only_an_enterprise_starts_one_and_only_of_its_own(client):
    w = await f.world()
    tpl = await fi.checklist(sections=1, items=1)
    body = {"checklist_id": tpl["id"], "scheduled_on": local_today().isoformat()}
    for user in (w.officer, w.inspector, w.admin):
        r = await client.post("/api/v1/self-inspections", json=body, headers=f.headers(user))
        assert r.status_code == 403, user["username"]
    r = await client.post(
        "/api/v1/self-inspections",
        json={**body, "enterprise_id": w.foreign_enterprise["id"]},
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 404
    r = await client.post(
        "/api/v1/self-inspections",
        json={**body, "enterprise_id": w.enterprise["id"]},
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 201


async def test_bad_input_names_each_field_and_creates_nothing(client):
    w = await f.world()
    before = await client.get("/api/v1/inspections", headers=f.headers(w.enterprise_user))
    far = local_today() + dt.timedelta(days=400)
    r = await client.post(
        "/api/v1/self-inspections",
        json={"checklist_id": 987654321, "scheduled_on": far.isoformat()},
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 400
    assert set(_keys(r)) == {"checklist_id", "scheduled_on"}
    r = await client.post("/api/v1/self-inspections", json={}, headers=f.headers(w.enterprise_user))
    assert r.status_code == 400
    after = await client.get("/api/v1/inspections", headers=f.headers(w.enterprise_user))
    assert after.json()["total"] == before.json()["total"]


async def test_the_enterprise_walks_signs_and_submits_as_the_checker(client):
    w = await f.world()
    i = await _start(client, w)
    iid = i["id"]
    h = f.headers(w.enterprise_user)
    items = [it["id"] for it in i["items"]]
    r = await client.put(
        f"/api/v1/inspections/{iid}/results",
        json=[{"item_id": items[0], "result": "fail", "note": "通道堵塞"}],
        headers=h,
    )
    assert r.status_code == 200, r.text
    r = await _log(client, w, iid, item_id=items[0])
    assert r.status_code == 201, r.text
    hazard = r.json()
    assert hazard["source"] == "self_report" and hazard["campaign_id"] is None
    # the settings' days (15 general) from the self-inspection's day
    assert hazard["deadline"] == (local_today() + dt.timedelta(days=15)).isoformat()
    # a before-photo taken on the walk stays a before-photo
    r = await client.post(
        f"/api/v1/hazards/{hazard['id']}/photos",
        files={"file": ("before.jpg", fi.jpeg(), "image/jpeg")},
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "problem"
    # nobody refuses to sign their own self-inspection
    r = await client.post(
        f"/api/v1/inspections/{iid}/signatures",
        files={"signer": (None, "enterprise"), "refused_reason": (None, "不签")},
        headers=h,
    )
    assert r.status_code == 400 and "refused_reason" in _keys(r)
    r = await client.put(
        f"/api/v1/inspections/{iid}/results",
        json=[{"item_id": items[1], "result": "pass"}],
        headers=h,
    )
    assert r.status_code == 200
    r = await client.post(f"/api/v1/inspections/{iid}/submit", headers=h)
    assert r.status_code == 409
    assert _keys(r) == ["signatures.inspector"]  # the principal's countersignature is optional
    r = await client.post(
        f"/api/v1/inspections/{iid}/signatures",
        data={"signer": "inspector", "signer_name": "刘洋"},
        files={"file": ("sig.png", fi.png(), "image/png")},
        headers=h,
    )
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/v1/inspections/{iid}/submit", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "submitted"
    assert r.json()["signatures"]["enterprise"] is None


async def test_an_enterprise_closes_its_own_general_finding(client):
    w = await f.world()
    i = await _start(client, w)
    hazard = (await _log(client, w, i["id"])).json()
    h = f.headers(w.enterprise_user)
    r = await client.post(
        f"/api/v1/hazards/{hazard['id']}/submissions",
        json={
            "description": "已清理通道",
            "completed_on": local_today().isoformat(),
            "photo_ids": [await evidence.after_photo(f.actor(w.enterprise_user), hazard["id"])],
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "submitted"
    r = await client.post(
        f"/api/v1/hazards/{hazard['id']}/verifications",
        json={"result": "pass", "comment": "已复核"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "closed"
    assert r.json()["rectified_on"] == local_today().isoformat()
    # Nobody is told of their own act: no "submitted" or "closed" notice to the one
    # contact who did both.
    told = await (
        Notification.select(Notification.kind)
        .where(
            Notification.user == w.enterprise_user["id"],
            Notification.object_id == hazard["id"],
        )
        .run()
    )
    assert [t["kind"] for t in told] == []


async def test_a_major_finding_reaches_the_officers_at_once_and_only_they_close_it(client):
    w = await f.world()
    community_officer = await f.user("officer", org_unit_id=w.tree["community"]["id"])
    i = await _start(client, w)
    r = await _log(client, w, i["id"], level="major")
    assert r.status_code == 201, r.text
    hazard = r.json()
    assert hazard["deadline"] == (local_today() + dt.timedelta(days=60)).isoformat()
    told = (
        await Notification.select(Notification.user, Notification.kind, Notification.link)
        .where(Notification.object_type == "hazard", Notification.object_id == hazard["id"])
        .run()
    )
    assert {n["user"] for n in told} == {w.officer["id"], community_officer["id"]}
    assert {n["kind"] for n in told} == {"hazard.self_major"}
    assert {n["link"] for n in told} == {f"/hazards/{hazard['id']}"}
    h = f.headers(w.enterprise_user)
    plan = {
        "responsible_person": "王强",
        "measures": "加装防爆电机",
        "funds": "2万元",
        "deadline": (local_today() + dt.timedelta(days=30)).isoformat(),
        "contingency_plan": "停用设备，设置警戒区",
    }
    r = await client.put(f"/api/v1/hazards/{hazard['id']}/plan", json=plan, headers=h)
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/hazards/{hazard['id']}/submissions",
        json={
            "description": "已更换",
            "completed_on": local_today().isoformat(),
            "photo_ids": [await evidence.after_photo(f.actor(w.enterprise_user), hazard["id"])],
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/hazards/{hazard['id']}/verifications",
        json={"result": "pass", "comment": "自己验收"},
        headers=h,
    )
    assert r.status_code == 403
    status = await Hazard.select(Hazard.status).where(Hazard.id == hazard["id"]).first().run()
    assert status["status"] == "submitted"
    r = await client.post(
        f"/api/v1/hazards/{hazard['id']}/verifications",
        json={"result": "pass", "comment": "现场复核合格"},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "closed"


async def test_nobody_else_walks_an_enterprises_self_inspection(client):
    w = await f.world()
    i = await _start(client, w)
    iid = i["id"]
    item = i["items"][0]["id"]
    other = await f.user("enterprise", enterprise_id=w.foreign_enterprise["id"])
    calls = [
        ("GET", f"/api/v1/inspections/{iid}", None),
        ("PUT", f"/api/v1/inspections/{iid}/results", [{"item_id": item, "result": "pass"}]),
        ("POST", f"/api/v1/inspections/{iid}/hazards", _hazard()),
        ("POST", f"/api/v1/inspections/{iid}/submit", None),
    ]
    expected = {"enterprise": 404, "inspector": 404, "officer": 403, "admin": 403}
    for who, user in (
        ("enterprise", other),
        ("inspector", w.inspector),
        ("officer", w.officer),
        ("admin", w.admin),
    ):
        for method, path, body in calls:
            r = await client.request(method, path, json=body, headers=f.headers(user))
            want = 200 if (who == "officer" and method == "GET") else expected[who]
            assert r.status_code == want, (who, method, path, r.status_code)
    # the other enterprise's contact cannot start one for it either
    r = await client.post(
        "/api/v1/self-inspections",
        json={
            "checklist_id": i["checklist"]["id"],
            "scheduled_on": local_today().isoformat(),
            "enterprise_id": w.enterprise["id"],
        },
        headers=f.headers(other),
    )
    assert r.status_code == 404


async def test_a_colleague_of_the_same_enterprise_may_continue_the_walk(client):
    w = await f.world()
    i = await _start(client, w)
    colleague = await f.user("enterprise", enterprise_id=w.enterprise["id"])
    r = await client.put(
        f"/api/v1/inspections/{i['id']}/results",
        json=[{"item_id": i["items"][0]["id"], "result": "na"}],
        headers=f.headers(colleague),
    )
    assert r.status_code == 200, r.text


async def test_an_enterprise_still_only_reads_a_campaign_inspection_of_its_own(client):
    w = await f.world()
    v = await fi.visit(w, enterprise=w.enterprise)
    h = f.headers(w.enterprise_user)
    r = await client.get(f"/api/v1/inspections/{v.inspection['id']}", headers=h)
    assert r.status_code == 200
    r = await client.post(f"/api/v1/inspections/{v.inspection['id']}/start", headers=h)
    assert r.status_code == 403
