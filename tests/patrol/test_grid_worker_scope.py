"""The grid worker's scope through the API: their grid's enterprises, their own reports,
the hazards their reports became (read only, plus scene photos); everything else 404
(outside their scope) or 403 (never theirs). And the role itself: linked to a grid or a
community, nothing else."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.imagegen import jpeg
from tests.patrol.helpers import HAZARD, report, triage


@pytest.fixture(scope="module")
async def w():
    return await f.world()


async def _get(client, user, path, **kw):
    return await client.get(path, headers=f.headers(user), **kw)


async def test_a_grid_worker_sees_their_grids_enterprises_only(client, w):
    listed = await _get(client, w.grid_worker, "/api/v1/enterprises")
    assert [e["id"] for e in listed.json()["items"]] == [w.enterprise["id"]]
    own = await _get(client, w.grid_worker, f"/api/v1/enterprises/{w.enterprise['id']}")
    assert own.status_code == 200
    other = await _get(client, w.grid_worker, f"/api/v1/enterprises/{w.foreign_enterprise['id']}")
    assert other.status_code == 404
    export = await _get(client, w.grid_worker, "/api/v1/enterprises/export.xlsx")
    assert export.status_code == 403


async def test_another_grid_workers_report_is_not_found(client, w):
    theirs = await report(w.foreign_grid_worker)
    r = await _get(client, w.grid_worker, f"/api/v1/patrol-reports/{theirs['id']}")
    assert r.status_code == 404
    photo = await client.post(
        f"/api/v1/patrol-reports/{theirs['id']}/photos",
        files={"file": ("p.jpg", jpeg(), "image/jpeg")},
        headers=f.headers(w.grid_worker),
    )
    assert photo.status_code == 404
    mine = await _get(client, w.grid_worker, "/api/v1/patrol-reports")
    assert theirs["id"] not in [r["id"] for r in mine.json()["items"]]


async def test_the_hazard_of_their_report_is_read_only_but_takes_their_photos(client, w):
    made = await triage(
        w.officer, (await report(w.grid_worker, enterprise_id=w.enterprise["id"]))["id"], **HAZARD
    )
    hazard = made["hazard_id"]
    assert (await _get(client, w.grid_worker, f"/api/v1/hazards/{hazard}")).status_code == 200
    listed = await _get(client, w.grid_worker, "/api/v1/hazards")
    assert [h["id"] for h in listed.json()["items"]] == [hazard]
    page = await client.get(f"/hazards/{hazard}", headers=await _page(w.grid_worker))
    assert page.status_code == 200
    # Another grid worker does not see it.
    assert (
        await _get(client, w.foreign_grid_worker, f"/api/v1/hazards/{hazard}")
    ).status_code == 404
    headers = f.headers(w.grid_worker)
    refused = {
        "PUT": [("plan", {"measures": "x"})],
        "POST": [
            ("submissions", {"description": "x", "completed_on": str(made["reported_at"])[:10]}),
            ("verifications", {"result": "pass"}),
            ("void", {"reason": "x"}),
            ("extension-requests", {"new_deadline": "2099-01-01", "reason": "x"}),
        ],
    }
    for method, actions in refused.items():
        for action, body in actions:
            r = await client.request(
                method, f"/api/v1/hazards/{hazard}/{action}", json=body, headers=headers
            )
            assert r.status_code == 403, (action, r.status_code, r.text)
    photo = await client.post(
        f"/api/v1/hazards/{hazard}/photos",
        files={"file": ("p.jpg", jpeg(), "image/jpeg")},
        headers=headers,
    )
    assert photo.status_code == 201 and photo.json()["kind"] == "scene"


async def _page(user):
    from tests.pages import as_user

    return await as_user(user)


async def test_the_role_is_linked_to_a_grid_or_a_community(client, w):
    base = {"password": f.PASSWORD, "role": "grid_worker", "display_name": "网格员"}
    for unit, status in (
        (w.tree["grid2"]["id"], 201),
        (w.tree["community"]["id"], 201),
        (w.tree["street"]["id"], 400),
        (None, 400),
    ):
        body = {**base, "username": f"gw{f.n()}", "org_unit_id": unit}
        r = await client.post("/api/v1/users", json=body, headers=f.headers(w.admin))
        assert r.status_code == status, (unit, r.text)
        if status == 400:
            assert [e["key"] for e in r.json()["extra"]] == ["org_unit_id"]
    moved = await client.patch(
        f"/api/v1/users/{w.grid_worker['id']}",
        json={"org_unit_id": w.tree["street"]["id"]},
        headers=f.headers(w.admin),
    )
    assert moved.status_code == 400


async def test_a_community_grid_worker_reports_in_any_of_its_grids(client, w):
    worker = await f.user("grid_worker", org_unit_id=w.tree["community"]["id"])
    body = {"description": "x", "address": "y"}
    r = await client.post("/api/v1/patrol-reports", json=body, headers=f.headers(worker))
    assert r.status_code == 400 and [e["key"] for e in r.json()["extra"]] == ["org_unit_id"]
    for grid in ("grid1", "grid2"):
        body["org_unit_id"] = w.tree[grid]["id"]
        r = await client.post("/api/v1/patrol-reports", json=body, headers=f.headers(worker))
        assert r.status_code == 201


async def test_the_admin_page_creates_a_grid_worker_on_a_grid_only(client, w):
    headers = await _page(w.admin)
    form = {"password": f.PASSWORD, "role": "grid_worker", "display_name": "网格员"}
    bad = await client.post(
        "/admin/users",
        data={**form, "username": f"gwp{f.n()}", "org_unit_id": str(w.tree["street"]["id"])},
        headers=headers,
    )
    assert bad.status_code == 400 and "网格员须关联到网格或社区" in bad.text
    good = await client.post(
        "/admin/users",
        data={**form, "username": f"gwp{f.n()}", "org_unit_id": str(w.tree["grid2"]["id"])},
        headers=headers,
        follow_redirects=False,
    )
    assert good.status_code == 303
