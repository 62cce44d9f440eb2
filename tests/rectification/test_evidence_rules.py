"""Closure a regulator can trust (issue 18, points 1, 2 and 7), through the API and the
pages on the engine under test: evidence by level (after-photos, a complete 五落实 plan),
a major hazard's pass needing an opinion and — on the page — a second confirmation, the
verifier, time and opinion on the timeline, the countersign setting, and void cancelling
a pending extension request."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.tables import Hazard, HazardTransition
from rectification.tables import EvidenceSubmission, ExtensionRequest, RectificationPlan
from safety.settings import get_settings, local_today
from safety.tables import AuditEvent
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user
from tests.rectification.test_rectification_api import FULL_PLAN, _keys, _open_hazard, _photo

TODAY = local_today()


async def _status(hazard_id: int) -> str:
    row = await Hazard.select(Hazard.status).where(Hazard.id == hazard_id).first().run()
    return row["status"]


async def _submissions(hazard_id: int) -> int:
    return await EvidenceSubmission.count().where(EvidenceSubmission.hazard == hazard_id).run()


async def _planned_major(client, w) -> dict:
    h = await _open_hazard(w, "major")
    r = await client.put(
        f"/api/v1/hazards/{h['id']}/plan",
        json={**FULL_PLAN, "deadline": str(h["effective_deadline"])},
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 200, r.text
    return h


async def _submitted_major(client, w) -> dict:
    h = await _planned_major(client, w)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/submissions",
        json={
            "description": "已更换防爆电机",
            "completed_on": str(TODAY),
            "photo_ids": [await _photo(client, w, h["id"])],
        },
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 201, r.text
    return h


# ---------------------------------------------------------------- point 1: evidence by level


async def test_the_api_refuses_a_general_hazards_evidence_without_an_after_photo(client):
    w = await f.world()
    h = await _open_hazard(w)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/submissions",
        json={"description": "已清理", "completed_on": str(TODAY)},
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 400 and _keys(r) == ["photo_ids"], r.text
    assert await _status(h["id"]) == "pending" and await _submissions(h["id"]) == 0


async def test_a_general_hazards_photo_can_be_waived_by_the_setting(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "evidence_general_min_photos", 0)
    w = await f.world()
    h = await _open_hazard(w)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/submissions",
        json={"description": "已清理", "completed_on": str(TODAY)},
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 201, r.text
    # ... but not a major hazard's
    m = await _planned_major(client, w)
    r = await client.post(
        f"/api/v1/hazards/{m['id']}/submissions",
        json={"description": "已更换", "completed_on": str(TODAY)},
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 400 and _keys(r) == ["photo_ids"]


async def test_two_photos_asked_for_one_is_refused(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "evidence_general_min_photos", 2)
    w = await f.world()
    h = await _open_hazard(w)
    url, ent = f"/api/v1/hazards/{h['id']}/submissions", f.headers(w.enterprise_user)
    one = [await _photo(client, w, h["id"])]
    body = {"description": "已清理", "completed_on": str(TODAY)}
    r = await client.post(url, json={**body, "photo_ids": one}, headers=ent)
    assert r.status_code == 400 and _keys(r) == ["photo_ids"] and "2 张" in r.text
    two = [*one, await _photo(client, w, h["id"])]
    assert (await client.post(url, json={**body, "photo_ids": two}, headers=ent)).status_code == 201


@pytest.mark.parametrize("missing", ["responsible_person", "funds", "contingency_plan"])
async def test_a_major_hazards_evidence_needs_its_plan_complete(client, missing):
    w = await f.world()
    h = await _planned_major(client, w)
    # a plan that lost one of 五落实 (an older plan, an import): read again at evidence time
    await (
        RectificationPlan.update({getattr(RectificationPlan, missing): ""})
        .where(RectificationPlan.hazard == h["id"])
        .run()
    )
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/submissions",
        json={
            "description": "已更换",
            "completed_on": str(TODAY),
            "photo_ids": [await _photo(client, w, h["id"])],
        },
        headers=f.headers(w.enterprise_user),
    )
    assert r.status_code == 400 and _keys(r) == [missing], r.text
    assert await _status(h["id"]) == "rectifying" and await _submissions(h["id"]) == 0


async def test_the_page_refuses_evidence_without_a_photo_next_to_the_field(client):
    w = await f.world()
    h = await _open_hazard(w)
    r = await client.post(
        f"/hazards/{h['id']}/evidence",
        files={
            "description": (None, "已清理配电箱前杂物"),
            "completed_on": (None, str(TODAY)),
            "action": (None, "submit"),
        },
        headers=await as_user(w.enterprise_user),
    )
    assert r.status_code == 400, r.text
    page = r.text
    field = page[page.index('for="f-photos"') - 80 : page.index('name="photos"') + 400]
    assert "invalid" in field and "整改后照片" in field and 'role="alert"' in field
    assert "已清理配电箱前杂物" in page  # what was typed is kept
    assert await _status(h["id"]) == "pending" and await _submissions(h["id"]) == 0


async def test_the_page_shows_a_missing_plan_field_at_the_plan(client):
    w = await f.world()
    h = await _planned_major(client, w)
    await (
        RectificationPlan.update({RectificationPlan.funds: ""})
        .where(RectificationPlan.hazard == h["id"])
        .run()
    )
    r = await client.post(
        f"/hazards/{h['id']}/evidence",
        data={"description": "已更换防爆电机", "completed_on": str(TODAY), "action": "submit"},
        files={"photos": ("after.jpg", fi.jpeg(), "image/jpeg")},
        headers=await as_user(w.enterprise_user),
    )
    assert r.status_code == 400, r.text
    plan = r.text[r.text.index('id="plan"') : r.text.index('id="evidence"')]
    funds = plan[plan.index('for="f-funds"') - 80 :]
    assert 'class="field invalid"' in funds[:200] and "资金落实" in funds[:600]
    assert "已更换防爆电机" in r.text
    assert await _status(h["id"]) == "rectifying"


async def test_a_fixed_on_the_spot_hazard_still_closes_at_the_inspection(client):
    w = await f.world()
    h = await _open_hazard(w, fixed_on_spot=True)
    assert h["status"] == "closed"
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/photos",
        data={"kind": "rectified"},
        files={"file": ("after.jpg", fi.jpeg(), "image/jpeg")},
        headers=f.headers(w.inspector),
    )
    assert r.status_code == 201 and r.json()["kind"] == "rectified", r.text


# ---------------------------------------------------------------- point 2: verification


async def test_a_major_pass_needs_an_opinion_which_goes_on_the_timeline(client):
    w = await f.world()
    h = await _submitted_major(client, w)
    url = f"/api/v1/hazards/{h['id']}/verifications"
    off = f.headers(w.officer)
    r = await client.post(url, json={"result": "pass", "comment": " "}, headers=off)
    assert r.status_code == 400 and _keys(r) == ["comment"], r.text
    assert await _status(h["id"]) == "submitted"
    r = await client.post(
        url, json={"result": "pass", "comment": "现场复查，电机已更换"}, headers=off
    )
    assert r.status_code == 201, r.text
    last = r.json()["timeline"][-1]
    assert last["to_status"] == "closed" and "现场复查，电机已更换" in last["note"]
    assert last["actor"] == w.officer["display_name"] and last["at"]


async def test_the_page_asks_again_before_closing_a_major_hazard(client):
    w = await f.world()
    h = await _submitted_major(client, w)
    off = await as_user(w.officer)
    url = f"/hazards/{h['id']}/verify"
    r = await client.post(url, data={"result": "pass", "comment": ""}, headers=off)
    assert r.status_code == 400 and "重大隐患验收通过须填写验收意见" in r.text
    # the first 通过: a confirmation, nothing closed
    r = await client.post(url, data={"result": "pass", "comment": "整改到位"}, headers=off)
    assert r.status_code == 200 and "确认销号" in r.text and "整改到位" in r.text
    assert 'name="confirm" value="1"' in r.text
    assert await _status(h["id"]) == "submitted"
    # 返回修改: the form again, the opinion kept
    r = await client.post(
        url, data={"result": "pass", "comment": "整改到位", "confirm": "edit"}, headers=off
    )
    assert r.status_code == 200 and 'name="confirm" value="1"' not in r.text
    assert ">整改到位</textarea>" in r.text and await _status(h["id"]) == "submitted"
    r = await client.post(
        url,
        data={"result": "pass", "comment": "整改到位", "confirm": "1"},
        headers=off,
        follow_redirects=False,
    )
    assert r.status_code == 303 and await _status(h["id"]) == "closed"


async def test_the_queue_asks_again_before_closing_a_major_hazard(client):
    w = await f.world()
    h = await _submitted_major(client, w)
    off = await as_user(w.officer)
    queue = (await client.get("/hazards/verify", headers=off)).text
    card = queue[queue.index(f'id="h{h["id"]}"') :]
    # plan, before and after photos and the completion date side by side
    assert "cmp-plan" in card and FULL_PLAN["funds"] in card and "cmp-after" in card
    assert str(TODAY) in card[card.index("cmp-done") :]
    form = {"result": "pass", "comment": "同意销号", "back": "/hazards/verify"}
    r = await client.post(f"/hazards/{h['id']}/verify", data=form, headers=off)
    assert r.status_code == 200 and "确认销号" in r.text
    assert await _status(h["id"]) == "submitted"
    r = await client.post(
        f"/hazards/{h['id']}/verify",
        data={**form, "confirm": "1"},
        headers=off,
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == f"/hazards/verify?done={h['id']}"
    assert await _status(h["id"]) == "closed"


async def test_a_general_pass_on_the_page_is_one_step(client):
    w = await f.world()
    h = await _open_hazard(w)
    await client.post(
        f"/api/v1/hazards/{h['id']}/submissions",
        json={
            "description": "已清理",
            "completed_on": str(TODAY),
            "photo_ids": [await _photo(client, w, h["id"])],
        },
        headers=f.headers(w.enterprise_user),
    )
    r = await client.post(
        f"/hazards/{h['id']}/verify",
        data={"result": "pass", "comment": ""},
        headers=await as_user(w.officer),
        follow_redirects=False,
    )
    assert r.status_code == 303 and await _status(h["id"]) == "closed"


async def test_the_hazard_page_shows_plan_photos_and_date_side_by_side(client):
    w = await f.world()
    h = await _submitted_major(client, w)
    page = (await client.get(f"/hazards/{h['id']}", headers=await as_user(w.inspector))).text
    compare = page[page.index('id="compare"') : page.index('id="verify"')]
    for part in ("cmp-plan", "cmp-before", "cmp-after", "cmp-done"):
        assert part in compare
    assert FULL_PLAN["contingency_plan"] in compare and str(TODAY) in compare
    assert compare.count("<img") >= 1  # the after-photo


async def test_with_countersign_an_inspectors_major_pass_waits_for_an_officer(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "major_countersign", True)
    w = await f.world()
    h = await _submitted_major(client, w)
    url = f"/api/v1/hazards/{h['id']}/verifications"
    r = await client.post(
        url, json={"result": "pass", "comment": "复查合格"}, headers=f.headers(w.inspector)
    )
    assert r.status_code == 201 and r.json()["status"] == "submitted", r.text
    assert "待监管员会签" in r.json()["timeline"][-1]["note"]
    r = await client.post(
        url, json={"result": "pass", "comment": "再次"}, headers=f.headers(w.inspector)
    )
    assert r.status_code == 409
    queue = (await client.get("/hazards/verify", headers=await as_user(w.officer))).text
    card = queue[queue.index(f'id="h{h["id"]}"') :]
    assert "待会签" in card[:600] and "会签通过，销号" in card
    r = await client.post(
        url, json={"result": "pass", "comment": "会签同意"}, headers=f.headers(w.officer)
    )
    assert r.status_code == 201 and r.json()["status"] == "closed"
    assert [v["result"] for v in r.json()["verifications"]] == ["pass", "pass"]


async def test_without_countersign_an_inspectors_major_pass_closes(client):
    assert get_settings().major_countersign is False
    w = await f.world()
    h = await _submitted_major(client, w)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/verifications",
        json={"result": "pass", "comment": "复查合格"},
        headers=f.headers(w.inspector),
    )
    assert r.status_code == 201 and r.json()["status"] == "closed"


# ---------------------------------------------------------------- point 7: void


async def test_voiding_cancels_the_pending_extension_request(client):
    w = await f.world()
    h = await _open_hazard(w)
    ent, off = f.headers(w.enterprise_user), f.headers(w.officer)
    later = dt.date.fromisoformat(str(h["effective_deadline"])) + dt.timedelta(days=10)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/extension-requests",
        json={"new_deadline": str(later), "reason": "配件缺货"},
        headers=ent,
    )
    assert r.status_code == 201, r.text
    request_id = r.json()["id"]
    void = f"/api/v1/hazards/{h['id']}/void"
    r = await client.post(void, json={"reason": "重复录入"}, headers=off)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "voided"
    assert [x["status"] for x in body["extension_requests"]] == ["cancelled"]
    assert any("延期申请已取消（隐患作废）" in t["note"] for t in body["timeline"])
    row = await ExtensionRequest.select().where(ExtensionRequest.id == request_id).first().run()
    assert row["status"] == "cancelled" and row["decided_at"] is not None
    assert (
        await AuditEvent.exists()
        .where((AuditEvent.action == "extension.cancelled") & (AuditEvent.object_id == request_id))
        .run()
    )
    # no longer waiting in 延期审批, deciding it is a 409
    pending = (await client.get("/api/v1/extension-requests", headers=off)).json()
    assert request_id not in [x["id"] for x in pending["items"]]
    cancelled = (
        await client.get("/api/v1/extension-requests?status=cancelled", headers=off)
    ).json()
    assert [x["id"] for x in cancelled["items"]] == [request_id]
    queue = (await client.get("/hazards/extensions", headers=await as_user(w.officer))).text
    assert f"/hazards/{h['id']}" not in queue
    r = await client.post(
        f"/api/v1/extension-requests/{request_id}/decision",
        json={"approved": True},
        headers=off,
    )
    assert r.status_code == 409
    page = (await client.get(f"/hazards/{h['id']}", headers=await as_user(w.officer))).text
    assert "已取消（隐患作废）" in page


async def test_voiding_leaves_a_decided_extension_request_as_it_was(client):
    w = await f.world()
    h = await _open_hazard(w)
    later = dt.date.fromisoformat(str(h["effective_deadline"])) + dt.timedelta(days=10)
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/extension-requests",
        json={"new_deadline": str(later), "reason": "配件缺货"},
        headers=f.headers(w.enterprise_user),
    )
    await client.post(
        f"/api/v1/extension-requests/{r.json()['id']}/decision",
        json={"approved": False, "comment": "理由不足"},
        headers=f.headers(w.officer),
    )
    r = await client.post(
        f"/api/v1/hazards/{h['id']}/void", json={"reason": "重复录入"}, headers=f.headers(w.officer)
    )
    assert [x["status"] for x in r.json()["extension_requests"]] == ["refused"]
    notes = await HazardTransition.select(HazardTransition.note).where(
        HazardTransition.hazard == h["id"]
    )
    assert not any("延期申请已取消" in n["note"] for n in notes)


async def test_the_forms_error_is_in_the_pages_language_only(client):
    w = await f.world()
    h = await _open_hazard(w)
    me = await as_user(w.enterprise_user)
    form = {
        "description": (None, "已清理配电箱前杂物"),
        "completed_on": (None, str(TODAY + dt.timedelta(days=2))),
        "action": (None, "submit"),
    }
    r = await client.post(f"/hazards/{h['id']}/evidence", files=form, headers=me)
    assert r.status_code == 400 and "完成日期不能晚于今天" in r.text
    assert "not in the future" not in r.text
    english = {**me, "Cookie": me["Cookie"] + "; lang=en"}
    r = await client.post(f"/hazards/{h['id']}/evidence", files=form, headers=english)
    assert r.status_code == 400 and "not in the future" in r.text
    assert "完成日期不能晚于今天" not in r.text
    assert await _status(h["id"]) == "pending" and await _submissions(h["id"]) == 0
