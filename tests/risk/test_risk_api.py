"""Risk points through the JSON API: grading on the server, errors naming fields, the
version check, the enterprise's derived colour (and the registry filter that uses it),
and scope (another enterprise's points are 404)."""

from __future__ import annotations

from safety.tables import Enterprise
from tests import factories as f


def body(**over) -> dict:
    data = {
        "name": f"配电室{f.n()}",
        "hazard_factors": "电气线路老化，配电柜无警示标识",
        "accident_types": ["触电", "火灾"],
        "method": "LEC",
        "likelihood": 3,
        "exposure": 6,
        "consequence": 7,
        "control_measures": {"engineering": "加装漏电保护", "ppe": "绝缘手套"},
        "control_tier": "workshop",
        "responsible_person": "李四",
        "review_on": "2027-01-31",
    }
    data.update(over)
    return data


def url(e: dict) -> str:
    return f"/api/v1/enterprises/{e['id']}/risk-points"


async def colour_of(e: dict) -> str | None:
    row = await Enterprise.select(Enterprise.risk_colour).where(Enterprise.id == e["id"]).first()
    return row["risk_colour"]


async def test_it_grades_a_point_on_the_server(client):
    w = await f.world()
    r = await client.post(url(w.enterprise), json=body(), headers=f.headers(w.enterprise_user))
    assert r.status_code == 201, r.text
    p = r.json()
    assert (p["score"], p["level"], p["colour"]) == (126, "general", "yellow")
    for key in (
        "id", "enterprise_id", "name", "hazard_factors", "accident_types", "method",
        "likelihood", "exposure", "consequence", "severity", "score", "level", "colour",
        "control_measures", "control_tier", "responsible_person", "review_on", "version",
    ):  # fmt: skip
        assert key in p
    assert p["control_measures"]["engineering"] == "加装漏电保护"
    assert p["control_measures"]["training"] == ""
    assert p["accident_types"] == ["触电", "火灾"] and p["review_on"] == "2027-01-31"
    assert await colour_of(w.enterprise) == "yellow"
    got = await client.get(f"/api/v1/risk-points/{p['id']}", headers=f.headers(w.officer))
    assert got.status_code == 200 and got.json()["name"] == p["name"]


