"""The officer's campaign pages: a campaign planned by filter and by pasted codes (bad
lines reported by number, nothing created), a batch and its inspections (twice =
idempotent), the review of an inspection and its cancellation, and who may reach them."""

from __future__ import annotations

import datetime as dt
import re

from inspections import services
from inspections.tables import Inspection
from safety.settings import local_today
from safety.tables import Batch, Campaign, CampaignEnterprise
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user


def _form(w, **extra) -> dict:
    today = local_today()
    return {
        "name": f"页面活动{f.n()}",
        "kind": "seasonal",
        "starts_on": (today - dt.timedelta(days=5)).isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
        "org_unit_id": str(w.tree["street"]["id"]),
        "general_days": "15",
        "major_days": "60",
        **extra,
    }


def _campaign_id(r) -> int:
    assert r.status_code == 303, r.text[:500]
    match = re.match(r"/campaigns/(\d+)\?created=1", r.headers["location"])
    assert match, r.headers["location"]
    return int(match.group(1))


async def _planned(campaign_id: int) -> set[int]:
    rows = await CampaignEnterprise.select().where(CampaignEnterprise.campaign == campaign_id).run()
    return {r["enterprise"] for r in rows}


async def test_it_plans_a_campaign_from_the_filter_with_select_all(client):
    w = await f.world()
    h = await as_user(w.officer)
    red = await f.enterprise(w.tree["grid2"]["id"], risk_colour="red", is_key=True)
    blue = await f.enterprise(w.tree["grid2"]["id"], risk_colour="blue")
    r = await client.get("/campaigns/new", headers=h)
    assert r.status_code == 200
    assert red["name"] in r.text and w.foreign_enterprise["name"] not in r.text

    # "filter" re-renders with what was typed kept and only the matching enterprises.
    form = _form(w, risk_colour="red", key="1", action="filter", name="冬季大检查")
    r = await client.post("/campaigns/new", data=form, headers=h)
    assert r.status_code == 200
    assert red["name"] in r.text and blue["name"] not in r.text
    assert 'value="冬季大检查"' in r.text
    assert "符合条件 1 家" in r.text

    # Ticked boxes and "all matching" both count; the plan is their union.
    form = _form(w, risk_colour="red", action="create", enterprise_id=[str(blue["id"])])
    form["all_matching"] = "1"
    r = await client.post("/campaigns/new", data=form, headers=h, follow_redirects=False)
    campaign_id = _campaign_id(r)
    assert await _planned(campaign_id) == {red["id"], blue["id"]}
    r = await client.get(r.headers["location"], headers=h)
    assert r.status_code == 200 and "检查活动已创建" in r.text
    assert red["name"] in r.text and "未分配" in r.text
    r = await client.get("/campaigns", headers=h)
    assert r.status_code == 200 and f"/campaigns/{campaign_id}" in r.text


async def test_it_plans_by_pasted_codes_and_reports_every_bad_line(client):
    w = await f.world()
    h = await as_user(w.officer)
    other_street = w.foreign_enterprise["uscc"]
    closed = await f.enterprise(w.tree["grid1"]["id"], active=False)
    good = await f.enterprise(w.tree["grid2"]["id"])
    codes = "\n".join(
        [
            f"{w.enterprise['uscc']}\t{w.enterprise['name']}",  # a row copied from Excel
            "",
            "12345",
            other_street,
            f.uscc(),  # well formed, not registered
            closed["uscc"],
            w.enterprise["uscc"].lower(),
            good["uscc"],
        ]
    )
    name = f"代码活动{f.n()}"
    form = _form(w, codes=codes, action="create", name=name)
    r = await client.post("/campaigns/new", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 400
    text = r.text
    assert "共 5 行" in text
    for line in (3, 4, 5, 6, 7):
        assert f"<strong>第 {line} 行</strong>" in text
    assert "<strong>第 1 行</strong>" not in text and "<strong>第 8 行</strong>" not in text
    assert "应为18位" in text and "与第 1 行重复" in text and "已注销" in text
    assert text.count("未登记，或不在您的辖区内") == 2  # another street's code leaks nothing
    assert "12345" in text  # the pasted text is kept for fixing
    assert not await Campaign.exists().where(Campaign.name == name).run()

    form["codes"] = f"{w.enterprise['uscc']}\n\n{good['uscc']}\n"
    r = await client.post("/campaigns/new", data=form, headers=h, follow_redirects=False)
    assert await _planned(_campaign_id(r)) == {w.enterprise["id"], good["id"]}


async def test_a_campaign_limited_to_a_community_refuses_codes_outside_it(client):
    w = await f.world()
    from safety.actors import SYSTEM
    from safety.orgs import OrgUnitIn, create_org_unit

    community = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"二社区{f.n()}", kind="community", parent_id=w.tree["street"]["id"])
    )
    grid = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"二网格{f.n()}", kind="grid", parent_id=community["id"])
    )
    there = await f.enterprise(grid["id"])
    h = await as_user(w.officer)
    form = _form(w, org_unit_id=str(community["id"]), codes=w.enterprise["uscc"], action="create")
    r = await client.post("/campaigns/new", data=form, headers=h)
    assert r.status_code == 400 and "不在所选街道/社区内" in r.text
    form["codes"] = there["uscc"]
    r = await client.post("/campaigns/new", data=form, headers=h, follow_redirects=False)
    assert await _planned(_campaign_id(r)) == {there["id"]}


