"""Patrol figures (per grid, per grid worker) against a plain Python computation over the
same rows, on the engine under test; a constant number of queries whatever the size;
scope and roles."""

from __future__ import annotations

import datetime as dt
import random
import statistics

from inspections.patrol.figure_records import FIGURES, figure_records
from inspections.patrol.figures import patrol_figures
from inspections.patrol.log_tables import PatrolLog, PatrolLogVisit
from inspections.patrol.tables import PatrolReport
from inspections.tables import Hazard
from safety.settings import local_today
from tests import factories as f
from tests.patrol.helpers import HAZARD, report, triage
from tests.patrollog.counting import count_queries

API = "/api/v1/patrol-figures"


async def _generated(seed: int = 7) -> tuple[f.World, list[dict]]:
    """Two grids, three workers, reports in every state, with controlled report and triage
    times (so the medians are known), one hazard closed and one voided."""
    rng = random.Random(seed)
    w = await f.world()
    grid1, grid2 = w.tree["grid1"]["id"], w.tree["grid2"]["id"]
    ent2 = await f.enterprise(grid2)
    mate = await f.user("grid_worker", org_unit_id=grid1)
    far = await f.user("grid_worker", org_unit_id=grid2)
    plan = [(w.grid_worker, grid1, w.enterprise), (mate, grid1, w.enterprise), (far, grid2, ent2)]
    made = []
    for i in range(24):
        worker, grid, ent = plan[i % 3]
        made.append(await report(worker, org_unit_id=grid, enterprise_id=ent["id"]))
    actions = ["hazard", "dismiss", "refer", "new", "duplicate"]
    first_hazard: dict[int, int] = {}
    for i, r in enumerate(made):
        action = actions[i % 5]
        if action == "hazard":
            await triage(w.officer, r["id"], **HAZARD, description=f"隐患{i}")
            first_hazard.setdefault(r["org_unit_id"], r["id"])
        elif action == "dismiss":
            await triage(w.officer, r["id"], action="dismiss", reason="非安全问题")
        elif action == "refer":
            await triage(w.officer, r["id"], action="refer", to="市场监管", reason="无照经营")
        elif action == "duplicate" and r["org_unit_id"] in first_hazard:
            await triage(
                w.officer, r["id"], action="duplicate", duplicate_of=first_hazard[r["org_unit_id"]]
            )
    # Times: reported in the last 20 days, triaged 0.5–72 hours later (whole seconds).
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for r in made:
        reported = now - dt.timedelta(days=rng.randint(1, 20), seconds=rng.randint(0, 86_000))
        row = await PatrolReport.select().where(PatrolReport.id == r["id"]).first().run()
        values = {PatrolReport.reported_at: reported}
        if row["triaged_at"] is not None:
            values[PatrolReport.triaged_at] = reported + dt.timedelta(
                seconds=rng.randint(1800, 72 * 3600)
            )
        await PatrolReport.update(values).where(PatrolReport.id == r["id"]).run()
    hazards = await (
        PatrolReport.select(PatrolReport.hazard)
        .where(PatrolReport.id.is_in([r["id"] for r in made]), PatrolReport.hazard.is_not_null())
        .output(as_list=True)
        .run()
    )
    hazards = sorted(set(hazards))
    await Hazard.update({Hazard.status: "closed"}).where(Hazard.id == hazards[0]).run()
    await Hazard.update({Hazard.status: "voided"}).where(Hazard.id == hazards[-1]).run()
    # Logs: some days for two of the workers.
    for day_back, worker, grid, ents in (
        (1, w.grid_worker, grid1, [w.enterprise["id"]]),
        (2, w.grid_worker, grid1, []),
        (3, far, grid2, [ent2["id"]]),
        (45, far, grid2, [ent2["id"]]),  # outside the default 30 days
    ):
        log = PatrolLog(
            worker=worker["id"], org_unit=grid, day=local_today() - dt.timedelta(days=day_back)
        )
        await log.save().run()
        for e in ents:
            await PatrolLogVisit(log=log.id, enterprise=e, visited_on=log.day).save().run()
    return w, [w.grid_worker, mate, far]


def _expected(rows: list[dict], hazard_status: dict[int, str]) -> dict:
    """The definitions of inspections/patrol/figures.py, in plain Python."""
    durations = [
        (r["triaged_at"] - r["reported_at"]).total_seconds() for r in rows if r["triaged_at"]
    ]
    hazards = {r["hazard"] for r in rows if r["hazard"] and hazard_status[r["hazard"]] != "voided"}
    return {
        "reports": len(rows),
        "untriaged": sum(r["status"] == "new" for r in rows),
        "hazards": len(hazards),
        "closed": sum(hazard_status[h] == "closed" for h in hazards),
        "referred": sum(r["status"] == "referred" for r in rows),
        "dismissed": sum(r["status"] == "dismissed" for r in rows),
        "median_triage_seconds": round(statistics.median(durations)) if durations else None,
    }


def _figures_only(row: dict) -> dict:
    keys = ("reports", "untriaged", "hazards", "closed", "referred", "dismissed")
    return {k: row[k] for k in (*keys, "median_triage_seconds")}


