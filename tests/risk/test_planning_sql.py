"""The due list's tests run in SQL (due by the colour's frequency, not inspected for N
days), the campaign picker's presets filter and page in SQL, and the risk points API pages
in SQL: the same rows, in the same order, as the rules computed in Python, around the
days where a clamped month end or the local midnight decides; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from inspections.campaigns.plan import matching_enterprises
from inspections.risk import planning
from inspections.risk.rules import COLOURS, UNRATED, due_on, due_status
from inspections.tables import Inspection
from safety.settings import get_settings, local_today
from tests import factories as f
from tests.inspections.factories import checklist
from tests.pages import as_user
from tests.patrollog.counting import count_queries
from tests.risk.test_risk_api import body, url


async def _inspected_on(enterprise: dict, day: dt.date, checklist_id: int, minute: int) -> None:
    """A submitted campaign inspection at ``minute`` past local midnight of ``day``."""
    at = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(get_settings().timezone))
    await (
        Inspection(
            kind="campaign",
            enterprise=enterprise["id"],
            checklist=checklist_id,
            state="submitted",
            scheduled_on=day,
            submitted_at=at + dt.timedelta(minutes=minute),
        )
        .save()
        .run()
    )


async def _boundary_street(days: list[int]) -> tuple[f.World, list[dict]]:
    """Per colour, enterprises last inspected around the day whose due day is today plus
    ``days`` (a clamped month end among them), at the first and last minute of the day."""
    w = await f.world()
    tpl = await checklist(sections=1, items=1)
    months = planning.frequencies()
    today = local_today()
    made = [await f.enterprise(w.tree["grid1"]["id"], risk_colour="red")]  # never inspected
    for colour in (*COLOURS, None):
        every = months[colour or UNRATED]
        for k, extra in enumerate(days):
            limit = today + dt.timedelta(days=extra)
            edge = planning.last_day_due(limit, every)
            for step in (-1, 0, 1):
                e = await f.enterprise(w.tree["grid1"]["id"], risk_colour=colour)
                minute = (0, 1439)[(k + step) % 2]
                await _inspected_on(e, edge + dt.timedelta(days=step), tpl["id"], minute)
                made.append(e)
    return w, made


def _python_listed(row: dict, today: dt.date, within: int | None, stale: int | None) -> bool:
    last = row["last_inspected_on"]
    status = due_status(due_on(last, row["frequency_months"]), today, within or 0)
    if within is not None and status is None:
        return False
    return stale is None or last is None or (today - last).days >= stale


async def test_the_sql_tests_list_what_the_python_rules_list():
    w, made = await _boundary_street([0, 30, 7])
    officer = f.actor(w.officer)
    everything = await planning.due_rows(officer, due_only=False, within_days=0)
    assert len(everything) == len(made) + 1  # and the World's enterprise
    for today in (local_today(), local_today() + dt.timedelta(days=1)):
        for within in (0, 7, 30):
            for stale in (None, 0, 29, 30, 31, 90, 365):
                for due_only in (True, False):
                    got = await planning.due_rows(
                        officer,
                        within_days=within,
                        not_inspected_days=stale,
                        due_only=due_only,
                        today=today,
                    )
                    full = await planning.due_rows(
                        officer, within_days=within, due_only=False, today=today
                    )
                    want = [
                        r
                        for r in full
                        if _python_listed(r, today, within if due_only else None, stale)
                    ]
                    assert got == want, (today, within, stale, due_only)


async def test_the_picker_presets_filter_and_page_in_sql(client):
    w, _made = await _boundary_street([0])
    officer = f.actor(w.officer)
    for preset in planning.PRESETS:
        ids = sorted(await planning.pick_enterprises(officer, preset))
        rows, total = await matching_enterprises(officer, {"preset": preset}, None, limit=5)
        assert total == len(ids) and [r["id"] for r in rows] == ids[:5], preset
        grid = {"preset": preset, "unit": str(w.tree["grid2"]["id"])}
        assert await matching_enterprises(officer, grid, None) == ([], 0)
    headers = await as_user(w.officer)
    with count_queries() as small:
        r = await client.get("/campaigns/new?preset=due", headers=headers)
    assert r.status_code == 200
    for _ in range(6):
        await f.enterprise(w.tree["grid1"]["id"], risk_colour="orange")
    with count_queries() as large:
        r = await client.get("/campaigns/new?preset=due", headers=headers)
    assert r.status_code == 200 and small.count == large.count, (small.count, large.count)


async def test_the_risk_points_api_pages_in_sql_worst_first(client):
    w = await f.world()
    h = f.headers(w.officer)
    scores = [(1, 1, 1), (3, 6, 7), (3, 6, 7), (10, 6, 40), (6, 6, 15), (1, 1, 1)]
    for k, (likelihood, exposure, consequence) in enumerate(scores):
        data = body(
            name=f"点{'乙甲丙丁戊己'[k]}{f.n()}",
            likelihood=likelihood,
            exposure=exposure,
            consequence=consequence,
            control_tier="company",
        )
        r = await client.post(url(w.enterprise), json=data, headers=f.headers(w.enterprise_user))
        assert r.status_code == 201, r.text
    retired = r.json()
    r = await client.patch(
        f"/api/v1/risk-points/{retired['id']}",
        json={"version": retired["version"], "active": False},
        headers=h,
    )
    assert r.status_code == 200, r.text
    order = {c: i for i, c in enumerate(COLOURS)}
    for inactive in (False, True):
        whole = await client.get(
            url(w.enterprise), params={"include_inactive": inactive, "limit": 100}, headers=h
        )
        items = whole.json()["items"]
        assert whole.json()["total"] == len(items) == (6 if inactive else 5)
        key = [(not p["active"], order[p["colour"]], -p["score"], p["name"]) for p in items]
        assert key == sorted(key)
        pages = []
        for offset in range(0, len(items), 2):
            with count_queries() as counted:
                page = await client.get(
                    url(w.enterprise),
                    params={"include_inactive": inactive, "limit": 2, "offset": offset},
                    headers=h,
                )
            assert page.json()["total"] == len(items)
            pages += page.json()["items"]
            assert counted.count <= 6, counted.count
        assert pages == items
