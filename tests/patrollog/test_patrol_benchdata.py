"""The patrol bench-data generator, small, on the engine under test: the rows it promises,
every report state, logs unique per worker and day, and figures that add up over it."""

from __future__ import annotations

from inspections.patrol.figures import patrol_figures
from inspections.patrol.log_tables import PatrolLog, PatrolLogVisit
from inspections.patrol.tables import PatrolReport
from safety.demo.benchdata.patrol import generate_patrol
from safety.tables import Attachment, OrgUnit, User
from tests import factories as f


async def test_it_generates_a_patrol_year_in_every_state():
    w = await f.world()
    street = w.tree["street"]["id"]
    for _ in range(3):
        await f.enterprise(w.tree["grid2"]["id"])
    got = await generate_patrol(street, reports=400, logs=120, days=60, seed=5)
    grids = [w.tree["grid1"]["id"], w.tree["grid2"]["id"]]
    assert got.reports == 400 and got.logs == 120 and got.photos == 400
    # The World already had one grid worker in grid1: one more there, two in grid2.
    assert got.grid_workers == 3
    workers = await User.count().where(User.role == "grid_worker", User.org_unit.is_in(grids)).run()
    assert workers == 4
    reports = (
        await PatrolReport.select(PatrolReport.status, PatrolReport.id)
        .where(PatrolReport.org_unit.is_in(grids))
        .run()
    )
    assert len(reports) == 400
    assert {r["status"] for r in reports} == {"new", "hazard", "dismissed", "referred"}
    photos = (
        await Attachment.count()
        .where(
            Attachment.owner_type == "patrol_report",
            Attachment.owner_id.is_in([r["id"] for r in reports]),
        )
        .run()
    )
    assert photos == 400
    logs = (
        await PatrolLog.select(PatrolLog.worker, PatrolLog.day)
        .where(PatrolLog.org_unit.is_in(grids))
        .run()
    )
    assert len(logs) == 120 and len({(x["worker"], x["day"]) for x in logs}) == 120
    visits = (
        await PatrolLogVisit.count()
        .where(
            PatrolLogVisit.log.is_in(
                PatrolLog.select(PatrolLog.id).where(PatrolLog.org_unit.is_in(grids))
            )
        )
        .run()
    )
    assert visits == got.visits > 0
    figures = await patrol_figures(
        f.actor(w.officer), street, date_from=None, date_to=None, group_by="worker"
    )
    assert sum(g["reports"] for g in figures["groups"]) == figures["totals"]["reports"]
    assert figures["totals"]["median_triage_seconds"] is not None
    # A second street's run keeps ids apart (explicit ids continue after the first run).
    other = await f.org_tree()
    await f.enterprise(other["grid1"]["id"])
    again = await generate_patrol(other["street"]["id"], reports=50, logs=10, days=30)
    assert again.reports == 50
    assert await OrgUnit.exists().where(OrgUnit.id == other["grid1"]["id"]).run()


async def test_safety_bench_data_makes_the_patrol_year_of_each_street():
    from safety.demo import benchdata
    from safety.settings import get_settings
    from tests.inspections.factories import checklist

    await checklist()  # the generator's inspections pin a checklist
    seed = 1000 + f.n() % 8000
    counts = await benchdata.generate(
        get_settings().resolved_database_url,
        enterprises=240,
        hazards=100,
        seed=seed,
        patrol_reports=300,
        patrol_logs=90,
    )
    assert counts["patrol_report"] == 300 and counts["patrol_log"] == 90
    assert counts["attachment"] == 300 and counts["app_user"] == 240  # 2 × 120 grids
    street = (
        await OrgUnit.select(OrgUnit.id, OrgUnit.path)
        .where(OrgUnit.name == f"基准街道{seed}-1")
        .first()
        .run()
    )
    grids = OrgUnit.select(OrgUnit.id).where(OrgUnit.path.like(street["path"] + "%"))
    statuses = (
        await PatrolReport.select(PatrolReport.status)
        .where(PatrolReport.org_unit.is_in(grids))
        .output(as_list=True)
        .run()
    )
    assert len(statuses) == 300 and {"new", "hazard", "dismissed", "referred"} <= set(statuses)
    # Ids continue after what was there: a later row of ours is written without a clash.
    w = await f.world()
    await f.user("grid_worker", org_unit_id=w.tree["grid1"]["id"])
