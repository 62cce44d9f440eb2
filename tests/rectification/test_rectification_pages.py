"""The hazard pages on the engine under test: the enterprise's plan (五落实 field errors with
the input kept), evidence with an uploaded photo, an extension request; the officer's
verification queue (pass, fail needing a comment), the extension queue; scope and roles."""

from __future__ import annotations

import datetime as dt
import re

from inspections.tables import Hazard
from rectification.tables import EvidenceSubmission, ExtensionRequest
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user
from tests.rectification.test_rectification_api import FULL_PLAN, _open_hazard


async def _status(hazard_id: int) -> str:
    row = await Hazard.select(Hazard.status).where(Hazard.id == hazard_id).first().run()
    return row["status"]


async def _submitted(client, w, level: str = "general") -> dict:
    """A hazard whose evidence (with one after-photo) was sent from the page."""
    h = await _open_hazard(w, level)
    ent = await as_user(w.enterprise_user)
    if level == "major":
        plan = {**FULL_PLAN, "deadline": str(h["effective_deadline"])}
        r = await client.post(f"/hazards/{h['id']}/plan", data=plan, headers=ent)
        assert r.status_code == 303, r.text
    r = await client.post(
        f"/hazards/{h['id']}/evidence",
        data={"description": "已清理杂物", "completed_on": str(local_today()), "action": "submit"},
        files={"photos": ("after.jpg", fi.jpeg(), "image/jpeg")},
        headers=ent,
    )
    assert r.status_code == 303, r.text
    return h


async def test_the_enterprise_sees_its_hazards_grouped_with_a_countdown(client):
    w = await f.world()
    h = await _open_hazard(w, description="消防通道堵塞")
    await (
        Hazard.update({Hazard.effective_deadline: local_today() - dt.timedelta(days=2)})
        .where(Hazard.id == h["id"])
        .run()
    )
    r = await client.get("/hazards", headers=await as_user(w.enterprise_user))
    assert r.status_code == 200
    assert "我们的隐患" in r.text and "消防通道堵塞" in r.text and "待整改" in r.text
    assert "已逾期 2 天" in r.text


async def test_a_major_plan_missing_a_field_shows_the_error_and_keeps_the_input(client):
    w = await f.world()
    h = await _open_hazard(w, "major")
    ent = await as_user(w.enterprise_user)
    page = await client.get(f"/hazards/{h['id']}", headers=ent)
    assert 'name="contingency_plan"' in page.text and 'name="funds"' in page.text
    plan = {**FULL_PLAN, "deadline": str(h["effective_deadline"]), "funds": ""}
    r = await client.post(f"/hazards/{h['id']}/plan", data=plan, headers=ent)
    assert r.status_code == 400
    assert "资金落实" in r.text and 'class="field invalid"' in r.text
    assert "更换防爆电机，加装接地" in r.text and "王强" in r.text  # input kept
    assert await _status(h["id"]) == "pending"
    plan["funds"] = "2万元"
    r = await client.post(f"/hazards/{h['id']}/plan", data=plan, headers=ent)
    assert r.status_code == 303 and r.headers["location"] == f"/hazards/{h['id']}?done=plan"
    assert await _status(h["id"]) == "rectifying"


async def test_a_general_hazard_has_no_five_musts_fields(client):
    w = await f.world()
    h = await _open_hazard(w)
    page = await client.get(f"/hazards/{h['id']}", headers=await as_user(w.enterprise_user))
    assert 'name="measures"' in page.text and 'name="contingency_plan"' not in page.text


async def test_the_enterprise_submits_evidence_with_a_photo(client):
    w = await f.world()
    h = await _submitted(client, w)
    assert await _status(h["id"]) == "submitted"
    page = await client.get(f"/hazards/{h['id']}", headers=await as_user(w.enterprise_user))
    assert "已清理杂物" in page.text and "/thumbnail" in page.text


