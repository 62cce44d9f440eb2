"""The admin links users by name, not by typing database ids."""

from tests import factories as f
from tests.pages import as_user


async def test_the_user_page_names_each_users_link_and_offers_them_to_choose(client):
    w = await f.world()
    h = await as_user(w.admin)
    r = await client.get(f"/admin/users?q={w.officer['username']}", headers=h)
    assert r.status_code == 200
    street = w.tree["street"]["name"]
    assert street in r.text  # the officer's street, by name
    community = f"{street} / {w.tree['community']['name']}"
    assert f'<option value="{w.tree["community"]["id"]}">{community}</option>' in r.text
    assert f'<option value="{w.agency["id"]}">{w.agency["name"]}</option>' in r.text
    assert w.enterprise["uscc"] in r.text


async def test_creating_an_officer_with_a_chosen_community_links_them_to_it(client):
    w = await f.world()
    h = await as_user(w.admin)
    username = f"cofficer{f.n()}"
    form = {
        "username": username,
        "display_name": "社区监管员",
        "role": "officer",
        "password": f.PASSWORD,
        "org_unit_id": str(w.tree["community"]["id"]),
        "agency_id": "",
        "enterprise_id": "",
    }
    r = await client.post("/admin/users", data=form, headers=h, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = await client.get(f"/admin/users?q={username}", headers=h)
    assert w.tree["community"]["name"] in r.text


async def test_the_edit_page_preselects_the_current_link(client):
    w = await f.world()
    h = await as_user(w.admin)
    r = await client.get(f"/admin/users/{w.inspector['id']}", headers=h)
    assert r.status_code == 200
    assert f'<option value="{w.agency["id"]}" selected>' in r.text


async def test_an_org_unit_with_a_malformed_path_does_not_break_the_page(client):
    from safety.tables import OrgUnit

    w = await f.world()
    await OrgUnit.insert(OrgUnit(name=f"手工单位{f.n()}", kind="street", path="测abc/x")).run()
    r = await client.get("/admin/users", headers=await as_user(w.admin))
    assert r.status_code == 200
