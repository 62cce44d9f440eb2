"""The patrol API: submission (idempotent), photos, triage, the fate a grid worker reads,
the referral departments; field-level 400s and 409 on re-triage."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.imagegen import jpeg
from tests.patrol.helpers import HAZARD

REPORTS = "/api/v1/patrol-reports"


@pytest.fixture(scope="module")
async def w():
    return await f.world()


async def _post(client, worker, body, key=None):
    headers = f.headers(worker)
    if key:
        headers["Idempotency-Key"] = key
    return await client.post(REPORTS, json=body, headers=headers)


async def test_a_retried_submission_creates_one_report(client, w):
    body = {"description": "楼道电动车充电", "address": "3号楼1单元", "lat": 36.66, "lng": 117.0}
    first = await _post(client, w.grid_worker, body, key="report-abc-1")
    again = await _post(client, w.grid_worker, body, key="report-abc-1")
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["status"] == "new" and first.json()["lat"] == 36.66
    mine = await client.get(REPORTS, headers=f.headers(w.grid_worker), params={"q": "电动车"})
    assert [r["id"] for r in mine.json()["items"]] == [first.json()["id"]]


async def test_bad_input_names_each_field(client, w):
    r = await _post(client, w.grid_worker, {"description": "", "address": "", "lat": 36.6})
    assert r.status_code == 400
    assert {e["key"] for e in r.json()["extra"]} == {"description", "address", "lng"}
    r = await _post(client, w.grid_worker, {"description": "x", "lat": 100, "lng": 0})
    assert r.status_code == 400 and [e["key"] for e in r.json()["extra"]] == ["lat"]


async def test_photos_then_triage_to_a_hazard_that_carries_them(client, w):
    body = {"description": "灶台旁放置液化气瓶", "enterprise_id": w.enterprise["id"]}
    report = (await _post(client, w.grid_worker, body)).json()
    photo = await client.post(
        f"{REPORTS}/{report['id']}/photos",
        files={"file": ("p.jpg", jpeg(), "image/jpeg")},
        headers=f.headers(w.grid_worker),
    )
    assert photo.status_code == 201
    got = await client.get(f"{REPORTS}/{report['id']}", headers=f.headers(w.officer))
    assert [p["id"] for p in got.json()["photos"]] == [photo.json()["id"]]
    r = await client.post(
        f"{REPORTS}/{report['id']}/triage",
        json={**HAZARD, "suggestion": "气瓶移出厨房"},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 200, r.text
    hazard_id = r.json()["hazard_id"]
    hazard = await client.get(f"/api/v1/hazards/{hazard_id}", headers=f.headers(w.grid_worker))
    assert hazard.status_code == 200
    assert hazard.json()["source"] == "patrol"
    assert [p["kind"] for p in hazard.json()["photos"]] == ["problem"]
    again = await client.post(
        f"{REPORTS}/{report['id']}/triage",
        json={"action": "dismiss", "reason": "重复"},
        headers=f.headers(w.officer),
    )
    assert again.status_code == 409
    mine = await client.get(f"{REPORTS}/{report['id']}", headers=f.headers(w.grid_worker))
    assert mine.json()["status"] == "hazard" and mine.json()["hazard_status"] == "pending"
    assert mine.json()["triage"]["by"] == w.officer["display_name"]


async def test_departments_are_kept_by_the_admin(client, w):
    listed = await client.get("/api/v1/referral-departments", headers=f.headers(w.officer))
    assert "市场监管" in [d["name"] for d in listed.json()]
    name = f"水务{f.n()}"
    made = await client.post(
        "/api/v1/referral-departments", json={"name": name}, headers=f.headers(w.admin)
    )
    assert made.status_code == 201
    dup = await client.post(
        "/api/v1/referral-departments", json={"name": name}, headers=f.headers(w.admin)
    )
    assert dup.status_code == 409
    off = await client.patch(
        f"/api/v1/referral-departments/{made.json()['id']}",
        json={"active": False},
        headers=f.headers(w.admin),
    )
    assert off.json()["active"] is False
    report = (await _post(client, w.grid_worker, {"description": "x", "address": "y"})).json()
    r = await client.post(
        f"{REPORTS}/{report['id']}/triage",
        json={"action": "refer", "to": name, "reason": "z"},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400 and [e["key"] for e in r.json()["extra"]] == ["to"]


async def test_the_list_counts_its_matches_on_every_page_and_past_the_end(client):
    w = await f.world()  # a street of its own: the count is exactly this test's reports
    h = f.headers(w.grid_worker)
    for i in range(3):
        body = {"address": "1号楼", "description": f"楼道堆物{i}"}
        assert (await client.post(REPORTS, json=body, headers=h)).status_code == 201
    officer = f.headers(w.officer)
    for offset, shown in ((0, 2), (2, 1), (3, 0), (10, 0)):
        r = await client.get(f"{REPORTS}?status=new&limit=2&offset={offset}", headers=officer)
        assert r.status_code == 200, r.text
        assert (len(r.json()["items"]), r.json()["total"]) == (shown, 3), offset
    empty = await client.get(f"{REPORTS}?status=dismissed", headers=officer)
    assert empty.json() == {"items": [], "total": 0}
