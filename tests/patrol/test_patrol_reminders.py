"""Reports left untriaged longer than ``patrol_untriaged_days`` reach the officers over
their grid in the daily digest; fresh and triaged ones do not."""

from __future__ import annotations

import datetime as dt

from inspections.patrol.tables import PatrolReport
from rectification.reminders import dedupe_key, run_reminders
from safety.settings import local_today
from safety.tables import Notification
from tests import factories as f
from tests.patrol.helpers import report, triage


async def _digest(day, officer: dict) -> dict | None:
    return (
        await Notification.select()
        .where(Notification.dedupe_key == dedupe_key(day, officer["id"]))
        .first()
        .run()
    )


async def _age(report_id: int, days: float) -> None:
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    await (
        PatrolReport.update({PatrolReport.reported_at: when})
        .where(PatrolReport.id == report_id)
        .run()
    )


async def test_untriaged_reports_are_in_the_officers_digest():
    w = await f.world()
    old = await report(w.grid_worker, description=f"安全出口被锁{f.n()}")
    fresh = await report(w.grid_worker, description=f"楼道堆物{f.n()}")
    done = await report(w.grid_worker, description=f"灭火器过期{f.n()}")
    await _age(old["id"], 3)
    await _age(fresh["id"], 1)
    await _age(done["id"], 5)
    await triage(w.officer, done["id"], action="dismiss", reason="已处理")
    day = local_today()
    result = await run_reminders(day)
    assert result.patrol_untriaged >= 1
    digest = await _digest(day, w.officer)
    assert digest is not None
    assert "巡查上报待研判超过 2 天" in digest["body"]
    assert old["description"] in digest["body"]
    assert fresh["description"] not in digest["body"]
    assert done["description"] not in digest["body"]
    foreign = (
        await Notification.exists()
        .where(Notification.dedupe_key == dedupe_key(day, w.foreign_officer["id"]))
        .run()
    )
    assert not foreign  # the foreign street has nothing of this


async def test_the_digest_waits_as_many_days_as_the_setting_says(monkeypatch):
    from safety.settings import get_settings

    monkeypatch.setattr(get_settings(), "patrol_untriaged_days", 5)
    w = await f.world()
    older = await report(w.grid_worker, description=f"配电箱未上锁{f.n()}")
    younger = await report(w.grid_worker, description=f"燃气管道锈蚀{f.n()}")
    await _age(older["id"], 5.2)
    await _age(younger["id"], 4.8)  # past the default 2 days, not past 5
    day = local_today()
    await run_reminders(day)
    digest = await _digest(day, w.officer)
    assert digest is not None
    assert "巡查上报待研判超过 5 天" in digest["body"]
    assert older["description"] in digest["body"]
    assert younger["description"] not in digest["body"]


async def test_the_digest_of_an_earlier_day_counts_the_wait_up_to_that_day():
    # `safety remind --day` for three days ago: a report 4 days old had waited at most
    # 2 days by the end of that day; one 5.5 days old had waited more than 2.5.
    w = await f.world()
    recent = await report(w.grid_worker, description=f"电动车楼道充电{f.n()}")
    older = await report(w.grid_worker, description=f"仓库门口堆放纸箱{f.n()}")
    await _age(recent["id"], 4.0)
    await _age(older["id"], 5.5)
    day = local_today() - dt.timedelta(days=3)
    await run_reminders(day)
    digest = await _digest(day, w.officer)
    assert digest is not None
    assert older["description"] in digest["body"]
    assert recent["description"] not in digest["body"]
