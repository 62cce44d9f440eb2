"""In-app notifications: own only, unread filter, mark read, the bell's count on pages."""

from __future__ import annotations

from safety.notifications.service import notify
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
    page = await client.get("/", headers=h)  # an inspector's home: their queue
    assert page.status_code == 200
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


async def test_notify_each_writes_many_messages_in_one_statement():
    from safety.notifications.service import Message, list_notifications, notify_each
    from tests.patrollog.counting import count_queries

    a, b = await f.user("admin"), await f.user("admin")
    messages = [
        Message((a["id"], b["id"], a["id"]), "test", f"第{k}条", link=f"/x/{k}") for k in range(5)
    ]
    with count_queries() as counted:
        ids = await notify_each(messages)
    assert counted.count == 1 and len(ids) == 10  # a duplicate id collapses per message
    mine = (await list_notifications(a["id"]))["items"]
    assert [n["title"] for n in mine] == [f"第{k}条" for k in reversed(range(5))]
    assert await notify_each([]) == []


async def test_a_hazard_logged_by_an_inspector_reaches_the_enterprises_bell_and_page(client):
    from tests.rectification.test_hazard_notifications import _from_inspection

    w = await f.world()
    hazard_id, contact, description = await _from_inspection(client, w)
    h = await as_user(contact)
    page = await client.get("/notifications", headers=h)
    assert '<span class="count">1</span>' in page.text
    assert "检查发现一般隐患，请于" in page.text and description in page.text
    [notice] = (await client.get("/api/v1/notifications", headers=f.headers(contact))).json()[
        "items"
    ]
    assert notice["kind"] == "hazard.new" and notice["link"] == f"/hazards/{hazard_id}"
    opened = await client.post(f"/notifications/{notice['id']}/read", headers=h, data={})
    assert opened.status_code == 303 and opened.headers["location"] == f"/hazards/{hazard_id}"
    page = await client.get("/notifications", headers=h)
    assert 'class="count"' not in page.text