async def test_it_refuses_an_empty_plan_and_bad_fields_next_to_them(client):
    w = await f.world()
    h = await as_user(w.officer)
    form = _form(w, action="create", name="")
    r = await client.post("/campaigns/new", data=form, headers=h)
    assert r.status_code == 400 and "请至少选择一家企业或粘贴一个代码" in r.text
    form = _form(w, action="create", ends_on="2000-01-01", enterprise_id=str(w.enterprise["id"]))
    r = await client.post("/campaigns/new", data=form, headers=h)
    assert r.status_code == 400 and "结束日期不能早于开始日期" in r.text
    assert re.search(r'field invalid">\s*<label for="f-ends_on"', r.text)
    form.update(ends_on="2099-01-01", major_days="0")
    r = await client.post("/campaigns/new", data=form, headers=h)
    assert r.status_code == 400
    assert re.search(r'field invalid">\s*<label for="f-major_days"', r.text)
    assert not re.search(r'field invalid">\s*<label for="f-general_days"', r.text)


async def test_a_batch_and_its_inspections_created_twice_make_them_once(client):
    w = await f.world()
    second = await f.user("inspector", agency_id=w.agency["id"])
    other_agency = await f.agency()
    stranger = await f.user("inspector", agency_id=other_agency["id"])
    ent2 = await f.enterprise(w.tree["grid2"]["id"])
    campaign = await fi.campaign(w, [w.enterprise["id"], ent2["id"]])
    h = await as_user(w.officer)
    url = f"/campaigns/{campaign['id']}/batches/new"
    r = await client.get(url, headers=h)
    assert r.status_code == 200
    assert w.enterprise["name"] in r.text and second["display_name"] in r.text

    today = local_today()
    form = {
        "name": "第一批次",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=7)).isoformat(),
        "agency_id": str(w.agency["id"]),
        "enterprise_id": [str(w.enterprise["id"])],
    }
    r = await client.post(url, data=form, headers=h)
    assert r.status_code == 400 and "请选择一位组长" in r.text

    # A box ticked under another agency does not join the group.
    form.update(lead=str(w.inspector["id"]), member=[str(second["id"]), str(stranger["id"])])
    r = await client.post(url, data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text[:400]
    batch = await Batch.select().where(Batch.campaign == campaign["id"]).first().run()
    detail = await services.get_campaign(f.actor(w.officer), campaign["id"])
    group = {(u["id"], u["is_lead"]) for u in detail["batches"][0]["inspectors"]}
    assert group == {(w.inspector["id"], True), (second["id"], False)}

    # The enterprise now in a batch is no longer offered for another.
    r = await client.get(url, headers=h)
    # (by the box's name: a user id in the group's boxes may equal the enterprise's id)
    assert ent2["name"] in r.text
    assert f'name="enterprise_id" value="{w.enterprise["id"]}"' not in r.text
    assert f'name="enterprise_id" value="{ent2["id"]}"' in r.text

    tpl = await fi.checklist()
    page = await client.get(f"/campaigns/{campaign['id']}", headers=h)
    assert tpl["code"] and "生成检查任务" in page.text
    make = f"/campaigns/{campaign['id']}/batches/{batch['id']}/inspections"
    body = {"checklist_id": str(tpl["id"]), "scheduled_on": today.isoformat()}
    r = await client.post(make, data=body, headers=h, follow_redirects=False)
    assert r.status_code == 303 and "inspections_created=1" in r.headers["location"]
    r = await client.post(make, data=body, headers=h, follow_redirects=False)
    assert r.status_code == 303 and "inspections_created=0" in r.headers["location"]
    count = await Inspection.count().where(Inspection.batch == batch["id"]).run()
    assert count == 1
    r = await client.get(r.headers["location"], headers=h)
    assert "均已有检查任务" in r.text and "待检查" in r.text

    r = await client.post(make, data={**body, "checklist_id": "999999"}, headers=h)
    assert r.status_code == 400 and "不存在或未发布" in r.text


async def test_the_review_shows_the_visit_and_cancels_a_planned_one_with_a_reason(client):
    w = await f.world()
    visit = await fi.visit(w)
    inspection_id = visit.inspection["id"]
    inspector = f.actor(w.inspector)
    await services.start_inspection(inspector, inspection_id)
    items = visit.checklist["items"]
    from inspections.schemas import HazardIn, ResultIn

    await services.save_results(
        inspector,
        inspection_id,
        [
            ResultIn(item_id=items[0]["id"], result="pass"),
            ResultIn(item_id=items[1]["id"], result="fail", note="灭火器过期"),
        ],
    )
    await services.log_hazard(
        inspector,
        inspection_id,
        HazardIn(
            description="灭火器压力不足",
            location="仓库",
            level="general",
            category="site",
            subcategory="消防",
            item_id=items[1]["id"],
            legal_basis="GB 50140",
            suggestion="更换灭火器",
        ),
    )
    h = await as_user(w.officer)
    r = await client.get(f"/inspections/{inspection_id}/review", headers=h)
    assert r.status_code == 200
    assert "共 4 项：符合 1，不符合 1，不适用 0，未检查 2" in r.text
    assert "灭火器过期" in r.text and "灭火器压力不足" in r.text and "检查中" in r.text
    assert "取消检查" not in r.text  # only a planned inspection can be cancelled

    other = await fi.visit(w)
    url = f"/inspections/{other.inspection['id']}"
    r = await client.post(url + "/cancel", data={"reason": " "}, headers=h)
    assert r.status_code == 400 and "请填写取消原因" in r.text
    r = await client.post(
        url + "/cancel", data={"reason": "企业已停产"}, headers=h, follow_redirects=False
    )
    assert r.status_code == 303
    r = await client.get(url + "/review", headers=h)
    assert "已取消：企业已停产" in r.text
    r = await client.post(url + "/cancel", data={"reason": "再来一次"}, headers=h)
    assert r.status_code == 409 and "cancelled" in r.text


async def test_another_streets_officer_gets_404_and_other_roles_403(client):
    w = await f.world()
    visit = await fi.visit(w)
    cid, iid = visit.campaign["id"], visit.inspection["id"]
    pages = [
        f"/campaigns/{cid}",
        f"/campaigns/{cid}/batches/new",
        f"/inspections/{iid}/review",
    ]
    foreign = await as_user(w.foreign_officer)
    for url in pages:
        assert (await client.get(url, headers=foreign)).status_code == 404, url
    r = await client.post(
        f"/campaigns/{cid}/batches/{visit.batch['id']}/inspections",
        data={"checklist_id": str(visit.checklist["id"]), "scheduled_on": "2026-01-01"},
        headers=foreign,
    )
    assert r.status_code == 404
    r = await client.post(f"/inspections/{iid}/cancel", data={"reason": "x"}, headers=foreign)
    assert r.status_code == 404
    for user in (w.inspector, w.enterprise_user, w.admin):
        h = await as_user(user)
        for url in ["/campaigns", "/campaigns/new", *pages]:
            assert (await client.get(url, headers=h)).status_code == 403, (user["role"], url)


async def test_the_campaign_page_filters_by_state_and_counts_hazards(client):
    w = await f.world()
    visit = await fi.visit(w)
    h = await as_user(w.officer)
    url = f"/campaigns/{visit.campaign['id']}"
    r = await client.get(url, params={"state": "planned"}, headers=h)
    assert r.status_code == 200
    assert f"/inspections/{visit.inspection['id']}/review" in r.text
    r = await client.get(url, params={"state": "submitted"}, headers=h)
    assert r.status_code == 200
    assert f"/inspections/{visit.inspection['id']}/review" not in r.text
    r = await client.get(url, params={"state": "nonsense", "batch": "x"}, headers=h)
    assert r.status_code == 200  # an unknown filter value matches nothing, never a 500
