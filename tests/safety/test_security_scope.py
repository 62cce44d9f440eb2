"""Scope leaks and privilege escalation: every path by which an officer of one street (or
one community), an inspector or an enterprise contact might reach what is not theirs."""

from __future__ import annotations

from safety.actors import SYSTEM
from safety.orgs import OrgUnitIn, create_org_unit
from safety.tables import Enterprise, User
from tests import factories as f
from tests.pages import as_user
from tests.safety.sheets import HEADER, read_xlsx, upload, xlsx

API = "/api/v1/enterprises"


async def _community_world():
    """A street with two communities; an officer linked to the first community only."""
    tree = await f.org_tree()
    other = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"邻社区{f.n()}", kind="community", parent_id=tree["street"]["id"])
    )
    other_grid = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"邻网格{f.n()}", kind="grid", parent_id=other["id"])
    )
    own = await f.enterprise(tree["grid1"]["id"])
    sibling = await f.enterprise(other_grid["id"])
    officer = await f.user("officer", org_unit_id=tree["community"]["id"])
    return tree, other, other_grid, own, sibling, officer


async def test_filters_naming_a_foreign_subtree_or_foreign_rows_show_nothing(client):
    w = await f.world()
    h = f.headers(w.officer)
    foreign = w.foreign_enterprise
    for params in (
        {"org_unit_id": w.foreign_tree["street"]["id"]},
        {"org_unit_id": w.foreign_tree["grid1"]["id"]},
        {"q": foreign["uscc"]},
        {"q": foreign["name"]},
    ):
        r = await client.get(API, params=params, headers=h)
        assert r.status_code == 200
        assert r.json() == {"items": [], "total": 0}, params
        r = await client.get(f"{API}/export.xlsx", params=params, headers=h)
        assert r.status_code == 200 and len(read_xlsx(r.content)) == 1, params  # header only
        page = await client.get("/enterprises", params=params, headers=await as_user(w.officer))
        assert page.status_code == 200
        assert f'/enterprises/{foreign["id"]}"' not in page.text, params


