"""GET /api/v1/hazards: every filter, overdue derived from today, and scope by role."""

import datetime as dt

from inspections import services
from inspections.schemas import HazardIn
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi


async def _hazard(w, v, **fields):
    data = {
        "description": fields.pop("description", f"隐患{f.n()}"),
        "level": fields.pop("level", "general"),
        "category": "site",
        "subcategory": "电气",
        **fields,
    }
    return await services.log_hazard(f.actor(w.inspector), v.inspection["id"], HazardIn(**data))


def ids(r) -> list[int]:
    assert r.status_code == 200, r.text
    return [h["id"] for h in r.json()["items"]]


async def test_hazard_filters_and_scope(client):
    w = await f.world()
    old = await fi.visit(w, scheduled_on=local_today() - dt.timedelta(days=30))
    new = await fi.visit(w)
    for v in (old, new):
        await services.start_inspection(f.actor(w.inspector), v.inspection["id"])
    late = await _hazard(w, old, description="配电箱门损坏 overdue-case", location="仓库")
    closed = await _hazard(w, old, fixed_on_spot=True)
    major = await _hazard(
        w, new, level="major", major_basis="第四条", description="有限空间作业未审批"
    )
    officer = f.headers(w.officer)
    ours = {late["id"], closed["id"], major["id"]}

    async def query(**params):
        return set(ids(await client.get("/api/v1/hazards", params=params, headers=officer)))

    assert ours <= await query(limit=500)
    assert await query(campaign_id=old.campaign["id"]) == {late["id"], closed["id"]}
    assert await query(campaign_id=old.campaign["id"], status="closed") == {closed["id"]}
    assert await query(campaign_id=new.campaign["id"], level="major") == {major["id"]}
    assert await query(enterprise_id=new.inspection["enterprise_id"]) == {major["id"]}
    assert await query(inspection_id=new.inspection["id"]) == {major["id"]}
    assert await query(q="overdue-case") == {late["id"]}
    assert await query(q=new.inspection["enterprise_name"]) == {major["id"]}
    overdue = await query(overdue="true", limit=500)
    assert late["id"] in overdue and not overdue & {closed["id"], major["id"]}
    found = await query(
        found_from=(local_today() - dt.timedelta(days=31)).isoformat(),
        found_to=(local_today() - dt.timedelta(days=29)).isoformat(),
        limit=500,
    )
    assert {late["id"], closed["id"]} <= found and major["id"] not in found
    grid = await query(org_unit_id=w.tree["grid1"]["id"], limit=500)
    assert ours <= grid
    assert not ours & await query(org_unit_id=w.tree["grid2"]["id"], limit=500)
    assert await query(source="self_report", campaign_id=new.campaign["id"]) == set()

    listed = (
        await client.get(f"/api/v1/hazards?inspection_id={new.inspection['id']}", headers=officer)
    ).json()
    assert listed["total"] == 1 and listed["items"][0]["overdue"] is False

    # Scope: the inspector sees their inspections' hazards, another inspector none; the
    # enterprise its own; the foreign officer none; the admin is refused.
    mine = await client.get(
        "/api/v1/hazards", params={"limit": 500}, headers=f.headers(w.inspector)
    )
    assert ours <= set(ids(mine))
    stranger = await f.user("inspector", agency_id=w.agency["id"])
    assert not ours & set(ids(await client.get("/api/v1/hazards", headers=f.headers(stranger))))
    contact = await f.user("enterprise", enterprise_id=new.inspection["enterprise_id"])
    assert set(ids(await client.get("/api/v1/hazards", headers=f.headers(contact)))) == {
        major["id"]
    }
    foreign = await client.get("/api/v1/hazards", headers=f.headers(w.foreign_officer))
    assert not ours & set(ids(foreign))
    r = await client.get(f"/api/v1/hazards/{late['id']}", headers=f.headers(w.foreign_officer))
    assert r.status_code == 404
    assert (await client.get("/api/v1/hazards", headers=f.headers(w.admin))).status_code == 403


async def test_bad_hazard_filters_are_named(client):
    w = await f.world()
    r = await client.get(
        "/api/v1/hazards",
        params={
            "status": "lost",
            "level": "huge",
            "source": "rumour",
            "found_from": "2026-02-01",
            "found_to": "2026-01-01",
        },
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400
    assert {e["key"] for e in r.json()["extra"]} == {"status", "level", "source", "found_to"}


async def test_the_subtree_filter_meets_the_officers_own_and_a_page_past_the_end_counts(client):
    w = await f.world()
    v = await fi.visit(w)  # an enterprise of grid1
    await services.start_inspection(f.actor(w.inspector), v.inspection["id"])
    ours = {(await _hazard(w, v))["id"] for _ in range(3)}

    async def page(headers, **params):
        r = await client.get("/api/v1/hazards", params={"limit": 500, **params}, headers=headers)
        assert r.status_code == 200, r.text
        return {h["id"] for h in r.json()["items"]}, r.json()["total"]

    street = f.headers(w.officer)
    assert await page(street, org_unit_id=w.tree["grid1"]["id"]) == (ours, 3)
    assert await page(street, org_unit_id=w.tree["grid2"]["id"]) == (set(), 0)
    assert await page(street, org_unit_id=w.foreign_tree["street"]["id"]) == (set(), 0)
    assert await page(street, org_unit_id=w.foreign_tree["grid1"]["id"]) == (set(), 0)
    assert await page(street, org_unit_id=2_000_000_000) == (set(), 0)
    # an officer of a grid asking for the whole street sees their grid's, no more
    grid1 = f.headers(await f.user("officer", org_unit_id=w.tree["grid1"]["id"]))
    assert await page(grid1, org_unit_id=w.tree["street"]["id"]) == (ours, 3)
    grid2 = f.headers(await f.user("officer", org_unit_id=w.tree["grid2"]["id"]))
    assert await page(grid2, org_unit_id=w.tree["street"]["id"]) == (set(), 0)
    # other roles: their own scope within the subtree
    inspector = f.headers(w.inspector)
    assert await page(inspector, org_unit_id=w.tree["street"]["id"]) == (ours, 3)
    assert await page(inspector, org_unit_id=w.tree["grid2"]["id"]) == (set(), 0)
    # the total of a page past the end is still the number of hazards
    assert await page(street, org_unit_id=w.tree["grid1"]["id"], offset=3) == (set(), 3)
    last = await page(street, org_unit_id=w.tree["grid1"]["id"], offset=2, limit=1)
    assert last == ({min(ours)}, 3)  # newest id first
