"""网格日志 through the API on the engine under test: one log per worker, grid and day (a
second entry is merged), visited enterprises must be in the grid, no future dates, scope
(own logs / the officer's subtree), Idempotency-Key retries, the not-visited list."""

from __future__ import annotations

import asyncio
import datetime as dt

from inspections.patrol.log_tables import PatrolLog, PatrolLogVisit
from safety.settings import local_today
from tests import factories as f

API = "/api/v1/patrol-logs"


async def _worker_world():
    w = await f.world()
    grid1, grid2 = w.tree["grid1"]["id"], w.tree["grid2"]["id"]
    e1 = w.enterprise
    e2 = await f.enterprise(grid1)
    other = await f.enterprise(grid2)
    return w, grid1, grid2, e1, e2, other


def _body(grid: int, ids: list[int], notes: str = "", day: dt.date | None = None) -> dict:
    return {
        "org_unit_id": grid,
        "date": (day or local_today()).isoformat(),
        "visited_enterprise_ids": ids,
        "notes": notes,
    }


async def test_a_grid_worker_logs_the_day_and_a_second_entry_is_merged(client):
    w, grid1, _, e1, e2, _ = await _worker_world()
    auth = f.headers(w.grid_worker)
    r = await client.post(
        API, json=_body(grid1, [e1["id"]], "上午巡查，消防通道畅通"), headers=auth
    )
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["merged"] is False and first["visited_enterprise_ids"] == [e1["id"]]
    assert first["worker_id"] == w.grid_worker["id"] and first["date"] == str(local_today())
    r = await client.post(
        API, json=_body(grid1, [e2["id"], e1["id"]], "下午复看，灭火器已更换"), headers=auth
    )
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["id"] == first["id"] and second["merged"] is True
    assert second["visited_enterprise_ids"] == [e1["id"], e2["id"]]
    assert second["notes"] == "上午巡查，消防通道畅通\n下午复看，灭火器已更换"
    assert second["version"] == 2
    n = await PatrolLog.count().where(PatrolLog.worker == w.grid_worker["id"]).run()
    visits = await PatrolLogVisit.count().where(PatrolLogVisit.log == first["id"]).run()
    assert (n, visits) == (1, 2)


async def test_an_enterprise_outside_the_grid_is_a_400_naming_its_id(client):
    w, grid1, _, e1, _, other = await _worker_world()
    foreign = w.foreign_enterprise
    r = await client.post(
        API,
        json=_body(grid1, [e1["id"], other["id"], foreign["id"], 2_000_000_000]),
        headers=f.headers(w.grid_worker),
    )
    assert r.status_code == 400, r.text
    extra = r.json()["extra"]
    assert all(e["key"] == "visited_enterprise_ids" for e in extra)
    named = " ".join(e["message"] for e in extra)
    assert str(other["id"]) in named and str(foreign["id"]) in named
    assert "2000000000" in named and str(e1["id"]) not in named
    assert not await PatrolLog.exists().where(PatrolLog.worker == w.grid_worker["id"]).run()


async def test_a_future_date_is_refused_and_nothing_is_kept(client):
    w, grid1, _, e1, _, _ = await _worker_world()
    tomorrow = local_today() + dt.timedelta(days=1)
    r = await client.post(
        API, json=_body(grid1, [e1["id"]], day=tomorrow), headers=f.headers(w.grid_worker)
    )
    assert r.status_code == 400
    assert [e["key"] for e in r.json()["extra"]] == ["date"]
    yesterday = local_today() - dt.timedelta(days=1)
    r = await client.post(
        API, json=_body(grid1, [e1["id"]], day=yesterday), headers=f.headers(w.grid_worker)
    )
    assert r.status_code == 201 and r.json()["date"] == str(yesterday)


async def test_bad_fields_are_each_named(client):
    w, _grid1, _, _, _, _ = await _worker_world()
    r = await client.post(
        API,
        json={"org_unit_id": "x", "date": "2024-13-40", "visited_enterprise_ids": [0], "notes": 5},
        headers=f.headers(w.grid_worker),
    )
    assert r.status_code == 400
    keys = {e["key"].split(".")[0] for e in r.json()["extra"]}
    assert {"org_unit_id", "date", "visited_enterprise_ids", "notes"} <= keys


async def test_a_community_is_not_a_grid_and_another_grid_is_not_found(client):
    w, _grid1, grid2, _, _, _ = await _worker_world()
    auth = f.headers(w.grid_worker)  # linked to grid1
    r = await client.post(API, json=_body(grid2, []), headers=auth)
    assert r.status_code == 404
    r = await client.post(API, json=_body(w.foreign_tree["grid1"]["id"], []), headers=auth)
    assert r.status_code == 404
    community_worker = await f.user("grid_worker", org_unit_id=w.tree["community"]["id"])
    r = await client.post(
        API, json=_body(w.tree["community"]["id"], []), headers=f.headers(community_worker)
    )
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "org_unit_id"
    # A community's worker logs any grid of the community.
    r = await client.post(API, json=_body(grid2, []), headers=f.headers(community_worker))
    assert r.status_code == 201


