"""The figures through the API, over records made by the real services: a campaign of two
planned enterprises, one inspected; hazards open, overdue, fixed on the spot, closed after
an extension, voided. Rates exact or null; breakdowns; the list behind each number (via
figure_link) has the number as its total; bad parameters are 400s naming them; the hazard
list shows 50 rows with enterprise and grid names in at most 3 queries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

from inspections import services
from inspections.schemas import HazardIn
from rectification import services as rectification
from rectification.figures.links import HAZARD_FIGURE_OF, figure_link
from rectification.schemas import DecisionIn, ExtensionIn, VerificationIn
from safety.db import engine
from safety.settings import local_today
from tests import factories as f
from tests.inspections import factories as fi
from tests.pages import as_user
from tests.rectification import evidence

TODAY = local_today()


async def _hazard(w, v, **fields) -> dict:
    data = {
        "description": fields.pop("description", f"隐患{f.n()}"),
        "level": fields.pop("level", "general"),
        "category": "site",
        "subcategory": "电气",
        **fields,
    }
    return await services.log_hazard(f.actor(w.inspector), v.inspection["id"], HazardIn(**data))


async def _scenario(w):
    """A campaign (2 planned: the visited one and an idle one) with five hazards."""
    v = await fi.visit(w, scheduled_on=TODAY - dt.timedelta(days=40))
    idle = await f.enterprise(w.tree["grid2"]["id"], industry="F")
    from safety.tables import CampaignEnterprise

    await CampaignEnterprise(campaign=v.campaign["id"], enterprise=idle["id"]).save().run()
    await services.start_inspection(f.actor(w.inspector), v.inspection["id"])
    overdue = await _hazard(w, v)  # deadline 40 - 15 days ago: overdue
    spot = await _hazard(w, v, fixed_on_spot=True)
    major = await _hazard(w, v, level="major", major_basis="第四条")  # 60 days: not yet due
    extended = await _hazard(w, v)
    voided = await _hazard(w, v)
    contact = await f.user("enterprise", enterprise_id=v.inspection["enterprise_id"])
    request = await rectification.request_extension(
        f.actor(contact),
        extended["id"],
        ExtensionIn(new_deadline=TODAY + dt.timedelta(days=5), reason="设备到货延迟"),
    )
    await rectification.decide_extension(
        f.actor(w.officer), request["id"], DecisionIn(approved=True, comment="同意")
    )
    await evidence.submit(f.actor(contact), extended["id"], "已整改", TODAY)
    await rectification.verify(f.actor(w.officer), extended["id"], VerificationIn(result="pass"))
    await rectification.void_hazard(f.actor(w.officer), voided["id"], "重复录入")
    return v, idle, {"overdue": overdue, "spot": spot, "major": major, "extended": extended}


async def test_campaign_figures_exact_with_breakdowns_and_the_records_behind_them(client):
    w = await f.world()
    v, _idle, hz = await _scenario(w)
    officer = f.headers(w.officer)
    url = f"/api/v1/campaigns/{v.campaign['id']}/stats"
    r = await client.get(url, headers=officer)
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["as_of"] == TODAY.isoformat()
    assert (s["enterprises_planned"], s["enterprises_inspected"]) == (2, 0)
    assert s["inspection_completion_rate"] == 0
    assert (s["hazards_found"], s["hazards_major"], s["hazards_general"]) == (4, 1, 3)
    assert (s["hazards_closed"], s["hazards_overdue"], s["hazards_open"]) == (2, 1, 2)
    assert s["rectification_rate"] == 0.5
    assert s["major_rectification_rate"] == 0
    assert s["on_time_rate"] == 1.0  # the extended one closed before its new deadline
    assert s["fractions"]["rectification_rate"] == {"numerator": 2, "denominator": 4}
    # every number opens the records behind it, with that number as the list's total
    for field in (*HAZARD_FIGURE_OF, "enterprises_planned", "enterprises_inspected"):
        link = figure_link(field, campaign_id=v.campaign["id"], as_of=TODAY)
        parts = urlsplit(link)
        listed = await client.get(parts.path, params=dict(parse_qsl(parts.query)), headers=officer)
        assert listed.status_code == 200, (field, listed.text)
        assert listed.json()["total"] == s[field], field
    overdue = await client.get(
        "/api/v1/hazards",
        params={"campaign_id": v.campaign["id"], "figure": "overdue"},
        headers=officer,
    )
    assert [h["id"] for h in overdue.json()["items"]] == [hz["overdue"]["id"]]
    assert overdue.json()["items"][0]["grid_name"] == w.tree["grid1"]["name"]
    assert overdue.json()["items"][0]["community_name"] == w.tree["community"]["name"]
    # before anything was entered: nothing found, rates null (never 0 or 100%)
    before = (
        await client.get(
            url, params={"as_of": (TODAY - dt.timedelta(days=1)).isoformat()}, headers=officer
        )
    ).json()
    assert before["hazards_found"] == 0 and before["enterprises_planned"] == 2
    assert before["rectification_rate"] is None and before["on_time_rate"] is None
    # breakdowns: by grid the idle enterprise's grid has a plan and no hazards
    by_grid = (await client.get(url, params={"group_by": "grid"}, headers=officer)).json()
    groups = {g["key"]: g for g in by_grid["groups"]}
    assert groups[w.tree["grid1"]["id"]]["hazards_found"] == 4
    assert groups[w.tree["grid2"]["id"]]["enterprises_planned"] == 1
    assert groups[w.tree["grid2"]["id"]]["rectification_rate"] is None
    assert groups[w.tree["grid2"]["id"]]["label"] == w.tree["grid2"]["name"]
    assert by_grid["hazards_found"] == 4  # totals beside the groups
    for group_by in ("batch", "community", "industry", "agency"):
        r = await client.get(url, params={"group_by": group_by}, headers=officer)
        assert r.status_code == 200, r.text
        assert sum(g["hazards_found"] for g in r.json()["groups"]) == 4
    by_industry = (await client.get(url, params={"group_by": "industry"}, headers=officer)).json()
    assert {g["label"] for g in by_industry["groups"]} == {"C 制造业", "F 批发和零售业"}


async def test_org_unit_figures_by_source_and_found_dates(client):
    w = await f.world()
    await _scenario(w)
    officer = f.headers(w.officer)
    url = f"/api/v1/org-units/{w.tree['community']['id']}/stats"
    r = await client.get(url, headers=officer)
    assert r.status_code == 200, r.text
    s = r.json()
    assert (s["hazards_found"], s["hazards_closed"], s["hazards_overdue"]) == (4, 2, 1)
    assert [(g["key"], g["hazards_found"]) for g in s["by_source"]] == [("inspection", 4)]
    narrow = await client.get(
        url, params={"from": TODAY.isoformat(), "to": TODAY.isoformat()}, headers=officer
    )
    assert narrow.json()["hazards_found"] == 0  # all found 40 days ago
    patrol = await client.get(url, params={"source": "patrol"}, headers=officer)
    assert patrol.json()["hazards_found"] == 0 and patrol.json()["rectification_rate"] is None
    by_grid = await client.get(url, params={"group_by": "grid"}, headers=officer)
    assert [g["key"] for g in by_grid.json()["groups"]] == [w.tree["grid1"]["id"]]


async def test_a_community_officer_never_counts_another_community(client):
    w = await f.world()
    await _scenario(w)
    street = w.tree["street"]
    other = await f.enterprise(w.tree["grid1"]["id"])  # (same community, for contrast)
    assert other
    from safety.actors import SYSTEM
    from safety.orgs import OrgUnitIn, create_org_unit

    second = await create_org_unit(
        SYSTEM, OrgUnitIn(name=f"另一社区{f.n()}", kind="community", parent_id=street["id"])
    )
    officer2 = await f.user("officer", org_unit_id=second["id"])
    headers = f.headers(officer2)
    mine = await client.get(f"/api/v1/org-units/{second['id']}/stats", headers=headers)
    assert mine.status_code == 200 and mine.json()["hazards_found"] == 0
    for path in (
        f"/api/v1/org-units/{w.tree['community']['id']}/stats",
        f"/api/v1/org-units/{street['id']}/stats",
    ):
        assert (await client.get(path, headers=headers)).status_code == 404
    listed = await client.get("/api/v1/hazards", params={"figure": "found"}, headers=headers)
    assert listed.json()["total"] == 0


async def test_bad_parameters_are_400s_naming_them(client):
    w = await f.world()
    camp = await fi.campaign(w)
    officer = f.headers(w.officer)
    cases = [
        (f"/api/v1/campaigns/{camp['id']}/stats", {"group_by": "month"}, "group_by"),
        (f"/api/v1/campaigns/{camp['id']}/stats", {"as_of": "2026-13-01"}, "as_of"),
        (f"/api/v1/org-units/{w.tree['street']['id']}/stats", {"source": "x"}, "source"),
        (
            f"/api/v1/org-units/{w.tree['street']['id']}/stats",
            {"from": "2026-02-01", "to": "2026-01-01"},
            "to",
        ),
        (f"/api/v1/campaigns/{camp['id']}/enterprises", {"figure": "x"}, "figure"),
        (f"/api/v1/campaigns/{camp['id']}/enterprises", {"group_by": "batch"}, "key"),
        (
            f"/api/v1/campaigns/{camp['id']}/enterprises",
            {"group_by": "industry", "key": "制造'"},
            "key",
        ),
        ("/api/v1/hazards", {"figure": "late"}, "figure"),
        ("/api/v1/hazards", {"figure": "open", "as_of": "9999-12-31"}, "as_of"),
        (f"/api/v1/campaigns/{camp['id']}/stats", {"as_of": "0001-01-01"}, "as_of"),
        (f"/api/v1/org-units/{w.tree['street']['id']}/stats", {"as_of": "9999-12-31"}, "as_of"),
        ("/api/v1/hazards", {"industry": "Z9"}, "industry"),
    ]
    for path, params, key in cases:
        r = await client.get(path, params=params, headers=officer)
        assert r.status_code == 400, (path, params, r.text)
        assert key in {e["key"] for e in r.json()["extra"]}, (path, r.json())


async def test_the_hazard_list_shows_50_rows_with_names_in_3_queries(client, monkeypatch):
    w = await f.world()
    v = await fi.visit(w)
    await services.start_inspection(f.actor(w.inspector), v.inspection["id"])
    for _ in range(50):
        await _hazard(w, v)
    db = engine()
    seen: list[str] = []
    real = type(db).run_querystring

    async def counting(self, querystring, *args, **kwargs):
        seen.append(str(querystring))
        return await real(self, querystring, *args, **kwargs)

    # every query Piccolo runs goes through the engine's run_querystring (real queries,
    # only counted); the engine's class has slots, so the method is wrapped on the class
    monkeypatch.setattr(type(db), "run_querystring", counting)
    flt = services.HazardFilter(campaign_id=v.campaign["id"], org_unit_id=w.tree["street"]["id"])
    rows, total = await services.list_hazards(f.actor(w.officer), flt, 50, 0)
    assert (len(rows), total) == (50, 50)
    assert all(r["enterprise_name"] and r["grid_name"] == w.tree["grid1"]["name"] for r in rows)
    assert len(seen) <= 2, seen  # the org units' paths; the rows with their total
    # the officer's search page: 50 rows with enterprise, community and grid names; the
    # rows cost the same 3 queries (the others: session, user, the unit picker)
    headers = await as_user(w.officer)
    seen.clear()
    r = await client.get(
        "/hazards",
        params={"campaign_id": v.campaign["id"], "figure": "open"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    assert r.text.count(w.tree["grid1"]["name"]) >= 50
    rows_queries = [q for q in seen if "hazard" in q]
    assert len(rows_queries) <= 1, rows_queries  # the page with its total
    # the page link of a figure opens the same records
    link = figure_link("hazards_found", base="/hazards", campaign_id=v.campaign["id"])
    r = await client.get(link, headers=headers)
    assert r.text.count(w.tree["grid1"]["name"]) >= 50
