"""The audit trail under attack and under load: concurrent writers keep the chain intact,
refused writes leave no event claiming success, every login try is recorded."""

from __future__ import annotations

import asyncio

from safety.audit import verify_chain
from safety.tables import AuditEvent, Enterprise
from tests import factories as f

API = "/api/v1/enterprises"


def _new(w) -> dict:
    return {
        "name": f"并发企业{f.n()}",
        "uscc": f.uscc(),
        "org_unit_id": w.tree["grid1"]["id"],
        "scale": "small",
    }


async def test_the_chain_verifies_after_many_concurrent_writes(client):
    w = await f.world()
    h = f.headers(w.officer)
    ent = await Enterprise.select().where(Enterprise.id == w.enterprise["id"]).first().run()
    creates = [client.post(API, json=_new(w), headers=h) for _ in range(8)]
    patches = [
        client.patch(
            f"{API}/{ent['id']}", json={"version": ent["version"], "name": f"改名{i}"}, headers=h
        )
        for i in range(6)
    ]
    logins = [
        client.post(
            "/api/v1/auth/token",
            json={"username": w.officer["username"], "password": f.PASSWORD if i % 2 else "x"},
        )
        for i in range(4)
    ]
    refused = [client.get("/api/v1/users", headers=h) for _ in range(3)]  # audited 403s
    replies = await asyncio.gather(*creates, *patches, *logins, *refused)
    codes = [r.status_code for r in replies]
    assert codes[:8] == [201] * 8
    assert sorted(codes[8:14]) == [200] + [409] * 5  # one edit wins the version race
    await asyncio.sleep(0.2)  # the refusals are audited after their response is sent
    report = await verify_chain()
    assert report.ok, report
    updates = (
        await AuditEvent.count()
        .where((AuditEvent.action == "enterprise.update") & (AuditEvent.object_id == ent["id"]))
        .run()
    )
    assert updates == 1


async def test_a_refused_write_leaves_no_event_claiming_it_happened(client):
    w = await f.world()
    h = f.headers(w.officer)
    ent = await Enterprise.select().where(Enterprise.id == w.enterprise["id"]).first().run()
    duplicate = {**_new(w), "uscc": ent["uscc"]}
    assert (await client.post(API, json=duplicate, headers=h)).status_code == 409
    stale = {"version": ent["version"] - 1, "name": "陈旧修改"}
    assert (await client.patch(f"{API}/{ent['id']}", json=stale, headers=h)).status_code == 409
    foreign = {"version": 1, "name": "越界修改"}
    r = await client.patch(f"{API}/{w.foreign_enterprise['id']}", json=foreign, headers=h)
    assert r.status_code == 404
    events = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.after)
        .where(
            (AuditEvent.actor == w.officer["id"]) & (AuditEvent.success == True)  # noqa: E712
        )
        .run()
    )
    assert all("陈旧修改" not in (e["after"] or "") for e in events)
    assert all("越界修改" not in (e["after"] or "") for e in events)
    assert not [e for e in events if e["action"] == "enterprise.create"]


async def test_every_login_try_is_audited_with_its_outcome(client):
    u = await f.user("admin")
    await client.post("/api/v1/auth/token", json={"username": u["username"], "password": "no"})
    await client.post(
        "/api/v1/auth/token", json={"username": u["username"], "password": f.PASSWORD}
    )
    unknown = f"nobody{f.n()}"
    await client.post("/api/v1/auth/token", json={"username": unknown, "password": "no"})
    rows = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.success)
        .where(AuditEvent.actor_username.is_in([u["username"], unknown]))
        .order_by(AuditEvent.id)
        .run()
    )
    assert [(r["action"], r["success"]) for r in rows] == [
        ("auth.login_failed", False),
        ("auth.login", True),
        ("auth.login_failed", False),
    ]