async def test_a_retry_with_the_same_key_replays_and_creates_nothing(client):
    w, grid1, _, e1, _, _ = await _worker_world()
    auth = {**f.headers(w.grid_worker), "Idempotency-Key": "log-retry-1"}
    body = _body(grid1, [e1["id"]], "重试")
    answers = await asyncio.gather(*[client.post(API, json=body, headers=auth) for _ in range(3)])
    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 201 and set(codes) <= {201, 409}, codes
    r = await client.post(API, json=body, headers=auth)
    assert r.status_code == 201 and r.headers.get("idempotent-replayed") == "true"
    log = await PatrolLog.select().where(PatrolLog.worker == w.grid_worker["id"]).run()
    assert len(log) == 1 and log[0]["notes"] == "重试" and log[0]["version"] == 1


async def test_scope_own_logs_and_the_officers_subtree(client):
    w, grid1, grid2, e1, _, other = await _worker_world()
    mate = await f.user("grid_worker", org_unit_id=grid2)
    r = await client.post(API, json=_body(grid1, [e1["id"]]), headers=f.headers(w.grid_worker))
    mine = r.json()["id"]
    r = await client.post(API, json=_body(grid2, [other["id"]]), headers=f.headers(mate))
    theirs = r.json()["id"]
    r = await client.get(API, headers=f.headers(w.grid_worker))
    assert [x["id"] for x in r.json()["items"]] == [mine]
    assert (
        await client.get(f"{API}/{theirs}", headers=f.headers(w.grid_worker))
    ).status_code == 404
    r = await client.get(
        API, params={"org_unit_id": w.tree["street"]["id"]}, headers=f.headers(w.officer)
    )
    assert {x["id"] for x in r.json()["items"]} == {mine, theirs} and r.json()["total"] == 2
    r = await client.get(API, params={"org_unit_id": grid2}, headers=f.headers(w.officer))
    assert [x["id"] for x in r.json()["items"]] == [theirs]
    r = await client.get(API, params={"enterprise_id": e1["id"]}, headers=f.headers(w.officer))
    assert [x["id"] for x in r.json()["items"]] == [mine]
    r = await client.get(API, headers=f.headers(w.foreign_officer))
    assert r.json()["total"] == 0
    assert (
        await client.get(f"{API}/{mine}", headers=f.headers(w.foreign_officer))
    ).status_code == 404
    r = await client.get(f"{API}/{mine}", headers=f.headers(w.officer))
    assert r.status_code == 200 and r.json()["visited_enterprises"][0]["name"] == e1["name"]
    for who in (w.inspector, w.enterprise_user, w.admin):
        assert (await client.get(API, headers=f.headers(who))).status_code == 403
    r = await client.post(API, json=_body(grid1, []), headers=f.headers(w.officer))
    assert r.status_code == 403


async def test_enterprises_not_visited_for_n_days(client):
    w, grid1, grid2, e1, e2, other = await _worker_world()
    auth = f.headers(w.grid_worker)
    long_ago = local_today() - dt.timedelta(days=40)
    recent = local_today() - dt.timedelta(days=3)
    await client.post(API, json=_body(grid1, [e1["id"]], day=long_ago), headers=auth)
    await client.post(API, json=_body(grid1, [e2["id"]], day=recent), headers=auth)
    r = await client.get(
        f"{API}/unvisited",
        params={"org_unit_id": w.tree["community"]["id"], "days": 30},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 200, r.text
    rows = {x["enterprise_id"]: x for x in r.json()["items"]}
    assert set(rows) == {e1["id"], other["id"]} and r.json()["total"] == 2
    assert rows[e1["id"]]["last_visited_on"] == str(long_ago) and rows[e1["id"]]["days_since"] == 40
    assert rows[other["id"]]["last_visited_on"] is None
    assert r.json()["items"][0]["enterprise_id"] == other["id"]  # never visited first
    r = await client.get(f"{API}/unvisited", params={"days": 2}, headers=auth)
    assert {x["enterprise_id"] for x in r.json()["items"]} == {e1["id"], e2["id"]}
    r = await client.get(f"{API}/unvisited", params={"org_unit_id": grid2}, headers=auth)
    assert r.status_code == 404
    r = await client.get(f"{API}/unvisited", params={"days": 0}, headers=auth)
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "days"