async def test_an_officer_cannot_move_an_enterprise_into_or_out_of_their_street(client):
    w = await f.world()
    h = f.headers(w.officer)
    own = await Enterprise.select().where(Enterprise.id == w.enterprise["id"]).first().run()
    r = await client.patch(
        f"{API}/{own['id']}",
        json={"version": own["version"], "org_unit_id": w.foreign_tree["grid1"]["id"]},
        headers=h,
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "org_unit_id"
    foreign = w.foreign_enterprise
    r = await client.patch(
        f"{API}/{foreign['id']}",
        json={"version": foreign["version"], "org_unit_id": w.tree["grid1"]["id"]},
        headers=h,
    )
    assert r.status_code == 404
    rows = (
        await Enterprise.select(Enterprise.id, Enterprise.org_unit)
        .where(Enterprise.id.is_in([own["id"], foreign["id"]]))
        .run()
    )
    assert {r["id"]: r["org_unit"] for r in rows} == {
        own["id"]: own["org_unit"],
        foreign["id"]: foreign["org_unit"],
    }


async def test_a_community_officer_sees_and_edits_only_their_community(client):
    tree, other, other_grid, own, sibling, officer = await _community_world()
    h = f.headers(officer)
    r = await client.get(API, params={"org_unit_id": tree["street"]["id"]}, headers=h)
    assert [e["id"] for e in r.json()["items"]] == [own["id"]] and r.json()["total"] == 1
    assert (await client.get(f"{API}/{sibling['id']}", headers=h)).status_code == 404
    r = await client.patch(
        f"{API}/{sibling['id']}", json={"version": sibling["version"], "name": "x"}, headers=h
    )
    assert r.status_code == 404
    r = await client.patch(
        f"{API}/{own['id']}",
        json={"version": own["version"], "org_unit_id": other_grid["id"]},
        headers=h,
    )
    assert r.status_code == 400
    exported = read_xlsx((await client.get(f"{API}/export.xlsx", headers=h)).content)
    assert [row[1] for row in exported[1:]] == [own["uscc"]]
    units = (await client.get("/api/v1/org-units", headers=h)).json()
    ids = {u["id"] for u in units["items"]}
    assert tree["community"]["id"] in ids and not ids & {tree["street"]["id"], other["id"]}
    assert units["total"] == len(ids)
    for unit in (tree["street"], other, other_grid):
        r = await client.get(f"/api/v1/org-units/{unit['id']}", headers=h)
        assert r.status_code == 404
    body = {
        "name": f"越界企业{f.n()}",
        "uscc": f.uscc(),
        "org_unit_id": other_grid["id"],
        "scale": "small",
    }
    r = await client.post(API, json=body, headers=h)
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "org_unit_id"


async def test_a_community_officers_import_cannot_reach_a_sibling_community(client):
    _tree, other, other_grid, _own, sibling, officer = await _community_world()
    rows = [
        [
            "改名企业",
            sibling["uscc"],
            other["name"],
            other_grid["name"],
            "C",
            "张三",
            "13800138000",
        ],
        [f"新企业{f.n()}", f.uscc(), other["name"], other_grid["name"], "C", "张三", "13800138000"],
        [f"新企业{f.n()}", f.uscc(), "", other_grid["name"], "C", "张三", "13800138000"],
    ]
    r = await upload(client, f.headers(officer), xlsx(HEADER, rows))
    assert r.status_code == 200
    result = r.json()
    assert (result["created"], result["updated"]) == (0, 0)
    assert sorted(e["row"] for e in result["errors"]) == [2, 3, 4]
    row = await Enterprise.select().where(Enterprise.id == sibling["id"]).first().run()
    assert row["name"] == sibling["name"]


async def test_an_uploaded_sheet_belongs_to_its_uploader_only(client):
    w = await f.world()
    colleague = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    rows = [
        [
            "",
            f.uscc(),
            w.tree["community"]["name"],
            w.tree["grid1"]["name"],
            "C",
            "张三",
            "13800138000",
        ]
    ]
    h = await as_user(w.officer)
    r = await client.post(
        "/enterprises/import", files={"file": ("a.xlsx", xlsx(HEADER, rows))}, headers=h
    )
    token = r.text.split('action="/enterprises/import/')[1].split('"')[0]
    for other in (w.foreign_officer, colleague):
        oh = await as_user(other)
        assert (await client.post(f"/enterprises/import/{token}", headers=oh)).status_code == 404
        r = await client.get(f"/enterprises/import/{token}/errors.xlsx", headers=oh)
        assert r.status_code == 404
    for bad in ("..%2F..%2Fsecret", "%2E%2E", "a" * 300):
        r = await client.get(f"/enterprises/import/{bad}/errors.xlsx", headers=h)
        assert r.status_code == 404


async def test_enterprise_contacts_and_inspectors_only_read_what_is_theirs(client):
    w = await f.world()
    for u in (w.enterprise_user, w.inspector):
        h = f.headers(u)
        r = await client.get(API, params={"q": w.foreign_enterprise["uscc"]}, headers=h)
        assert r.json() == {"items": [], "total": 0}
        r = await client.get(f"{API}/{w.foreign_enterprise['id']}", headers=h)
        assert r.status_code == 404
        r = await client.patch(
            f"{API}/{w.enterprise['id']}", json={"version": 1, "name": "x"}, headers=h
        )
        assert r.status_code == 403
        assert (await client.get(f"{API}/export.xlsx", headers=h)).status_code == 403
        assert (await client.get("/api/v1/org-units", headers=h)).status_code == 403
    r = await client.get(API, headers=f.headers(w.enterprise_user))
    assert [e["id"] for e in r.json()["items"]] == [w.enterprise["id"]]


async def test_an_officer_cannot_manage_accounts_or_read_the_audit_trail(client):
    w = await f.world()
    h = f.headers(w.officer)
    new = {"username": f"sneaky{f.n()}", "password": f.PASSWORD, "role": "admin"}
    assert (await client.post("/api/v1/users", json=new, headers=h)).status_code == 403
    r = await client.patch(f"/api/v1/users/{w.officer['id']}", json={"role": "admin"}, headers=h)
    assert r.status_code == 403
    assert (await client.get("/api/v1/users", headers=h)).status_code == 403
    assert (await client.get("/api/v1/audit-events", headers=h)).status_code == 403
    body = {"name": f"私设街道{f.n()}", "kind": "street"}
    assert (await client.post("/api/v1/org-units", json=body, headers=h)).status_code == 403
    row = await User.select(User.role).where(User.id == w.officer["id"]).first().run()
    assert row["role"] == "officer"
    assert not await User.exists().where(User.username == new["username"]).run()


async def test_a_role_change_drops_the_old_link_and_ends_old_tokens(client):
    w = await f.world()
    officer = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    old = f.headers(officer)
    r = await client.patch(
        f"/api/v1/users/{officer['id']}",
        json={"role": "enterprise", "enterprise_id": w.enterprise["id"]},
        headers=f.headers(w.admin),
    )
    assert r.status_code == 200
    row = await User.select().where(User.id == officer["id"]).first().run()
    assert (row["org_unit"], row["enterprise"]) == (None, w.enterprise["id"])
    assert (await client.get(API, headers=old)).status_code == 401
    r = await client.get(API, headers=f.headers(row))
    assert [e["id"] for e in r.json()["items"]] == [w.enterprise["id"]]


async def test_an_admin_cannot_demote_or_disable_themselves(client):
    admin = await f.user("admin")
    h = f.headers(admin)
    for body in ({"active": False}, {"role": "officer", "org_unit_id": 1}):
        r = await client.patch(f"/api/v1/users/{admin['id']}", json=body, headers=h)
        assert r.status_code == 409
    row = await User.select().where(User.id == admin["id"]).first().run()
    assert (row["role"], row["active"]) == ("admin", True)