async def test_ls_points_and_levels(client):
    w = await f.world()
    h = f.headers(w.officer)
    r = await client.post(
        url(w.enterprise),
        json=body(method="LS", likelihood=4, severity=5, exposure=None, consequence=None,
                  control_tier="company"),
        headers=h,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert (r.json()["score"], r.json()["level"], r.json()["colour"]) == (20, "major", "red")


async def test_values_off_their_scale_are_400_naming_each(client):
    w = await f.world()
    h = f.headers(w.officer)
    r = await client.post(url(w.enterprise), json=body(likelihood=7, consequence=50), headers=h)
    assert r.status_code == 400
    assert {e["key"] for e in r.json()["extra"]} == {"likelihood", "consequence"}
    r = await client.post(
        url(w.enterprise), json=body(method="LS", likelihood=3, severity=9), headers=h
    )
    assert r.status_code == 400
    assert {e["key"] for e in r.json()["extra"]} == {"severity", "exposure", "consequence"}
    r = await client.post(url(w.enterprise), json=body(accident_types=["雷击"]), headers=h)
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "accident_types"
    r = await client.post(url(w.enterprise), json=body(control_measures={"other": "x"}), headers=h)
    assert r.status_code == 400 and "control_measures" in r.json()["extra"][0]["key"]
    total = await client.get(url(w.enterprise), headers=h)
    assert total.json()["total"] == 0  # nothing changed


async def test_a_red_point_must_be_company_level_with_a_person(client):
    w = await f.world()
    h = f.headers(w.officer)
    red = body(likelihood=10, exposure=6, consequence=15, responsible_person="")  # D = 900
    r = await client.post(url(w.enterprise), json=red, headers=h)
    assert r.status_code == 400
    assert {e["key"] for e in r.json()["extra"]} == {"control_tier", "responsible_person"}
    red.update(control_tier="company", responsible_person="王厂长")
    r = await client.post(url(w.enterprise), json=red, headers=h)
    assert r.status_code == 201 and r.json()["colour"] == "red"


async def test_duplicate_name_is_409(client):
    w = await f.world()
    h = f.headers(w.officer)
    b = body()
    assert (await client.post(url(w.enterprise), json=b, headers=h)).status_code == 201
    r = await client.post(url(w.enterprise), json=b, headers=h)
    assert r.status_code == 409 and r.json()["extra"][0]["key"] == "name"


async def test_patch_regrades_checks_version_and_rolls_the_colour_up(client):
    w = await f.world()
    h = f.headers(w.enterprise_user)
    blue = (await client.post(url(w.enterprise), json=body(likelihood=1), headers=h)).json()
    assert blue["colour"] == "blue" and await colour_of(w.enterprise) == "blue"
    other = (await client.post(url(w.enterprise), json=body(likelihood=1), headers=h)).json()
    r = await client.patch(
        f"/api/v1/risk-points/{blue['id']}",
        json={"version": blue["version"], "likelihood": 6, "control_tier": "company"},
        headers=h,
    )
    assert r.status_code == 200, r.text
    assert (r.json()["score"], r.json()["colour"], r.json()["version"]) == (252, "orange", 2)
    assert await colour_of(w.enterprise) == "orange"
    stale = await client.patch(
        f"/api/v1/risk-points/{blue['id']}",
        json={"version": blue["version"], "likelihood": 1},
        headers=h,
    )
    assert stale.status_code == 409 and stale.json()["extra"][0]["key"] == "version"
    # retiring the orange point leaves the blue one
    r = await client.patch(
        f"/api/v1/risk-points/{blue['id']}", json={"version": 2, "active": False}, headers=h
    )
    assert r.status_code == 200 and r.json()["active"] is False
    assert await colour_of(w.enterprise) == "blue"
    r = await client.patch(
        f"/api/v1/risk-points/{other['id']}", json={"version": 1, "active": False}, headers=h
    )
    assert await colour_of(w.enterprise) is None  # 未评估
    listed = (await client.get(url(w.enterprise), headers=h)).json()
    assert listed["total"] == 0 and listed["enterprise_colour"] is None
    everything = await client.get(url(w.enterprise), params={"include_inactive": "true"}, headers=h)
    assert everything.json()["total"] == 2


async def test_the_registry_colour_filter_follows_the_points(client):
    w = await f.world()
    h = f.headers(w.officer)
    r = await client.post(
        url(w.enterprise),
        json=body(likelihood=6, exposure=6, consequence=15, control_tier="company"),
        headers=h,
    )  # D = 540
    assert r.json()["colour"] == "red"
    listed = await client.get(
        "/api/v1/enterprises",
        params={"risk_colour": "red", "org_unit_id": w.tree["street"]["id"]},
        headers=h,
    )
    assert [e["id"] for e in listed.json()["items"]] == [w.enterprise["id"]]
    # the colour can no longer be typed: a PATCH sending one changes nothing
    ent = (await client.get(f"/api/v1/enterprises/{w.enterprise['id']}", headers=h)).json()
    r = await client.patch(
        f"/api/v1/enterprises/{ent['id']}",
        json={"version": ent["version"], "risk_colour": "blue", "address": "新地址1号"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["risk_colour"] == "red"


async def test_another_enterprises_points_are_404(client):
    w = await f.world()
    mine = await client.post(url(w.enterprise), json=body(), headers=f.headers(w.officer))
    point = mine.json()
    outsider = f.headers(w.foreign_enterprise_user)
    assert (await client.get(url(w.enterprise), headers=outsider)).status_code == 404
    assert (
        await client.get(f"/api/v1/risk-points/{point['id']}", headers=outsider)
    ).status_code == 404
    r = await client.patch(
        f"/api/v1/risk-points/{point['id']}", json={"version": 1, "likelihood": 1}, headers=outsider
    )
    assert r.status_code == 404
    r = await client.post(url(w.enterprise), json=body(), headers=outsider)
    assert r.status_code == 404
    r = await client.get(
        "/api/v1/risk-points/export.xlsx",
        params={"enterprise_id": w.enterprise["id"]},
        headers=outsider,
    )
    assert r.status_code == 404
    foreign_officer = f.headers(w.foreign_officer)
    assert (await client.get(url(w.enterprise), headers=foreign_officer)).status_code == 404
    inspector = f.headers(w.inspector)
    assert (await client.get(url(w.enterprise), headers=inspector)).status_code == 403