async def test_the_figures_match_a_plain_computation_per_grid_and_per_worker():
    w, workers = await _generated()
    street = w.tree["street"]["id"]
    rows = (
        await PatrolReport.select()
        .where(PatrolReport.org_unit.is_in([w.tree["grid1"]["id"], w.tree["grid2"]["id"]]))
        .run()
    )
    status = {
        h["id"]: h["status"]
        for h in await Hazard.select(Hazard.id, Hazard.status)
        .where(Hazard.id.is_in([r["hazard"] for r in rows if r["hazard"]] or [-1]))
        .run()
    }
    assert {r["status"] for r in rows} == {"new", "hazard", "dismissed", "referred"}
    by_grid = await patrol_figures(f.actor(w.officer), street, group_by="grid")
    assert _figures_only(by_grid["totals"]) == _expected(rows, status)
    groups = {g["key"]: g for g in by_grid["groups"]}
    for grid in (w.tree["grid1"]["id"], w.tree["grid2"]["id"]):
        mine = [r for r in rows if r["org_unit"] == grid]
        assert _figures_only(groups[grid]) == _expected(mine, status), grid
    assert groups[w.tree["grid1"]["id"]]["logs"] == 2
    assert groups[w.tree["grid1"]["id"]]["visits"] == 1
    assert groups[w.tree["grid2"]["id"]]["logs"] == 1  # the 45-day-old one is outside
    by_worker = await patrol_figures(f.actor(w.officer), street, group_by="worker")
    groups = {g["key"]: g for g in by_worker["groups"]}
    for worker in workers:
        mine = [r for r in rows if r["reported_by"] == worker["id"]]
        assert _figures_only(groups[worker["id"]]) == _expected(mine, status)
    assert by_worker["totals"]["reports"] == len(rows)
    # One grid only: its own numbers are the totals.
    grid_only = await patrol_figures(f.actor(w.officer), w.tree["grid2"]["id"])
    mine = [r for r in rows if r["org_unit"] == w.tree["grid2"]["id"]]
    assert _figures_only(grid_only["totals"]) == _expected(mine, status)
    # A period that holds none of them: zeros and a null median, never a 0.
    old = local_today() - dt.timedelta(days=400)
    empty = await patrol_figures(f.actor(w.officer), street, old, old + dt.timedelta(days=5))
    assert empty["totals"]["reports"] == 0 and empty["totals"]["median_triage_seconds"] is None


async def test_every_number_opens_exactly_the_records_it_counts():
    w, _ = await _generated(seed=11)
    street = w.tree["street"]["id"]
    officer = f.actor(w.officer)
    for group in ("grid", "worker"):
        out = await patrol_figures(officer, street, group_by=group)
        for row in [out["totals"], *out["groups"]]:
            key = row.get("key")
            for figure in FIGURES:
                if figure == "median":
                    continue
                got = await figure_records(officer, figure, street, group_by=group, key=key)
                assert got["total"] == row[figure], (group, key, figure)
                assert len(got["items"]) == min(row[figure], 50)
        triaged = await figure_records(officer, "median", street, group_by=group)
        seconds = [r["triage_seconds"] for r in triaged["items"]]
        assert (
            seconds == sorted(seconds)
            and triaged["total"] == out["totals"]["reports"] - (out["totals"]["untriaged"])
        )


async def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    w = await f.world()
    grid = w.tree["grid1"]["id"]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
    for hours in (1, 2, 5, 100):
        r = await report(w.grid_worker, org_unit_id=grid)
        await triage(w.officer, r["id"], action="dismiss", reason="无隐患")
        await (
            PatrolReport.update(
                {
                    PatrolReport.reported_at: now,
                    PatrolReport.triaged_at: now + dt.timedelta(hours=hours),
                }
            )
            .where(PatrolReport.id == r["id"])
            .run()
        )
    out = await patrol_figures(f.actor(w.officer), grid)
    assert out["totals"]["median_triage_seconds"] == 3.5 * 3600
    assert out["totals"]["dismissed"] == 4


async def test_the_number_of_queries_does_not_grow_with_the_data():
    w, _ = await _generated(seed=3)
    street = w.tree["street"]["id"]
    with count_queries() as small:
        await patrol_figures(f.actor(w.officer), street, group_by="worker")
    for _ in range(2):
        await _more_reports(w)
    with count_queries() as large:
        await patrol_figures(f.actor(w.officer), street, group_by="worker")
    assert small.count == large.count <= 10, (small.count, large.count)


async def _more_reports(w: f.World) -> None:
    extra = await f.user("grid_worker", org_unit_id=w.tree["grid2"]["id"])
    for _ in range(3):
        await report(extra, org_unit_id=w.tree["grid2"]["id"])


async def test_the_api_answers_officers_only_within_their_subtree(client):
    w = await f.world()
    r = await client.get(API, headers=f.headers(w.officer))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["org_unit_id"] == w.tree["street"]["id"] and body["group_by"] == "grid"
    assert set(body["totals"]) >= {"reports", "hazards", "closed", "median_triage_seconds"}
    assert len(body["groups"]) == 2 and body["date_from"] <= body["date_to"]
    r = await client.get(
        API, params={"org_unit_id": w.foreign_tree["street"]["id"]}, headers=f.headers(w.officer)
    )
    assert r.status_code == 404
    r = await client.get(
        API,
        params={"group_by": "x", "from": "2026-02-01", "to": "2026-01-01"},
        headers=f.headers(w.officer),
    )
    assert r.status_code == 400
    assert {e["key"] for e in r.json()["extra"]} <= {"group_by", "from"}
    for who in (w.grid_worker, w.inspector, w.enterprise_user, w.admin):
        assert (await client.get(API, headers=f.headers(who))).status_code == 403
