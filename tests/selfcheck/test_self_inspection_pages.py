"""The self-inspection pages (企业自查) over the real services: the enterprise starts one
(its walk opens at once), logs a hazard on the inspector's forms, signs without a 拒签
option, and closes its general finding with "验收销号" on the hazard page (a major one
says an officer closes it, with no verify form); the officer lists their subtree's
self-inspections and reads one on the review page; another enterprise gets 404."""

from __future__ import annotations

import datetime as dt

from inspections.tables import Hazard, Inspection
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user


async def _started(client, w, h) -> int:
    tpl = await fi.checklist(sections=1, items=2)
    r = await client.get("/self-inspections", headers=h)
    assert r.status_code == 200 and "开始自查" in r.text
    form = {"checklist_id": str(tpl["id"]), "scheduled_on": local_today().isoformat()}
    r = await client.post("/self-inspections", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text
    iid = int(r.headers["location"].rsplit("/", 1)[1])
    row = await Inspection.select().where(Inspection.id == iid).first().run()
    assert row["kind"] == "self" and row["state"] == "in_progress"
    assert row["enterprise"] == w.enterprise["id"]
    return iid


async def test_the_enterprise_starts_walks_and_closes_a_general_finding(client):
    w = await f.world()
    h = await as_user(w.enterprise_user)
    iid = await _started(client, w, h)
    walk = (await client.get(f"/inspections/{iid}", headers=h)).text
    assert "企业自查" in walk and "记录其他隐患" in walk and f"/inspections/{iid}/sign" in walk
    assert "自查人签字（企业安全负责人）" in walk
    form = (await client.get(f"/inspections/{iid}/hazards/new", headers=h)).text
    assert "重大隐患记录后将立即报告" in form
    default_general = (local_today() + dt.timedelta(days=15)).isoformat()
    assert f'data-default-general="{default_general}"' in form
    r = await client.post(
        f"/inspections/{iid}/hazards",
        data={
            "description": "配电箱前堆放杂物",
            "location": "一车间",
            "level": "general",
            "category": "site",
            "subcategory": "电气",
        },
        headers=h,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    hazard = await Hazard.select().where(Hazard.inspection == iid).first().run()
    assert hazard["source"] == "self_report"
    listed = (await client.get("/self-inspections", headers=h)).text
    assert "隐患 1 条，1 条未销号" in listed
    sign = (await client.get(f"/inspections/{iid}/sign", headers=h)).text
    assert "拒签" not in sign and "企业主要负责人签字（可选）" in sign
    # evidence straight from pending, then 验收销号 by the enterprise itself
    r = await client.post(
        f"/hazards/{hazard['id']}/evidence",
        files={
            "description": (None, "已清理"),
            "completed_on": (None, local_today().isoformat()),
            "action": (None, "submit"),
            "photos": ("after.jpg", fi.jpeg(), "image/jpeg"),
        },
        headers=h,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = (await client.get(f"/hazards/{hazard['id']}", headers=h)).text
    assert "验收销号（本企业自查隐患）" in page
    r = await client.post(
        f"/hazards/{hazard['id']}/verify",
        data={"result": "pass", "comment": ""},
        headers=h,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    row = await Hazard.select(Hazard.status).where(Hazard.id == hazard["id"]).first().run()
    assert row["status"] == "closed"
    listed = (await client.get("/self-inspections", headers=h)).text
    assert "隐患 1 条，已全部销号" in listed and "未销号" not in listed


async def test_a_major_finding_shows_no_verify_form_to_the_enterprise(client):
    w = await f.world()
    h = await as_user(w.enterprise_user)
    iid = await _started(client, w, h)
    r = await client.post(
        f"/inspections/{iid}/hazards",
        data={
            "description": "粉尘除尘系统未设置泄爆装置",
            "level": "major",
            "category": "site",
            "subcategory": "粉尘",
            "major_basis": "应急管理部令第10号 第十一条",
        },
        headers=h,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    hazard = await Hazard.select().where(Hazard.inspection == iid).first().run()
    page = (await client.get(f"/hazards/{hazard['id']}", headers=h)).text
    assert "由街道安全监管员验收销号" in page and "验收销号（本企业自查隐患）" not in page
    r = await client.post(
        f"/hazards/{hazard['id']}/verify",
        data={"result": "pass", "comment": ""},
        headers=h,
        follow_redirects=False,
    )
    assert r.status_code == 403


async def test_the_officer_lists_and_reviews_self_inspections_of_their_area(client):
    w = await f.world()
    iid = await _started(client, w, await as_user(w.enterprise_user))
    officer = await as_user(w.officer)
    page = (await client.get("/self-inspections", headers=officer)).text
    assert f'href="/inspections/{iid}/review"' in page and w.enterprise["name"] in page
    detail = (await client.get(f"/enterprises/{w.enterprise['id']}", headers=officer)).text
    assert f'href="/self-inspections?enterprise_id={w.enterprise["id"]}"' in detail
    one = await client.get(f"/self-inspections?enterprise_id={w.enterprise['id']}", headers=officer)
    assert f"/inspections/{iid}/review" in one.text
    review = await client.get(f"/inspections/{iid}/review", headers=officer)
    assert review.status_code == 200 and w.enterprise["name"] in review.text
    foreign = (await client.get("/self-inspections", headers=await as_user(w.foreign_officer))).text
    assert f"/inspections/{iid}/review" not in foreign


async def test_another_enterprise_gets_404_and_an_inspector_403(client):
    w = await f.world()
    iid = await _started(client, w, await as_user(w.enterprise_user))
    other = await as_user(w.foreign_enterprise_user)
    for path in (
        f"/inspections/{iid}",
        f"/inspections/{iid}/sign",
        f"/inspections/{iid}/hazards/new",
    ):
        assert (await client.get(path, headers=other)).status_code == 404, path
    inspector = await as_user(w.inspector)
    assert (await client.get("/self-inspections", headers=inspector)).status_code == 403


async def test_a_bad_form_comes_back_with_the_error_next_to_the_field(client):
    w = await f.world()
    h = await as_user(w.enterprise_user)
    far = (local_today() + dt.timedelta(days=400)).isoformat()
    r = await client.post(
        "/self-inspections", data={"checklist_id": "987654321", "scheduled_on": far}, headers=h
    )
    assert r.status_code == 400
    assert "不存在或未发布" in r.text and "天后" in r.text
