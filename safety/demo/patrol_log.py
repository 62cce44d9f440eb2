"""The demo's month of grid patrol, added to ``safety.demo.patrol``'s grid workers:
patrol logs (网格日志) on most days of the last month, and a month of earlier reports
triaged every way (made a hazard — one of them rectified and closed — dismissed,
referred, and a few left waiting), so the logs, the not-visited list and the patrol
figures have something to show. Through the same services the pages use; only the
report and triage times are moved back to the day they stand for.
"""

from __future__ import annotations

import datetime as dt
import random

from inspections.patrol import logs, service
from inspections.patrol.log_schemas import PatrolLogIn
from inspections.patrol.schemas import PatrolReportIn, TriageIn
from inspections.patrol.tables import PatrolReport
from safety.actors import actor_from_user
from safety.settings import local_today
from safety.tables import User

NOTES = (
    "巡查正常，提醒企业保持消防通道畅通",
    "企业负责人不在，已电话提醒灭火器年检",
    "检查了电动车充电区，未发现飞线充电",
    "餐馆后厨气瓶已按要求固定",
    "",
)
SIGHTS = (
    ("楼道内堆放杂物，占用疏散通道", "3号楼楼道"),
    ("配电箱门未关闭，线路裸露", "厂房西侧"),
    ("仓库内发现烟头", "仓库门口"),
    ("疏散指示标志不亮", "一楼大厅"),
    ("电动车在门厅充电", "单元门厅"),
    ("灭火器过期未更换", "前台"),
)


async def seed_patrol_month(workers: dict[str, dict], today: dt.date | None = None) -> None:
    """Logs on about two days in three of the last 30 for each grid worker, and two
    dozen earlier reports in every outcome."""
    rng = random.Random(13)
    today = today or local_today()
    officer = actor_from_user(await User.select().where(User.username == "officer").first().run())
    for user in workers.values():
        actor = actor_from_user(user)
        grids = await logs.grids_of(actor)
        for back in range(30, 0, -1):
            if rng.random() < 0.35:
                continue
            grid = grids[back % len(grids)]
            ents = [e["id"] for e in await logs.grid_enterprises(grid["id"])]
            visited = rng.sample(ents, min(len(ents), rng.randint(1, 3)))
            await logs.save_log(
                actor,
                PatrolLogIn(
                    org_unit_id=grid["id"],
                    date=today - dt.timedelta(days=back),
                    visited_enterprise_ids=visited,
                    notes=rng.choice(NOTES),
                ),
            )
    outcomes = ("hazard", "dismiss", "refer", "dismiss", "refer", "hazard", "new")
    pairs = [(u, g) for u in workers.values() for g in await logs.grids_of(actor_from_user(u))]
    closed = False
    for i in range(24):
        user, grid = pairs[i % len(pairs)]
        actor = actor_from_user(user)
        ents = await logs.grid_enterprises(grid["id"])
        description, address = SIGHTS[i % len(SIGHTS)]
        report = await service.submit_report(
            actor,
            PatrolReportIn(
                org_unit_id=grid["id"],
                enterprise_id=ents[i % len(ents)]["id"] if ents else None,
                address=address,
                description=description,
            ),
        )
        action = outcomes[i % len(outcomes)]
        if action == "hazard" and not ents:
            action = "dismiss"
        reported = dt.datetime.combine(
            today - dt.timedelta(days=8 + i), dt.time(1 + i % 8, 10 * (i % 6)), dt.UTC
        )
        values = {PatrolReport.reported_at: reported}
        if action != "new":
            if action == "hazard":
                body = TriageIn(
                    action="hazard", level="general", category="site", subcategory="消防"
                )
            elif action == "dismiss":
                body = TriageIn(action="dismiss", reason="现场核实已整改")
            else:
                body = TriageIn(action="refer", to="市场监管", reason="无证经营，转市场监管所")
            done = await service.triage(officer, report["id"], body)
            values[PatrolReport.triaged_at] = reported + dt.timedelta(hours=2 + 5 * (i % 7))
            if action == "hazard" and not closed and done.get("hazard_id"):
                closed = await _close(done["hazard_id"], officer, today)
        await PatrolReport.update(values).where(PatrolReport.id == report["id"]).run()


async def _close(hazard_id: int, officer, completed: dt.date) -> bool:
    """Rectified by the enterprise's contact and verified by the officer, when the hazard
    is at an enterprise with a demo contact."""
    from inspections.tables import Hazard
    from rectification import services as rect
    from rectification.schemas import VerificationIn
    from safety.demo.hazards import submit_with_photo

    hazard = await Hazard.select(Hazard.enterprise).where(Hazard.id == hazard_id).first().run()
    contact = await (
        User.select()
        .where(User.role == "enterprise", User.enterprise == hazard["enterprise"])
        .first()
        .run()
    )
    if contact is None:
        return False
    await submit_with_photo(
        actor_from_user(contact), hazard_id, "已清理疏散通道并张贴警示", completed
    )
    await rect.verify(officer, hazard_id, VerificationIn(result="pass", comment="现场复核通过"))
    return True
