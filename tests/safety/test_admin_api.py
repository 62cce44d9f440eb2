"""Users, org units and agencies through the API and pages, as admin and officer."""

from __future__ import annotations

from tests import factories as f
from tests.pages import as_user


async def test_an_officer_lists_only_their_subtree(client):
    w = await f.world()
    r = await client.get("/api/v1/org-units", params={"limit": 500}, headers=f.headers(w.officer))
    assert r.status_code == 200
    ids = {u["id"] for u in r.json()["items"]}
    assert ids == {u["id"] for u in w.tree.values()}
    assert r.json()["total"] == 4
    client.cookies.clear()
    page = await client.get("/admin/org-units", headers=await as_user(w.officer))
    assert w.tree["grid2"]["name"] in page.text
    assert w.foreign_tree["grid1"]["name"] not in page.text


async def test_admin_creates_lists_and_filters_users(client):
    w = await f.world()
    h = f.headers(w.admin)
    name = f"巡查员{f.n()}"
    r = await client.post(
        "/api/v1/users",
        json={
            "username": f"insp{f.n()}",
            "password": f.PASSWORD,
            "role": "inspector",
            "display_name": name,
            "agency_id": w.agency["id"],
        },
        headers=h,
    )
    assert r.status_code == 201
    assert r.json()["agency_id"] == w.agency["id"] and "password_hash" not in r.json()
    found = await client.get("/api/v1/users", params={"q": name, "role": "inspector"}, headers=h)
    assert [u["id"] for u in found.json()["items"]] == [r.json()["id"]]
    bad = await client.get("/api/v1/users", params={"role": "boss"}, headers=h)
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "role"


async def test_a_role_change_needs_the_link_of_the_new_role(client):
    w = await f.world()
    r = await client.patch(
        f"/api/v1/users/{w.inspector['id']}", json={"role": "officer"}, headers=f.headers(w.admin)
    )
    assert r.status_code == 400
    assert r.json()["extra"][0]["key"] == "org_unit_id"


async def test_the_user_form_shows_why_a_password_is_refused(client):
    admin = await f.user("admin")
    client.cookies.clear()
    r = await client.post(
        "/admin/users",
        data={"username": f"weak{f.n()}", "password": "abc", "role": "admin"},
        headers=await as_user(admin),
    )
    assert r.status_code == 400
    assert "密码至少 8 位" in r.text and 'class="field invalid"' in r.text


async def test_pages_switch_to_english(client):
    admin = await f.user("admin")
    client.cookies.clear()
    r = await client.get("/lang/en", params={"next": "/admin/users"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/users"
    headers = await as_user(admin)
    headers["Cookie"] += "; lang=en"
    page = await client.get("/admin/users", headers=headers)
    assert "Users" in page.text and "用户管理" not in page.text
    zh = await client.get("/admin/users", headers=await as_user(admin))
    assert "用户管理" in zh.text


async def test_the_nav_shows_only_what_the_role_may_use(client):
    w = await f.world()
    client.cookies.clear()
    admin_page = await client.get("/", headers=await as_user(w.admin))
    officer_page = await client.get("/", headers=await as_user(w.officer))
    assert 'href="/admin/audit"' in admin_page.text
    assert 'href="/admin/audit"' not in officer_page.text
    assert 'href="/admin/users"' not in officer_page.text
    assert 'href="/admin/org-units"' in officer_page.text


async def test_the_admin_sets_and_clears_a_users_email_for_the_digests(client):
    w = await f.world()
    h = f.headers(w.admin)
    url = f"/api/v1/users/{w.officer['id']}"
    r = await client.patch(url, json={"email": "  li.jianguo@yiyuan.gov.cn "}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "li.jianguo@yiyuan.gov.cn"
    bad = await client.patch(url, json={"email": "li.jianguo@"}, headers=h)
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "email"
    assert (await client.get(url, headers=h)).json()["email"] == "li.jianguo@yiyuan.gov.cn"
    cleared = await client.patch(url, json={"email": ""}, headers=h)
    assert cleared.status_code == 200 and cleared.json()["email"] is None
    # the officer cannot set it (admin only), and nothing changed
    r = await client.patch(url, json={"email": "x@y.cn"}, headers=f.headers(w.officer))
    assert r.status_code == 403
    assert (await client.get(url, headers=h)).json()["email"] is None


async def test_the_user_pages_take_a_phone_and_an_email(client):
    admin = await f.user("admin")
    h = await as_user(admin)
    username = f"gw{f.n()}"
    w = await f.world()
    r = await client.post(
        "/admin/users",
        data={
            "username": username,
            "password": f.PASSWORD,
            "role": "grid_worker",
            "org_unit_id": str(w.tree["grid1"]["id"]),
            "phone": "13912345678",
            "email": "not-an-address",
        },
        headers=h,
    )
    assert r.status_code == 400 and "邮箱格式不正确" in r.text
    assert 'value="13912345678"' in r.text  # what the admin typed is kept
    api = f.headers(admin)
    found = await client.get("/api/v1/users", params={"q": username}, headers=api)
    assert found.json()["items"] == []  # nothing was created
    data = {
        "username": username,
        "password": f.PASSWORD,
        "role": "grid_worker",
        "org_unit_id": str(w.tree["grid1"]["id"]),
        "phone": "13912345678",
        "email": "wang@example.cn",
    }
    r = await client.post("/admin/users", data=data, headers=h, follow_redirects=False)
    assert r.status_code == 303
    user = (await client.get("/api/v1/users", params={"q": username}, headers=api)).json()
    user = user["items"][0]
    assert user["phone"] == "13912345678" and user["email"] == "wang@example.cn"
    page = await client.get(f"/admin/users/{user['id']}", headers=h)
    assert 'value="wang@example.cn"' in page.text
    r = await client.post(
        f"/admin/users/{user['id']}", data={"email": ""}, headers=h, follow_redirects=False
    )
    assert r.status_code == 303
    again = await client.get(f"/api/v1/users/{user['id']}", headers=api)
    assert again.json()["email"] is None and again.json()["phone"] == "13912345678"
