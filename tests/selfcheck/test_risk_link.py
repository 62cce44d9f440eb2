"""A hazard names the risk point whose control failed (the two pillars joined): only a
risk point of the hazard's own enterprise (else 400 naming ``risk_point_id``, nothing
made); the hazard shows it; the risk point lists its hazards (officer and enterprise, 404
outside scope, 403 for an inspector)."""

from __future__ import annotations

from inspections.risk.service import create_point
from inspections.tables import Hazard
from tests import factories as f
from tests.pages import as_user
from tests.selfcheck.test_self_inspection_api import _log, _start


async def risk_point(officer: dict, enterprise_id: int, name: str | None = None) -> dict:
    data = {
        "name": name or f"喷漆房{f.n()}",
        "hazard_factors": "可燃气体积聚",
        "accident_types": ["火灾"],
        "method": "LS",
        "likelihood": 2,
        "severity": 3,
        "control_tier": "workshop",
        "responsible_person": "王强",
    }
    return await create_point(f.actor(officer), enterprise_id, data)


async def test_a_hazard_names_its_enterprises_risk_point_and_the_point_lists_it(client):
    w = await f.world()
    point = await risk_point(w.officer, w.enterprise["id"])
    i = await _start(client, w)
    r = await _log(client, w, i["id"], risk_point_id=point["id"])
    assert r.status_code == 201, r.text
    hazard = r.json()
    assert hazard["risk_point_id"] == point["id"]
    assert hazard["risk_point_name"] == point["name"]
    for user in (w.officer, w.enterprise_user):
        r = await client.get(f"/api/v1/risk-points/{point['id']}/hazards", headers=f.headers(user))
        assert r.status_code == 200, r.text
        assert [h["id"] for h in r.json()["items"]] == [hazard["id"]]
        assert r.json()["items"][0]["risk_point_name"] == point["name"]
    for user, status in (
        (w.foreign_officer, 404),
        (w.foreign_enterprise_user, 404),
        (w.inspector, 403),
    ):
        r = await client.get(f"/api/v1/risk-points/{point['id']}/hazards", headers=f.headers(user))
        assert r.status_code == status, user["username"]
    page = (await client.get(f"/hazards/{hazard['id']}", headers=await as_user(w.officer))).text
    assert point["name"] in page
    for user in (w.officer, w.enterprise_user):
        listed = await client.get(
            f"/risk-points/{point['id']}/hazards", headers=await as_user(user)
        )
        assert listed.status_code == 200
        assert f'href="/hazards/{hazard["id"]}"' in listed.text and "企业自查" in listed.text
    form = await client.get(
        f"/inspections/{i['id']}/hazards/new", headers=await as_user(w.enterprise_user)
    )
    assert f'<option value="{point["id"]}">{point["name"]}</option>' in form.text


async def test_another_enterprises_risk_point_is_a_400_naming_it(client):
    w = await f.world()
    theirs = await risk_point(w.foreign_officer, w.foreign_enterprise["id"])
    i = await _start(client, w)
    before = await Hazard.count().where(Hazard.inspection == i["id"]).run()
    r = await _log(client, w, i["id"], risk_point_id=theirs["id"])
    assert r.status_code == 400
    assert [e["key"] for e in r.json()["extra"]] == ["risk_point_id"]
    r = await _log(client, w, i["id"], risk_point_id=987654321)
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "risk_point_id"
    assert await Hazard.count().where(Hazard.inspection == i["id"]).run() == before


async def test_a_stopped_risk_point_is_a_400_naming_it(client):
    w = await f.world()
    point = await risk_point(w.officer, w.enterprise["id"])
    r = await client.patch(
        f"/api/v1/risk-points/{point['id']}",
        json={"version": point["version"], "active": False},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 200, r.text
    i = await _start(client, w)
    r = await _log(client, w, i["id"], risk_point_id=point["id"])
    assert r.status_code == 400
    assert [e["key"] for e in r.json()["extra"]] == ["risk_point_id"]
    assert await Hazard.count().where(Hazard.inspection == i["id"]).run() == 0
