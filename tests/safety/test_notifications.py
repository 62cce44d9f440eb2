"""In-app notifications: own only, unread filter, mark read, the bell's count on pages."""

from __future__ import annotations

from safety.notifications import notify
from tests import factories as f
from tests.pages import as_user


async def test_a_user_lists_and_reads_only_their_own_notifications(client):
    me = await f.user("officer", org_unit_id=(await f.org_tree())["street"]["id"])
    other = await f.user("admin")
    [first] = await notify([me["id"]], kind="hazard.overdue", title="隐患已逾期", link="/x")
    [second] = await notify([me["id"]], kind="hazard.submitted", title="待验收")
    [theirs] = await notify([other["id"]], kind="hazard.submitted", title="别人的")

    listed = (await client.get("/api/v1/notifications", headers=f.headers(me))).json()
    assert [n["id"] for n in listed["items"]] == [second, first] and listed["total"] == 2

    r = await client.post(f"/api/v1/notifications/{first}/read", headers=f.headers(me))
    assert r.status_code == 200 and r.json()["read"] is True
    unread = await client.get(
        "/api/v1/notifications", params={"unread": "true"}, headers=f.headers(me)
    )
    assert [n["id"] for n in unread.json()["items"]] == [second]

    r = await client.post(f"/api/v1/notifications/{theirs}/read", headers=f.headers(me))
    assert r.status_code == 404
    other_view = await client.get(
        "/api/v1/notifications", params={"unread": "true"}, headers=f.headers(other)
    )
    assert [n["id"] for n in other_view.json()["items"]] == [theirs]  # still unread


async def test_the_bell_shows_the_unread_count_and_opening_marks_read(client):
    me = await f.user("inspector", agency_id=(await f.agency())["id"])
    h = await as_user(me)
    home = await client.get("/", headers=h)  # an inspector's home is today's visits
    page = await client.get(home.headers["location"], headers=h)
    assert 'class="bell"' in page.text and 'class="count"' not in page.text
    [nid] = await notify([me["id"]], kind="test", title="新的检查任务", link="/enterprises")
    await notify([me["id"]], kind="test", title="第二条")
    page = await client.get("/notifications", headers=h)
    assert '<span class="count">2</span>' in page.text and "新的检查任务" in page.text
    opened = await client.post(f"/notifications/{nid}/read", headers=h, data={})
    assert opened.status_code == 303 and opened.headers["location"] == "/enterprises"
    page = await client.get("/notifications", headers=h)
    assert '<span class="count">1</span>' in page.text


async def test_a_notification_link_never_leaves_the_site(client):
    me = await f.user("admin")
    h = await as_user(me)
    [nid] = await notify([me["id"]], kind="test", title="外链", link="//evil.example/")
    opened = await client.post(f"/notifications/{nid}/read", headers=h, data={})
    assert opened.headers["location"] == "/notifications"