async def test_photos_uploaded_alone_are_offered_with_the_next_submission(client):
    w = await f.world()
    h = await _open_hazard(w)
    ent = await as_user(w.enterprise_user)
    r = await client.post(
        f"/hazards/{h['id']}/evidence",
        data={"description": "", "completed_on": "", "action": "upload"},
        files={"photos": ("after.jpg", fi.jpeg(), "image/jpeg")},
        headers=ent,
    )
    assert r.status_code == 200
    [photo] = re.findall(r'name="photo_ids" value="(\d+)"', r.text)
    r = await client.post(
        f"/hazards/{h['id']}/evidence",
        data={"description": "", "completed_on": str(local_today()), "action": "submit"},
        files={"photos": ("", b"", "application/octet-stream")},
        headers=ent,
    )
    assert r.status_code == 400 and 'class="field invalid"' in r.text
    assert await _status(h["id"]) == "pending"
    assert f'name="photo_ids" value="{photo}"' in r.text  # still offered
    r = await client.post(
        f"/hazards/{h['id']}/evidence",
        data={
            "description": "已清理",
            "completed_on": str(local_today()),
            "action": "submit",
            "photo_ids": str(photo),
        },
        files={"photos": ("", b"", "application/octet-stream")},
        headers=ent,
    )
    assert r.status_code == 303 and await _status(h["id"]) == "submitted"
    sub = await EvidenceSubmission.select().where(EvidenceSubmission.hazard == h["id"]).run()
    assert len(sub) == 1


async def test_the_enterprise_requests_an_extension_and_sees_it_refused(client):
    w = await f.world()
    h = await _open_hazard(w)
    ent = await as_user(w.enterprise_user)
    later = str(h["effective_deadline"] + dt.timedelta(days=10))
    r = await client.post(
        f"/hazards/{h['id']}/extension", data={"new_deadline": later, "reason": ""}, headers=ent
    )
    assert r.status_code == 400 and 'class="field invalid"' in r.text
    r = await client.post(
        f"/hazards/{h['id']}/extension",
        data={"new_deadline": later, "reason": "设备到货延迟"},
        headers=ent,
    )
    assert r.status_code == 303
    page = await client.get(f"/hazards/{h['id']}", headers=ent)
    assert "等待审批" in page.text

    off = await as_user(w.officer)
    queue = await client.get("/hazards/extensions", headers=off)
    assert queue.status_code == 200 and "设备到货延迟" in queue.text
    req = await ExtensionRequest.select().where(ExtensionRequest.hazard == h["id"]).first().run()
    r = await client.post(
        f"/hazards/extensions/{req['id']}", data={"decision": "refuse", "comment": ""}, headers=off
    )
    assert r.status_code == 400 and 'class="field invalid"' in r.text
    r = await client.post(
        f"/hazards/extensions/{req['id']}",
        data={"decision": "refuse", "comment": "期限内可完成"},
        headers=off,
    )
    assert r.status_code == 303
    page = await client.get(f"/hazards/{h['id']}", headers=ent)
    assert "未获批准" in page.text and "期限内可完成" in page.text


async def test_the_officer_approves_an_extension_and_the_deadline_moves(client):
    w = await f.world()
    h = await _open_hazard(w)
    later = h["effective_deadline"] + dt.timedelta(days=10)
    await client.post(
        f"/hazards/{h['id']}/extension",
        data={"new_deadline": str(later), "reason": "等待配件"},
        headers=await as_user(w.enterprise_user),
    )
    req = await ExtensionRequest.select().where(ExtensionRequest.hazard == h["id"]).first().run()
    r = await client.post(
        f"/hazards/extensions/{req['id']}",
        data={"decision": "approve", "comment": ""},
        headers=await as_user(w.officer),
    )
    assert r.status_code == 303
    row = await Hazard.select(Hazard.effective_deadline).where(Hazard.id == h["id"]).first().run()
    assert row["effective_deadline"] == later


