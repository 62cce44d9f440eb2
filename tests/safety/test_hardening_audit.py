"""Refusals in the audit trail (issue 7, finding 7): an authenticated caller's 404 on an
object outside their scope is ``access.denied`` naming the object, at most once per actor
and object per minute however many requests (concurrent ones included) asked; a refusal
names the caller whenever their credentials are valid (a CSRF refusal included); an
anonymous 404 and a 404 for a route that does not exist leave nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from safety import audit
from safety.audit import verify_chain
from safety.db import write_transaction
from safety.tables import AuditEvent
from tests import factories as f
from tests.pages import as_user


@pytest.fixture(scope="module")
async def w():
    return await f.world()


async def denials(actor_id: int | None = None, object_type: str | None = None, object_id=None):
    where = AuditEvent.action == "access.denied"
    if actor_id is not None:
        where &= AuditEvent.actor == actor_id
    if object_type is not None:
        where &= AuditEvent.object_type == object_type
    if object_id is not None:
        where &= AuditEvent.object_id == object_id
    await asyncio.sleep(0.05)  # refusals are audited after the response is sent
    return await AuditEvent.select().where(where).order_by(AuditEvent.id).run()


async def test_an_outside_scope_object_request_is_audited_with_the_object(client, w):
    officer = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    target = w.foreign_enterprise["id"]
    r = await client.get(f"/api/v1/enterprises/{target}", headers=f.headers(officer))
    assert r.status_code == 404
    events = await denials(officer["id"], "enterprise", target)
    assert len(events) == 1
    event = events[0]
    assert event["success"] is False
    assert event["actor_username"] == officer["username"] and event["actor_role"] == "officer"
    after = json.loads(event["after"])
    assert after["kind"] == "scope" and after["method"] == "GET"
    assert after["path"] == f"/api/v1/enterprises/{target}"


async def test_an_outside_scope_write_and_page_are_audited_too(client, w):
    officer = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    target = w.foreign_enterprise["id"]
    r = await client.patch(
        f"/api/v1/enterprises/{target}",
        json={"version": 1, "name": "越界"},
        headers=f.headers(officer),
    )
    assert r.status_code == 404
    r = await client.get(f"/enterprises/{target}/edit", headers=await as_user(officer))
    assert r.status_code == 404
    admin = await f.user("admin")
    r = await client.get("/api/v1/users/2147483000", headers=f.headers(admin))
    assert r.status_code == 404
    assert len(await denials(officer["id"], "enterprise", target)) == 1  # collapsed
    assert len(await denials(admin["id"], "user", 2147483000)) == 1


async def test_a_scraper_leaves_one_event_per_object_per_minute(client, w):
    officer = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    h = f.headers(officer)
    target = w.foreign_enterprise["id"]
    for _ in range(3):
        assert (await client.get(f"/api/v1/enterprises/{target}", headers=h)).status_code == 404
    burst = await asyncio.gather(
        *(client.get(f"/api/v1/enterprises/{target}", headers=h) for _ in range(8))
    )
    assert {r.status_code for r in burst} == {404}
    walked = [target + 1000 + i for i in range(3)]  # ids nobody in scope has
    for i in walked:
        assert (await client.get(f"/api/v1/enterprises/{i}", headers=h)).status_code == 404
    assert len(await denials(officer["id"], "enterprise", target)) == 1
    for i in walked:
        assert len(await denials(officer["id"], "enterprise", i)) == 1
    assert (await verify_chain()).ok


async def test_concurrent_refusals_of_one_object_record_it_once(w):
    """As several workers would: each in its own transaction, all at once."""
    actor = f.actor(await f.user("officer", org_unit_id=w.tree["street"]["id"]))
    target = w.foreign_enterprise["id"]

    async def refuse() -> bool:
        async with write_transaction():
            return await audit.record_denial(actor, "enterprise", target, after={"kind": "scope"})

    recorded = await asyncio.gather(*(refuse() for _ in range(10)))
    assert recorded.count(True) == 1
    assert len(await denials(actor.user_id, "enterprise", target)) == 1


async def test_after_the_window_the_same_object_is_recorded_again(client, w, monkeypatch):
    officer = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    target = w.foreign_enterprise["id"]
    url, h = f"/api/v1/enterprises/{target}", f.headers(officer)
    assert (await client.get(url, headers=h)).status_code == 404
    assert len(await denials(officer["id"], "enterprise", target)) == 1
    monkeypatch.setattr(audit, "DENIAL_WINDOW", dt.timedelta(0))
    assert (await client.get(url, headers=h)).status_code == 404
    assert len(await denials(officer["id"], "enterprise", target)) == 2


async def test_a_service_may_name_the_refused_object_itself(client, w):
    officer = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    r = await client.post("/enterprises/import/not-an-upload", headers=await as_user(officer))
    assert r.status_code == 404
    events = await denials(officer["id"], "import_upload")
    assert len(events) == 1 and events[0]["object_id"] is None


async def test_an_unknown_route_or_anonymous_404_is_not_audited(client, w):
    client.cookies.clear()
    officer = await f.user("officer", org_unit_id=w.tree["street"]["id"])
    before = len(await denials())
    r = await client.get("/api/v1/enterprises/1/no-such-thing", headers=f.headers(officer))
    assert r.status_code == 404
    r = await client.get("/api/v1/no-such-thing/5", headers=f.headers(officer))
    assert r.status_code == 404
    r = await client.get("/no-such-page/5", headers=await as_user(officer))
    assert r.status_code == 404
    r = await client.get(f"/api/v1/enterprises/{w.foreign_enterprise['id']}")
    assert r.status_code == 401  # anonymous: authentication comes first, nothing to audit
    assert len(await denials()) == before
    assert not await denials(officer["id"])


async def test_a_csrf_refusal_names_the_user_of_a_valid_session(client):
    admin = await f.user("admin")
    client.cookies.clear()
    r = await client.post(
        "/admin/agencies", data={"name": f"机构{f.n()}"}, headers=await as_user(admin, csrf=False)
    )
    assert r.status_code == 403
    events = await denials(admin["id"])
    assert len(events) == 1
    assert events[0]["actor_username"] == admin["username"]
    assert events[0]["actor_role"] == "admin"
    assert '"csrf"' in events[0]["after"]


async def test_a_csrf_refusal_without_a_session_stays_anonymous(client):
    client.cookies.clear()
    before = await AuditEvent.count().where(AuditEvent.action == "access.denied").run()
    r = await client.post(
        "/admin/agencies",
        data={"name": "x"},
        headers={"Cookie": "safety_session=not-a-session"},
    )
    assert r.status_code == 403
    events = (await denials())[before:]
    assert [e["actor"] for e in events] == [None]
    assert events[0]["actor_username"] == ""
