"""The closed loop through the JSON API, on the engine under test: plan (五落实), evidence
with after-photos, verification (pass/fail), extensions, void, the timeline, notifications,
scope, and the race of two verifications."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from inspections import services as insp
from inspections.schemas import HazardIn
from safety.settings import local_today
from safety.tables import Notification
from tests import factories as f
from tests.inspections import factories as fi

FULL_PLAN = {
    "responsible_person": "王强",
    "measures": "更换防爆电机，加装接地",
    "funds": "2万元，企业自筹",
    "contingency_plan": "停用设备，设置警戒区，配备灭火器",
}


async def _open_hazard(w, level: str = "general", **extra) -> dict:
    """A hazard of the World's enterprise, logged by the World's inspector."""
    v = await fi.visit(w, enterprise=w.enterprise)
    await insp.start_inspection(f.actor(w.inspector), v.inspection["id"])
    data = {
        "description": extra.pop("description", f"配电箱前堆放杂物{f.n()}"),
        "location": "一车间",
        "level": level,
        "category": "site",
        "subcategory": "电气",
        "legal_basis": "GB 50054-2011 第3.1.4条",
        "suggestion": "清理杂物",
        **({"major_basis": "应急管理部令第10号 第四条第（一）项"} if level == "major" else {}),
        **extra,
    }
    return await insp.log_hazard(f.actor(w.inspector), v.inspection["id"], HazardIn(**data))


async def _photo(client, w, hazard_id: int, user=None) -> int:
    r = await client.post(
        f"/api/v1/hazards/{hazard_id}/photos",
        files={"file": ("after.jpg", fi.jpeg(), "image/jpeg")},
        headers=f.headers(user or w.enterprise_user),
    )
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "rectified"
    return r.json()["id"]


def _keys(r) -> list[str]:
    return [e["key"] for e in r.json().get("extra", [])]


async def test_a_general_hazard_goes_from_pending_to_closed(client):
    w = await f.world()
    h = await _open_hazard(w)
    photo = await _photo(client, w, h["id"])
    today = local_today()
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/submissions",
        json={
            "description": "已清理配电箱前杂物",
            "completed_on": str(today),
            "photo_ids": [photo],
        },
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "submitted"
    [sub] = body["submissions"]
    assert [p["id"] for p in sub["photos"]] == [photo]
    # the officer over the enterprise hears of it
    assert (
        await Notification.exists()
        .where((Notification.user == w.officer["id"]) & (Notification.kind == "hazard.submitted"))
        .run()
    )

    r = await client.post(
        f"/api/v1/hazards/{h['id']}/verifications",
        json={"result": "pass", "comment": "现场复查已整改"},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 201, r.text
    done = r.json()
    assert done["status"] == "closed" and done["rectified_on"] == str(today)
    assert done["closed_at"] and done["overdue"] is False
    steps = [(t["from_status"], t["to_status"]) for t in done["timeline"]]
    assert steps == [("", "pending"), ("pending", "submitted"), ("submitted", "closed")]
    assert all(t["actor"] and t["at"] for t in done["timeline"])
    # the after-photo is served to the officer, not to an outsider
    assert (
        await client.get(sub["photos"][0]["url"], headers=f.headers(w.officer))
    ).status_code == 200
    r = await client.get(sub["photos"][0]["url"], headers=f.headers(w.foreign_officer))
    assert r.status_code == 404


async def test_a_major_hazard_needs_the_five_musts_and_a_failed_check_goes_back(client):
    w = await f.world()
    h = await _open_hazard(w, "major")
    hid, ent = h["id"], f.headers(w.enterprise_user)
    r = await client.post(
        f"/api/v1/hazards/{hid}/submissions",
        json={"description": "已整改", "completed_on": str(local_today())},
        headers=ent,
    )
    assert r.status_code == 409 and "pending" in r.json()["extra"][0]["message"]

    deadline = str(h["effective_deadline"])
    for missing in ("responsible_person", "measures", "funds", "contingency_plan", "deadline"):
        plan = {**FULL_PLAN, "deadline": deadline}
        plan.pop(missing)
        r = await client.put(f"/api/v1/hazards/{hid}/plan", json=plan, headers=ent)
        assert r.status_code == 400 and _keys(r) == [missing], (missing, r.text)
    r = await client.put(
        f"/api/v1/hazards/{hid}/plan", json={**FULL_PLAN, "deadline": deadline}, headers=ent
    )
    assert r.status_code == 200 and r.json()["status"] == "rectifying"
    assert r.json()["plan"]["funds"] == FULL_PLAN["funds"]

    r = await client.post(
        f"/api/v1/hazards/{hid}/submissions",
        json={"description": "已更换", "completed_on": str(local_today())},
        headers=ent,
    )
    assert r.status_code == 400 and _keys(r) == ["photo_ids"]  # a major one needs a photo
    r = await client.post(
        f"/api/v1/hazards/{hid}/submissions",
        json={
            "description": "已更换",
            "completed_on": str(local_today()),
            "photo_ids": [await _photo(client, w, hid)],
        },
        headers=ent,
    )
    assert r.status_code == 201
    r = await client.post(
        f"/api/v1/hazards/{hid}/verifications",
        json={"result": "fail"},
        headers=f.headers(w.inspector),
    )
    assert r.status_code == 400 and _keys(r) == ["comment"]
    r = await client.post(
        f"/api/v1/hazards/{hid}/verifications",
        json={"result": "fail", "comment": "接地电阻未检测"},
        headers=f.headers(w.inspector),
    )
    assert r.status_code == 201 and r.json()["status"] == "rectifying"
    told = (
        await Notification.select()
        .where(
            (Notification.user == w.enterprise_user["id"])
            & (Notification.kind == "hazard.verify_failed")
        )
        .run()
    )
    assert told and "接地电阻未检测" in told[-1]["body"]


async def test_evidence_dates_and_photos_are_checked(client):
    w = await f.world()
    h = await _open_hazard(w)
    ent = f.headers(w.enterprise_user)
    url = f"/api/v1/hazards/{h['id']}/submissions"
    tomorrow = local_today() + dt.timedelta(days=1)
    mine = [await _photo(client, w, h["id"])]
    r = await client.post(
        url,
        json={"description": "x", "completed_on": str(tomorrow), "photo_ids": mine},
        headers=ent,
    )
    assert r.status_code == 400 and _keys(r) == ["completed_on"]
    before = h["found_on"]
    early = dt.date.fromisoformat(str(before)) - dt.timedelta(days=1)
    r = await client.post(
        url, json={"description": "x", "completed_on": str(early), "photo_ids": mine}, headers=ent
    )
    assert r.status_code == 400 and _keys(r) == ["completed_on"]
    # an inspector's photo is not the enterprise's evidence
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/photos",
        files={"file": ("p.jpg", fi.jpeg(), "image/jpeg")},
        headers=f.headers(w.inspector),
    )
    theirs = r.json()["id"]
    r = await client.post(
        url,
        json={"description": "x", "completed_on": str(local_today()), "photo_ids": [theirs]},
        headers=ent,
    )
    # (and without a usable one, too few after-photos)
    assert r.status_code == 400 and _keys(r) == ["photo_ids[0]", "photo_ids"]
    assert (await client.get(f"/api/v1/hazards/{h['id']}", headers=ent)).json()[
        "status"
    ] == "pending"


async def test_extensions_move_the_deadline_once_decided(client):
    w = await f.world()
    h = await _open_hazard(w, "major")
    hid, ent, off = h["id"], f.headers(w.enterprise_user), f.headers(w.officer)
    effective = dt.date.fromisoformat(str(h["effective_deadline"]))
    later = effective + dt.timedelta(days=30)
    r = await client.put(
        f"/api/v1/hazards/{hid}/plan", json={**FULL_PLAN, "deadline": str(later)}, headers=ent
    )
    assert r.status_code == 400 and _keys(r) == ["deadline"]

    r = await client.post(
        f"/api/v1/hazards/{hid}/extension-requests",
        json={"new_deadline": str(later), "reason": "防爆电机到货需30天"},
        headers=ent,
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"
    request_id = r.json()["id"]
    r = await client.post(
        f"/api/v1/hazards/{hid}/extension-requests",
        json={"new_deadline": str(later + dt.timedelta(days=1)), "reason": "再延"},
        headers=ent,
    )
    assert r.status_code == 409
    queue = (await client.get("/api/v1/extension-requests", headers=off)).json()
    assert request_id in [x["id"] for x in queue["items"]]

    decide = f"/api/v1/extension-requests/{request_id}/decision"
    r = await client.post(decide, json={"approved": True}, headers=ent)
    assert r.status_code == 403
    r = await client.post(decide, json={"approved": True, "comment": "同意"}, headers=off)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = await client.post(decide, json={"approved": False, "comment": "改主意"}, headers=off)
    assert r.status_code == 409
    detail = (await client.get(f"/api/v1/hazards/{hid}", headers=ent)).json()
    assert detail["effective_deadline"] == str(later) and detail["deadline"] == str(effective)
    assert detail["extension_requests"][0]["status"] == "approved"
    assert any("批准延期" in t["note"] for t in detail["timeline"])
    r = await client.put(
        f"/api/v1/hazards/{hid}/plan", json={**FULL_PLAN, "deadline": str(later)}, headers=ent
    )
    assert r.status_code == 200


async def test_a_refused_extension_says_why(client):
    w = await f.world()
    h = await _open_hazard(w)
    ent, off = f.headers(w.enterprise_user), f.headers(w.officer)
    later = dt.date.fromisoformat(str(h["effective_deadline"])) + dt.timedelta(days=10)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/extension-requests",
        json={"new_deadline": str(later), "reason": "人手不足"},
        headers=ent,
    )
    decide = f"/api/v1/extension-requests/{r.json()['id']}/decision"
    r = await client.post(decide, json={"approved": False}, headers=off)
    assert r.status_code == 400 and _keys(r) == ["comment"]
    r = await client.post(
        decide, json={"approved": False, "comment": "一般隐患应按期整改"}, headers=off
    )
    assert r.status_code == 200 and r.json()["decision_comment"] == "一般隐患应按期整改"
    detail = (await client.get(f"/api/v1/hazards/{h['id']}", headers=ent)).json()
    assert detail["effective_deadline"] == str(h["effective_deadline"])


async def test_only_an_officer_voids_with_a_reason_and_never_a_closed_hazard(client):
    w = await f.world()
    h = await _open_hazard(w)
    url = f"/api/v1/hazards/{h['id']}/void"
    assert (
        await client.post(url, json={"reason": "x"}, headers=f.headers(w.enterprise_user))
    ).status_code == 403
    r = await client.post(url, json={"reason": " "}, headers=f.headers(w.officer))
    assert r.status_code == 400 and _keys(r) == ["reason"]
    r = await client.post(url, json={"reason": "重复录入"}, headers=f.headers(w.officer))
    assert r.status_code == 200 and r.json()["status"] == "voided"
    listed = await client.get(
        "/api/v1/hazards", params={"status": "voided"}, headers=f.headers(w.officer)
    )
    assert h["id"] in [x["id"] for x in listed.json()["items"]]

    closed = await _open_hazard(w, fixed_on_spot=True)
    r = await client.post(
        f"/api/v1/hazards/{closed['id']}/void", json={"reason": "x"}, headers=f.headers(w.officer)
    )
    assert r.status_code == 409 and "closed" in r.json()["extra"][0]["message"]


async def test_two_verifications_at_once_apply_once(client):
    w = await f.world()
    h = await _open_hazard(w)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/submissions",
        json={
            "description": "已整改",
            "completed_on": str(local_today()),
            "photo_ids": [await _photo(client, w, h["id"])],
        },
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 201, r.text
    second_officer = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    answers = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/hazards/{h['id']}/verifications",
                json={"result": "pass", "comment": f"验收{i}"},
                headers=f.headers(who),
            )
            for i, who in enumerate((w.officer, second_officer))
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    detail = (await client.get(f"/api/v1/hazards/{h['id']}", headers=f.headers(w.officer))).json()
    assert len(detail["verifications"]) == 1 and detail["status"] == "closed"


@pytest.mark.parametrize("who", ["foreign_enterprise_user", "foreign_officer"])
async def test_outsiders_get_404(client, who):
    w = await f.world()
    h = await _open_hazard(w)
    headers = f.headers(getattr(w, who))
    for method, path, body in (
        ("GET", f"/api/v1/hazards/{h['id']}", None),
        ("PUT", f"/api/v1/hazards/{h['id']}/plan", {"measures": "x"}),
        ("POST", f"/api/v1/hazards/{h['id']}/verifications", {"result": "pass"}),
    ):
        r = await client.request(method, path, json=body, headers=headers)
        expected = 403 if who == "foreign_officer" and method == "PUT" else 404
        assert r.status_code in (expected, 404), (method, path, r.status_code)
        assert r.status_code != 200


async def test_an_inspector_outside_the_group_cannot_verify(client):
    w = await f.world()
    h = await _open_hazard(w)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/submissions",
        json={
            "description": "已整改",
            "completed_on": str(local_today()),
            "photo_ids": [await _photo(client, w, h["id"])],
        },
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 201, r.text
    stranger = await f.user("inspector", agency_id=w.agency["id"])
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/verifications",
        json={"result": "pass"},
        headers=f.headers(stranger),
    )
    assert r.status_code == 404
