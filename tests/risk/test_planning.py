"""Risk-based planning: the due list (frequency by colour, last submitted campaign
inspection, self-inspections not counted, filters), the campaign and batch pickers, and
the officer's colour map."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from inspections.tables import Hazard, Inspection
from safety.settings import get_settings, local_today
from tests import factories as f
from tests.inspections.factories import checklist
from tests.pages import as_user

URL = "/api/v1/planning/due"


async def inspected(enterprise: dict, days_ago: int, kind: str = "campaign", state="submitted"):
    """An inspection of ``enterprise`` submitted ``days_ago`` local days ago (at 00:30 local
    time, so the local day differs from the UTC one)."""
    tpl = await checklist(sections=1, items=1)
    day = local_today() - dt.timedelta(days=days_ago)
    zone = ZoneInfo(get_settings().timezone)
    at = dt.datetime.combine(day, dt.time(0, 30), tzinfo=zone)
    row = Inspection(
        kind=kind,
        enterprise=enterprise["id"],
        checklist=tpl["id"],
        state=state,
        scheduled_on=day,
        submitted_at=at if state == "submitted" else None,
    )
    await row.save().run()


async def street():
    """A world whose street holds: red inspected 40 days ago (monthly: overdue), orange 10
    days ago (quarterly: not due), blue never inspected, yellow 170 days ago (half-yearly:
    due within 30 days), an unrated one with only a self-inspection (never), a closed one."""
    w = await f.world()
    g = w.tree["grid1"]["id"]
    e = {
        "red": await f.enterprise(g, risk_colour="red", name=f"红{f.n()}"),
        "orange": await f.enterprise(g, risk_colour="orange", name=f"橙{f.n()}"),
        "blue": await f.enterprise(g, risk_colour="blue", name=f"蓝{f.n()}"),
        "yellow": await f.enterprise(g, risk_colour="yellow", name=f"黄{f.n()}"),
        "self": await f.enterprise(g, name=f"自查{f.n()}"),
        "closed": await f.enterprise(g, risk_colour="red", active=False),
    }
    await inspected(e["red"], 40)
    await inspected(e["red"], 70)
    await inspected(e["red"], 5, state="in_progress")  # not submitted: does not count
    await inspected(e["orange"], 10)
    await inspected(e["yellow"], 170)
    await inspected(e["self"], 3, kind="self")
    return w, e


async def test_due_list_follows_the_colour_frequencies(client):
    w, e = await street()
    h = f.headers(w.officer)
    r = await client.get(URL, headers=h)
    assert r.status_code == 200, r.text
    rows = {row["enterprise_id"]: row for row in r.json()["items"]}
    assert e["orange"]["id"] not in rows and e["closed"]["id"] not in rows
    today = local_today()
    red = rows[e["red"]["id"]]
    last = today - dt.timedelta(days=40)
    assert red["last_inspected_on"] == last.isoformat()
    assert red["frequency_months"] == 1 and red["status"] == "overdue"
    from inspections.risk.rules import add_months

    assert red["due_on"] == add_months(last, 1).isoformat()
    assert red["days_overdue"] == (today - add_months(last, 1)).days
    yellow = rows[e["yellow"]["id"]]
    assert yellow["status"] == "due" and yellow["frequency_months"] == 6
    for key in ("blue", "self"):
        row = rows[e[key]["id"]]
        assert row["status"] == "never" and row["last_inspected_on"] is None
        assert row["due_on"] is None
    assert (
        rows[e["self"]["id"]]["colour"] is None and rows[e["self"]["id"]]["frequency_months"] == 3
    )
    assert rows[w.enterprise["id"]]["status"] == "never"
    order = [row["enterprise_id"] for row in r.json()["items"]]
    assert order.index(e["blue"]["id"]) < order.index(e["red"]["id"])  # never first

    everything = await client.get(URL, params={"due_only": "false"}, headers=h)
    statuses = {row["enterprise_id"]: row["status"] for row in everything.json()["items"]}
    assert statuses[e["orange"]["id"]] == "later"


async def test_due_list_filters(client):
    w, e = await street()
    h = f.headers(w.officer)

    async def ids(**params) -> set[int]:
        r = await client.get(URL, params=params, headers=h)
        assert r.status_code == 200, r.text
        return {row["enterprise_id"] for row in r.json()["items"]}

    assert await ids(colour="red") == {e["red"]["id"]}
    assert await ids(colour="red,blue") == {e["red"]["id"], e["blue"]["id"]}
    assert await ids(colour="none") == {e["self"]["id"], w.enterprise["id"]}
    assert e["yellow"]["id"] not in await ids(within_days=0)
    stale = await ids(not_inspected_days=100, due_only="false")
    assert e["yellow"]["id"] in stale and e["red"]["id"] not in stale
    assert e["blue"]["id"] in stale  # never inspected counts as not inspected
    assert await ids(org_unit_id=w.tree["grid2"]["id"]) == set()
    assert await ids(org_unit_id=w.foreign_tree["grid1"]["id"]) == set()
    for bad in ({"colour": "pink"}, {"not_inspected_days": -1}, {"within_days": 99999}):
        r = await client.get(URL, params=bad, headers=h)
        assert r.status_code == 400 and r.json()["extra"][0]["key"] == next(iter(bad)), bad


async def test_picks_for_campaigns(client):
    w, e = await street()
    h = f.headers(w.officer)
    stale_orange = await f.enterprise(w.tree["grid2"]["id"], risk_colour="orange")
    await inspected(stale_orange, 100)
    r = await client.get("/api/v1/planning/picks", params={"preset": "red_orange_stale"}, headers=h)
    assert r.status_code == 200
    assert set(r.json()["enterprise_ids"]) == {stale_orange["id"]}  # red: 40 days ago

    hazard = Hazard(
        enterprise=e["orange"]["id"],
        description="配电箱未接地",
        category="site",
        level="general",
        found_on=local_today(),
        deadline=local_today(),
        status="pending",
    )
    await hazard.save().run()
    r = await client.get("/api/v1/planning/picks", params={"preset": "open_hazards"}, headers=h)
    assert r.json()["enterprise_ids"] == [e["orange"]["id"]]
    r = await client.get("/api/v1/planning/picks", params={"preset": "x"}, headers=h)
    assert r.status_code == 400 and r.json()["extra"][0]["key"] == "preset"

    # The campaign form, opened from the due list, ticks the due enterprises.
    ph = await as_user(w.officer)
    page = await client.get("/campaigns/new", params={"preset": "due"}, headers=ph)
    assert page.status_code == 200
    assert f'value="{e["red"]["id"]}" checked' in page.text
    assert f'value="{e["orange"]["id"]}" checked' not in page.text
    assert 'option value="due" selected' in page.text
    form = {"action": "filter", "preset": "open_hazards", "name": "x"}
    page = await client.post("/campaigns/new", data=form, headers=ph)
    assert e["orange"]["name"] in page.text and e["red"]["name"] not in page.text


async def test_due_and_map_pages(client):
    w, e = await street()
    h = await as_user(w.officer)
    r = await client.get("/planning/due", headers=h)
    assert r.status_code == 200
    assert e["red"]["name"] in r.text and e["orange"]["name"] not in r.text
    assert "从未检查" in r.text and "已逾期" in r.text
    r = await client.get("/planning/due", params={"not_inspected_days": "abc"}, headers=h)
    assert r.status_code == 400
    r = await client.get("/risk/map", headers=h)
    assert r.status_code == 200
    community = w.tree["community"]
    assert community["name"] in r.text
    # one cell: the community × C (manufacturing) holds red, so it is red and opens the list
    assert f'href="/enterprises?org_unit_id={community["id"]}&amp;industry=C"' in r.text
    assert "rk-cell risk-red" in r.text
    # on a phone the columns are letters: the key under the table names them
    assert '<p class="small muted rk-key"><span><strong>C</strong> 制造业</span>' in r.text
    assert w.foreign_tree["community"]["name"] not in r.text


async def test_colour_map_counts(client):
    from inspections.risk.planning import colour_map

    w, _e = await street()
    grid = await colour_map(f.actor(w.officer))
    cell = grid["cells"][(w.tree["community"]["id"], "C")]
    # red, orange, blue, yellow, self (none), the world's enterprise (none); closed left out
    assert cell["counts"] == {"red": 1, "orange": 1, "yellow": 1, "blue": 1, "none": 2}
    assert cell["total"] == 6 and cell["worst"] == "red"
    assert grid["totals"]["none"] == 2


async def test_the_due_page_shows_fifty_a_page_and_counts_them_all(client):
    # A street of its own with 55 never-inspected enterprises (all due): 50 on the first
    # page, 5 on the second, the total on both; the plan button takes the whole list.
    w = await f.world()
    for i in range(54):  # the world's own enterprise is the 55th
        await f.enterprise(w.tree["grid1"]["id"], name=f"待检分页企业{i:02d}")
    h = await as_user(w.officer)
    first = await client.get("/planning/due", headers=h)
    assert first.status_code == 200
    rows = first.text.count("<tr>") - 1  # the header row
    assert rows == 50 and "55" in first.text
    assert 'href="/planning/due?offset=50"' in first.text
    assert 'href="/campaigns/new?preset=due"' in first.text
    second = await client.get("/planning/due", params={"offset": "50"}, headers=h)
    assert second.text.count("<tr>") - 1 == 5
    assert "51–55 / 55" in second.text
    filtered = await client.get("/planning/due", params={"colour": "none"}, headers=h)
    assert 'href="/planning/due?colour=none&amp;offset=50"' in filtered.text