async def test_the_officer_fails_without_a_comment_then_fails_and_passes_from_the_queue(client):
    w = await f.world()
    h = await _submitted(client, w, "major")
    off = await as_user(w.officer)
    queue = await client.get("/hazards/verify", headers=off)
    assert queue.status_code == 200 and f'id="h{h["id"]}"' in queue.text
    assert queue.text.count("/thumbnail") >= 1
    r = await client.post(
        f"/hazards/{h['id']}/verify",
        data={"result": "fail", "comment": "", "back": "/hazards/verify"},
        headers=off,
    )
    assert r.status_code == 400 and 'class="field invalid"' in r.text
    assert await _status(h["id"]) == "submitted"
    r = await client.post(
        f"/hazards/{h['id']}/verify",
        data={"result": "fail", "comment": "接地线未恢复", "back": "/hazards/verify"},
        headers=off,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/hazards/verify")
    assert await _status(h["id"]) == "rectifying"
    page = await client.get(f"/hazards/{h['id']}", headers=await as_user(w.enterprise_user))
    assert "验收未通过" in page.text and "接地线未恢复" in page.text

    h2 = await _submitted(client, w)
    r = await client.post(
        f"/hazards/{h2['id']}/verify",
        data={"result": "pass", "comment": "", "back": "/hazards/verify"},
        headers=off,
    )
    assert r.status_code == 303 and await _status(h2["id"]) == "closed"
    back = await client.get(r.headers["location"], headers=off)
    assert f'验收结果已记录。 <a href="/hazards/{h2["id"]}">隐患 #{h2["id"]}</a>' in back.text
    page = await client.get(f"/hazards/{h2['id']}", headers=await as_user(w.enterprise_user))
    assert "已销号" in page.text


async def test_the_officer_voids_only_with_a_reason(client):
    w = await f.world()
    h = await _open_hazard(w)
    off = await as_user(w.officer)
    r = await client.post(f"/hazards/{h['id']}/void", data={"reason": ""}, headers=off)
    assert r.status_code == 400 and await _status(h["id"]) == "pending"
    r = await client.post(f"/hazards/{h['id']}/void", data={"reason": "重复登记"}, headers=off)
    assert r.status_code == 303 and await _status(h["id"]) == "voided"
    ours = await client.get("/hazards", headers=await as_user(w.enterprise_user))
    assert h["description"] not in ours.text
    ours = await client.get("/hazards?voided=1", headers=await as_user(w.enterprise_user))
    assert h["description"] in ours.text


async def test_the_officer_searches_and_sees_overdue_hazards(client):
    w = await f.world()
    h = await _open_hazard(w, description="叉车无证驾驶")
    await (
        Hazard.update({Hazard.effective_deadline: local_today() - dt.timedelta(days=5)})
        .where(Hazard.id == h["id"])
        .run()
    )
    off = await as_user(w.officer)
    r = await client.get("/hazards?q=叉车无证&overdue=1", headers=off)
    assert r.status_code == 200 and "叉车无证驾驶" in r.text and "隐患查询" in r.text
    r = await client.get("/hazards?found_from=2026-13-01", headers=off)
    assert r.status_code == 400 and 'class="field invalid"' in r.text
    r = await client.get("/hazards/overdue", headers=off)
    assert "叉车无证驾驶" in r.text and "已逾期 5 天" in r.text


async def test_another_enterprise_gets_404(client):
    w = await f.world()
    h = await _open_hazard(w)
    other = await as_user(w.foreign_enterprise_user)
    assert (await client.get(f"/hazards/{h['id']}", headers=other)).status_code == 404
    r = await client.post(f"/hazards/{h['id']}/plan", data={"measures": "x"}, headers=other)
    assert r.status_code == 404


async def test_an_enterprise_cannot_reach_the_officer_queues(client):
    w = await f.world()
    ent = await as_user(w.enterprise_user)
    for path in ("/hazards/verify", "/hazards/extensions", "/hazards/overdue"):
        assert (await client.get(path, headers=ent)).status_code == 403, path
