"""201 or 200 for a patrol-log post is what the save did: ``merged`` from the service, in
its own transaction. Another entry of the same day landing between the request's arrival
and its save (a second device, the outbox) makes this one a merge: 200 with
``merged: true``, on the API and on the outbox's JSON form post, and so replayed."""

from __future__ import annotations

from inspections.patrol import logs
from inspections.patrol.log_schemas import PatrolLogIn
from safety.settings import local_today
from tests import factories as f
from tests.pages import as_user


def _entry_first(monkeypatch, w: f.World) -> None:
    """Each save finds the day's log already started by another entry."""
    save_log = logs.save_log

    async def raced(actor, data):
        other = PatrolLogIn(
            org_unit_id=data.org_unit_id, date=data.date, visited_enterprise_ids=[], notes="另一台"
        )
        await save_log(f.actor(w.grid_worker), other)
        return await save_log(actor, data)

    monkeypatch.setattr(logs, "save_log", raced)


async def test_the_api_answers_200_for_an_entry_merged_into_a_log_made_meanwhile(
    client, monkeypatch
):
    w = await f.world()
    _entry_first(monkeypatch, w)
    body = {
        "org_unit_id": w.tree["grid1"]["id"],
        "date": local_today().isoformat(),
        "visited_enterprise_ids": [w.enterprise["id"]],
        "notes": "上午巡查",
    }
    auth = {**f.headers(w.grid_worker), "Idempotency-Key": "log-raced-1"}
    r = await client.post("/api/v1/patrol-logs", json=body, headers=auth)
    assert r.status_code == 200, r.text
    assert r.json()["merged"] is True and r.json()["notes"] == "另一台\n上午巡查"
    again = await client.post("/api/v1/patrol-logs", json=body, headers=auth)
    assert again.status_code == 200 and again.headers.get("idempotent-replayed") == "true"


async def test_the_outbox_post_answers_200_for_an_entry_merged_meanwhile(client, monkeypatch):
    w = await f.world()
    _entry_first(monkeypatch, w)
    headers = {
        **await as_user(w.grid_worker),
        "Accept": "application/json",
        "Idempotency-Key": "outbox-raced-1",
    }
    form = {
        "org_unit_id": str(w.tree["grid1"]["id"]),
        "date": str(local_today()),
        "visited_ids": str(w.enterprise["id"]),
        "notes": "离线记录",
    }
    r = await client.post("/patrol/logs/new", data=form, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["merged"] is True
