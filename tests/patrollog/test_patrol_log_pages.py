"""The patrol-log pages on the engine under test: the grid worker's one-screen form (a
plain post, an error shown next to the field with the input kept, the outbox's JSON post
with its Idempotency-Key), the logs by grid and day, the not-visited list, the officer's
figures page whose numbers link to their records."""

from __future__ import annotations

import datetime as dt

from inspections.patrol.log_tables import PatrolLog
from safety.settings import local_today
from tests import factories as f
from tests.pages import as_user
from tests.patrol.helpers import report


async def test_the_worker_fills_the_day_from_the_form(client):
    w = await f.world()
    ent2 = await f.enterprise(w.tree["grid1"]["id"], name="东门五金店")
    headers = await as_user(w.grid_worker)
    r = await client.get("/patrol/logs/new", headers=headers)
    assert r.status_code == 200
    assert w.enterprise["name"] in r.text and "东门五金店" in r.text and 'name="visited"' in r.text
    form = {
        "org_unit_id": str(w.tree["grid1"]["id"]),
        "date": str(local_today()),
        "visited": [str(w.enterprise["id"]), str(ent2["id"])],
        "notes": "灭火器过期，已提醒",
    }
    r = await client.post("/patrol/logs/new", data=form, headers=headers)
    assert r.status_code == 303 and r.headers["location"] == "/patrol/logs?done=saved"
    r = await client.post("/patrol/logs/new", data={**form, "notes": "下午复查"}, headers=headers)
    assert r.headers["location"] == "/patrol/logs?done=merged"
    r = await client.get("/patrol/logs?done=merged", headers=headers)
    assert "东门五金店" in r.text and "灭火器过期，已提醒\n下午复查" in r.text
    # The form of a day already logged shows it: its enterprises ticked, its notes.
    r = await client.get("/patrol/logs/new", headers=headers)
    assert r.text.count("checked") >= 2 and "下午复查" in r.text


async def test_a_future_date_is_shown_next_to_the_field_and_the_input_is_kept(client):
    w = await f.world()
    headers = await as_user(w.grid_worker)
    form = {
        "org_unit_id": str(w.tree["grid1"]["id"]),
        "date": str(local_today() + dt.timedelta(days=2)),
        "visited": [str(w.enterprise["id"])],
        "notes": "这段话不能丢",
    }
    r = await client.post("/patrol/logs/new", data=form, headers=headers)
    assert r.status_code == 400
    assert "这段话不能丢" in r.text and "日期不能晚于今天" in r.text
    assert not await PatrolLog.exists().where(PatrolLog.worker == w.grid_worker["id"]).run()


async def test_the_outbox_post_is_idempotent_and_answers_json(client):
    w = await f.world()
    headers = {
        **await as_user(w.grid_worker),
        "Accept": "application/json",
        "Idempotency-Key": "outbox-log-1",
    }
    form = {
        "org_unit_id": str(w.tree["grid1"]["id"]),
        "date": str(local_today()),
        "visited_ids": f"{w.enterprise['id']}",
        "notes": "离线记录",
    }
    first = await client.post("/patrol/logs/new", data=form, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post("/patrol/logs/new", data=form, headers=headers)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["visited_enterprise_ids"] == [w.enterprise["id"]]
    bad = await client.post(
        "/patrol/logs/new",
        data={**form, "visited_ids": str(w.foreign_enterprise["id"])},
        headers={**headers, "Idempotency-Key": "outbox-log-2"},
    )
    assert bad.status_code == 400 and bad.json()["extra"][0]["key"] == "visited_enterprise_ids"


async def test_the_officer_sees_logs_by_grid_and_day_and_who_was_not_visited(client):
    w = await f.world()
    other = await f.enterprise(w.tree["grid2"]["id"], name="西街饭店")
    worker = await as_user(w.grid_worker)
    await client.post(
        "/patrol/logs/new",
        data={
            "org_unit_id": str(w.tree["grid1"]["id"]),
            "date": str(local_today()),
            "visited": [str(w.enterprise["id"])],
            "notes": "正常",
        },
        headers=worker,
    )
    officer = await as_user(w.officer)
    r = await client.get(
        "/patrol/logs",
        params={"org_unit_id": w.tree["grid1"]["id"], "date": str(local_today())},
        headers=officer,
    )
    assert r.status_code == 200 and w.enterprise["name"] in r.text
    assert w.grid_worker["display_name"] in r.text
    r = await client.get("/patrol/logs/unvisited", params={"days": 7}, headers=officer)
    assert r.status_code == 200 and "西街饭店" in r.text and w.enterprise["name"] not in r.text
    assert other["name"] in r.text


async def test_the_figures_page_links_every_number_to_its_records(client):
    w = await f.world()
    await report(w.grid_worker, org_unit_id=w.tree["grid1"]["id"])
    r = await client.get("/patrol/figures", headers=await as_user(w.officer))
    assert r.status_code == 200
    grid = w.tree["grid1"]["id"]
    assert f"key={grid}&amp;figure=reports" in r.text
    link = "/patrol/figures/records?" + (
        f"org_unit_id={w.tree['street']['id']}&group_by=grid&key={grid}&figure=untriaged"
    )
    r2 = await client.get(link, headers=await as_user(w.officer))
    assert r2.status_code == 200 and "消防通道堆放杂物" in r2.text and "(1)" in r2.text
    assert "/patrol/logs?org_unit_id=" in r.text
    r = await client.get(
        "/patrol/figures",
        params={"group_by": "worker", "from": "2026-02-02", "to": "2026-01-01"},
        headers=await as_user(w.officer),
    )
    assert r.status_code == 400 and w.grid_worker["display_name"] in r.text
    r = await client.get("/patrol/figures", headers=await as_user(w.grid_worker))
    assert r.status_code == 403


async def test_the_officers_dashboard_links_the_patrol_figures(client):
    w = await f.world()
    r = await client.get("/dashboard", headers=await as_user(w.officer))
    assert r.status_code == 200 and 'href="/patrol/figures"' in r.text
